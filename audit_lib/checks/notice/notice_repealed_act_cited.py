"""The notice rests on a repealed act (henkilötietolaki 523/1999 or the old electronic-communications privacy act).

One row per act, where the declaration first cites it; and, where the notice claims GDPR compliance
(register.notice.claims_gdpr_compliance) while resting on the repealed Personal Data Act, a row for the claim:
it misleads the subject about the law the processing follows (GDPR Art. 5(1)(a), 12(1))."""

from __future__ import annotations

import re

from audit_lib.checks.notice._common import ref, register_of, walk_strings
from audit_lib.declaration.yaml_source import format_location

CHECK = {
    "id": "notice_repealed_act_cited",
    "title": {"en": "The notice cites a repealed act",
              "fi": "Seloste viittaa kumottuun lakiin"},
    "severity": "medium",
    "legal": ["Tietosuojalaki 1050/2018 38 §", "GDPR Art. 12(1)", "GDPR Art. 13(1)(c)", "GDPR Art. 5(1)(a)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "{path} {problem_en}, repealed since {repealed_on}; the notice must rest on {replaced_by_en}.",
        "fi": "{path} {problem_fi}, joka on kumottu {repealed_on_fi} alkaen; selosteen on perustuttava "
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
    """One row per repealed act, where the declaration first cites it (the quotes of the notice repeat it), and one
    for a claim of GDPR compliance made on the repealed Personal Data Act."""
    register = register_of(context)
    data = register.model_dump(by_alias=True, exclude_none=True, mode="json")
    rows, cited = [], {}
    for location, value in walk_strings(data):
        for pattern, act, repealed_on, replaced_by_en, replaced_by_fi in REPEALED:
            if act in cited or not pattern.search(value):
                continue
            year, month, day = repealed_on.split("-")
            cited[act] = format_location(location)
            rows.append({"record_ref": ref(context, *location), "path": cited[act], "act": act,
                         "problem_en": f"cites {act}", "problem_fi": f"viittaa lakiin {act}",
                         "repealed_on": repealed_on, "repealed_on_fi": f"{int(day)}.{int(month)}.{year}",
                         "replaced_by_en": replaced_by_en, "replaced_by_fi": replaced_by_fi})
    first = REPEALED[0]
    if register.register_info.notice.claims_gdpr_compliance and first[1] in cited:
        act, repealed_on = first[1], first[2]
        year, month, day = repealed_on.split("-")
        location = ("register", "notice", "claims_gdpr_compliance")
        rows.append({"record_ref": ref(context, *location), "path": format_location(location), "act": act,
                     "legal_refs": ["GDPR Art. 5(1)(a)", "GDPR Art. 12(1)", "Tietosuojalaki 1050/2018 38 §"],
                     "problem_en": f"claims compliance with the GDPR, while the notice rests on {act} "
                                   f"({cited[act]})",
                     "problem_fi": f"väittää selosteen olevan yhteensopiva tietosuoja-asetuksen kanssa, vaikka "
                                   f"seloste perustuu lakiin {act} ({cited[act]})",
                     "repealed_on": repealed_on, "repealed_on_fi": f"{int(day)}.{int(month)}.{year}",
                     "replaced_by_en": first[3], "replaced_by_fi": first[4]})
    return rows


def population(context) -> int:
    """Texts of the declaration searched."""
    return len(walk_strings(register_of(context).model_dump(by_alias=True, exclude_none=True, mode="json")))
