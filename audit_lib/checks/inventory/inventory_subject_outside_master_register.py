"""inventory_subject_outside_master_register: personal data about people the master register does not hold.

A row whose identifiers resolve to nobody in the master register (loader/identity.py) makes a subject
known only to its export: a newsletter address no customer has, an SMS number of no customer. One
finding per such subject and export file. Subjects with a completed erasure request are left to
retention_erased_subject_residue, which reports each record they left behind.
"""

from __future__ import annotations

from typing import Any

CHECK = {
    "id": "inventory_subject_outside_master_register",
    "title": {"en": "Personal data about a person outside the master register",
              "fi": "Henkilötietoja henkilöstä, joka ei ole pääasiakasrekisterissä"},
    "severity": "medium",
    "legal": ["GDPR Art. 5(1)(c)", "GDPR Art. 5(2)", "GDPR Art. 30(1)(c)"],
    "scope": "as_of",
    "needs": {"subjects": ["subject_id"]},
    "uses": ["subject_index", "requests"],
    "message": {
        "en": "{file} holds {rows} {role} record(s) about {subject_ref}, whom the master register does not hold "
              "(known to this export only, by {identifier}).",
        "fi": "{file} sisältää {rows} {role}-tietuetta henkilöstä {subject_ref}, jota pääasiakasrekisterissä ei ole "
              "(vain tämän viennin tuntema, tunnisteena {identifier}).",
    },
    "remediation": {
        "en": "Find out where the person's data came from: add them to the master register with a lawful basis, "
              "or delete the data from the system that holds it.",
        "fi": "Selvitä, mistä henkilön tiedot ovat peräisin: lisää hänet pääasiakasrekisteriin käsittelyperusteineen "
              "tai poista tiedot järjestelmästä, jossa ne ovat.",
    },
    "evidence": ["file", "role", "rows", "identifier"],
}


def _sql(context) -> str:
    erased = ("SELECT subject_id FROM requests WHERE kind = 'erasure' AND completed_at IS NOT NULL"
              if {"subject_id", "kind", "completed_at"} <= context.available.get(
                  "requests", set()) else "SELECT NULL::VARCHAR AS subject_id WHERE false")
    return f"""
      SELECT file, string_agg(DISTINCT role, ', ' ORDER BY role) AS role, subject_id, sum(rows) AS rows,
             CASE WHEN contains(subject_id, ':') THEN split_part(subject_id, ':', 1) ELSE 'the master id' END
               AS identifier
      FROM {context.shared("subject_index")}
      WHERE NOT in_master AND role <> 'subjects' AND subject_id NOT IN ({erased})
      GROUP BY file, subject_id"""


def find(context) -> list[dict[str, Any]]:
    """One row per subject outside the master register and export file that holds data about them."""
    return context.query(f"SELECT 'subjects/' || subject_id || '#' || file AS record_ref, * FROM ({_sql(context)}) "
                         "ORDER BY file, subject_id")


def population(context) -> int:
    """Subjects of every export file other than the master register's (subject, file pairs)."""
    return context.query(f"SELECT count(*) AS n FROM (SELECT DISTINCT file, subject_id FROM "
                         f"{context.shared('subject_index')} WHERE role <> 'subjects')")[0]["n"]
