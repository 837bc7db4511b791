"""Personal data typed into free text: e-mail addresses, phone numbers, identity codes, IBANs."""

from __future__ import annotations

import re

CHECK = {
    "id": "inventory_pii_in_free_text",
    "title": {"en": "Personal data in free text", "fi": "Henkilötietoja vapaatekstikentässä"},
    "severity": "high",
    "legal": ["GDPR Art. 5(1)(c)", "Tietosuojalaki 1050/2018 29 §", "GDPR Art. 25(2)"],
    "needs": {"support_contacts": ["contact_id", "at", "text"]},
    "message": {
        "en": "Support contact {contact_id} of {subject_ref} ({event_at}) holds personal data in its free text: "
              "{found}.",
        "fi": "Henkilön {subject_ref} asiakaspalveluyhteydenoton {contact_id} ({event_at}) vapaatekstissä on "
              "henkilötietoja: {found}.",
    },
    "remediation": {
        "en": "Remove the identifiers from the text (keep them, if needed, only in their declared fields), ask "
              "customers not to send identity codes or account numbers in messages, and mask them on entry.",
        "fi": "Poista tunnisteet tekstistä (säilytä ne tarvittaessa vain niille ilmoitetuissa kentissä), pyydä "
              "asiakkaita olemaan lähettämättä henkilötunnuksia tai tilinumeroita viesteissä ja peitä ne "
              "tallennettaessa.",
    },
    "evidence": ["kinds", "found"],
}

# Only texts with an "@" or a digit can hold any of the kinds: DuckDB passes just those to Python,
# each distinct text once (a register repeats its template answers and stock phrases), and joins
# the verdicts back to the contacts.
_WHERE = """"at" >= $period_start AND "at" < $period_end AND regexp_matches(text, '[@0-9]')"""
_CANDIDATE_TEXTS = f"SELECT DISTINCT text FROM support_contacts WHERE {_WHERE} ORDER BY text"
_FOUND = f"""
    SELECT c.contact_id, c.subject_id, c."at" AS event_at, f.kinds, f.found
    FROM support_contacts c
    JOIN (SELECT CAST(text AS VARCHAR) AS text, CAST(kinds AS VARCHAR) AS kinds, CAST(found AS VARCHAR) AS found
          FROM _pii_found) f ON f.text = c.text
    WHERE {_WHERE.replace('"at"', 'c."at"').replace('(text', '(c.text')}
    ORDER BY c."at", c.contact_id"""
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
# Date, century sign (incl. the signs of 2023: Y X W V U for the 1900s, B-F for the 2000s), number, check.
_HETU = re.compile(r"(?<![0-9A-Za-z])[0-3]\d[01]\d\d\d[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])")
# Country, check digits, then groups of up to four, printed with or without spaces.
_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![0-9A-Za-z])")
KINDS = ("hetu", "iban", "email", "phone")


def scan(text: str, ignored_emails: frozenset[str] = frozenset(), region: str = "FI") -> dict[str, int]:
    """Counts of each kind of identifier in ``text`` (offline). Identity codes and IBANs are counted
    only when their checksum holds; each match is blanked before the next kind is sought, so an IBAN's
    or a code's digits are not counted again as a phone number."""
    import phonenumbers
    from stdnum import iban
    from stdnum.fi import hetu

    counts = dict.fromkeys(KINDS, 0)

    def take(kind: str, pattern: re.Pattern, valid) -> None:
        nonlocal text
        for match in list(pattern.finditer(text)):
            if valid(match.group()):
                counts[kind] += 1
                text = text[:match.start()] + " " * len(match.group()) + text[match.end():]

    take("hetu", _HETU, lambda v: hetu.is_valid(v, allow_temporary=True))
    take("iban", _IBAN, iban.is_valid)
    take("email", _EMAIL, lambda v: v.lower() not in ignored_emails)
    counts["phone"] = sum(1 for _ in phonenumbers.PhoneNumberMatcher(text, region))
    return {k: n for k, n in counts.items() if n}


def _controller_addresses(context) -> frozenset[str]:
    """The controller's own published e-mail addresses: naming them in a message discloses nobody."""
    register = context.declaration.register
    people = [register.controller, register.contact_person, register.dpo]
    return frozenset(p.email.lower() for p in people if p is not None and getattr(p, "email", None))


def find(context):
    """One row per support contact of the period whose text holds an identifier (kinds and counts only)."""
    import pandas as pd

    ignored = _controller_addresses(context)
    verdicts = {"text": [], "kinds": [], "found": []}
    for (text,) in context.con.execute(_CANDIDATE_TEXTS, _bound(_CANDIDATE_TEXTS, context)).fetchall():
        found = scan(text or "", ignored)
        if found:
            verdicts["text"].append(text)
            verdicts["kinds"].append(", ".join(found))
            verdicts["found"].append(", ".join(f"{k} ×{n}" for k, n in found.items()))
    context.con.register("_pii_found", pd.DataFrame(verdicts, dtype="object"))
    try:
        rows = context.query(_FOUND)
    finally:
        context.con.unregister("_pii_found")
    return [{**row, "record_ref": f"support_contacts/{row['contact_id']}"} for row in rows]


def _bound(sql: str, context) -> dict:
    from audit_lib.sql import bind

    return bind(sql, context.params)


def population(context) -> int:
    """Support contacts of the period with a text."""
    return context.query('SELECT count(*) AS n FROM support_contacts WHERE "at" >= $period_start '
                         'AND "at" < $period_end AND text IS NOT NULL')[0]["n"]
