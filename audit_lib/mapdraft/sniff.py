"""What a file of exports looks like: format, encoding, delimiter, header and a sample of values.

The loader's own sniffers (audit_lib/loader/encoding.py) decide encoding and dialect, so the draft
records what the loader would detect, never a second opinion.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from audit_lib.declaration.exports import FORMAT_BY_SUFFIX
from audit_lib.errors import LoadError
from audit_lib.i18n import T_

# Rows kept of a file's sample: the words of a column with a canonical vocabulary are read from all of
# them (a word first seen in row 300 still needs mapping); content is judged on the first DETECT_ROWS.
SAMPLE_ROWS = 1000


@dataclass
class FileSniff:
    """One export file as sniffed: its name, format, CSV dialect and the first rows' values per column."""

    name: str
    format: str
    columns: list[str]
    values: dict[str, list[str]] = field(default_factory=dict)
    encoding: str | None = None
    delimiter: str | None = None


def format_of(name: str) -> str | None:
    """The format a file's name says (csv, parquet, json, xlsx), or None."""
    lower = name.lower()
    for suffix in sorted(FORMAT_BY_SUFFIX, key=len, reverse=True):
        if lower.endswith(suffix):
            return FORMAT_BY_SUFFIX[suffix]
    return None


def export_files(exports_dir: Path) -> list[Path]:
    """The files under ``exports_dir`` whose format regaudit reads, sorted by relative name."""
    return sorted((p for p in exports_dir.rglob("*") if p.is_file() and format_of(p.name)),
                  key=lambda p: p.relative_to(exports_dir).as_posix())


def sniff(path: Path, name: str | None = None) -> FileSniff:
    """Sniff the export file at ``path`` (named ``name`` relative to the exports folder)."""
    name = name or path.name
    fmt = format_of(path.name)
    if fmt == "csv":
        return _sniff_csv(path, name)
    if fmt == "xlsx":
        return _sniff_xlsx(path, name)
    if fmt in ("parquet", "json"):
        return _sniff_duckdb(path, name, fmt)
    raise LoadError(name, T_("cannot tell its format from its name"))


def _columns(header: list, rows: list[list]) -> tuple[list[str], dict[str, list[str]]]:
    from audit_lib.loader.headers import dedupe_header

    # Named as the loader names them: an empty name by position, a repeated one numbered.
    columns = dedupe_header(["" if h is None else str(h) for h in header])[0]
    values: dict[str, list[str]] = {c: [] for c in columns}
    for row in rows[:SAMPLE_ROWS]:
        for column, value in zip(columns, row):
            text = "" if value is None else str(value).strip()
            if text:
                values[column].append(text)
    return columns, values


def _sniff_csv(path: Path, name: str) -> FileSniff:
    from audit_lib.loader import encoding as sniffers

    sample = sniffers.read_sample(path)
    detected = sniffers.detect_encoding(sample)
    text = sniffers.decode_sample(sample, detected).lstrip("\ufeff")
    delimiter, quote, _ = sniffers.sniff_dialect(text, 0, None, None)
    lines = text.splitlines(keepends=True)
    if len(sample) == sniffers.SAMPLE_BYTES and len(lines) > 1:
        lines = lines[:-1]  # the sample's last line may be cut
    try:
        rows = [r for r in csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter,
                                      quotechar=quote) if r]
    except csv.Error as exc:  # a field beyond csv's size limit, a NUL byte
        raise LoadError(name, T_("cannot be read as {format}: {error}", format="CSV", error=exc)) from exc
    columns, values = _columns(rows[0] if rows else [], rows[1:])
    # The loader names a UTF-8 file with a BOM utf-8 too (DuckDB skips the BOM).
    return FileSniff(name, "csv", columns, values, "utf-8" if detected == "utf-8-sig" else detected, delimiter)


def _sniff_xlsx(path: Path, name: str) -> FileSniff:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()
    except Exception as exc:  # calamine raises its own error types
        raise LoadError(name, T_("cannot be read as {format}: {error}", format="XLSX", error=exc)) from exc
    columns, values = _columns(rows[0] if rows else [], rows[1:SAMPLE_ROWS + 1])
    return FileSniff(name, "xlsx", columns, values)


def _sniff_duckdb(path: Path, name: str, fmt: str) -> FileSniff:
    import duckdb

    reader = "read_parquet" if fmt == "parquet" else "read_json_auto"
    con = duckdb.connect()
    try:
        relation = con.sql(f"SELECT * FROM {reader}($path) LIMIT {SAMPLE_ROWS}", params={"path": str(path)})
        header, rows = relation.columns, relation.fetchall()
    except duckdb.Error as exc:
        raise LoadError(name, T_("cannot be read as {format}: {error}", format=fmt, error=exc)) from exc
    finally:
        con.close()
    rows = [[_text(v) for v in row] for row in rows]
    columns, values = _columns(header, rows)
    return FileSniff(name, fmt, columns, values)


def _text(value: object) -> str | None:
    """A typed value as the text an export would hold (timestamps ISO, booleans true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value)


def distinct_values(path: Path, sniffed: FileSniff, column: str, limit: int = 20) -> list[str]:
    """Up to ``limit`` distinct values of ``column`` over the whole file, sorted (reading stops at the
    ``limit``-th new word, so which ones a long list holds is arbitrary): the words of a column
    with a canonical vocabulary, which a sample may miss (service providers listed after consumers)."""
    if column not in sniffed.columns:
        return []
    try:
        return _distinct(path, sniffed, sniffed.columns.index(column), column, limit)
    except (csv.Error, OSError, UnicodeError, ValueError) as exc:
        raise LoadError(sniffed.name, T_("cannot be read to its end: {error}", error=exc)) from exc
    except Exception as exc:  # calamine's and DuckDB's own error types
        raise LoadError(sniffed.name, T_("cannot be read to its end: {error}", error=exc)) from exc


def _distinct(path: Path, sniffed: FileSniff, index: int, column: str, limit: int) -> list[str]:
    seen: set[str] = set()
    if sniffed.format == "csv":
        from audit_lib.loader.encoding import open_binary

        # Streamed: only this column's words are kept, so a large export costs time, not memory.
        with open_binary(path) as raw, io.TextIOWrapper(raw, encoding=sniffed.encoding or "utf-8", errors="replace",
                                                        newline="") as text:
            rows = csv.reader(text, delimiter=sniffed.delimiter or ",")
            next(rows, None)
            for row in rows:
                if len(row) > index and row[index].strip():
                    seen.add(row[index].strip())
                    if len(seen) >= limit:
                        break
    elif sniffed.format == "xlsx":
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        for row in workbook.get_sheet_by_name(workbook.sheet_names[0]).to_python()[1:]:
            if len(row) > index and str(row[index]).strip():
                seen.add(str(row[index]).strip())
    else:
        import duckdb

        from audit_lib.sql import ident

        reader = "read_parquet" if sniffed.format == "parquet" else "read_json_auto"
        con = duckdb.connect()
        try:
            rows = con.sql(f"SELECT DISTINCT CAST({ident(column)} AS VARCHAR) FROM {reader}($path) "
                           f"WHERE {ident(column)} IS NOT NULL LIMIT {limit}", params={"path": str(path)}).fetchall()
        finally:
            con.close()
        seen = {str(r[0]).strip() for r in rows if str(r[0]).strip()}
    return sorted(seen)[:limit]
