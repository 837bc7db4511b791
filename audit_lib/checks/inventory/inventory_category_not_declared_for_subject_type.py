"""A data category held about subjects of a type whose declaration does not list it."""

from __future__ import annotations

from audit_lib.loader.load import staged_table
from audit_lib.loader.readers import FILE_COLUMN, ROW_COLUMN
from audit_lib.sql import ident, literal

CHECK = {
    "id": "inventory_category_not_declared_for_subject_type",
    "title": {"en": "Data category held about a subject type that is not declared to have it",
              "fi": "Tietoryhmää käsitellään rekisteröityjen ryhmästä, jolle sitä ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 5(1)(c)", "GDPR Art. 5(1)(b)", "GDPR Art. 30(1)(c)", "GDPR Art. 13(1)(c)"],
    "scope": "as_of",
    "needs": {"subjects": ["subject_id", "subject_type"]},
    "message": {
        "en": "{record_ref}: the register holds {category_id} data ({values} value(s) in {columns}) about a "
              "subject of type {subject_type}, whose declaration does not list that category.",
        "fi": "{record_ref}: rekisterissä on tietoryhmän {category_id} tietoja ({values} arvo(a) sarakkeissa "
              "{columns}) rekisteröidystä, jonka tyyppi on {subject_type}; tyypin ilmoitetuissa tietoryhmissä "
              "sitä ei ole.",
    },
    "remediation": {
        "en": "Stop collecting the category for this type of subject and erase what is held, or declare the "
              "category for the subject type in register.yaml and in the notice.",
        "fi": "Lopeta tietoryhmän kerääminen tämän ryhmän rekisteröidyistä ja poista kerätyt tiedot, tai ilmoita "
              "tietoryhmä rekisteröityjen ryhmälle register.yaml-tiedostossa ja selosteessa.",
    },
    "evidence": ["subject_type", "category_id", "columns", "values"],
    "fingerprint": ["category_id"],
}

# The field that names whose record a row of a role is; services belong to their provider.
SUBJECT_FIELDS = {"services": "provider_id"}


def _present_sql(context) -> str | None:
    """(subject_id, category_id, source) for every non-empty value of a column mapped to a category,
    over the rows that loaded; None when no such column can be tied to a subject."""
    exports = {e.file: e for e in context.declaration.exports.exports}
    columns = context.query("SELECT file, role, column_name, category FROM export_columns "
                            "WHERE in_file AND category IS NOT NULL ORDER BY file, column_name")
    parts = []
    for row in columns:
        export, role = exports.get(row["file"]), row["role"]
        subject_field = SUBJECT_FIELDS.get(role, "subject_id")
        if export is None or role not in context.available or subject_field not in export.field_columns():
            continue  # a file that did not load, or rows that name no subject
        source = f"{row['file']}#{row['column_name']}"
        parts.append(
            f"SELECT r.{ident(subject_field)} AS subject_id, {literal(row['category'])} AS category_id, "
            f"{literal(source)} AS source FROM {ident(staged_table(context.declaration, row['file']))} s "
            f"JOIN {ident(role)} r ON r._source_file = s.{ident(FILE_COLUMN)} AND r._source_row = s.{ident(ROW_COLUMN)} "
            f"WHERE NULLIF(trim(CAST(s.{ident(row['column_name'])} AS VARCHAR)), '') IS NOT NULL")
    return " UNION ALL ".join(parts) if parts else None


def _held_sql(present: str) -> str:
    # Subjects registered after as_of were not in the register then; an unknown registration time counts.
    return f"""
        SELECT p.subject_id, s.subject_type, p.category_id,
               string_agg(DISTINCT p.source, ', ' ORDER BY p.source) AS columns, count(*) AS "values",
               bool_or(d.category_id IS NOT NULL) AS declared
        FROM ({present}) p
        JOIN subjects s ON s.subject_id = p.subject_id
        LEFT JOIN decl_subject_type_categories d ON d.subject_type = s.subject_type AND d.category_id = p.category_id
        WHERE s.created_at IS NULL OR s.created_at < $as_of
        GROUP BY p.subject_id, s.subject_type, p.category_id"""


def find(context):
    """One row per subject and category held about it that its subject type does not declare."""
    present = _present_sql(context)
    if present is None:
        return []
    return context.query(f"""
        SELECT 'subjects/' || subject_id || '#' || category_id AS record_ref, subject_id, subject_type,
               category_id, columns, "values"
        FROM ({_held_sql(present)}) WHERE NOT declared
        ORDER BY subject_id, category_id""")


def population(context) -> int:
    """(subject, category) pairs held in the register as of the period's end."""
    present = _present_sql(context)
    return 0 if present is None else context.query(f"SELECT count(*) AS n FROM ({_held_sql(present)})")[0]["n"]
