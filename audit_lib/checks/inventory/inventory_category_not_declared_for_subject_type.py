"""A data category held about subjects of a type whose declaration does not list it."""

from __future__ import annotations

from audit_lib.checks.inventory._categories import present_sql

CHECK = {
    "id": "inventory_category_not_declared_for_subject_type",
    "title": {"en": "Data category held about a subject type that is not declared to have it",
              "fi": "Tietoryhmää käsitellään rekisteröityjen ryhmästä, jolle sitä ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 5(1)(c)", "GDPR Art. 5(1)(b)", "GDPR Art. 30(1)(c)"],
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

_HELD = "_inventory_held_categories"


def _held_table(context) -> str | None:
    """A temporary table of (subject, type, category, source, n) held as of the period's end, with
    whether the type declares the category (built once per audit: the population and the findings
    both read it)."""
    exists = context.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?",
                                 [_HELD]).fetchone()[0]
    if exists:
        return _HELD
    present = present_sql(context.con)
    if present is None:
        return None
    # Subjects registered after as_of were not in the register then; an unknown registration time counts.
    sql = f"""
        CREATE TEMP TABLE {_HELD} AS
        SELECT p.subject_id, s.subject_type, p.category_id, p.source, p.n,
               d.category_id IS NOT NULL AS declared
        FROM ({present}) p
        JOIN subjects s ON s.subject_id = p.subject_id
        LEFT JOIN (SELECT DISTINCT subject_type, category_id FROM decl_subject_type_categories) d
          ON d.subject_type = s.subject_type AND d.category_id = p.category_id
        WHERE s.created_at IS NULL OR s.created_at < $as_of"""
    from audit_lib.sql import bind

    context.con.execute(sql, bind(sql, context.params))
    return _HELD


def find(context):
    """One row per subject and category held about it that its subject type does not declare."""
    held = _held_table(context)
    if held is None:
        return []
    return context.query(f"""
        SELECT 'subjects/' || subject_id || '#' || category_id AS record_ref, subject_id, subject_type,
               category_id, string_agg(DISTINCT source, ', ' ORDER BY source) AS columns, sum(n) AS "values"
        FROM {held} WHERE NOT declared
        GROUP BY subject_id, subject_type, category_id
        ORDER BY subject_id, category_id""")


def population(context) -> int:
    """(subject, category) pairs held in the register as of the period's end."""
    held = _held_table(context)
    return 0 if held is None else context.query(
        f"SELECT count(*) AS n FROM (SELECT DISTINCT subject_id, category_id FROM {held})")[0]["n"]
