"""Phone numbers that are not valid numbers (phonenumbers, Finland by default)."""

from __future__ import annotations

from audit_lib.checks.quality._phones import phone_table, problem

CHECK = {
    "id": "quality_invalid_phone",
    "title": {"en": "Invalid phone number", "fi": "Virheellinen puhelinnumero"},
    "severity": "low",
    "legal": ["GDPR Art. 5(1)(d)"],
    "scope": "as_of",
    "needs": {"subjects": ["subject_id", "phone"]},
    "message": {
        "en": "The phone number of {record_ref} ({subject_ref}) is not a valid number ({problem}).",
        "fi": "Rekisteröidyn {record_ref} ({subject_ref}) puhelinnumero ei ole kelvollinen ({problem}).",
    },
    "remediation": {
        "en": "Correct the number with the subject, and validate numbers (with their country code) where they are "
              "entered.",
        "fi": "Korjaa numero rekisteröidyn kanssa ja tarkista numerot (maatunnuksineen) jo syötettäessä.",
    },
    "evidence": ["problem"],
}


def find(context):
    """One row per subject whose phone number does not parse to a valid number (without a country
    code, read as Finnish)."""
    # Every subject's number, normalised once per audit (quality_duplicate_subject joins the same table).
    table = phone_table(context)
    rows = context.query(f"""
        SELECT 'subjects/' || s.subject_id AS record_ref, s.subject_id, s.created_at AS event_at, s.phone
        FROM {context.shared("subjects_in_register")} s JOIN {table} p ON p.phone = s.phone
        WHERE p.e164 IS NULL
        ORDER BY s.subject_id""")
    return [{**{k: v for k, v in r.items() if k != "phone"}, "problem": problem(r["phone"])} for r in rows]


def population(context) -> int:
    """Subjects in the register as of the period's end with a phone number."""
    return context.query(f"SELECT count(*) AS n FROM {context.shared('subjects_in_register')} "
                         "WHERE phone IS NOT NULL")[0]["n"]
