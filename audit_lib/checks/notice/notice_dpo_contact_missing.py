"""Neither a data protection officer's contact details nor a statement that none is appointed (Art. 13(1)(b)).

Art. 13(1)(b) asks for the DPO's contact "where applicable": a breach where the declaration says a DPO is
designated, or where Art. 37(1) plausibly requires one (health data revealed by the services sold, 37(1)(c);
profiling, regular and systematic monitoring, 37(1)(b)). Otherwise silence is an item to verify."""

from __future__ import annotations

from audit_lib.checks.notice._common import (ROW_PROBLEM_MESSAGE, SPECIAL_CATEGORY_KEYS, ref, register_of, under,
                                             uses_profiling)

CHECK = {
    "id": "notice_dpo_contact_missing",
    "title": {"en": "No DPO contact and no statement that none is appointed",
              "fi": "Tietosuojavastaavan yhteystiedot tai tieto sen puuttumisesta puuttuvat"},
    "severity": "low",
    "legal": ["GDPR Art. 13(1)(b)", "GDPR Art. 37(7)", "GDPR Art. 37(1)(b)", "GDPR Art. 37(1)(c)",
              "GDPR Art. 30(1)(a)"],
    "scope": "declaration",
    "needs": {},
    "message": ROW_PROBLEM_MESSAGE,
    "remediation": {
        "en": "Give the data protection officer's contact details, or state that none has been appointed "
              "(dpo_appointed: false) and whom to contact instead; where Art. 37(1) requires a DPO, designate one.",
        "fi": "Ilmoita tietosuojavastaavan yhteystiedot tai kerro, ettei tietosuojavastaavaa ole nimitetty "
              "(dpo_appointed: false), ja kenelle tietosuoja-asiat osoitetaan; jos 37 artiklan 1 kohta edellyttää "
              "tietosuojavastaavaa, nimitä sellainen.",
    },
}


def _art37_indicators(register) -> list[tuple[str, str, str]]:
    """(provision, English, Finnish) for what in the declaration suggests Art. 37(1) requires a DPO."""
    found = []
    special = list(register.special_categories.health_service_categories)
    special += [c.id for c in register.data_categories if under(c.fides_key, SPECIAL_CATEGORY_KEYS)]
    if special:
        found.append(("GDPR Art. 37(1)(c)",
                      f"the services it sells reveal the buyers' health ({', '.join(special)})",
                      f"sen myymät palvelut paljastavat ostajien terveystietoja ({', '.join(special)})"))
    profiled = [p.id for p in register.purposes if uses_profiling(register, p)]
    if register.profiling.collected or profiled:
        which = ", ".join(profiled) or "profiling.collected"
        found.append(("GDPR Art. 37(1)(b)",
                      f"it profiles its customers ({which})",
                      f"se profiloi asiakkaitaan ({which})"))
    return found


def find(context):
    """One row when the DPO's contact is missing and the notice does not say none is appointed."""
    register = register_of(context)
    dpo = register.dpo
    if dpo is not None and (dpo.email or dpo.phone):
        return []
    if dpo is None and register.dpo_appointed is False:
        return []
    if dpo is not None or register.dpo_appointed:
        return [{"record_ref": ref(context, "dpo"), "finding_kind": "breach",
                 "legal_refs": ["GDPR Art. 13(1)(b)", "GDPR Art. 37(7)", "GDPR Art. 30(1)(a)"],
                 "problem_en": "A data protection officer is declared but without an e-mail address or phone number.",
                 "problem_fi": "Tietosuojavastaava on ilmoitettu ilman sähköpostiosoitetta tai puhelinnumeroa."}]
    silent_en = "The notice neither gives a data protection officer's contact details nor states that none is appointed"
    silent_fi = "Seloste ei anna tietosuojavastaavan yhteystietoja eikä kerro, ettei sellaista ole nimitetty"
    indicators = _art37_indicators(register)
    if indicators:
        return [{"record_ref": ref(context, "dpo"), "finding_kind": "breach",
                 "legal_refs": ["GDPR Art. 13(1)(b)", *(i[0] for i in indicators), "GDPR Art. 37(7)"],
                 "problem_en": f"{silent_en}, although {' and '.join(i[1] for i in indicators)}: as a core activity "
                               "on a large scale, such processing requires a DPO (Art. 37(1)(b)-(c)).",
                 "problem_fi": f"{silent_fi}, vaikka {' ja '.join(i[2] for i in indicators)}; laajamittaisena "
                               "ydintoimintana tällainen käsittely edellyttää tietosuojavastaavaa (37 artiklan 1 "
                               "kohdan b–c alakohta)."}]
    return [{"record_ref": ref(context, "dpo"), "finding_kind": "verify",
             "legal_refs": ["GDPR Art. 13(1)(b)", "GDPR Art. 37(7)"],
             "problem_en": f"{silent_en}; nothing declared suggests that Art. 37(1) requires one, so verify whether "
                           "a DPO is designated.",
             "problem_fi": f"{silent_fi}; mikään ilmoitettu ei viittaa siihen, että 37 artiklan 1 kohta edellyttäisi "
                           "sellaista, joten tarkista, onko tietosuojavastaava nimitetty."}]


def population(context) -> int:
    """One notice."""
    return 1
