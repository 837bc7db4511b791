"""The notice does not list every data-subject right (GDPR Art. 13(2)(b))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_rights_incomplete",
    "title": {"en": "Data-subject rights not listed in full",
              "fi": "Rekisteröidyn oikeuksia ei ole lueteltu kattavasti"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(2)(b)", "GDPR Art. 15–18", "GDPR Art. 20", "GDPR Art. 21(1)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The notice does not tell the data subject of the right {right_en} ({article}).",
        "fi": "Seloste ei kerro rekisteröidyn oikeudesta: {right_fi} ({article}).",
    },
    "remediation": {
        "en": "List in the notice the rights of access, rectification, erasure, restriction, objection and data "
              "portability, and how to use them.",
        "fi": "Luettele selosteessa oikeudet tarkastaa, oikaista ja poistaa tiedot, rajoittaa käsittelyä, "
              "vastustaa käsittelyä ja siirtää tiedot järjestelmästä toiseen sekä kerro, miten niitä käytetään.",
    },
    "evidence": ["right"],
    "fingerprint": ["right"],
}

RIGHTS = {
    "access": ("of access", "oikeus saada pääsy tietoihin", "Art. 15"),
    "rectification": ("to rectification", "oikeus tietojen oikaisemiseen", "Art. 16"),
    "erasure": ("to erasure", "oikeus tietojen poistamiseen", "Art. 17"),
    "restriction": ("to restriction of processing", "oikeus käsittelyn rajoittamiseen", "Art. 18"),
    "objection": ("to object", "oikeus vastustaa käsittelyä", "Art. 21(1)"),
    "portability": ("to data portability", "oikeus siirtää tiedot järjestelmästä toiseen", "Art. 20"),
}


def _due(register) -> list[str]:
    bases = {p.lawful_basis for p in register.purposes}
    due = ["access", "rectification", "erasure", "restriction"]
    # Art. 21(1) applies to processing on Art. 6(1)(e) or (f); with no basis stated it cannot be ruled out.
    if bases & {"legitimate_interests", "public_task", None}:
        due.append("objection")
    # Art. 20 applies to processing on consent or contract; likewise.
    if bases & {"consent", "contract", None}:
        due.append("portability")
    return due


def find(context):
    """One row per right due but not stated."""
    register = register_of(context)
    stated = set(register.rights.stated)
    # One finding per missing right, each with its own reference, so that a diff between periods
    # shows exactly which statement was added.
    return [{"record_ref": ref(context, "rights", "stated") + "/" + right, "right": right, "right_en": RIGHTS[right][0],
             "right_fi": RIGHTS[right][1], "article": "GDPR " + RIGHTS[right][2]}
            for right in _due(register) if right not in stated]


def population(context) -> int:
    """Rights due under the declared bases."""
    return len(_due(register_of(context)))
