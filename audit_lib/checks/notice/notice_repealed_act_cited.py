"""The notice rests on a repealed act (henkilötietolaki 523/1999 or the old electronic-communications privacy act)."""

from __future__ import annotations

import re

from audit_lib.checks.notice._common import ref, register_of, walk_strings
from audit_lib.declaration.yaml_source import format_location

CHECK = {
    "id": "notice_repealed_act_cited",
    "title": {"en": "The notice cites a repealed act",
              "fi": "Seloste viittaa kumottuun lakiin"},
    "severity": "medium",
    "legal": ["Tietosuojalaki 1050/2018 38 §", "GDPR Art. 12(1)", "GDPR Art. 13(1)(c)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "{path} cites {act}, repealed since {repealed_on}; the notice must rest on {replaced_by_en}.",
        "fi": "{path} viittaa lakiin {act}, joka on kumottu {repealed_on_fi} alkaen; selosteen on perustuttava "
              "{replaced_by_fi}.",
    },
    "remediation": {
        "en": "Rewrite the register description as a privacy notice under GDPR Art. 13 and tietosuojalaki 1050/2018, "
              "and drop references to the repealed act.",
        "fi": "Kirjoita rekisteriseloste uudelleen tietosuojaselosteeksi (tietosuoja-asetuksen 13 artikla ja "
              "tietosuojalaki 1050/2018) ja poista viittaukset kumottuun lakiin.",
    },
    "evidence": ["path", "act"],
    "fingerprint": ["act"],
}

# (pattern, act, repealed on, what replaced it in English and in Finnish)
REPEALED = [
    (re.compile(r"523/1999|henkilötietola(ki|in)|henkilotietola(ki|in)|personal data act", re.IGNORECASE),
     "henkilötietolaki 523/1999", "2019-01-01", "the GDPR (EU) 2016/679 and tietosuojalaki 1050/2018",
     "tietosuoja-asetukseen (EU) 2016/679 ja tietosuojalakiin 1050/2018"),
    (re.compile(r"516/2004|sähköisen viestinnän tietosuojala", re.IGNORECASE),
     "sähköisen viestinnän tietosuojalaki 516/2004", "2015-01-01", "laki sähköisen viestinnän palveluista 917/2014",
     "lakiin sähköisen viestinnän palveluista 917/2014"),
]


def find(context):
    """One row per text of the declaration that cites a repealed act."""
    data = register_of(context).model_dump(by_alias=True, exclude_none=True, mode="json")
    rows = []
    for location, value in walk_strings(data):
        for pattern, act, repealed_on, replaced_by_en, replaced_by_fi in REPEALED:
            if pattern.search(value):
                year, month, day = repealed_on.split("-")
                rows.append({"record_ref": ref(context, *location), "path": format_location(location), "act": act,
                             "repealed_on": repealed_on, "repealed_on_fi": f"{int(day)}.{int(month)}.{year}",
                             "replaced_by_en": replaced_by_en, "replaced_by_fi": replaced_by_fi})
    return rows


def population(context) -> int:
    """Texts of the declaration searched."""
    return len(walk_strings(register_of(context).model_dump(by_alias=True, exclude_none=True, mode="json")))
