"""Reading export files into raw DuckDB tables with DuckDB's own readers (XLSX through calamine)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.sql import ident

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration.exports import Export

# Columns the loader adds to every raw table.
FILE_COLUMN = "_file"
ROW_COLUMN = "_row"
_FILENAME_OPTION = f"filename = '{FILE_COLUMN}'"


@dataclass
class RawTable:
    """A raw table in DuckDB holding one export's files, and what the reader detected."""

    table: str
    files: list[Path]
    columns: list[str]
    detected: dict[str, object] = field(default_factory=dict)
    rejects: list[dict[str, object]] = field(default_factory=list)


def resolve_files(exports_dir: Path, pattern: str) -> list[Path]:
    """The files ``pattern`` (a name or glob) names inside ``exports_dir``, sorted; never outside it."""
    root = exports_dir.resolve()
    matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
    files = []
    for match in matches:
        real = match.resolve()
        if not real.is_relative_to(root):
            raise LoadError(pattern, f"resolves to {real}, outside the exports folder {root}; "
                                     "keep export files inside exports_dir")
        if real.is_file():
            files.append(real)
    if not files:
        raise LoadError(pattern, f"no such file in {root}; check `file:` in exports.yaml")
    return files


def read_raw(con: "duckdb.DuckDBPyConnection", export: "Export", files: list[Path], table: str,
             exports_dir: Path) -> RawTable:
    """Create ``table`` from ``files``: every column as read, the file's name relative to
    ``exports_dir`` and the row's position in its file."""
    reader = {"csv": _read_csv, "parquet": _read_parquet, "json": _read_json, "xlsx": _read_xlsx}[export.format]
    raw = reader(con, export, files, table)
    prefix = str(exports_dir.resolve()) + "/"
    con.execute(f"UPDATE {ident(table)} SET {ident(FILE_COLUMN)} = replace({ident(FILE_COLUMN)}, $prefix, '')",
                {"prefix": prefix})
    for reject in raw.rejects:
        reject["file"] = str(reject["file"]).replace(prefix, "")
    raw.columns = [c for c in _columns(con, table) if c not in (FILE_COLUMN, ROW_COLUMN)]
    return raw


def _columns(con: "duckdb.DuckDBPyConnection", table: str) -> list[str]:
    return [row[0] for row in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table]).fetchall()]


def _numbered(con: "duckdb.DuckDBPyConnection", table: str, source_sql: str, params: dict) -> None:
    # Insertion order is file order (DuckDB preserves it), so rowid gives each row its position;
    # the window restarts numbering per file for globs of several files.
    con.execute(f"CREATE TEMP TABLE {ident(table + '_scan')} AS {source_sql}", params)
    con.execute(
        f"CREATE TABLE {ident(table)} AS SELECT *, "
        f"row_number() OVER (PARTITION BY {ident(FILE_COLUMN)} ORDER BY rowid) AS {ident(ROW_COLUMN)} "
        f"FROM {ident(table + '_scan')}")
    con.execute(f"DROP TABLE {ident(table + '_scan')}")


def _read_csv(con, export, files, table) -> RawTable:
    options = export.options
    named = {"files": [str(f) for f in files]}
    # All text: the loader casts canonical fields itself, so a bad value is quarantined, not lost.
    arguments = ["all_varchar = true", _FILENAME_OPTION, "store_rejects = true", "strict_mode = false",
                 f"rejects_table = '{table}_rejects'", f"rejects_scan = '{table}_scans'"]
    for option, duck_name in (("delimiter", "delim"), ("quote", "quote"), ("encoding", "encoding")):
        value = getattr(options, option)
        if value is not None:
            named[duck_name] = value
            arguments.append(f"{duck_name} = ${duck_name}")
    if options.header is not None:
        named["header"] = options.header
        arguments.append("header = $header")
    if options.skip_rows is not None:
        named["skip"] = options.skip_rows
        arguments.append("skip = $skip")
    if options.null_values is not None:
        named["nullstr"] = options.null_values
        arguments.append("nullstr = $nullstr")
    source = f"SELECT * FROM read_csv($files, {', '.join(arguments)})"
    try:
        _numbered(con, table, source, named)
    except Exception as exc:  # duckdb raises several error types; all mean "cannot read this file"
        raise LoadError(", ".join(f.name for f in files), f"cannot be read as CSV: {exc}") from exc
    rejects = con.execute(
        "SELECT s.file_path, e.line, e.column_name, e.error_type, e.csv_line, e.error_message "
        f"FROM {ident(table + '_rejects')} e JOIN {ident(table + '_scans')} s USING (scan_id, file_id) "
        "ORDER BY s.file_path, e.line").fetchall()
    sniffed = con.execute("SELECT Delimiter, Quote, HasHeader FROM sniff_csv(?)", [str(files[0])]).fetchone()
    detected = {"delimiter": options.delimiter or sniffed[0], "quote": options.quote or sniffed[1],
                "header": options.header if options.header is not None else sniffed[2],
                "encoding": options.encoding or "utf-8"}
    return RawTable(table, files, [], detected, [
        {"file": r[0], "line": r[1], "column": r[2], "reason": f"{r[3]}: {r[5]}", "raw": r[4]}
        for r in rejects])


def _read_parquet(con, export, files, table) -> RawTable:
    source = f"SELECT * FROM read_parquet($files, {_FILENAME_OPTION})"
    try:
        _numbered(con, table, source, {"files": [str(f) for f in files]})
    except Exception as exc:
        raise LoadError(", ".join(f.name for f in files), f"cannot be read as Parquet: {exc}") from exc
    return RawTable(table, files, [], {"format": "parquet"})


def _read_json(con, export, files, table) -> RawTable:
    json_format = export.options.json_format or "auto"
    source = f"SELECT * FROM read_json($files, format = $format, {_FILENAME_OPTION})"
    try:
        _numbered(con, table, source, {"files": [str(f) for f in files], "format": json_format})
    except Exception as exc:
        raise LoadError(", ".join(f.name for f in files), f"cannot be read as JSON: {exc}") from exc
    return RawTable(table, files, [], {"json_format": json_format})


def _read_xlsx(con, export, files, table) -> RawTable:
    import pandas as pd
    from python_calamine import CalamineWorkbook

    frames = []
    for path in files:
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheet_name = export.options.sheet or workbook.sheet_names[0]
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise LoadError(path.name, f"cannot be read as XLSX: {exc}") from exc
        if not rows:
            raise LoadError(path.name, f"sheet {sheet_name!r} is empty")
        header = [str(h) for h in rows[0]]
        # Every cell as text: the loader casts canonical fields itself and quarantines what fails.
        body = [[_cell_text(v) for v in row] for row in rows[1:] if any(v not in ("", None) for v in row)]
        frame = pd.DataFrame(body, columns=header, dtype="object")
        frame[FILE_COLUMN] = str(path)
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    con.register("_xlsx_frame", combined)
    try:
        _numbered(con, table, "SELECT * FROM _xlsx_frame", {})
    finally:
        con.unregister("_xlsx_frame")
    return RawTable(table, files, [], {"sheet": export.options.sheet or "first"})


def _cell_text(value: object) -> str | None:
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
