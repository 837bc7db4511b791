"""Cookie and usage data is declared but the notice says nothing of the cookies' purposes or of consent to them.

Laki sähköisen viestinnän palveluista 917/2014 205 §: information may be stored on or read from a user's terminal
(cookies) only with the user's consent and with comprehensible and complete information on its purpose, unless it
is strictly necessary for the service the user asked for. Consent is due only where the cookie data serves a
purpose other than the service itself (a fideslang use outside essential.*)."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of, under

CHECK = {
    "id": "notice_cookie_purposes_missing",
    "title": {"en": "Cookies: no purposes and no consent stated",
              "fi": "Evästeet: käyttötarkoituksia ja suostumusta ei ole kerrottu"},
    "severity": "medium",
    "legal": ["Laki sähköisen viestinnän palveluista 917/2014 205 §", "GDPR Art. 13(1)(c)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The register holds cookie data ({categories}, used for {purposes}) but the notice says nothing of "
              "{missing_en}.",
        "fi": "Rekisterissä on evästetietoja ({categories}, käyttötarkoitukset {purposes}), mutta seloste ei kerro "
              "{missing_fi}.",
    },
    "remediation": {
        "en": "Say which cookies are used and for what, that those not strictly necessary are set only with consent, "
              "and how to give, refuse and withdraw it (cookies.purposes_stated, cookies.consent_stated).",
        "fi": "Kerro, mitä evästeitä käytetään ja mihin, että muita kuin välttämättömiä evästeitä käytetään vain "
              "suostumuksella ja miten suostumuksen voi antaa, evätä ja peruuttaa (cookies.purposes_stated, "
              "cookies.consent_stated).",
    },
    "evidence": ["categories", "missing_en"],
}

# fideslang data categories of information stored on or read from the terminal.
COOKIE_KEYS = ("user.device.cookie_id", "user.device.cookie")


def _cookie_categories(register) -> list[str]:
    return [c.id for c in register.data_categories
            if under(c.fides_key, COOKIE_KEYS) or "eväste" in c.label.fi.lower() or "cookie" in c.label.en.lower()]


def find(context):
    """One row when cookie categories are declared and their purposes, or the consent due, are not stated."""
    register = register_of(context)
    categories = _cookie_categories(register)
    if not categories:
        return []
    purposes = [p for p in register.purposes if set(p.categories) & set(categories)]
    consent_due = any(not p.fides_use.startswith("essential") for p in purposes)
    missing = []
    if not register.cookies.purposes_stated:
        missing.append(("purposes_stated", "their purposes", "niiden käyttötarkoituksista"))
    if consent_due and not register.cookies.consent_stated:
        missing.append(("consent_stated", "consent to those not strictly necessary",
                        "suostumuksesta muihin kuin välttämättömiin evästeisiin"))
    if not missing:
        return []
    return [{"record_ref": ref(context, "cookies", missing[0][0]), "categories": ", ".join(categories),
             "purposes": ", ".join(p.id for p in purposes) or "-",
             "missing_en": " or ".join(m[1] for m in missing), "missing_fi": " eikä ".join(m[2] for m in missing)}]


def population(context) -> int:
    """Declared cookie categories."""
    return len(_cookie_categories(register_of(context)))
