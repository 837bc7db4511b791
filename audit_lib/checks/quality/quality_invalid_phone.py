"""Phone numbers that are not valid numbers (phonenumbers, Finland by default)."""

from __future__ import annotations

from audit_lib.checks.quality._phones import normalised_table, problem

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

_IN_REGISTER = "phone IS NOT NULL AND (created_at IS NULL OR created_at < $as_of)"


def find(context):
    """One row per subject whose phone number does not parse to a valid number (without a country
    code, read as Finnish)."""
    # Every subject's number, normalised once per audit (quality_duplicate_subject joins the same table).
    table = normalised_table(context.con)
    rows = context.query(f"""
        SELECT 'subjects/' || s.subject_id AS record_ref, s.subject_id, s.created_at AS event_at, s.phone
        FROM subjects s JOIN {table} p ON p.phone = s.phone
        WHERE p.e164 IS NULL AND (s.created_at IS NULL OR s.created_at < $as_of)
        ORDER BY s.subject_id""")
    return [{**{k: v for k, v in r.items() if k != "phone"}, "problem": problem(r["phone"])} for r in rows]


def population(context) -> int:
    """Subjects in the register as of the period's end with a phone number."""
    return context.query(f"SELECT count(*) AS n FROM subjects WHERE {_IN_REGISTER}")[0]["n"]
