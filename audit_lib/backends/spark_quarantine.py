"""The quarantine of a lake table Spark loaded, worded by the DuckDB loader's own SQL, in its ``quarantine`` table.

Spark decides which rows fail and their codes (spark_casts.py) and which repeat a key; the rows it
sets aside come to the driver (the quarantine lives there, in DuckDB, whichever engine loaded: the
report's reconciliation and quarantine.csv read it) with every column as read. Here the DuckDB loader's
``cast_expression`` and ``failure_reason`` word each row's reasons and failing values, exactly as they
would for the file, and give the codes again: a code Spark gave that DuckDB's casts would not is an
error of the export (never a silently different quarantine).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.i18n import T_
from audit_lib.loader.casting import cast_expression, failure_reason, text_sql
from audit_lib.loader.load import FIELD_PREFIX, RAW_ROWS_KEPT, _cast_spec, _failed_value_sql
from audit_lib.loader.readers import CODE_COLUMN, FILE_COLUMN, ROW_COLUMN
from audit_lib.roles import ROLES
from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from audit_lib.declaration import Declaration, Export

KEY_COLUMN = "regaudit:key"
_ROWS = "_regaudit_spark_quarantine"


def field_specs(declaration: "Declaration", export: "Export", types: dict[str, str]):
    """(field, column, CastSpec, required, key) of every field the export's role takes from a column, in
    the DuckDB loader's order; ``types``: each column's type (DuckDB's names) as the casts see it."""
    plan = export.plans()[0]
    role = ROLES[plan.role]
    key_field = export.columns[export.key].field if export.key and export.key in export.columns else None
    for field_name, (column, values) in plan.fields.items():
        if field_name == "subject_id":
            continue  # resolved from the identifier columns (loader/identity.py)
        spec = _cast_spec(declaration, export, plan.role, field_name, values, types[column])
        is_key = field_name == key_field
        yield field_name, column, spec, role.field(field_name).required or is_key, is_key


def subject_check(declaration: "Declaration", export: "Export") -> tuple[list[str], str] | None:
    """The identifier columns of which a row needs one value, and the reason when it has none; None when
    the role needs no subject."""
    columns = list(dict.fromkeys(export.subject_columns(declaration.register.master_identifier).values()))
    role = ROLES[export.role]
    if not columns or "subject_id" not in role.field_names or not role.field("subject_id").required:
        return None
    return columns, f"missing subject (no value in {', '.join(columns)})"


def _wording_sql(declaration: "Declaration", export: "Export", types: dict[str, str]) -> tuple[str, str, str, str]:
    """SQL of the typed fields (a select list), and of each row's code, reasons and failing values over them."""
    typed, codes, reasons, values = [], [], [], []
    for field_name, column, spec, required, is_key in field_specs(declaration, export, types):
        name = ident(FIELD_PREFIX + field_name)
        typed.append(f"{cast_expression(column, spec)} AS {name}")
        reason, code = failure_reason(column, field_name, spec, name, required, key=is_key)
        reasons.append(reason)
        codes.append(code)
        values.append(_failed_value_sql(reason, column))
    needed = subject_check(declaration, export)
    if needed is not None:
        present = " OR ".join(f"{text_sql(ident(c))} IS NOT NULL" for c in needed[0])
        reasons.append(f"CASE WHEN NOT ({present}) THEN {literal(needed[1])} END")
        codes.append(f"CASE WHEN NOT ({present}) THEN 'missing_value' END")
    code = f"coalesce({', '.join(codes)})" if codes else "NULL::VARCHAR"
    reason = f"concat_ws('; ', {', '.join(reasons)})" if reasons else "NULL::VARCHAR"
    value = f"NULLIF(concat_ws('; ', {', '.join(values)}), '')" if values else "NULL::VARCHAR"
    return ", ".join(typed) or "NULL AS \"regaudit:none\"", code, reason, value


def _kept_sql(rows: "pa.Table") -> str:
    """SQL true for a quarantined row whose raw text is kept: the RAW_ROWS_KEPT first of its file."""
    import pyarrow.compute as pc

    last: dict[str, int] = {}
    for name in pc.unique(rows.column(FILE_COLUMN)).to_pylist():
        numbers = pc.filter(rows.column(ROW_COLUMN), pc.equal(rows.column(FILE_COLUMN), name))
        last[name] = max(sorted(numbers.to_pylist())[:RAW_ROWS_KEPT])
    if not last:
        return "false"
    cases = " ".join(f"WHEN {literal(name)} THEN {int(row)}" for name, row in last.items())
    return f"{ident(ROW_COLUMN)} <= (CASE {ident(FILE_COLUMN)} {cases} ELSE 0 END)"


def write_quarantine(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", export: "Export",
                     columns: list[str], rows: "pa.Table") -> dict[str, int]:
    """Insert ``rows`` (the rows Spark quarantined: ``columns`` as read, the file, row, code and repeated
    key) into ``quarantine``, worded by the DuckDB loader's SQL; return how many per file. Raises
    LoadError naming the first row whose code the DuckDB loader's casts would not give."""
    con.register(_ROWS, rows)
    try:
        types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {ident(_ROWS)})").fetchall())
        typed, code, reason, value = _wording_sql(declaration, export, types)
        spark_code, kept = ident(CODE_COLUMN), _kept_sql(rows)
        worded = f"SELECT *, {code} AS \"regaudit:duck\", {reason} AS \"regaudit:why\", {value} AS \"regaudit:value\" " \
                 f"FROM (SELECT *, {typed} FROM {ident(_ROWS)})"
        differs = con.execute(
            f"SELECT {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, {spark_code}, \"regaudit:duck\" FROM ({worded}) "
            f"WHERE \"regaudit:duck\" IS DISTINCT FROM (CASE WHEN {spark_code} = 'duplicate_key' THEN NULL "
            f"ELSE {spark_code} END) ORDER BY 1, 2 LIMIT 1").fetchall()
        if differs:
            name, row, given, expected = differs[0]
            raise LoadError(name, T_("Spark's casts gave the reason code {given!r}, the DuckDB loader's {expected!r}; "
                                     "read this table with --engine duckdb, and report the difference",
                                     given=given, expected=expected), row=row)
        duplicate = literal(f"duplicate key in column {export.key}")
        raw = "to_json({" + ", ".join(f"{literal(c)}: {ident(c)}" for c in columns) + "})"
        con.execute(
            f"INSERT INTO quarantine SELECT {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, CASE WHEN {spark_code} = "
            f"'duplicate_key' THEN {duplicate} ELSE \"regaudit:why\" END, CASE WHEN {kept} THEN {raw} END, "
            f"NULL::BIGINT, NULL::VARCHAR, {spark_code}, CASE WHEN {spark_code} = 'duplicate_key' THEN "
            f"{ident(KEY_COLUMN)} END, CASE WHEN {kept} THEN \"regaudit:value\" END FROM ({worded}) "
            f"ORDER BY {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}")
        return dict(con.execute(f"SELECT {ident(FILE_COLUMN)}, count(*) FROM {ident(_ROWS)} GROUP BY 1").fetchall())
    finally:
        con.unregister(_ROWS)
