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
        "en": "The notice does not tell the data subject of the right {right_en} ({article}){condition_en}.",
        "fi": "Seloste ei kerro rekisteröidyn oikeudesta: {right_fi} ({article}){condition_fi}.",
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


# Rights due only under some bases: the bases, and the condition in English and Finnish.
CONDITIONAL = {
    "objection": ({"legitimate_interests", "public_task"}, "legitimate interests or a public task",
                  "oikeutettuun etuun tai yleisen edun mukaiseen tehtävään"),
    "portability": ({"consent", "contract"}, "consent or a contract", "suostumukseen tai sopimukseen"),
}


def _due(register) -> dict[str, str]:
    """Right -> 'breach' where a declared basis makes it due, 'verify' where only a purpose without a stated basis
    might (Art. 21(1) applies to Art. 6(1)(e)-(f), Art. 20 to consent and contract)."""
    bases = {p.lawful_basis for p in register.purposes}
    due = {right: "breach" for right in ("access", "rectification", "erasure", "restriction")}
    for right, (applies, _, _) in CONDITIONAL.items():
        if bases & applies:
            due[right] = "breach"
        elif None in bases:
            due[right] = "verify"
    return due


def find(context):
    """One row per right due but not stated."""
    register = register_of(context)
    stated = set(register.rights.stated)
    rows = []
    # One finding per missing right, each with its own reference, so that a diff between periods
    # shows exactly which statement was added.
    for right, kind in _due(register).items():
        if right in stated:
            continue
        condition_en = condition_fi = ""
        if kind == "verify":
            condition_en = f", due if a purpose without a stated basis rests on {CONDITIONAL[right][1]}"
            condition_fi = (f"; oikeus koskee käsittelyä, jos jokin ilman perustetta ilmoitettu käyttötarkoitus "
                            f"perustuu {CONDITIONAL[right][2]}")
        rows.append({"record_ref": ref(context, "rights", "stated") + "/" + right, "right": right,
                     "right_en": RIGHTS[right][0], "right_fi": RIGHTS[right][1],
                     "article": "GDPR " + RIGHTS[right][2], "finding_kind": kind,
                     "condition_en": condition_en, "condition_fi": condition_fi})
    return rows


def population(context) -> int:
    """Rights due under the declared bases."""
    return len(_due(register_of(context)))
