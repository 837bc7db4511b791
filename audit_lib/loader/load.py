"""Loading every mapped export into DuckDB: raw tables, typed staging, quarantine, canonical views."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.loader.casting import CastSpec, TIMESTAMP_FORMATS, TRUE_VALUES, FALSE_VALUES, cast_expression, failure_reason
from audit_lib.loader.readers import FILE_COLUMN, ROW_COLUMN, RawTable, read_raw, resolve_files
from audit_lib.roles import ROLES
from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from audit_lib.declaration import Declaration, Export

INPUT_COLUMNS = ["file", "role", "format", "sha256", "bytes", "rows_read", "rows_loaded", "rows_quarantined",
                 "status", "detail"]


@dataclass
class LoadReport:
    """What the loader did: one row per input file, the roles and fields available to checks."""

    inputs: list[dict[str, object]] = field(default_factory=list)
    available: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def inputs_frame(self) -> "pd.DataFrame":
        """The per-file reconciliation as a DataFrame (columns INPUT_COLUMNS)."""
        import pandas as pd

        return pd.DataFrame(self.inputs, columns=INPUT_COLUMNS)

    @property
    def complete(self) -> bool:
        """True when every file loaded and none passed its reject threshold."""
        return all(row["status"] == "loaded" for row in self.inputs)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _create_support_tables(con: "duckdb.DuckDBPyConnection") -> None:
    con.execute("CREATE TABLE quarantine (file VARCHAR, row BIGINT, reason VARCHAR, raw VARCHAR)")
    con.execute("CREATE TABLE export_columns (file VARCHAR, role VARCHAR, column_name VARCHAR, field VARCHAR, "
                "category VARCHAR, not_personal VARCHAR, in_file BOOLEAN, in_mapping BOOLEAN)")


def load_exports(con: "duckdb.DuckDBPyConnection", declaration: "Declaration") -> LoadReport:
    """Load every export of ``declaration`` into ``con``; never raises for one bad file."""
    report = LoadReport()
    _create_support_tables(con)
    staged: dict[str, list[tuple[str, "Export"]]] = {}
    for index, export in enumerate(declaration.exports.exports):
        table = f"raw_{index:02d}"
        try:
            files = resolve_files(declaration.exports_dir, export.file)
            raw = read_raw(con, export, files, table, declaration.exports_dir)
            stage = _stage(con, declaration, export, raw, f"stg_{index:02d}", report)
        except LoadError as exc:
            report.problems.append(str(exc))
            report.inputs.append({"file": export.file, "role": export.role, "format": export.format,
                                  "sha256": None, "bytes": None, "rows_read": 0, "rows_loaded": 0,
                                  "rows_quarantined": 0, "status": "error", "detail": str(exc)})
            continue
        staged.setdefault(export.role, []).append((stage, export))
    for role_name, stages in staged.items():
        _create_role_view(con, role_name, stages, report)
    return report


def _stage(con, declaration, export, raw: RawTable, stage: str, report: LoadReport) -> str:
    """Type the mapped columns of ``raw`` into ``stage``, quarantine rows that fail, reconcile counts."""
    role = ROLES[export.role]
    timezone = export.timezone or declaration.exports.timezone
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
                             [raw.table]).fetchall())
    _record_columns(con, export, raw)
    missing = [c for c in export.columns if c not in raw.columns]
    if missing:
        raise LoadError(export.file, f"column(s) {', '.join(map(repr, missing))} named in exports.yaml are not in "
                                     f"the file; its columns are: {', '.join(map(repr, raw.columns))}")
    options = export.options
    selects, reasons = [], []
    for field_name, column in export.field_columns().items():
        canonical = role.field(field_name)
        spec = CastSpec(
            target=canonical.type, source_type=types[column], timezone=timezone,
            values=export.columns[column].values,
            timestamp_formats=tuple(options.timestamp_formats or TIMESTAMP_FORMATS),
            true_values=tuple(options.true_values or TRUE_VALUES),
            false_values=tuple(options.false_values or FALSE_VALUES),
            decimal_separator=options.decimal_separator)
        typed = cast_expression(column, spec)
        selects.append(f"{typed} AS {ident(field_name)}")
        reasons.append(failure_reason(column, field_name, spec, typed, canonical.required))
    reason_sql = f"NULLIF(concat_ws('; ', {', '.join(reasons)}), '')" if reasons else "NULL::VARCHAR"
    key_field = export.columns[export.key].field if export.key else None
    duplicate = "NULL"
    if key_field:
        # The first good row of a key wins; later ones are quarantined rather than silently merged.
        key = ident(key_field)
        duplicate = (f"CASE WHEN _cast_reason IS NULL AND {key} IS NOT NULL AND row_number() OVER "
                     f"(PARTITION BY {key}, _cast_reason IS NULL ORDER BY {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}) > 1 "
                     f"THEN 'duplicate key in column ' || {literal(export.key)} || ': ' || {key} END")
    con.execute(
        f"CREATE TABLE {ident(stage)} AS "
        f"WITH typed AS (SELECT {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, {', '.join(selects)}, "
        f"{reason_sql} AS _cast_reason FROM {ident(raw.table)}) "
        f"SELECT * EXCLUDE (_cast_reason), coalesce(_cast_reason, {duplicate}) AS _reject_reason FROM typed")
    con.execute(
        f"INSERT INTO quarantine SELECT s.{ident(FILE_COLUMN)}, s.{ident(ROW_COLUMN)}, s._reject_reason, "
        f"to_json(r) FROM {ident(stage)} s JOIN {ident(raw.table)} r USING ({ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}) "
        f"WHERE s._reject_reason IS NOT NULL")
    for reject in raw.rejects:
        con.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?)",
                    [reject["file"], reject["line"], reject["reason"], reject["raw"]])
    _reconcile(con, declaration, export, raw, stage, report)
    return stage


def _reconcile(con, declaration, export, raw: RawTable, stage: str, report: LoadReport) -> None:
    counts = dict(((row[0]), row[1:]) for row in con.execute(
        f"SELECT {ident(FILE_COLUMN)}, count(*), count(*) FILTER (WHERE _reject_reason IS NOT NULL) "
        f"FROM {ident(stage)} GROUP BY ALL").fetchall())
    threshold = export.max_reject_ratio if export.max_reject_ratio is not None else declaration.exports.max_reject_ratio
    for path in raw.files:
        name = path.relative_to(declaration.exports_dir).as_posix()
        staged, rejected = counts.get(name, (0, 0))
        structural = sum(1 for r in raw.rejects if r["file"] == name)
        read = staged + structural
        quarantined = rejected + structural
        ratio = quarantined / read if read else 0.0
        status = "rejected" if ratio > threshold else "loaded"
        detail = (f"{quarantined} of {read} rows quarantined ({ratio:.1%}), above the threshold {threshold:.1%}"
                  if status == "rejected" else ", ".join(f"{k}={v}" for k, v in raw.detected.items()))
        report.inputs.append({
            "file": name, "role": export.role, "format": export.format, "sha256": sha256_file(path),
            "bytes": path.stat().st_size, "rows_read": read, "rows_loaded": read - quarantined,
            "rows_quarantined": quarantined, "status": status, "detail": detail})


def _record_columns(con, export, raw: RawTable) -> None:
    rows = []
    for column in raw.columns:
        spec = export.columns.get(column)
        rows.append([export.file, export.role, column, spec.field if spec else None, spec.category if spec else None,
                     spec.not_personal if spec else None, True, spec is not None])
    for column, spec in export.columns.items():
        if column not in raw.columns:
            rows.append([export.file, export.role, column, spec.field, spec.category, spec.not_personal, False, True])
    con.executemany("INSERT INTO export_columns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _create_role_view(con, role_name: str, stages: list[tuple[str, "Export"]], report: LoadReport) -> None:
    """One view per role over its exports' good rows, every canonical field present (NULL if unmapped)."""
    role = ROLES[role_name]
    parts = []
    for stage, export in stages:
        own = set(export.field_columns())
        columns = [ident(f.name) if f.name in own else f"CAST(NULL AS {f.type}) AS {ident(f.name)}" for f in role.fields]
        parts.append(f"SELECT {', '.join(columns)}, {ident(FILE_COLUMN)} AS _source_file, "
                     f"{ident(ROW_COLUMN)} AS _source_row FROM {ident(stage)} WHERE _reject_reason IS NULL")
    con.execute(f"CREATE VIEW {ident(role_name)} AS {' UNION ALL '.join(parts)}")
    # A field counts as available only if every export of the role maps it: a check must not
    # silently test half of the role's rows.
    report.available[role_name] = set.intersection(*(set(export.field_columns()) for _, export in stages))
