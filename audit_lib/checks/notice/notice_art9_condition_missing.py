"""Data that may reveal special categories (health) with no Art. 9(2) condition declared."""

from __future__ import annotations

from audit_lib.checks.notice._common import SPECIAL_CATEGORY_KEYS, ref, register_of, under

CHECK = {
    "id": "notice_art9_condition_missing",
    "title": {"en": "Special categories of data without an Art. 9(2) condition",
              "fi": "Erityisiä henkilötietoryhmiä ilman 9 artiklan 2 kohdan perustetta"},
    "severity": "high",
    "legal": ["GDPR Art. 9(1)", "GDPR Art. 9(2)", "GDPR Art. 13(1)(c)", "Tietosuojalaki 1050/2018 6 §"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Categories {categories} may reveal special categories of data such as health, but the declaration "
              "names no GDPR Art. 9(2) condition.",
        "fi": "Tietoryhmät {categories} voivat paljastaa erityisiin henkilötietoryhmiin kuuluvia tietoja, kuten "
              "terveystietoja, mutta selosteessa ei ole tietosuoja-asetuksen 9 artiklan 2 kohdan perustetta.",
    },
    "remediation": {
        "en": "Either stop recording what reveals health (for example the service bought, beyond what bookkeeping "
              "needs) or ask for explicit consent (Art. 9(2)(a)) and state it in the notice "
              "(special_categories.art9_condition).",
        "fi": "Lopeta terveydentilaa paljastavien tietojen (esimerkiksi ostetun palvelun) tallentaminen siltä osin "
              "kuin kirjanpito ei sitä vaadi, tai pyydä nimenomainen suostumus (9 artiklan 2 kohdan a alakohta) ja "
              "kerro siitä selosteessa (special_categories.art9_condition).",
    },
    "evidence": ["categories"],
}


def _special(register) -> list[str]:
    found = list(register.special_categories.revealed_by)
    found += [c.id for c in register.data_categories if under(c.fides_key, SPECIAL_CATEGORY_KEYS) and c.id not in found]
    return found


def find(context):
    """One row when special-category data is held or revealed and no Art. 9(2) condition is declared."""
    register = register_of(context)
    special = _special(register)
    if special and not register.special_categories.art9_condition:
        return [{"record_ref": ref(context, "special_categories", "art9_condition"), "categories": ", ".join(special)}]
    return []


def population(context) -> int:
    """Categories that hold or may reveal special-category data."""
    return len(_special(register_of(context)))
