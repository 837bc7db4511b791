"""One person across systems: every export row's identifiers resolved to one subject of the register.

register.yaml declares the identifiers (customer number, e-mail, phone, ...) and which one is the
master register's id; each export says which of them it carries (``subject:``). Resolution, per row:

1. a row that carries the master identifier is that subject (``master``; ``unmatched`` when the
   master register does not hold it);
2. otherwise the first identifier, in the export's order, whose normalised value belongs to exactly
   one subject of the master register gives the subject (``matched``);
3. an identifier value that belongs to two or more subjects is never merged: the row becomes a
   subject of its own, ``<identifier>:<value>`` (``ambiguous``), and the value is listed in
   ``identity_conflicts``;
4. a row whose identifiers match nobody is a subject known only to that export,
   ``<identifier>:<value>`` of its first identifier (``unmatched``).

Tables for checks, statistics and the report (the only identity facts they read):
- ``identities`` (identifier, value, subject_id, file): what the master register says;
- ``identity_conflicts`` (identifier, value, subjects, subject_ids): values shared by subjects;
- ``subject_index`` (view: role, file, subject_id, rows, in_master): every subject of every role view.

Subject ids are resolved once, here; the role views and export rows carry the resolved id, so one
person has one pseudonym everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_lib.loader.casting import text_sql
from audit_lib.loader.readers import CODE_COLUMN
from audit_lib.roles import ROLES
from audit_lib.sql import ident, insert_rows, literal

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Declaration, Export

SUBJECT_COLUMN = "regaudit:subject"
STATUS_COLUMN = "regaudit:identity"
_PHONE_MAP = "identity_phone_map"


@dataclass
class Staged:
    """An export staged by the loader: its stage table, numbered view and subject identifier columns."""

    export: "Export"
    table: str
    view: str
    subject_columns: dict[str, str]


def _text(column: str) -> str:
    return text_sql(ident(column))


def _region(declaration: "Declaration", identifier: str) -> str:
    """The region of phone numbers written without a country code: the identifier's, else the controller's."""
    spec = declaration.register.identifier_map[identifier]
    return spec.region or declaration.register.controller.address.country or "FI"


def normalised_sql(declaration: "Declaration", identifier: str, column: str) -> str:
    """SQL of ``column``'s value in the notation of ``identifier`` (see audit_lib.normalise)."""
    spec = declaration.register.identifier_map[identifier]
    if spec.normalise == "email":
        return f"lower({_text(column)})"
    if spec.normalise == "phone":
        return (f"(SELECT m.value FROM {_PHONE_MAP} m WHERE m.region = {literal(_region(declaration, identifier))} "
                f"AND m.raw = {_text(column)})")
    return _text(column)


def _phone_map(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", staged: list[Staged]) -> None:
    """Each distinct phone value of the identifier columns in E.164 (phonenumbers, per distinct value)."""
    from audit_lib.normalise import phone

    con.execute(f"CREATE OR REPLACE TABLE {_PHONE_MAP} (region VARCHAR, raw VARCHAR, value VARCHAR)")
    rows: dict[tuple[str, str], str | None] = {}
    for item in staged:
        for identifier, column in item.subject_columns.items():
            if declaration.register.identifier_map[identifier].normalise != "phone":
                continue
            region = _region(declaration, identifier)
            values = con.execute(f"SELECT DISTINCT {_text(column)} FROM {ident(item.table)} "
                                 f"WHERE {_text(column)} IS NOT NULL").fetchall()
            for (raw,) in values:
                if (region, raw) not in rows:
                    rows[(region, raw)] = phone(raw, region)
    insert_rows(con, _PHONE_MAP, [(region, raw, value) for (region, raw), value in rows.items()])


def _is_master_export(export: "Export", master: str, subject_columns: dict[str, str]) -> bool:
    return export.role == "subjects" and master in subject_columns


def resolve(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", staged: list[Staged]) -> dict[str, str]:
    """Resolve every staged export's subject; return, per export file, the SQL of its rows' subject id
    over the export's numbered view (absent for exports without a subject)."""
    master = declaration.register.master_identifier
    _phone_map(con, declaration, staged)
    con.execute("CREATE OR REPLACE TABLE identities (identifier VARCHAR, value VARCHAR, subject_id VARCHAR, "
                "file VARCHAR)")
    subject_sql: dict[str, str] = {}
    for item in staged:
        if not _is_master_export(item.export, master, item.subject_columns):
            continue
        subject = normalised_sql(declaration, master, item.subject_columns[master])
        for identifier, column in item.subject_columns.items():
            con.execute(
                f"INSERT INTO identities SELECT DISTINCT {literal(identifier)}, "
                f"{normalised_sql(declaration, identifier, column)}, {subject}, {literal(item.export.file)} "
                f"FROM {ident(item.view)} WHERE {ident(CODE_COLUMN)} IS NULL "
                f"AND {normalised_sql(declaration, identifier, column)} IS NOT NULL AND {subject} IS NOT NULL")
    con.execute("CREATE OR REPLACE TABLE identity_lookup AS SELECT identifier, value, "
                "CASE WHEN count(DISTINCT subject_id) = 1 THEN any_value(subject_id) END AS subject_id, "
                "count(DISTINCT subject_id) AS subjects FROM identities GROUP BY identifier, value")
    con.execute("CREATE OR REPLACE TABLE identity_conflicts AS SELECT identifier, value, count(DISTINCT subject_id) "
                "AS subjects, list(DISTINCT subject_id ORDER BY subject_id) AS subject_ids FROM identities "
                "WHERE identifier <> " + literal(master) + " GROUP BY identifier, value "
                "HAVING count(DISTINCT subject_id) > 1")
    for item in staged:
        if not item.subject_columns:
            continue
        if master in item.subject_columns:
            # The master id names the subject whatever else the row carries.
            subject_sql[item.export.file] = normalised_sql(declaration, master, item.subject_columns[master])
            continue
        _resolve_by_lookup(con, declaration, item)
        subject_sql[item.export.file] = ident(SUBJECT_COLUMN)
    return subject_sql


def _resolve_by_lookup(con, declaration: "Declaration", item: Staged) -> None:
    """Add the resolved subject and its status to the stage of an export without the master id."""
    order = list(item.subject_columns.items())
    joins, matched, ambiguous, own = [], [], [], []
    for number, (identifier, column) in enumerate(order):
        alias = f"l{number}"
        joins.append(f"LEFT JOIN identity_lookup {alias} ON {alias}.identifier = {literal(identifier)} "
                     f"AND {alias}.value = s.v{number}")
        matched.append(f"{alias}.subject_id")
        ambiguous.append(f"WHEN {alias}.subjects > 1 THEN {literal(identifier + ':')} || s.v{number}")
        own.append(f"{literal(identifier + ':')} || s.v{number}")
    values = ", ".join(f"{normalised_sql(declaration, identifier, column)} AS v{n}"
                       for n, (identifier, column) in enumerate(order))
    shared = " OR ".join(f"l{n}.subjects > 1" for n in range(len(order)))
    status = (f"CASE WHEN coalesce({', '.join(matched)}) IS NOT NULL THEN 'matched' "
              f"WHEN {shared} THEN 'ambiguous' ELSE 'unmatched' END")
    subject = f"coalesce({', '.join(matched)}, CASE {' '.join(ambiguous)} END, {', '.join(own)})"
    table = ident(item.table)
    con.execute(f"ALTER TABLE {table} ADD COLUMN {ident(SUBJECT_COLUMN)} VARCHAR")
    con.execute(f"ALTER TABLE {table} ADD COLUMN {ident(STATUS_COLUMN)} VARCHAR")
    con.execute(
        f"UPDATE {table} SET {ident(SUBJECT_COLUMN)} = r.subject, {ident(STATUS_COLUMN)} = r.status FROM ("
        f"SELECT s.rid, {subject} AS subject, {status} AS status FROM (SELECT rowid AS rid, {values} FROM {table} "
        f"WHERE {ident(CODE_COLUMN)} IS NULL) s {' '.join(joins)}) r WHERE {table}.rowid = r.rid")


def create_subject_index(con: "duckdb.DuckDBPyConnection", available: dict[str, set[str]]) -> None:
    """The view ``subject_index``: each subject of each role view and export file, and whether the master
    register (the ``subjects`` role) holds it.

    Each role is grouped on its own and then joined to the master register: one grouping of every role
    view's rows at once held every role's subjects in one hash table (56 million groups at 10 million
    subjects), which did not fit a 4 GB limit. The master register holds its own subjects by definition.
    """
    roles = [role for role in sorted(available) if role in ROLES and "subject_id" in ROLES[role].field_names]
    if not roles:
        con.execute("CREATE OR REPLACE VIEW subject_index AS SELECT NULL::VARCHAR AS role, NULL::VARCHAR AS file, "
                    "NULL::VARCHAR AS subject_id, 0::BIGINT AS rows, NULL::BOOLEAN AS in_master WHERE false")
        return
    held = "subject_id IN (SELECT subject_id FROM subjects)" if "subjects" in available else "NULL::BOOLEAN"
    parts = []
    for role in roles:
        in_master = "true" if role == "subjects" else held
        parts.append(f"SELECT {literal(role)} AS role, file, subject_id, rows, {in_master} AS in_master FROM "
                     f"(SELECT _source_file AS file, subject_id, count(*) AS rows FROM {ident(role)} "
                     "WHERE subject_id IS NOT NULL GROUP BY _source_file, subject_id)")
    con.execute(f"CREATE OR REPLACE VIEW subject_index AS {' UNION ALL '.join(parts)}")


def resolution_summary(con: "duckdb.DuckDBPyConnection") -> list[dict[str, object]]:
    """Per role and file: subjects, and how many the master register holds (for reports and checks)."""
    cursor = con.execute("SELECT role, file, count(*) AS subjects, count(*) FILTER (WHERE in_master) AS in_master "
                         "FROM subject_index GROUP BY role, file ORDER BY role, file")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]
