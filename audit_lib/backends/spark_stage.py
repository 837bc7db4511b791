"""The typed stage of a lake table on Spark: every column as read, each field typed, each row's reason code.

As the DuckDB loader's ``stg_NN`` (loader/load.py): the fields of the export's role typed from their
columns (spark_casts.py), a row's code the first of its fields' codes (then a missing subject), and the
first good row of a key kept, later ones coded ``duplicate_key`` (file order, then row order, as the
DuckDB loader's rowids). The stage is computed once and kept by Spark (a local checkpoint): the
quarantine, the reconciliation and every view read it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.backends.spark_casts import (SPARK_TYPES, lookup_casts, native_code, native_typed, spark_ident,
                                            spark_literal, spark_text)
from audit_lib.backends.spark_lake_source import ORDER_COLUMN
from audit_lib.backends.spark_quarantine import KEY_COLUMN, field_specs, subject_check
from audit_lib.loader.load import FIELD_PREFIX
from audit_lib.loader.readers import CODE_COLUMN, FILE_COLUMN, ROW_COLUMN
from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, ROLES, TEXT, TIMESTAMP

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyspark.sql import DataFrame

    from audit_lib.backends.spark_backend import SparkBackend
    from audit_lib.backends.spark_lake_source import LakeRead
    from audit_lib.declaration import Declaration, Export


def spark_constant(value: object, type_: str) -> str:
    """A constant of ``set:`` as a typed Spark SQL literal (mapping.constant_sql)."""
    if type_ == BOOLEAN:
        return "true" if value is True or str(value).lower() in ("true", "yes", "1") else "false"
    if type_ in (DECIMAL, INTEGER, TIMESTAMP):
        return f"CAST({spark_literal(str(value))} AS {SPARK_TYPES[type_]})"
    if type_ == TEXT:
        return spark_literal(str(value).lower() if isinstance(value, bool) else str(value))
    raise ValueError(f"no constant of type {type_}")


def _distinct_values(frame: "DataFrame", columns: list[str]) -> dict[str, "pa.Array"]:
    """Each of ``columns``' distinct values (NULL among them if it occurs), all in one pass."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    if not columns:
        return {}
    wanted = list(dict.fromkeys(columns))
    aggregates = [F.collect_set(spark_ident(c)) for c in wanted] + [F.max(F.col(spark_ident(c)).isNull()) for c in wanted]
    row = frame.agg(*aggregates).toArrow()
    found = {}
    for number, column in enumerate(wanted):
        values = row.column(number)[0].values
        nulls = bool(row.column(len(wanted) + number)[0].as_py())
        found[column] = pa.concat_arrays([values, pa.nulls(1, values.type)]) if nulls else values
    return found


def _lookup(backend: "SparkBackend", con, frame: "DataFrame", column: str, values: "pa.Array", cast: tuple,
            name: str) -> tuple["DataFrame", str, str]:
    """``frame`` joined with what the DuckDB loader's casts say of each distinct value of ``column``;
    the names of the typed value and code columns added."""
    import pyarrow as pa
    from pyspark.sql import functions as F

    field_name, spec, required, is_key = cast
    result = lookup_casts(con, column, field_name, spec, values, required, is_key)
    raw, typed, code = f"regaudit:raw:{name}", f"regaudit:typed:{name}", f"regaudit:code:{name}"
    backend.register(f"regaudit_lookup_{name}", pa.table({raw: result.values, typed: result.typed, code: result.code}))
    table = backend.session.table(f"regaudit_lookup_{name}")
    joined = frame.join(F.broadcast(table), frame[spark_ident(column)].eqNullSafe(table[spark_ident(raw)]), "left")
    return joined.drop(raw), spark_ident(typed), spark_ident(code)


def typed_stage(backend: "SparkBackend", con: "duckdb.DuckDBPyConnection", declaration: "Declaration",
                export: "Export", read: "LakeRead", key: str) -> tuple["DataFrame", dict[str, str]]:
    """The checkpointed stage of ``read`` and, per field the role takes from the entry, its Spark SQL
    over the stage (a typed column, or a constant of ``set:``)."""
    from audit_lib.backends.spark_backend import duckdb_type

    types = {c: duckdb_type(read.types[c]) for c in read.columns}
    casts = [(*cast, native_typed(cast[1], cast[2], read.types[cast[1]]))
             for cast in field_specs(declaration, export, types)]
    distinct = _distinct_values(read.frame, [cast[1] for cast in casts if cast[5] is None])
    frame, typed, codes, helpers, exprs = read.frame, [], [], [], {}
    for number, (field_name, column, spec, required, is_key, value) in enumerate(casts):
        name, kind, code = spark_ident(FIELD_PREFIX + field_name), read.types[column], None
        if value is None:
            frame, value, code = _lookup(backend, con, frame, column, distinct[column],
                                         (field_name, spec, required, is_key), f"{key}_{number}")
            helpers += [value, code]
        typed.append(f"CAST({value} AS {SPARK_TYPES[spec.target]}) AS {name}")
        codes.append(code or native_code(column, spec, kind, name, required, is_key))
        exprs[field_name] = name
    needed = subject_check(declaration, export)
    if needed is not None:
        present = " OR ".join(f"{spark_text(spark_ident(c))} IS NOT NULL" for c in needed[0])
        codes.append(f"CASE WHEN NOT ({present}) THEN 'missing_value' END")
    frame = frame.selectExpr("*", *typed)
    code = f"coalesce({', '.join(codes)})" if codes else "CAST(NULL AS STRING)"
    frame = frame.selectExpr("*", f"{code} AS {spark_ident(CODE_COLUMN)}").drop(*[h.strip("`") for h in helpers])
    plan = export.plans()[0]
    for field_name, constant in plan.constants.items():
        exprs[field_name] = spark_constant(constant, ROLES[plan.role].field(field_name).type)
    return _mark_duplicates(frame, export, exprs).localCheckpoint(eager=True), exprs


def _mark_duplicates(frame: "DataFrame", export: "Export", exprs: dict[str, str]) -> "DataFrame":
    """The first good row of a key wins; later ones are coded ``duplicate_key`` (load._mark_duplicates).
    The key as the role view gives it (typed, text trimmed) is kept for the quarantine's ``key_value``."""
    if not export.key:
        return frame.selectExpr("*", f"CAST(NULL AS STRING) AS {spark_ident(KEY_COLUMN)}")
    spec = export.columns.get(export.key)
    mapped = spec is not None and spec.field is not None and spec.field in exprs
    key = exprs[spec.field] if mapped else spark_text(spark_ident(export.key))
    code = spark_ident(CODE_COLUMN)
    good = f"({code} IS NULL" + (")" if mapped else f" AND {key} IS NOT NULL)")
    order = f"{spark_ident(ORDER_COLUMN)}, {spark_ident(ROW_COLUMN)}"
    repeated = f"row_number() OVER (PARTITION BY {good}, {key} ORDER BY {order}) > 1"
    return frame.selectExpr(
        *[spark_ident(c) for c in frame.columns if c != CODE_COLUMN],
        f"CASE WHEN {good} AND {repeated} THEN 'duplicate_key' ELSE {code} END AS {code}",
        f"CAST({key} AS STRING) AS {spark_ident(KEY_COLUMN)}")


def quarantined_rows(stage: "DataFrame", columns: list[str]):
    """The rows of ``stage`` set aside, as Arrow: every column as read, the file, row, code and key."""
    kept = [*columns, FILE_COLUMN, ROW_COLUMN, CODE_COLUMN, KEY_COLUMN]
    return stage.filter(f"{spark_ident(CODE_COLUMN)} IS NOT NULL").select(*[spark_ident(c) for c in kept]).toArrow()
