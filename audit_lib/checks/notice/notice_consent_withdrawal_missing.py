"""Processing rests on consent but the notice does not state the right to withdraw it (GDPR Art. 13(2)(c))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_consent_withdrawal_missing",
    "title": {"en": "Right to withdraw consent not stated",
              "fi": "Oikeutta peruuttaa suostumus ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(2)(c)", "GDPR Art. 7(3)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Consent is relied on ({relied_on}) but the notice does not say it can be withdrawn at any time.",
        "fi": "Käsittely perustuu suostumukseen ({relied_on}), mutta seloste ei kerro, että suostumuksen voi "
              "peruuttaa milloin tahansa.",
    },
    "remediation": {
        "en": "State that consent can be withdrawn at any time, as easily as it was given, without affecting "
              "earlier processing, and how to do it.",
        "fi": "Kerro, että suostumuksen voi peruuttaa milloin tahansa yhtä helposti kuin sen antoi, ettei "
              "peruutus vaikuta aiempaan käsittelyyn, ja miten peruutus tehdään.",
    },
    "evidence": ["relied_on"],
}


def _relied_on(register) -> list[str]:
    # Key paths and ids only: the same words in either language of the message.
    uses = [f"purposes: {p.id}" for p in register.purposes if p.lawful_basis == "consent"]
    uses += [f"marketing.channels: {c.channel}" for c in register.marketing.channels if c.requires == "opt_in_consent"]
    condition = (register.special_categories.art9_condition or "").lower()
    if "9(2)(a)" in condition or "consent" in condition or "suostum" in condition:
        uses.append("special_categories.art9_condition")
    return uses


def find(context):
    """One row when consent is relied on and withdrawal is not stated."""
    register = register_of(context)
    relied_on = _relied_on(register)
    if relied_on and not register.rights.withdrawal_of_consent_stated:
        return [{"record_ref": ref(context, "rights", "withdrawal_of_consent_stated"),
                 "relied_on": ", ".join(relied_on)}]
    return []


def population(context) -> int:
    """Uses of consent declared."""
    return len(_relied_on(register_of(context)))
