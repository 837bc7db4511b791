"""A declared purpose states no lawful basis (GDPR Art. 13(1)(c); the basis to name is one of Art. 6(1)).

A silent notice breaches 13(1)(c); it does not prove that no Art. 6(1) basis exists. A basis the notice plainly
gives without naming the article ("consent is asked separately", lawful_basis_derived_from) is stated."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_lawful_basis_missing",
    "title": {"en": "Purpose without a lawful basis",
              "fi": "Käyttötarkoitus ilman käsittelyperustetta"},
    "severity": "high",
    "legal": ["GDPR Art. 13(1)(c)", "GDPR Art. 5(1)(a)", "GDPR Art. 6(1)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Purpose {purpose} ({label_en}) states no lawful basis under GDPR Art. 6(1).",
        "fi": "Käyttötarkoitukselle {purpose} ({label_fi}) ei ole ilmoitettu tietosuoja-asetuksen 6 artiklan 1 "
              "kohdan mukaista käsittelyperustetta.",
    },
    "remediation": {
        "en": "Name one basis per purpose (consent, contract, legal obligation, vital interests, public task or "
              "legitimate interests) in the notice and in lawful_basis.",
        "fi": "Ilmoita jokaiselle käyttötarkoitukselle yksi käsittelyperuste (suostumus, sopimus, lakisääteinen "
              "velvoite, elintärkeä etu, yleinen etu tai oikeutettu etu) selosteessa ja kentässä lawful_basis.",
    },
    "evidence": ["purpose"],
}


def find(context):
    """One row per purpose whose lawful_basis is null."""
    return [{"record_ref": ref(context, "purposes", index, "lawful_basis"), "purpose": purpose.id,
             "label_en": purpose.label.en, "label_fi": purpose.label.fi}
            for index, purpose in enumerate(register_of(context).purposes) if purpose.lawful_basis is None]


def population(context) -> int:
    """Purposes declared."""
    return len(register_of(context).purposes)
