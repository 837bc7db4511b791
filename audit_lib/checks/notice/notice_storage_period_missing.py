"""The notice states no concrete storage period (or criteria) for the data it holds (GDPR Art. 13(2)(a))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_storage_period_missing",
    "title": {"en": "No storage period stated in the notice",
              "fi": "Selosteessa ei ilmoiteta säilytysaikaa"},
    "severity": "high",
    "legal": ["GDPR Art. 13(2)(a)", "GDPR Art. 5(1)(e)", "GDPR Art. 25(2)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "{subject_en} has no storage period stated in the notice; {reason_en}.",
        "fi": "{subject_fi}: selosteessa ei ilmoiteta säilytysaikaa; {reason_fi}.",
    },
    "remediation": {
        "en": "State in the notice a period per category (for example 'orders 6 years from the end of the year, "
              "accounts 3 years after the last login'), or the concrete criteria that fix it; 'as long as "
              "necessary' is neither.",
        "fi": "Ilmoita selosteessa säilytysaika tietoryhmittäin (esimerkiksi 'tilaukset 6 vuotta vuoden "
              "päättymisestä, tilit 3 vuotta viimeisestä kirjautumisesta') tai konkreettiset perusteet, joilla se "
              "määräytyy; 'niin kauan kuin on tarpeen' ei ole kumpaakaan.",
    },
    "evidence": ["category", "internal_rules"],
    "fingerprint": ["category"],
}


def find(context):
    """One row for a notice with no stated period at all; else one row per category no stated rule covers."""
    register = register_of(context)
    stated = [rule for rule in register.retention.rules if rule.stated_in_notice]
    internal = ", ".join(rule.id for rule in register.retention.rules if not rule.stated_in_notice) or "none"
    if not stated:
        location = ("retention", "notice_statement") if register.retention.notice_statement else ("retention",)
        return [{
            "record_ref": ref(context, *location), "category": "*", "internal_rules": internal,
            "subject_en": "The register", "subject_fi": "Rekisteri",
            "reason_en": f"the notice gives no period for any data (rules kept internally only: {internal})",
            "reason_fi": f"seloste ei ilmoita säilytysaikaa millekään tiedolle (vain sisäisiä sääntöjä: {internal})",
        }]
    covered = {category for rule in stated for category in rule.categories}
    return [{
        "record_ref": ref(context, "data_categories", index), "category": category.id, "internal_rules": internal,
        "subject_en": f"Category {category.id} ({category.label.en})",
        "subject_fi": f"Tietoryhmä {category.id} ({category.label.fi})",
        "reason_en": "no retention rule stated in the notice lists it under categories",
        "reason_fi": "mikään selosteessa ilmoitettu säilytyssääntö ei mainitse sitä kohdassa categories",
    } for index, category in enumerate(register.data_categories) if category.id not in covered]


def population(context) -> int:
    """Declared data categories."""
    return len(register_of(context).data_categories)
