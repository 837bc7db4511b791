"""Export files as relations DuckDB can stage from: DuckDB's own readers, XLSX through calamine.

A reader returns a ``Source``: one SELECT per file giving every column as read (XLSX: one for all,
with each row's file, row and line); plus what was detected (per file) and, for CSV, the reader's
rejects once the SELECTs have run.
CSV is read with an explicit dialect (sniffed here, see ``encoding.sniff_dialect``), in strict mode
with ``store_rejects``: a row with the wrong number of columns, broken quoting, invalid UTF-8 or a
value the reader was asked to cast itself and could not is set aside with its line instead of
failing the file or being silently cut to fit.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.loader import encoding as enc
from audit_lib.loader.csv_records import has_interior_blank_line, record_positions
from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration.exports import Export
    from audit_lib.loader.casting import NativeCast

# Columns the loader adds; a file column may not start with the prefix (checked), so no clash.
RESERVED_PREFIX = "regaudit:"
FILE_COLUMN = "regaudit:file"
ROW_COLUMN = "regaudit:row"
# The stage's quarantine reason code of a row: NULL for a row that loaded (see load.py).
CODE_COLUMN = "regaudit:code"
LINE_COLUMN = "regaudit:line"
_PATH_COLUMN = "regaudit:path"

SAMPLE_ROWS = 5000


@dataclass
class Reject:
    """A row the reader itself set aside."""

    file: str
    row: int | None
    line: int | None
    code: str
    reason: str
    raw: str | None
    column: str | None = None


@dataclass
class Source:
    """SELECTs over one export's files (one per file, staged in file order: the stage's rowids then
    tell each row's file and number, cheaper than storing them), with columns, types and what was
    detected per file. ``row_provided``: the SELECT gives the file, row and line columns itself."""

    parts: list[tuple[str, dict[str, object]]]
    files: list[Path]
    names: list[str]
    columns: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    detected: dict[str, dict[str, object]] = field(default_factory=dict)
    row_provided: bool = False
    header_lines: dict[str, int] = field(default_factory=dict)
    # CSV: the UTF-8 file DuckDB reads (the export or its transcoded copy), for csv_records.
    read_paths: dict[str, Path] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    temp_dir: Path | None = None
    _collect: object = None
    _blank_lines: dict[str, bool] = field(default_factory=dict)

    def has_blank_lines(self, name: str) -> bool:
        """Whether CSV file ``name`` has blank lines before its last content (scanned once)."""
        if name not in self._blank_lines:
            self._blank_lines[name] = has_interior_blank_line(self.read_paths[name])
        return self._blank_lines[name]

    def collect_rejects(self, con: "duckdb.DuckDBPyConnection") -> None:
        """Fetch the reader's rejects (after the SELECT has run)."""
        if self._collect is not None:
            self.rejects = self._collect(con)  # type: ignore[operator]

    def close(self) -> None:
        """Remove temporary transcoded files."""
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None


def resolve_files(exports_dir: Path, pattern: str) -> list[Path]:
    """The files ``pattern`` (a name or glob) names inside ``exports_dir``, sorted; never outside it,
    not even through a symbolic link."""
    root = exports_dir.resolve()
    matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
    files = []
    for match in matches:
        real = match.resolve()
        if not real.is_relative_to(root):
            raise LoadError(pattern, f"{match.name} resolves to a path outside the exports folder {root}; "
                                     "keep export files (and what their links point to) inside exports_dir")
        if real.is_file():
            files.append(match)
    if not files:
        raise LoadError(pattern, f"no such file in {root}; check `file:` in exports.yaml")
    return files


def relative_name(path: Path, exports_dir: Path) -> str:
    """How a file is named in reports: its path relative to the exports folder."""
    return path.relative_to(exports_dir.resolve()).as_posix()


def open_source(con: "duckdb.DuckDBPyConnection", export: "Export", files: list[Path], exports_dir: Path,
                native: dict[str, "NativeCast"], key: str, lf_newlines: bool = False) -> Source:
    """A Source over ``files``; ``native`` maps columns to casts the CSV reader may make itself;
    ``lf_newlines``: read CSV files from copies whose line endings are all LF."""
    names = [relative_name(f, exports_dir) for f in files]
    reader = {"csv": _csv_source, "parquet": _parquet_source, "json": _json_source,
              "xlsx": _xlsx_source}[export.format]  # type: ignore[index]
    if export.format == "csv":
        source = _csv_source(con, export, files, names, native, key, lf_newlines)
    else:
        source = reader(con, export, files, names, native, key)
    bad = [c for c in source.columns if c.startswith(RESERVED_PREFIX)]
    if bad:
        source.close()
        raise LoadError(names[0], f"column name {bad[0]!r} starts with {RESERVED_PREFIX!r}, which regaudit "
                                  "reserves; rename the column in the export", column=bad[0])
    return source


def _file_case(path_sql: str, paths: list[str], names: list[str]) -> str:
    if len(paths) == 1:
        return f"{literal(names[0])}"
    cases = " ".join(f"WHEN {literal(p)} THEN {literal(n)}" for p, n in zip(paths, names))
    return f"CASE {path_sql} {cases} END"


def duck_message(exc: Exception, paths: list[str] | None = None, names: list[str] | None = None) -> str:
    """DuckDB's error without the echoed SQL, file paths shortened to the export's names."""
    text = str(exc).split("\n\nLINE ")[0].strip()
    for path, name in zip(paths or [], names or []):
        text = text.replace(path, name)
    return text


def _struct(types: dict[str, str]) -> str:
    return "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in types.items()) + "}"


def _describe(con, sql: str, params: dict) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE {sql}", params).fetchall()}


# ---------------------------------------------------------------------------------------------- CSV

def _dedupe_header(fields: list[str]) -> tuple[list[str], dict[str, str]]:
    names, renamed, seen = [], {}, set()
    for position, raw in enumerate(fields, start=1):
        name = raw.strip().lstrip("\ufeff") or f"column{position}"
        base, counter = name, 2
        while name in seen:
            name, counter = f"{base}_{counter}", counter + 1
        if name != raw:
            renamed[raw or f"(empty header {position})"] = name
        seen.add(name)
        names.append(name)
    return names, renamed


def _csv_source(con, export, files, names, native, key, lf_newlines: bool = False) -> Source:
    options = export.options
    temp_dir: Path | None = None
    read_paths: list[Path] = []
    detected: dict[str, dict[str, object]] = {}
    header_fields: list[str] | None = None
    dialect: tuple[str, str] | None = None
    delimiters: list[str] = []
    skip = options.skip_rows or 0
    header = True if options.header is None else options.header
    for path, name in zip(files, names):
        sample = enc.read_sample(path)
        found = enc.detect_encoding(sample)
        encoding = enc.normalise(options.encoding) if options.encoding else found
        compressed = enc.is_gzip(path)
        info: dict[str, object] = {"encoding": "utf-8" if encoding == "utf-8-sig" else encoding,
                                   "encoding_source": "exports.yaml" if options.encoding else "detected",
                                   "bom": encoding in ("utf-8-sig", "utf-16") and not options.encoding}
        if compressed:
            info["compression"] = "gzip"
        text = enc.decode_sample(sample, encoding)
        if encoding in ("utf-8", "utf-8-sig") and not lf_newlines:
            read_paths.append(path)
        else:
            temp_dir = temp_dir or Path(tempfile.mkdtemp(prefix="regaudit-transcode-"))
            target = temp_dir / f"{len(read_paths):04d}.csv"
            if encoding in ("utf-8", "utf-8-sig"):
                enc.copy_with_lf_newlines(path, target)
            else:
                enc.transcode_to_utf8(path, encoding, target, lf_newlines)
                info["transcoded"] = True
            if lf_newlines:
                info["line_endings"] = "mixed: read from a copy with every line ending made LF"
            read_paths.append(target)
        # Each file its own dialect (a monthly log saved once with another spreadsheet), same header.
        delimiter, quote, fields = enc.sniff_dialect(text.lstrip("\ufeff"), skip, options.delimiter, options.quote)
        if dialect is None:
            header_fields = fields
        elif fields and header and _dedupe_header(fields)[0] != _dedupe_header(header_fields or [])[0]:
            _cleanup(temp_dir)
            raise LoadError(name, f"its header {fields} differs from the first file's {header_fields}; "
                                  "map files with different columns as separate exports")
        dialect = (delimiter, quote)
        delimiters.append(delimiter)
        info.update({"delimiter": delimiter, "quote": quote, "header": header, "skip_rows": skip})
        detected[name] = info
    assert dialect is not None
    if not header_fields:
        if temp_dir:
            shutil.rmtree(temp_dir, ignore_errors=True)
        raise LoadError(names[0], "is empty: no header line found", row=skip + 1)
    if header:
        columns, renamed = _dedupe_header(header_fields)
        if renamed:
            for info in detected.values():
                info["renamed_columns"] = renamed
    else:
        columns = [f"column{i}" for i in range(1, len(header_fields) + 1)]
    paths = [str(p) for p in read_paths]
    params: dict[str, object] = {"files": paths, "delim": dialect[0], "quote": dialect[1]}
    base_args = ["auto_detect = false", "delim = $delim", "quote = $quote", "escape = $quote",
                 f"header = {'true' if header else 'false'}", f"skip = {int(skip)}"]
    if all(enc.is_gzip(p) for p in read_paths):
        base_args.append("compression = 'gzip'")
    if options.null_values is not None:
        params["nullstr"] = options.null_values
        base_args.append("nullstr = $nullstr")
    try:
        types = {c: "VARCHAR" for c in columns}
        chosen = _native_choice(con, paths, delimiters, columns, base_args, params, native)
        types.update(chosen)
    except ValueError as exc:  # a NUL in a header cannot be a name
        _cleanup(temp_dir)
        raise LoadError(names[0], f"has a column name DuckDB cannot hold: {exc}") from exc
    except Exception as exc:  # duckdb raises several error types; all mean "cannot read this file"
        _cleanup(temp_dir)
        raise LoadError(names[0], f"cannot be read as CSV: {duck_message(exc, paths, names)}") from exc
    for info in detected.values():
        info["read_natively"] = {c: t for c, t in chosen.items()}
    struct = "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in types.items()) + "}"
    select = ", ".join(ident(c) for c in columns)
    parts, tables = [], []
    for number, (path, name) in enumerate(zip(paths, names)):
        reject_table, scan_table = f"rejects_{key}_{number}", f"scans_{key}_{number}"
        args = base_args + [f"columns = {struct}", "strict_mode = true", "store_rejects = true",
                            f"rejects_table = {literal(reject_table)}", f"rejects_scan = {literal(scan_table)}"]
        part_params = {k: v for k, v in params.items() if k != "files"} | {"file": path, "delim": delimiters[number]}
        parts.append((f"SELECT {select} FROM read_csv($file, {', '.join(args)})", part_params))
        tables.append((reject_table, scan_table, name))
    header_lines = {n: skip + (1 if header else 0) for n in names}
    read_by_name = dict(zip(names, read_paths))

    source = Source(parts=parts, files=files, names=names, columns=columns, types=types, detected=detected,
                    header_lines=header_lines, read_paths=read_by_name, temp_dir=temp_dir)

    def collect(con) -> list[Reject]:
        found: list[Reject] = []
        for reject_table, scan_table, name in tables:
            found += _csv_rejects(con, reject_table, scan_table, source, name)
        return found

    source._collect = collect
    return source


def _cleanup(temp_dir: Path | None) -> None:
    if temp_dir is not None:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _native_choice(con, paths, delimiters, columns, base_args, params, native) -> dict[str, str]:
    """Columns whose sampled values all have the plain form DuckDB's reader casts itself."""
    wanted = {c: cast for c, cast in native.items() if c in columns}
    if not wanted:
        return {}
    struct = "{" + ", ".join(f"{literal(c)}: 'VARCHAR'" for c in columns) + "}"
    checks = []
    for column, cast in wanted.items():
        text = f"NULLIF({ident(column)}, '')"
        checks.append(f"count({text}) > 0 AND count({text}) FILTER (WHERE NOT regexp_full_match({text}, "
                      f"{literal(cast.pattern)})) = 0")
    chosen = dict(wanted)
    for path, delimiter in zip(paths, delimiters):
        sample = (f"SELECT * FROM read_csv($file, {', '.join(base_args)}, columns = {struct}, ignore_errors = true,"
                  f" strict_mode = false) LIMIT {SAMPLE_ROWS}")
        file_params = {k: v for k, v in params.items() if k != "files"} | {"file": path, "delim": delimiter}
        row = con.execute(f"SELECT {', '.join(checks)} FROM ({sample})", file_params).fetchall()[0]
        for (column, _), ok in zip(wanted.items(), row):
            if not ok:
                chosen.pop(column, None)
    return {c: cast.reader_type for c, cast in chosen.items()}


_STRUCTURAL = {"TOO MANY COLUMNS": "column_count", "MISSING COLUMNS": "column_count",
               "UNQUOTED VALUE": "bad_quoting", "INVALID ENCODING": "bad_encoding",
               "LINE SIZE OVER MAXIMUM": "line_too_long", "INVALID STATE": "bad_row"}
NATIVE_CAST_FAILED = "native_cast_failed"
_CAST_VALUE = re.compile(r'Could not convert string "(.*)" to', re.DOTALL)


def _csv_rejects(con, reject_table, scan_table, source: Source, name: str) -> list[Reject]:
    read_path, header_lines = source.read_paths[name], source.header_lines[name]
    rows = con.execute(
        "SELECT e.line, min(e.line_byte_position), list(e.error_type::VARCHAR ORDER BY e.byte_position), "
        "list(e.column_name ORDER BY e.byte_position), list(e.error_message ORDER BY e.byte_position), "
        f"first(e.csv_line) FROM {ident(reject_table)} e GROUP BY ALL ORDER BY e.line").fetchall()
    physical = _physical_lines(read_path, sorted({r[1] for r in rows if r[1] is not None}))
    rejects: list[Reject] = []
    for line, byte_pos, kinds, columns, messages, csv_line in rows:
        structural = [(k, c, m) for k, c, m in zip(kinds, columns, messages) if k != "CAST"]
        if structural:
            kind, column, message = structural[0]
            code = _STRUCTURAL.get(kind, "bad_row")
            reason = {"column_count": f"wrong number of columns ({(message or '').rstrip('.')})",
                      "bad_quoting": f"broken quoting in column {column} ({(message or '').rstrip('.')})",
                      "bad_encoding": "invalid characters for the file's encoding",
                      "line_too_long": "line too long"}.get(code, f"unreadable row: {message}")
        else:
            # A value the reader could not cast itself: load.py reads the file again with its own casts.
            kind, column, message = kinds[0], columns[0], messages[0]
            code = NATIVE_CAST_FAILED
            match = _CAST_VALUE.search(message or "")
            reason = f"the reader could not cast column {column}: {match.group(1) if match else message}"
        rejects.append(Reject(file=name, row=int(line) - header_lines if line is not None else None,
                              line=physical.get(byte_pos), code=code, reason=reason, raw=csv_line, column=column))
    if rejects and source.has_blank_lines(name):
        # The reader's numbers count blank lines: take each reject's record number from the file.
        numbers = {}
        wanted = max(r.row for r in rejects if r.row is not None) + header_lines
        for number, _, blanks in csv_record_positions(read_path, source.detected[name]):
            numbers[header_lines + number + blanks] = number
            if header_lines + number + blanks >= wanted:
                break
        for reject in rejects:
            if reject.row is not None:
                reject.row = numbers.get(reject.row + header_lines, reject.row)
    return rejects


def csv_record_positions(read_path: Path, dialect: dict[str, object]):
    """csv_records.record_positions of a CSV export with the dialect the loader detected for it."""
    return record_positions(read_path, str(dialect["delimiter"]), str(dialect["quote"]),
                            int(dialect["skip_rows"]), bool(dialect["header"]))  # type: ignore[call-overload]


def _physical_lines(path: Path, byte_positions: list[int]) -> dict[int, int]:
    """1-based line numbers of byte offsets in ``path`` (counting newlines in one streamed pass)."""
    result: dict[int, int] = {}
    if not byte_positions:
        return result
    newlines, offset, index = 0, 0, 0
    with enc.open_binary(path) as handle:
        while index < len(byte_positions):
            block = handle.read(1 << 20)
            while index < len(byte_positions) and (not block or byte_positions[index] <= offset + len(block)):
                result[byte_positions[index]] = newlines + block[: max(byte_positions[index] - offset, 0)].count(b"\n") + 1
                index += 1
            if not block:
                break
            newlines += block.count(b"\n")
            offset += len(block)
    return result


# ------------------------------------------------------------------------------- Parquet, JSON, XLSX

def _parquet_source(con, export, files, names, native, key) -> Source:
    paths = [str(f) for f in files]
    inner = f"read_parquet($files, filename = {literal(_PATH_COLUMN)}, file_row_number = true)"
    try:
        described = _describe(con, f"SELECT * FROM {inner}", {"files": paths})
    except Exception as exc:
        raise LoadError(names[0], f"cannot be read as Parquet: {duck_message(exc, paths, names)}") from exc
    columns = [c for c in described if c not in (_PATH_COLUMN, "file_row_number")]
    types = {c: described[c] for c in columns}
    select = ", ".join(ident(c) for c in columns)
    # Row numbers come from the stage's rowids (read in file order; a Parquet reader rejects nothing).
    parts = [(f"SELECT {select} FROM read_parquet($file)", {"file": path}) for path in paths]
    return Source(parts=parts, files=files, names=names, columns=columns, types=types,
                  detected={n: {"format": "parquet"} for n in names}, header_lines={n: 0 for n in names})


def _json_source(con, export, files, names, native, key) -> Source:
    paths = [str(f) for f in files]
    json_format = export.options.json_format or "auto"
    inner = f"read_json($files, format = $format, filename = {literal(_PATH_COLUMN)})"
    params = {"files": paths, "format": json_format}
    try:
        described = _describe(con, f"SELECT * FROM {inner}", params)
    except Exception as exc:
        raise LoadError(names[0], f"cannot be read as JSON: {duck_message(exc, paths, names)}") from exc
    columns = [c for c in described if c != _PATH_COLUMN]
    types = {c: described[c] for c in columns}
    select = ", ".join(ident(c) for c in columns)
    parts = [(f"SELECT {select} FROM read_json($file, format = $format, columns = {_struct(types)})",
              {"file": path, "format": json_format}) for path in paths]
    detected = {}
    for path, name in zip(files, names):
        head = enc.read_sample(path, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
        found = json_format if json_format != "auto" else ("array" if head.startswith(b"[") else "newline_delimited")
        detected[name] = {"json_format": found, "encoding": "utf-8"}
    return Source(parts=parts, files=files, names=names, columns=columns, types=types,
                  detected=detected, header_lines={n: 0 for n in names})


def _xlsx_source(con, export, files, names, native, key) -> Source:
    import pandas as pd
    from python_calamine import CalamineWorkbook

    frames, detected = [], {}
    columns: list[str] | None = None
    for path, name in zip(files, names):
        try:
            workbook = CalamineWorkbook.from_path(str(path))
            sheet_name = export.options.sheet or workbook.sheet_names[0]
            rows = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise LoadError(name, f"cannot be read as XLSX: {exc}") from exc
        skip = export.options.skip_rows or 0
        rows = rows[skip:]
        if not rows:
            raise LoadError(name, f"sheet {sheet_name!r} is empty")
        header, renamed = _dedupe_header([_cell_text(h) or "" for h in rows[0]])
        if columns is None:
            columns = header
        elif header != columns:
            raise LoadError(name, f"its header {header} differs from the first file's {columns}")
        body, numbers = [], []
        # Every cell as text: the loader casts canonical fields itself and quarantines what fails.
        for number, row in enumerate(rows[1:], start=1):
            if any(v not in ("", None) for v in row):
                cells = [_cell_text(v) for v in row][: len(header)]
                body.append(cells + [None] * (len(header) - len(cells)))
                numbers.append(number)
        frame = pd.DataFrame(body, columns=header, dtype="object")
        frame[FILE_COLUMN] = name
        frame[ROW_COLUMN] = pd.Series(numbers, dtype="int64")
        frame[LINE_COLUMN] = frame[ROW_COLUMN] + 1 + skip
        frames.append(frame)
        detected[name] = {"sheet": sheet_name, "skip_rows": skip} | ({"renamed_columns": renamed} if renamed else {})
    combined = pd.concat(frames, ignore_index=True)
    view = f"xlsx_{key}"
    con.register(view, combined)
    assert columns is not None
    select = ", ".join(ident(c) for c in columns)
    sql = f"SELECT {select}, {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, {ident(LINE_COLUMN)} FROM {ident(view)}"
    return Source(parts=[(sql, {})], files=files, names=names, columns=columns,
                  types={c: "VARCHAR" for c in columns}, detected=detected, row_provided=True,
                  header_lines={n: 1 for n in names}, _collect=lambda con: (con.unregister(view), [])[1])


def _cell_text(value: object) -> str | None:
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
