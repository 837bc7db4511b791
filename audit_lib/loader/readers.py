"""Export files as relations DuckDB can stage from: DuckDB's own readers, XLSX through calamine (xlsx.py).

A reader returns a ``Source``: one SELECT per file giving every column as read (XLSX: one for all,
with each row's file, row and line); plus what was detected (per file) and, for CSV, the reader's
rejects once the SELECTs have run.
CSV is read with an explicit dialect (sniffed here, see ``encoding.sniff_dialect``), in strict mode
with ``store_rejects``: a row with the wrong number of columns, broken quoting, invalid UTF-8 or a
value the reader was asked to cast itself and could not is set aside with its line instead of
failing the file or being silently cut to fit. What the reader gives is checked against the
file's records counted from its bytes (csv_scan.py): rows read are that count, and a file whose
quoting would lose rows (a quote never closed) is refused before it is read. A record too long to
read, NUL bytes padding the end, CR-only line ends, wide headers and names that differ only in case
are each handled before DuckDB sees the file.
A JSON-lines file with lines that are no JSON object is read without them, each one set aside
(json_lines.py); the names of every format are checked alike (headers.py).
"""

from __future__ import annotations

import functools
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.i18n import T_
from audit_lib.loader import encoding as enc
from audit_lib.loader.csv_records import has_interior_blank_line, record_positions
from audit_lib.loader.csv_scan import MAX_QUOTED_LINES, MAX_RECORD_BYTES, RecordScan, scan_records, write_readable_copy
from audit_lib.loader.headers import MAX_COLUMNS, check_columns, column_count_error, dedupe_header
from audit_lib.sql import ident, literal
from audit_lib.vocabulary import QuarantineReason

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration.exports import Export
    from audit_lib.loader.casting import NativeCast

# Columns the loader adds; a file column may not start with the prefix (checked), so no clash.
RESERVED_PREFIX = "regaudit:"
FILE_COLUMN = "regaudit:file"
ROW_COLUMN = "regaudit:row"
# A row's place in its file, given by readers that know it (Parquet); read to order the stage, not kept.
ORDER_COLUMN = "regaudit:order"
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
    # The value that failed (e.g. a formula's text), apart from the reason: written on request only.
    value: str | None = None


class RecordCountMismatch(LoadError):
    """A CSV's reader gave other than the records counted from the file's bytes."""


@dataclass
class Source:
    """SELECTs over one export's files (one per file, staged in file order: the stage's rowids then
    tell each row's file and number, cheaper than storing them), with columns, types and what was
    detected per file. ``row_provided``: the SELECT gives the file, row and line columns itself.
    ``ordered``: each SELECT gives its rows' places in the file (ORDER_COLUMN), by which they are staged."""

    parts: list[tuple[str, dict[str, object]]]
    files: list[Path]
    names: list[str]
    columns: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    detected: dict[str, dict[str, object]] = field(default_factory=dict)
    row_provided: bool = False
    ordered: bool = False
    header_lines: dict[str, int] = field(default_factory=dict)
    # CSV: the UTF-8 file DuckDB reads (the export or its transcoded copy), for csv_records.
    read_paths: dict[str, Path] = field(default_factory=dict)
    rejects: list[Reject] = field(default_factory=list)
    temp_dir: Path | None = None
    _collect: object = None
    _blank_lines: dict[str, bool] = field(default_factory=dict)
    # CSV: each file's records counted from its bytes (csv_scan), independently of the reader.
    scans: dict[str, RecordScan] = field(default_factory=dict)

    def has_blank_lines(self, name: str) -> bool:
        """Whether CSV file ``name`` has blank lines before its last content (scanned once)."""
        if name not in self._blank_lines:
            self._blank_lines[name] = has_interior_blank_line(self.read_paths[name])
        return self._blank_lines[name]

    def rows_read(self, name: str, counted: int) -> int:
        """The rows read of file ``name``: its records as counted from its bytes (CSV), else ``counted``
        (what the reader gave, rejects included)."""
        scan = self.scans.get(name)
        return counted if scan is None else scan.data_rows(bool(self.detected[name]["header"]))

    def verify_counts(self, staged: dict[str, int]) -> None:
        """Refuse a CSV whose reader gave (as rows or rejects) other than the records its bytes hold:
        rows lost (or made up) without a trace must not pass for a complete file."""
        for name, scan in self.scans.items():
            records = self.rows_read(name, 0)
            rejects = [r for r in self.rejects if r.file == name]
            given = staged.get(name, 0) + len(rejects)
            if given != records:
                where = T_(" (the first stray quote is on line {line})", line=scan.stray_quote_line) \
                    if scan.stray_quote_line else ""
                raise RecordCountMismatch(
                    name, T_("holds {records:,} records (lines outside quoted values) but the CSV reader read "
                             "{given:,}: its quoting is broken in a way the reader does not recover from{where}; fix "
                             "the quotes (a quote inside a value is written twice, \"\") and export the file again",
                             records=records, given=given, where=where))

    def collect_rejects(self, con: "duckdb.DuckDBPyConnection") -> None:
        """Fetch the reader's rejects (after the SELECT has run)."""
        if self._collect is not None:
            self.rejects = self._collect(con)  # type: ignore[operator]

    def close(self) -> None:
        """Remove temporary transcoded files."""
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None


def resolve_files(exports_dir: Path, pattern: str, table: str | None = None) -> list[Path]:
    """The files ``pattern`` (a name or glob) names inside ``exports_dir``, sorted; never outside it,
    not even through a symbolic link. For a lake ``table`` (its folder), the part files only: a path
    with a part that starts with ``_`` or ``.`` is the table format's own (_SUCCESS, _delta_log), not data.
    A table of Spark's catalog has no files here: LoadError saying which command reads it."""
    from audit_lib.declaration.exports import CATALOG_PREFIX

    if table is not None and table.startswith(CATALOG_PREFIX):
        raise LoadError(table, T_("is a table of Spark's catalog: only `regaudit check --engine spark` (and `run "
                                  "--engine spark`) read it; an audit on DuckDB, explore and reveal read files and "
                                  "table folders under exports_dir (write the table there and name its folder with "
                                  "`table:`)"))
    root = exports_dir.resolve()
    try:
        matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else [root / pattern]
    except ValueError as exc:  # pathlib refuses some globs ("**" inside a name: "**a.csv")
        raise LoadError(pattern, T_("is not a file name or glob pathlib can read ({error}); check `file:` in "
                                    "exports.yaml (** stands alone between slashes: logs/**/*.csv)", error=exc)) from None
    files = []
    for match in matches:
        try:
            real = match.resolve()
        except (OSError, RuntimeError, ValueError):  # a link loop (RuntimeError on Python 3.11), a NUL byte
            raise LoadError(pattern, T_("{name} cannot be resolved: a symbolic link that points to itself, or a "
                                        "character no path can hold; check `file:` in exports.yaml and the links in "
                                        "the exports folder", name=match.name)) from None
        if not real.is_relative_to(root):
            raise LoadError(pattern, T_("{name} resolves to a path outside the exports folder {root}; keep export "
                                        "files (and what their links point to) inside exports_dir", name=match.name,
                                        root=root))
        if table is not None and any(part.startswith(("_", ".")) for part in match.relative_to(root).parts):
            continue
        if real.is_file():
            files.append(match)
    if not files and table is not None:
        raise LoadError(table, T_("no Parquet part file in the table folder {folder}; check `table:` in exports.yaml",
                                  folder=root / table))
    if not files:
        raise LoadError(pattern, T_("no such file in {folder}; check `file:` in exports.yaml", folder=root))
    return files


def relative_name(path: Path, exports_dir: Path) -> str:
    """How a file is named in reports: its path relative to the exports folder."""
    return path.relative_to(exports_dir.resolve()).as_posix()


def open_source(con: "duckdb.DuckDBPyConnection", export: "Export", files: list[Path], exports_dir: Path,
                native: dict[str, "NativeCast"], key: str, lf_newlines: bool = False) -> Source:
    """A Source over ``files``; ``native`` maps columns to casts the CSV reader may make itself;
    ``lf_newlines``: read CSV files from copies whose line endings are all LF."""
    names = [relative_name(f, exports_dir) for f in files]
    from audit_lib.loader.xlsx import xlsx_source  # xlsx.py builds on this module's Source

    reader = {"csv": _csv_source, "parquet": _parquet_source, "json": _json_source,
              "xlsx": xlsx_source}[export.format]  # type: ignore[index]
    if export.format == "csv":
        source = _csv_source(con, export, files, names, native, key, lf_newlines)
    else:
        source = reader(con, export, files, names, native, key)
    bad = [c for c in source.columns if c.startswith(RESERVED_PREFIX)]
    if bad:
        source.close()
        raise LoadError(names[0], T_("column name {name!r} starts with {prefix!r}, which regaudit reserves; "
                                     "rename the column in the export", name=bad[0], prefix=RESERVED_PREFIX),
                        column=bad[0])
    try:
        check_columns(names[0], source.columns)  # every format's names, XLSX's from dedupe_header too
    except LoadError:
        source.close()
        raise
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

_dedupe_header = dedupe_header  # the name xlsx.py imports it by


@dataclass
class _CsvFile:
    """One CSV file as DuckDB reads it: from where (the export or a copy), with which dialect and
    skip, what was detected, its records counted from its bytes, and its records too long to read
    (by data row: their size and first bytes, for the quarantine)."""

    read_path: Path
    delimiter: str
    quote: str
    skip: int
    info: dict[str, object]
    scan: RecordScan
    long_records: dict[int, tuple[int, bytes]]


class _Scratch:
    """A temporary folder for the copies a CSV is read from, made when the first is needed."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.count = 0

    def new_file(self, suffix: str = ".csv") -> Path:
        """A new file name in the folder."""
        self.path = self.path or Path(tempfile.mkdtemp(prefix="regaudit-transcode-"))
        self.count += 1
        return self.path / f"{self.count:04d}{suffix}"

    def remove(self) -> None:
        """Remove the folder and its copies."""
        _cleanup(self.path)
        self.path = None


def _csv_source(con, export, files, names, native, key, lf_newlines: bool = False) -> Source:
    """The Source over CSV files: each prepared (decoded, counted, checked), then read strictly."""
    options = export.options
    header = True if options.header is None else options.header
    scratch = _Scratch()
    try:
        prepared, header_fields = _prepare_files(files, names, options, header, lf_newlines, scratch)
        columns = _csv_columns(names[0], prepared, header_fields, header, options.skip_rows)
        return _csv_relations(con, export, files, names, native, key, prepared, columns, header, scratch)
    except BaseException:
        scratch.remove()
        raise


def _prepare_files(files, names, options, header: bool, lf_newlines: bool,
                   scratch: _Scratch) -> tuple[list[_CsvFile], list[str] | None]:
    """Every file prepared, and the first one's header fields (which every other file's must equal)."""
    prepared: list[_CsvFile] = []
    header_fields: list[str] | None = None
    for path, name in zip(files, names):
        csv_file, fields = _prepare_csv(path, name, options, header, lf_newlines, scratch)
        # Each file its own dialect (a monthly log saved once with another spreadsheet), same header.
        if not prepared:
            header_fields = fields
        elif fields and header:
            _check_same_header(name, fields, header_fields)
        prepared.append(csv_file)
    return prepared, header_fields


def _check_same_header(name: str, fields: list[str], first: list[str] | None) -> None:
    """Refuse a file whose header (made unique) is not the first file's."""
    if dedupe_header(fields)[0] != dedupe_header(first or [])[0]:
        raise LoadError(name, T_("its header {header} differs from the first file's {columns}; map files with "
                                 "different columns as separate exports", header=fields, columns=first))


def _csv_columns(first_name: str, prepared: list[_CsvFile], header_fields: list[str] | None, header: bool,
                 skip_rows: int | None) -> list[str]:
    """The columns: the header's names made unique (the renames noted per file), else column1, column2, ..."""
    if not header_fields:
        raise LoadError(first_name, T_("is empty: no header line found"), row=(skip_rows or 0) + 1)
    if header:
        columns, renamed = dedupe_header(header_fields)
        if renamed:
            for csv_file in prepared:
                csv_file.info["renamed_columns"] = renamed
    else:
        columns = [f"column{i}" for i in range(1, len(header_fields) + 1)]
    # Before DuckDB sees the names: two that differ only in case fail its binder.
    check_columns(first_name, columns)
    return columns


def _prepare_csv(path: Path, name: str, options, header: bool, lf_newlines: bool,
                 scratch: _Scratch) -> tuple[_CsvFile, list[str]]:
    """Detect one CSV file's encoding, line endings and dialect, give DuckDB a UTF-8 file with LF or
    CRLF line ends to read, count its records, and refuse it if its quoting loses rows."""
    try:
        return _prepare_readable_csv(path, name, options, header, lf_newlines, scratch)
    except enc.STREAM_ERRORS as exc:  # the passes over the whole file meet a gzip stream cut short
        raise enc.unreadable(name, exc) from exc


def _prepare_readable_csv(path: Path, name: str, options, header: bool, lf_newlines: bool,
                          scratch: _Scratch) -> tuple[_CsvFile, list[str]]:
    """_prepare_csv's work on a file whose every pass reads to its end."""
    skip = options.skip_rows or 0
    _check_dialect_options(name, options)
    sample = enc.read_sample(path)
    encoding = enc.normalise(options.encoding) if options.encoding else enc.detect_encoding(sample)
    sample, text = enc.head_sample(path, sample, encoding, skip)
    info = _encoding_info(path, encoding, options)
    read_path, text = _utf8_file(path, encoding, sample, text, options, lf_newlines, scratch, info)
    # NUL padding is no part of the file's text (the record count finds and leaves it out).
    text = text.lstrip("\ufeff").rstrip("\x00")
    skip += enc.leading_blank_lines(text, skip)
    delimiter, quote, fields = enc.sniff_dialect(text, skip, options.delimiter, options.quote)
    _check_width(name, read_path, text, len(sample), skip, delimiter, fields)
    info.update({"delimiter": delimiter, "quote": quote, "header": header, "skip_rows": skip})
    scan = scan_records(read_path, delimiter, quote, skip)
    _refuse_lost_rows(name, scan)
    read_path, long_records = _readable_records(read_path, scan, header, scratch, info)
    return _CsvFile(read_path, delimiter, quote, skip, info, scan, long_records), fields


def _encoding_info(path: Path, encoding: str, options) -> dict[str, object]:
    """What inputs.csv tells of a file's encoding: which, from where, whether a BOM declared it, gzip."""
    info: dict[str, object] = {"encoding": "utf-8" if encoding == "utf-8-sig" else encoding,
                               "encoding_source": "exports.yaml" if options.encoding else "detected",
                               "bom": encoding in ("utf-8-sig", "utf-16") and not options.encoding}
    if enc.is_gzip(path):
        info["compression"] = "gzip"
    return info


def _readable_records(read_path: Path, scan: RecordScan, header: bool, scratch: _Scratch,
                      info: dict[str, object]) -> tuple[Path, dict[int, tuple[int, bytes]]]:
    """The file DuckDB reads (a copy without NUL padding and with a stand-in for each record too long
    to read, when there are such), and those records by data row: their size and first bytes."""
    # A long header is read whole (the reader skips it): only data records are too long to read.
    scan.oversized = [record for record in scan.oversized if record.record > int(header)]
    prefixes: dict[int, bytes] = {}
    if scan.nul_padding or scan.oversized:
        target = scratch.new_file()
        prefixes = write_readable_copy(read_path, target, scan)
        read_path = target
        if scan.nul_padding:
            info["nul_padding"] = f"{scan.nul_padding:,} NUL byte(s) padding the end of the file, left out"
    long_records = {record.record - int(header): (record.size, prefixes.get(record.record, b""))
                    for record in scan.oversized}
    return read_path, long_records


def _utf8_file(path: Path, encoding: str, sample: bytes, text: str, options, lf_newlines: bool, scratch: _Scratch,
               info: dict[str, object]) -> tuple[Path, str]:
    """The file DuckDB reads as UTF-8 with LF or CRLF line ends (the export, or a transcoded or LF
    copy of it), and the sample's text as that file has it; notes in ``info`` what was done."""
    # A file with CR alone for a line end (classic Mac OS) is read from a copy with LF ones, as the
    # loader's own line arithmetic counts LF.
    cr_only = enc.is_cr_only(text)
    if encoding in ("utf-8", "utf-8-sig") and not (lf_newlines or cr_only):
        if not options.encoding and enc.mixed_utf8(sample):
            info["mixed_encoding"] = ("UTF-8, with lines in another encoding among them: those are set aside as "
                                      "bad_encoding")
        return path, text
    read_path = scratch.new_file()
    if encoding in ("utf-8", "utf-8-sig"):
        enc.copy_with_lf_newlines(path, read_path)
    else:
        _transcode(path, encoding, read_path, lf_newlines or cr_only, info)
    if cr_only:
        info["line_endings"] = "CR (classic Mac OS): read from a copy with every line ending made LF"
    elif lf_newlines:
        info["line_endings"] = "mixed: read from a copy with every line ending made LF"
    if lf_newlines or cr_only:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return read_path, text


def _transcode(path: Path, encoding: str, read_path: Path, lf_newlines: bool, info: dict[str, object]) -> None:
    """Write ``path`` as UTF-8 to ``read_path``; notes in ``info`` the UTF-8 lines it held among the others."""
    utf8_lines = enc.transcode_to_utf8(path, encoding, read_path, lf_newlines)
    info["transcoded"] = True
    if utf8_lines:
        shown = ", ".join(map(str, utf8_lines[:10])) + (", ..." if len(utf8_lines) > 10 else "")
        info["mixed_encoding"] = (f"{len(utf8_lines)} line(s) in UTF-8 among {encoding} ones, decoded as "
                                  f"UTF-8: line(s) {shown}")


def _check_width(name: str, read_path: Path, text: str, sample_size: int, skip: int, delimiter: str,
                 fields: list[str]) -> None:
    """Refuse a header of more than MAX_COLUMNS names; one too long to sample is counted streamed."""
    if not enc.header_complete(text, skip, sample_size):
        count = enc.count_header_fields(read_path, "utf-8", skip, delimiter)
        if count > MAX_COLUMNS:
            raise column_count_error(name, count, approximate=True)
        raise LoadError(name, T_("its header line is longer than {most:,} bytes; shorten the column names, or check "
                                 "that the file is CSV", most=enc.MAX_HEADER_BYTES), row=skip + 1)
    if len(fields) > MAX_COLUMNS:
        raise column_count_error(name, len(fields))


def _check_dialect_options(name: str, options) -> None:
    """A delimiter of one character and a quote of one byte: what the sniffer and DuckDB's reader take."""
    if options.delimiter and len(options.delimiter) != 1:
        raise LoadError(name, T_("the delimiter {delimiter!r} in exports.yaml is not one character; set "
                                 "`options: {{delimiter: ...}}` to one, such as ';' or '|'",
                                 delimiter=options.delimiter))
    if options.quote and len(options.quote.encode("utf-8")) != 1:
        raise LoadError(name, T_("the quote {quote!r} in exports.yaml is not one ASCII character; set "
                                 "`options: {{quote: ...}}` to one, such as '\"' or \"'\"", quote=options.quote))


def _refuse_lost_rows(name: str, scan: RecordScan) -> None:
    """A quote left open turns the lines after it into one value: their rows would be lost uncounted."""
    unclosed = scan.unclosed
    if unclosed is not None and unclosed.lines > 1:
        raise LoadError(name, T_("line {line} opens a quoted value that is never closed, so the {after:,} line(s) "
                                 "after it would be read as part of that value and their rows lost; close the quote "
                                 "on line {line} (a quote inside a value is written twice, \"\") and export the file "
                                 "again", line=unclosed.line, after=unclosed.lines - 1))
    longest = scan.longest
    if longest is not None and longest.lines > MAX_QUOTED_LINES:
        raise LoadError(name, T_("a quoted value opened on line {line} runs over {lines:,} lines, more than the "
                                 "{most:,} a value plausibly holds: its quote is probably not closed where it should "
                                 "be, and the lines after it would be read as part of that value and their rows lost; "
                                 "fix the quoting on line {line} and export the file again", line=longest.line,
                                 lines=longest.lines, most=MAX_QUOTED_LINES))


def _csv_relations(con, export, files, names, native, key, prepared: list[_CsvFile], columns: list[str],
                   header: bool, scratch: _Scratch) -> Source:
    """The Source over prepared CSV files: one strict read_csv per file, its rejects stored."""
    file_args = functools.partial(_file_args, *_common_args(export.options, prepared[0].quote, header))
    types, chosen = _csv_types(con, file_args, prepared, names, columns, native)
    parts, tables, detected = _csv_parts(file_args, prepared, names, columns, types, chosen, key)
    source = Source(parts=parts, files=files, names=names, columns=columns, types=types, detected=detected,
                    header_lines={n: f.skip + (1 if header else 0) for n, f in zip(names, prepared)},
                    read_paths={n: f.read_path for n, f in zip(names, prepared)}, temp_dir=scratch.path,
                    scans={n: f.scan for n, f in zip(names, prepared)})
    source._collect = _rejects_collector(tables, source, {n: f.long_records for n, f in zip(names, prepared)})
    return source


def _common_args(options, quote: str, header: bool) -> tuple[list[str], dict[str, object]]:
    """The read_csv arguments every file of an export shares, and their parameters."""
    params: dict[str, object] = {"quote": quote}
    common = ["auto_detect = false", "delim = $delim", "quote = $quote", "escape = $quote",
              f"header = {'true' if header else 'false'}", f"max_line_size = {MAX_RECORD_BYTES}"]
    if options.null_values is not None:
        params["nullstr"] = options.null_values
        common.append("nullstr = $nullstr")
    return common, params


def _file_args(common: list[str], params: dict[str, object],
               csv_file: _CsvFile) -> tuple[list[str], dict[str, object]]:
    """One file's read_csv arguments and parameters: the shared ones, its skip, compression, path and delimiter."""
    # Compression by content, never by name (a copy is plain; a .gz may be no gzip at all).
    compression = "gzip" if enc.is_gzip(csv_file.read_path) else "none"
    return (common + [f"skip = {int(csv_file.skip)}", f"compression = '{compression}'"],
            params | {"file": str(csv_file.read_path), "delim": csv_file.delimiter})


def _csv_types(con, file_args, prepared: list[_CsvFile], names: list[str], columns: list[str],
               native) -> tuple[dict[str, str], dict[str, str]]:
    """Each column's type as read (VARCHAR, or the reader's own cast where the sampled values allow it),
    and the columns given the reader's cast."""
    try:
        types = {c: "VARCHAR" for c in columns}
        chosen = _native_choice(con, [file_args(f) for f in prepared], columns, native)
        types.update(chosen)
    except ValueError as exc:  # a NUL in a header cannot be a name
        raise LoadError(names[0], T_("has a column name DuckDB cannot hold: {error}", error=exc)) from exc
    except Exception as exc:  # duckdb raises several error types; all mean "cannot read this file"
        paths = [str(f.read_path) for f in prepared]
        raise LoadError(names[0], T_("cannot be read as {format}: {error}", format="CSV",
                                     error=duck_message(exc, paths, names))) from exc
    return types, chosen


def _csv_parts(file_args, prepared: list[_CsvFile], names: list[str], columns: list[str], types: dict[str, str],
               chosen: dict[str, str], key: str):
    """Per file: its strict read_csv SELECT with parameters, its rejects and scan tables, and what was detected."""
    struct = "{" + ", ".join(f"{literal(c)}: {literal(t)}" for c, t in types.items()) + "}"
    select = ", ".join(ident(c) for c in columns)
    parts, tables = [], []
    detected = {}
    for number, (csv_file, name) in enumerate(zip(prepared, names)):
        csv_file.info["read_natively"] = dict(chosen)
        detected[name] = csv_file.info
        reject_table, scan_table = f"rejects_{key}_{number}", f"scans_{key}_{number}"
        args, part_params = file_args(csv_file)
        args = args + [f"columns = {struct}", "strict_mode = true", "store_rejects = true",
                       f"rejects_table = {literal(reject_table)}", f"rejects_scan = {literal(scan_table)}"]
        parts.append((f"SELECT {select} FROM read_csv($file, {', '.join(args)})", part_params))
        tables.append((reject_table, scan_table, name))
    return parts, tables, detected


def _rejects_collector(tables: list[tuple[str, str, str]], source: Source,
                       long_records: dict[str, dict[int, tuple[int, bytes]]]):
    """The function that fetches every file's rejects once the SELECTs have run."""
    def collect(con) -> list[Reject]:
        found: list[Reject] = []
        for reject_table, scan_table, name in tables:
            found += _csv_rejects(con, reject_table, scan_table, source, name, long_records[name])
        return found
    return collect


def _cleanup(temp_dir: Path | None) -> None:
    if temp_dir is not None:
        shutil.rmtree(temp_dir, ignore_errors=True)


def _native_choice(con, files: list[tuple[list[str], dict[str, object]]], columns, native) -> dict[str, str]:
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
    for args, file_params in files:
        sample = (f"SELECT * FROM read_csv($file, {', '.join(args)}, columns = {struct}, ignore_errors = true,"
                  f" strict_mode = false) LIMIT {SAMPLE_ROWS}")
        row = con.execute(f"SELECT {', '.join(checks)} FROM ({sample})", file_params).fetchall()[0]
        for (column, _), ok in zip(wanted.items(), row):
            if not ok:
                chosen.pop(column, None)
    return {c: cast.reader_type for c, cast in chosen.items()}


_STRUCTURAL = {"TOO MANY COLUMNS": QuarantineReason.COLUMN_COUNT, "MISSING COLUMNS": QuarantineReason.COLUMN_COUNT,
               "UNQUOTED VALUE": QuarantineReason.BAD_QUOTING, "INVALID ENCODING": QuarantineReason.BAD_ENCODING,
               "LINE SIZE OVER MAXIMUM": QuarantineReason.LINE_TOO_LONG, "INVALID STATE": QuarantineReason.BAD_ROW}
NATIVE_CAST_FAILED = QuarantineReason.NATIVE_CAST_FAILED
_CAST_VALUE = re.compile(r'Could not convert string "(.*)" to', re.DOTALL)


def _csv_rejects(con, reject_table, scan_table, source: Source, name: str,
                 long_records: dict[int, tuple[int, bytes]]) -> list[Reject]:
    """The rows the reader set aside in file ``name``, one Reject per line, numbered as the file's records."""
    read_path, header_lines = source.read_paths[name], source.header_lines[name]
    rows = con.execute(
        "SELECT e.line, min(e.line_byte_position), list(e.error_type::VARCHAR ORDER BY e.byte_position), "
        "list(e.column_name ORDER BY e.byte_position), list(e.error_message ORDER BY e.byte_position), "
        f"first(e.csv_line) FROM {ident(reject_table)} e GROUP BY ALL ORDER BY e.line").fetchall()
    physical = _physical_lines(read_path, sorted({r[1] for r in rows if r[1] is not None}))
    rejects: list[Reject] = []
    for line, byte_pos, kinds, columns, messages, csv_line in rows:
        code, column, reason = _reject_reason(kinds, columns, messages)
        rejects.append(Reject(file=name, row=int(line) - header_lines if line is not None else None,
                              line=physical.get(byte_pos), code=code, reason=reason, raw=csv_line, column=column))
    if rejects and source.has_blank_lines(name):
        _renumber_past_blank_lines(rejects, read_path, source.detected[name], header_lines)
    _restore_long_records(rejects, long_records)
    return rejects


def _reject_reason(kinds: list[str], columns: list[str], messages: list[str]) -> tuple[str, str, str]:
    """A rejected line's code, column and reason: from its first structural error, else its failed cast."""
    structural = [(k, c, m) for k, c, m in zip(kinds, columns, messages) if k != "CAST"]
    if structural:
        kind, column, message = structural[0]
        code = _STRUCTURAL.get(kind, QuarantineReason.BAD_ROW)
        reason = {QuarantineReason.COLUMN_COUNT: f"wrong number of columns ({(message or '').rstrip('.')})",
                  QuarantineReason.BAD_QUOTING: f"broken quoting in column {column} ({(message or '').rstrip('.')})",
                  QuarantineReason.BAD_ENCODING: "invalid characters for the file's encoding",
                  QuarantineReason.LINE_TOO_LONG: "line too long"}.get(code, f"unreadable row: {message}")
        return code, column, reason
    # A value the reader could not cast itself: load.py reads the file again with its own casts.
    column, message = columns[0], messages[0]
    match = _CAST_VALUE.search(message or "")
    return NATIVE_CAST_FAILED, column, (f"the reader could not cast column {column}: "
                                        f"{match.group(1) if match else message}")


def _renumber_past_blank_lines(rejects: list[Reject], read_path: Path, dialect: dict[str, object],
                               header_lines: int) -> None:
    """The reader's numbers count blank lines: take each reject's record number from the file."""
    numbers = {}
    wanted = max(r.row for r in rejects if r.row is not None) + header_lines
    for number, _, blanks in csv_record_positions(read_path, dialect):
        numbers[header_lines + number + blanks] = number
        if header_lines + number + blanks >= wanted:
            break
    for reject in rejects:
        if reject.row is not None:
            reject.row = numbers.get(reject.row + header_lines, reject.row)


def _restore_long_records(rejects: list[Reject], long_records: dict[int, tuple[int, bytes]]) -> None:
    """The reader saw a stand-in for a record too long (csv_scan.write_readable_copy): the quarantine
    gets the record's own size and first bytes."""
    for reject in rejects:
        if reject.code == QuarantineReason.LINE_TOO_LONG and reject.row in long_records:
            size, prefix = long_records[reject.row]
            reject.reason = f"line too long: {size:,} bytes, more than the {MAX_RECORD_BYTES:,} a row may have"
            reject.raw = prefix.decode("utf-8", errors="replace")


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


# ------------------------------------------------------------------------------------- Parquet, JSON

def _parquet_source(con, export, files, names, native, key) -> Source:
    paths = [str(f) for f in files]
    inner = f"read_parquet($files, filename = {literal(_PATH_COLUMN)}, file_row_number = true)"
    try:
        described = _describe(con, f"SELECT * FROM {inner}", {"files": paths})
    except Exception as exc:
        raise LoadError(names[0], T_("cannot be read as {format}: {error}", format="Parquet",
                                     error=duck_message(exc, paths, names))) from exc
    for path, name in zip(files, names):
        # The names as written: DuckDB has renamed a second one that differs only in case (email_1).
        check_columns(name, _parquet_names(path))
    columns = [c for c in described if c not in (_PATH_COLUMN, "file_row_number")]
    int96 = {path: _int96_columns(Path(path)) for path in paths}
    if any(int96.values()):
        # INT96 is the legacy timestamp of Spark, Hive and Impala: an instant in UTC, which DuckDB reads as
        # a zone-less time. Read as the export's local time it would move by the zone's offset.
        described = {c: ("TIMESTAMP WITH TIME ZONE" if any(c in found for found in int96.values()) else kind)
                     for c, kind in described.items()}
    types = {c: described[c] for c in columns}

    def select(path: str) -> str:
        return ", ".join(f"timezone('UTC', {ident(c)}) AS {ident(c)}" if c in int96[path] else ident(c)
                         for c in columns)
    # Row numbers come from the stage's rowids (read in file order; a Parquet reader rejects nothing).
    # Each row's place in its file comes with it (ORDER_COLUMN), so the stage can be written in parallel.
    parts = [(f"SELECT {select(path)}, file_row_number AS {ident(ORDER_COLUMN)} "
              "FROM read_parquet($file, file_row_number = true)", {"file": path}) for path in paths]
    return Source(parts=parts, files=files, names=names, columns=columns, types=types, ordered=True,
                  detected={n: {"format": "parquet"} for n in names}, header_lines={n: 0 for n in names})


def _int96_columns(path: Path) -> set[str]:
    """Top-level columns of a Parquet file stored as INT96 timestamps."""
    import pyarrow.parquet as pq

    schema = pq.ParquetFile(path).schema
    return {schema.column(i).path for i in range(len(schema)) if schema.column(i).physical_type == "INT96"
            and "." not in schema.column(i).path}


def _parquet_names(path: Path) -> list[str]:
    """The top-level column names of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


# DuckDB's JSON reader infers a map, one column "json", for objects of more than 200 keys unless told
# not to; and samples this many objects for the columns.
_JSON_ARGS = "format = $format, map_inference_threshold = -1"
_JSON_SAMPLE = 20_480


def _json_source(con, export, files, names, native, key) -> Source:
    from audit_lib.loader import json_lines  # json_lines.py builds on this module's Reject

    json_format = export.options.json_format or "auto"
    scratch = _Scratch()
    read_paths, rejects, detected = [], [], {}
    try:
        for path, name in zip(files, names):
            head = enc.read_sample(path, 4096).lstrip(b"\xef\xbb\xbf \t\r\n")
            found = json_format if json_format != "auto" else (
                "array" if head.startswith(b"[") else "newline_delimited")
            detected[name] = {"json_format": found, "encoding": "utf-8"}
            read_path = path
            if (found == "newline_delimited" and not _json_reads(con, path, json_format)
                    and json_lines.looks_like_lines(path)):
                # One bad line must not refuse the file: it is set aside, the rest read from a copy.
                read_path = scratch.new_file(".jsonl")
                try:
                    bad = json_lines.set_aside_bad_lines(path, name, read_path)
                except enc.STREAM_ERRORS as exc:
                    raise enc.unreadable(name, exc) from exc
                rejects += bad
                detected[name]["lines_set_aside"] = len(bad)
            read_paths.append(read_path)
        paths = [str(p) for p in read_paths]
        params = {"files": paths, "format": json_format}
        try:
            _check_json_keys(con, names[0], params)
            described = _describe(con, f"SELECT * FROM read_json($files, {_JSON_ARGS}, "
                                       f"filename = {literal(_PATH_COLUMN)})", params)
        except LoadError:
            raise
        except Exception as exc:
            raise LoadError(names[0], T_("cannot be read as {format}: {error}", format="JSON",
                                         error=duck_message(exc, paths, names))) from exc
    except BaseException:
        scratch.remove()
        raise
    columns = [c for c in described if c != _PATH_COLUMN]
    types = {c: described[c] for c in columns}
    select = ", ".join(ident(c) for c in columns)
    parts = [(f"SELECT {select} FROM read_json($file, {_JSON_ARGS}, columns = {_struct(types)})",
              {"file": path, "format": json_format}) for path in paths]
    return Source(parts=parts, files=files, names=names, columns=columns, types=types, detected=detected,
                  header_lines={n: 0 for n in names}, rejects=rejects, temp_dir=scratch.path)


def _json_reads(con, path: Path, json_format: str) -> bool:
    """True if DuckDB's JSON reader parses every object of ``path`` (one streamed pass, in DuckDB)."""
    try:
        con.execute("SELECT count(*) FROM read_json_objects($file, format = $format)",
                    {"file": str(path), "format": json_format}).fetchall()
        return True
    except Exception:  # duckdb raises several error types; all mean "cannot parse this file"
        return False


def _check_json_keys(con, name: str, params: dict[str, object]) -> None:
    """The keys of the sampled objects as written, bounded in number and told apart as DuckDB tells
    names (it would rename a second ``email`` beside ``EMAIL`` to ``email_1`` without a word)."""
    keys = (f"SELECT DISTINCT unnest(json_keys(json)) AS k FROM (SELECT json FROM read_json_objects($files, "
            f"format = $format) LIMIT {_JSON_SAMPLE})")
    count = con.execute(f"SELECT count(*) FROM ({keys})", params).fetchall()[0][0]
    if count > MAX_COLUMNS:
        raise column_count_error(name, count)
    check_columns(name, [k for (k,) in con.execute(f"SELECT k FROM ({keys}) ORDER BY k", params).fetchall()])
