"""Neither a data protection officer's contact details nor a statement that none is appointed (Art. 13(1)(b))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_dpo_contact_missing",
    "title": {"en": "No DPO contact and no statement that none is appointed",
              "fi": "Tietosuojavastaavan yhteystiedot tai tieto sen puuttumisesta puuttuvat"},
    "severity": "low",
    "legal": ["GDPR Art. 13(1)(b)", "GDPR Art. 37(7)", "GDPR Art. 30(1)(a)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "{problem_en}",
        "fi": "{problem_fi}",
    },
    "remediation": {
        "en": "Give the data protection officer's contact details, or state that none has been appointed "
              "(dpo_appointed: false) and whom to contact instead.",
        "fi": "Ilmoita tietosuojavastaavan yhteystiedot tai kerro, ettei tietosuojavastaavaa ole nimitetty "
              "(dpo_appointed: false), ja kenelle tietosuoja-asiat osoitetaan.",
    },
}


def find(context):
    """One row when the DPO's contact is missing and the notice does not say none is appointed."""
    register = register_of(context)
    dpo = register.dpo
    if dpo is not None and (dpo.email or dpo.phone):
        return []
    if dpo is None and register.dpo_appointed is False:
        return []
    if dpo is not None or register.dpo_appointed:
        return [{"record_ref": ref(context, "dpo"),
                 "problem_en": "A data protection officer is declared but without an e-mail address or phone number.",
                 "problem_fi": "Tietosuojavastaava on ilmoitettu ilman sähköpostiosoitetta tai puhelinnumeroa."}]
    return [{"record_ref": ref(context, "dpo"),
             "problem_en": "The notice neither gives a data protection officer's contact details nor states that "
                           "none is appointed.",
             "problem_fi": "Seloste ei anna tietosuojavastaavan yhteystietoja eikä kerro, ettei sellaista ole "
                           "nimitetty."}]


def population(context) -> int:
    """One notice."""
    return 1
