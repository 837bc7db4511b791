"""A Spark-loaded entry's relations, as the DuckDB loader makes them: its subjects, ``export_rows_NN``, its role rows.

The subject of a row (loader/identity.py): the master identifier's value if the entry carries it (on
every row); otherwise, for the rows that load, the first identifier whose normalised value belongs to
one subject of ``identity_lookup`` (shipped from DuckDB), else ``<identifier>:<value>`` (an ambiguous
value first). E-mails are compared lower-cased, phones in E.164 (``identity_phone_map``). The views'
columns and types are those of loader/contract.py and roles.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.backends.spark_casts import SPARK_TYPES, spark_ident, spark_literal, spark_text
from audit_lib.loader.readers import CODE_COLUMN, FILE_COLUMN, ROW_COLUMN
from audit_lib.roles import ROLES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

    from audit_lib.backends.spark_backend import SparkBackend
    from audit_lib.declaration import Declaration, Export

SUBJECT = "regaudit:subject"


def _identifier(declaration: "Declaration", identifier: str, column: str, number: int) -> tuple[str, str]:
    """Spark SQL of ``column``'s value in the notation of ``identifier`` over stage ``s``, and the join it
    needs (a phone's E.164 form), as identity.normalised_sql."""
    from audit_lib.loader.identity import _region

    text = spark_text(f"s.{spark_ident(column)}")
    kind = declaration.register.identifier_map[identifier].normalise
    if kind == "email":
        return f"lower({text})", ""
    if kind == "phone":
        region = spark_literal(_region(declaration, identifier))
        return (f"p{number}.value", f"LEFT JOIN (SELECT raw, value FROM identity_phone_map WHERE region = {region}) "
                                    f"p{number} ON p{number}.raw = {text}")
    return text, ""


def subject_rows(backend: "SparkBackend", declaration: "Declaration", export: "Export",
                 stage: str) -> tuple["DataFrame", str | None]:
    """The stage ``stage`` with each row's subject (column ``regaudit:subject``), and the SQL naming it
    (None: the entry names no subject)."""
    master = declaration.register.master_identifier
    columns = export.subject_columns(master)
    if not columns:
        return backend.session.table(spark_ident(stage)), None
    values, joins = [], []
    for number, (identifier, column) in enumerate(columns.items()):
        value, join = _identifier(declaration, identifier, column, number)
        values.append((identifier, value))
        joins.append(join)
    if master in columns:  # the master id names the subject, whatever else the row carries (every row)
        subject = values[list(columns).index(master)][1]
    else:
        joins += [f"LEFT JOIN identity_lookup l{n} ON l{n}.identifier = {spark_literal(identifier)} AND l{n}.value = "
                  f"{value}" for n, (identifier, value) in enumerate(values)]
        matched = ", ".join(f"l{n}.subject_id" for n in range(len(values)))
        ambiguous = " ".join(f"WHEN l{n}.subjects > 1 THEN {spark_literal(identifier + ':')} || {value}"
                             for n, (identifier, value) in enumerate(values))
        own = ", ".join(f"{spark_literal(identifier + ':')} || {value}" for identifier, value in values)
        subject = (f"CASE WHEN s.{spark_ident(CODE_COLUMN)} IS NULL THEN coalesce({matched}, CASE {ambiguous} END, "
                   f"{own}) END")
    frame = backend.session.sql(f"SELECT s.*, {subject} AS {spark_ident(SUBJECT)} FROM {spark_ident(stage)} s "
                                + " ".join(j for j in joins if j))
    if any(joins):  # joined: computed once, not at every query of the views over it
        frame = frame.localCheckpoint(eager=True)
    return frame, spark_ident(SUBJECT)


def _record_key(export: "Export", exprs: dict[str, str], subject: str | None) -> str | None:
    """The key of the row's record in the entry's role, as the role view gives it (contract.py)."""
    key = ROLES[export.role].key
    return subject if key == "subject_id" else exprs.get(key)


def export_rows(backend: "SparkBackend", export: "Export", columns: list[str], exprs: dict[str, str],
                subject: str | None, rows: str) -> "DataFrame":
    """``export_rows_NN``: every column as read, and the row's file, number, load, subject and record key."""
    key = _record_key(export, exprs, subject)
    as_read = "".join(f"{spark_ident(c)}, " for c in columns)
    return backend.session.sql(
        f"SELECT {as_read}{spark_ident(FILE_COLUMN)} AS _source_file, {spark_ident(ROW_COLUMN)} AS _source_row, "
        f"{spark_ident(CODE_COLUMN)} IS NULL AS _loaded, CAST({subject or 'NULL'} AS STRING) AS _subject_id, "
        f"CAST(NULL AS TIMESTAMP) AS _snapshot_at, CAST({key or 'NULL'} AS STRING) AS _record_key "
        f"FROM {spark_ident(rows)}")


def role_part(backend: "SparkBackend", export: "Export", exprs: dict[str, str], subject: str | None,
              rows: str) -> "DataFrame":
    """The entry's good rows as its role view's rows: every field (NULL where the entry gives none), the
    subject as resolved, a record without a key of its own named ``<file>#<row>``."""
    role = ROLES[export.role]
    exprs = dict(exprs)
    if subject is not None and "subject_id" in role.field_names:
        exprs["subject_id"] = subject
    if role.key not in exprs and not role.field(role.key).required:
        exprs[role.key] = f"{spark_ident(FILE_COLUMN)} || '#' || CAST({spark_ident(ROW_COLUMN)} AS STRING)"
    fields = ", ".join(f"CAST({exprs.get(f.name, 'NULL')} AS {SPARK_TYPES[f.type]}) AS {spark_ident(f.name)}"
                       for f in role.fields)
    return backend.session.sql(
        f"SELECT {fields}, {spark_ident(FILE_COLUMN)} AS _source_file, CAST({spark_ident(ROW_COLUMN)} AS BIGINT) "
        f"AS _source_row FROM {spark_ident(rows)} WHERE {spark_ident(CODE_COLUMN)} IS NULL")
