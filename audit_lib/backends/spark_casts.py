"""The DuckDB loader's casts (loader/casting.py) for typed lake columns on Spark, with the same reason codes.

A column whose Parquet type is already the field's, or one Spark turns into it exactly (an integer into
a whole number or an amount, a decimal with more places compared before it is cast, a zone-less time
read in the export's zone by the loader's rule, spark_timezones.py), is cast in Spark SQL, row by row,
as casting.py does it; a text field with a vocabulary or a value map likewise. Any other column (text
holding dates, numbers or yes/no words, a float or a time mapped to text) goes through the loader's
own casts: its distinct values go to DuckDB once, ``cast_expression`` and ``failure_reason`` type them
and give their codes, and Spark joins the result back. Either way a value that does not cast has the
code the DuckDB loader gives it (bad_date, implausible_year, bad_number, precision_loss, bad_value,
missing_value, missing_key); the reasons themselves are worded by the DuckDB loader's SQL, for the
quarantined rows only (spark_quarantine.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_lib.backends.port import port_expression
from audit_lib.backends.spark_timezones import instant_sql
from audit_lib.loader.casting import REASON_CODES, CastSpec, cast_expression, failure_reason
from audit_lib.loader.numbers import PRECISION_LOSS
from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, TEXT, TIMESTAMP
from audit_lib.sql import ident

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

# The canonical types (roles.py) as Spark SQL types: TIMESTAMP is Spark's instant.
SPARK_TYPES = {TEXT: "STRING", TIMESTAMP: "TIMESTAMP", BOOLEAN: "BOOLEAN", DECIMAL: "DECIMAL(14,2)", INTEGER: "BIGINT"}
_INTEGERS = ("tinyint", "smallint", "int", "bigint")
# Spark types whose text (CAST AS STRING) is DuckDB's (CAST AS VARCHAR), character for character.
_SAME_TEXT = ("string", *_INTEGERS, "boolean", "date")
_DECIMAL = re.compile(r"decimal\((\d+),(\d+)\)")
_TYPED = "regaudit:typed"


def spark_ident(name: str) -> str:
    """``name`` quoted as a Spark SQL identifier."""
    return "`" + name.replace("`", "``") + "`"


def spark_literal(value: str) -> str:
    """``value`` as a Spark SQL string literal (backslashes are escapes there)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def spark_text(column_sql: str) -> str:
    """Spark SQL of ``column_sql`` as trimmed text, NULL when empty (casting.text_sql)."""
    return f"NULLIF(TRIM(CAST({column_sql} AS STRING)), '')"


def _ported(expression: str) -> str:
    """The DuckDB loader's own expression in Spark SQL (backends/port.py): written once, in casting.py."""
    ported = port_expression(expression, "spark")
    if not ported.executable:  # the loader's casts are plain SQL: a leftover here is a bug in regaudit
        raise ValueError(f"the loader's cast does not port to Spark SQL: {ported.reason}")
    return ported.sql


def _closed_text(column: str, spec: CastSpec) -> str:
    """A text field with a vocabulary or a value map, matched without regard to letter case: the
    loader's ``cast_expression``, ported."""
    return _ported(cast_expression(column, spec))


def _timestamp(column: str, spec: CastSpec, kind: str) -> str | None:
    """An instant from a Parquet time or date, NULL outside the plausible years (local years for a
    zone-less time, UTC's for an instant), as casting._timestamp_sql."""
    col = spark_ident(column)
    first, last = spec.years
    if kind == "timestamp":
        low = (dt.date(first, 1, 1) - dt.date(1970, 1, 1)).days * 86_400_000_000
        high = (dt.date(last + 1, 1, 1) - dt.date(1970, 1, 1)).days * 86_400_000_000 - 1
        return f"CASE WHEN unix_micros({col}) BETWEEN {low} AND {high} THEN {col} END"
    if kind not in ("timestamp_ntz", "date"):
        return None
    local = f"CAST({col} AS TIMESTAMP_NTZ)"
    window = (f"{local} BETWEEN TIMESTAMP_NTZ '{first:04d}-01-01 00:00:00' "
              f"AND TIMESTAMP_NTZ '{last:04d}-12-31 23:59:59.999999'")
    return f"CASE WHEN {window} THEN {instant_sql(local, spec.timezone)} END"


def _number(column: str, spec: CastSpec, kind: str) -> str | None:
    """A whole number or an amount from an integer or a decimal, never rounded (numbers.py)."""
    col, target = spark_ident(column), SPARK_TYPES[spec.target]
    scale = 2 if spec.target == DECIMAL else 0
    found = _DECIMAL.fullmatch(kind)
    if found and int(found.group(2)) > scale:
        return f"CASE WHEN {col} = round({col}, {scale}) THEN try_cast({col} AS {target}) END"
    if found or kind in _INTEGERS:
        return f"try_cast({col} AS {target})"
    return None


def native_typed(column: str, spec: CastSpec, kind: str) -> str | None:
    """Spark SQL typing ``column`` (of Spark type ``kind``, simpleString) as ``spec.target`` exactly as the
    DuckDB loader does, or None when only the loader's own casts can (see ``lookup_casts``)."""
    if spec.target == TEXT:
        if kind not in _SAME_TEXT:
            return None
        return _closed_text(column, spec) if spec.closed else spark_text(spark_ident(column))
    if spec.target == TIMESTAMP:
        return _timestamp(column, spec, kind)
    if spec.target == BOOLEAN:
        return spark_ident(column) if kind == "boolean" else None
    return _number(column, spec, kind)


def native_code(column: str, spec: CastSpec, kind: str, typed_sql: str, required: bool, key: bool) -> str:
    """Spark SQL of the reason code of ``column`` as its field on a row (NULL when it loads), for a column
    ``native_typed`` casts: casting.failure_reason's codes, in its order."""
    text = spark_text(spark_ident(column))
    missing = "'missing_key'" if key else "'missing_value'"
    if spec.target == TEXT and not spec.closed:
        return f"CASE WHEN {text} IS NULL THEN {missing} END" if required else "CAST(NULL AS STRING)"
    whens = [f"WHEN {typed_sql} IS NOT NULL THEN NULL"]
    if spec.target == TIMESTAMP:
        # A typed time always has a year: one that did not load lies outside the plausible years.
        whens.append(f"WHEN {text} IS NOT NULL THEN 'implausible_year'")
    elif spec.target in (DECIMAL, INTEGER) and _DECIMAL.fullmatch(kind):
        scale = 2 if spec.target == DECIMAL else 0
        fits = f"try_cast(round({spark_ident(column)}, {scale}) AS {SPARK_TYPES[spec.target]}) IS NOT NULL"
        whens.append(f"WHEN {text} IS NOT NULL AND {fits} THEN '{PRECISION_LOSS}'")
    whens.append(f"WHEN {text} IS NOT NULL THEN '{REASON_CODES[spec.target]}'")
    if required:
        whens.append(f"WHEN {text} IS NULL THEN {missing}")
    return "CASE " + " ".join(whens) + " END"


@dataclass(frozen=True)
class LookupCast:
    """What the loader's own casts say of each distinct value of one column: ``typed`` and ``code``,
    in the order of ``values``."""

    values: "pa.Array"
    typed: "pa.Array"
    code: "pa.Array"


def lookup_casts(con: "duckdb.DuckDBPyConnection", column: str, field: str, spec: CastSpec, values: "pa.Array",
                 required: bool, key: bool) -> LookupCast:
    """Type ``values`` (the distinct values of ``column``, as Spark gave them) with the DuckDB loader's
    ``cast_expression`` and code them with its ``failure_reason``, on ``con`` (the loader's connection,
    in the register's zone)."""
    import pyarrow as pa

    table = pa.table({column: values, "regaudit:n": pa.array(range(len(values)), pa.int64())})
    name = "_regaudit_spark_values"
    con.register(name, table)
    try:
        source = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {ident(name)})").fetchall())[column]
        typed_spec = dataclasses.replace(spec, source_type=source)
        _, code = failure_reason(column, field, typed_spec, ident(_TYPED), required, key=key)
        result = con.sql(
            f"SELECT {ident(_TYPED)}, {code} FROM (SELECT *, {cast_expression(column, typed_spec)} AS {ident(_TYPED)} "
            f"FROM {ident(name)}) ORDER BY \"regaudit:n\"").to_arrow_table()
    finally:
        con.unregister(name)
    return LookupCast(values, result.column(0).combine_chunks(), result.column(1).combine_chunks())
