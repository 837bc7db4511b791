"""A data category held about subjects of a type whose declaration does not list it."""

from __future__ import annotations

from audit_lib.checks.inventory._categories import MASK_BITS, masks_sql, present_sql
from audit_lib.sql import literal

CHECK = {
    "id": "inventory_category_not_declared_for_subject_type",
    "title": {"en": "Data category held about a subject type that is not declared to have it",
              "fi": "Tietoryhmää käsitellään rekisteröityjen ryhmästä, jolle sitä ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 5(1)(c)", "GDPR Art. 5(1)(b)", "GDPR Art. 30(1)(c)"],
    "scope": "as_of",
    "needs": {"subjects": ["subject_id", "subject_type"]},
    "uses": ["export_rows"],  # every export's columns mapped to a category
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

# In the register as of the period's end: subjects registered after as_of were not in it then; an unknown
# registration time counts.
_IN_REGISTER = "(s.created_at IS NULL OR s.created_at < $as_of)"


def _masks(context) -> tuple[str, int] | None:
    """The shared table of (subject_id, subject_type, m0…, d0…) for subjects in the register: ``m`` one bit
    per category held about the subject, ``d`` the categories its type declares; and the mask count.

    One row per subject (a bitmask), not one per (subject, column): the population is a sum of bit
    counts, and only the subjects with an undeclared bit are expanded into findings.
    """
    con = context.con
    planned = masks_sql(con)
    if planned is None:
        return None
    masks, bits = planned
    count = max(bits.values()) // MASK_BITS + 1
    declared: dict[str, list[int]] = {}
    for subject_type, category in con.execute(
            "SELECT DISTINCT subject_type, category_id FROM decl_subject_type_categories").fetchall():
        if category in bits:
            mask, bit = divmod(bits[category], MASK_BITS)
            declared.setdefault(subject_type, [0] * count)[mask] |= 1 << bit
    rows = [f"({literal(t)}, {', '.join(f'{m}::BIGINT' for m in values)})" for t, values in declared.items()]
    names = ", ".join(f"d{k}" for k in range(count))
    declared_sql = (f"SELECT * FROM (VALUES {', '.join(rows)}) v(subject_type, {names})" if rows else
                    f"SELECT NULL::VARCHAR AS subject_type, {', '.join(f'0::BIGINT AS d{k}' for k in range(count))} "
                    "WHERE false")
    sql = f"""
        SELECT p.*, s.subject_type, {', '.join(f'coalesce(d.d{k}, 0::BIGINT) AS d{k}' for k in range(count))}
        FROM ({masks}) p
        JOIN subjects s ON s.subject_id = p.subject_id
        LEFT JOIN ({declared_sql}) d ON d.subject_type = s.subject_type
        WHERE {_IN_REGISTER}"""
    return context.shared("inventory_category_masks", sql), count


def find(context):
    """One row per subject and category held about it that its subject type does not declare."""
    held = _masks(context)
    if held is None:
        return []
    table, count = held
    undeclared = " OR ".join(f"m{k} & ~d{k} <> 0" for k in range(count))
    # Only subjects with an undeclared category are read again, column by column, for the evidence.
    present = present_sql(context.con, only_subjects=f"SELECT subject_id FROM {table} WHERE {undeclared}")
    return context.query(f"""
        SELECT 'subjects/' || p.subject_id || '#' || p.category_id AS record_ref, p.subject_id, s.subject_type,
               p.category_id, string_agg(DISTINCT p.source, ', ' ORDER BY p.source) AS columns, sum(p.n) AS "values"
        FROM ({present}) p
        JOIN subjects s ON s.subject_id = p.subject_id
        LEFT JOIN (SELECT DISTINCT subject_type, category_id FROM decl_subject_type_categories) d
          ON d.subject_type = s.subject_type AND d.category_id = p.category_id
        WHERE d.category_id IS NULL AND {_IN_REGISTER}
        GROUP BY p.subject_id, s.subject_type, p.category_id
        ORDER BY p.subject_id, p.category_id""")


def population(context) -> int:
    """(subject, category) pairs held in the register as of the period's end."""
    held = _masks(context)
    if held is None:
        return 0
    table, count = held
    return int(context.query(f"SELECT coalesce(sum({' + '.join(f'bit_count(m{k})' for k in range(count))}), 0) "
                             f"AS n FROM {table}")[0]["n"])
