"""Writing outputs safely: atomic replacement, and one spreadsheet-safe CSV writer for every CSV regaudit writes."""

from __future__ import annotations

import codecs
import contextlib
import csv
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV is laid out for the program that opens it: separator, decimal mark, byte-order mark, line
    end, and the words for true and false (Excel reads its own locale's words as a boolean cell)."""

    name: str
    delimiter: str
    decimal: str
    bom: bool
    lineterminator: str
    description: str
    true: str = "True"
    false: str = "False"


# Excel decodes a CSV as UTF-8 only when it starts with a byte-order mark (otherwise as the system's
# ANSI code page: "käsitteli" becomes "kÃ¤sitteli"), and splits it on the locale's list separator:
# the comma in English, the semicolon in Finnish, where the comma is the decimal mark.
CSV_DIALECTS: dict[str, CsvDialect] = {d.name: d for d in (
    CsvDialect("excel", ",", ".", True, "\n",
               "commas, UTF-8 with a byte-order mark; for Excel in English, LibreOffice, pandas"),
    # Finnish Excel takes TOSI and EPÄTOSI, its TRUE and FALSE, as boolean cells; True stays text to it.
    CsvDialect("excel-fi", ";", ",", True, "\n",
               "semicolons, decimal commas and TOSI/EPÄTOSI for true/false, UTF-8 with a byte-order mark; for "
               "Excel in Finnish, or any locale whose list separator is the semicolon",
               true="TOSI", false="EPÄTOSI"),
    CsvDialect("rfc4180", ",", ".", False, "\r\n",
               "RFC 4180 as written: commas, CRLF line ends, no byte-order mark"),
)}
DEFAULT_CSV_DIALECT = "excel"
# The dialect when none is given (--csv-dialect): also how the report pipeline tells the notebook's kernel.
CSV_DIALECT_ENV = "REGAUDIT_CSV_DIALECT"


def csv_dialect(dialect: "str | CsvDialect | None" = None) -> CsvDialect:
    """The dialect named ``dialect``; None: ``$REGAUDIT_CSV_DIALECT``, else ``excel``. An unknown name
    is a RegauditError naming the choices."""
    from audit_lib.errors import RegauditError
    from audit_lib.i18n import T_

    if isinstance(dialect, CsvDialect):
        return dialect
    origin: object = ""
    if dialect is None:
        dialect = os.environ.get(CSV_DIALECT_ENV) or DEFAULT_CSV_DIALECT
        origin = T_(" (from ${variable})", variable=CSV_DIALECT_ENV)
    if dialect not in CSV_DIALECTS:
        raise RegauditError(T_("unknown CSV dialect {dialect!r}{origin}; use one of {dialects}", dialect=dialect,
                               origin=origin, dialects=", ".join(CSV_DIALECTS)))
    return CSV_DIALECTS[dialect]


def csv_dialect_help() -> str:
    """The dialects and what each is for, for the CLI's help."""
    return ", ".join(f"{d.name} ({d.description})" for d in CSV_DIALECTS.values())

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); tab and carriage return start one in some of them too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Where a spreadsheet may cut a cell into several: the list separator of Finnish and German Excel (;),
# the comma, tab and line breaks (a reader that ignores quotes), and the pipe (a custom separator).
# Each segment after one of these is a cell of its own to such a reader, so each is neutralised.
SEGMENT_SEPARATORS = ";,\t\r\n|"
_SEGMENT = re.compile(f"([{re.escape(SEGMENT_SEPARATORS)}])")


@contextlib.contextmanager
def atomic_file(path: str | os.PathLike, mode: str = "wb", **open_args):
    """A handle on a temporary file beside ``path`` that replaces ``path`` atomically when the block ends
    without an error (and is removed if it does not): a reader never sees half a file."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; a report is meant to be read, so give it the usual umask-based mode.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    with atomic_file(path) as handle:
        handle.write(data)
    return Path(path)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def _starts_formula(segment: str) -> bool:
    """True if ``segment``, read as a cell of its own (leading blanks trimmed, as some readers do), is a formula."""
    return segment.lstrip(" \u00a0").startswith(FORMULA_PREFIXES)


def neutralise_formula(value: object) -> object:
    """Prefix every segment of a cell that a spreadsheet could run as a formula with an apostrophe.

    A segment is the cell's text, and each part after a separator a spreadsheet may split on
    (SEGMENT_SEPARATORS): ``access_log/L1;=cmd|' /C calc'!A0`` opened as ``;``-separated is two cells,
    the second a formula, so it becomes ``access_log/L1;'=cmd|' /C calc'!A0``. Negative numbers are
    prefixed too: a cell starting with "-" is a formula to some spreadsheets, and the rule "no
    segment starts with = + - @" is simpler to audit than exceptions to it. The apostrophe marks
    text in Excel and LibreOffice; the CSV writer also quotes every text cell (``write_csv_safe``).
    """
    if value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    parts = _SEGMENT.split(text)  # text, separator, text, separator, ...
    changed = False
    for index in range(0, len(parts), 2):
        # The cell's own start counts tab and carriage return too (they are also separators).
        if _starts_formula(parts[index]) or (index == 0 and text.startswith(FORMULA_PREFIXES)):
            parts[index] = "'" + parts[index]
            changed = True
    return "".join(parts) if changed else value


# A superset of the cells neutralise_formula changes, tested column by column at C speed, so that only
# those cells are looked at one by one (a quarantine of millions of rows is written in batches).
_MAY_START_FORMULA = re.compile(f"(?:^|[{re.escape(SEGMENT_SEPARATORS)}])[ \u00a0]*[=+\\-@\t\r]")


def _neutralised(column: "pd.Series") -> "pd.Series":
    """``column`` with neutralise_formula applied to the cells it changes."""
    import pandas as pd

    values = column.astype(object)
    present = values.notna()
    if pd.api.types.is_bool_dtype(column):
        return values
    if pd.api.types.is_numeric_dtype(column):
        suspect = present & (pd.to_numeric(column, errors="coerce") < 0)
    else:
        suspect = present & values.where(present, "").astype(str).str.contains(_MAY_START_FORMULA)
    if suspect.any():
        values = values.copy()
        values[suspect] = values[suspect].map(neutralise_formula)
    return values


def spreadsheet_safe(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Return a copy of ``frame`` whose cells and headers can never start a formula, in any segment."""
    safe = frame.copy()
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    for column in safe.columns:
        safe[column] = _neutralised(safe[column])
    return safe


class _BareWord:
    """A true or false the csv module writes bare (it has ``__float__``, so QUOTE_NONNUMERIC leaves it
    unquoted) as the dialect's word for it (its ``str``): Excel reads an unquoted TOSI as a boolean cell."""

    __slots__ = ("value", "word")

    def __init__(self, value: bool, word: str) -> None:
        self.value, self.word = value, word

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        return self.word


def _boolean_words(frame: "pd.DataFrame", layout: CsvDialect) -> "pd.DataFrame":
    """``frame`` with every true and false cell written as ``layout``'s words (``excel-fi``: TOSI, EPÄTOSI)."""
    import numpy as np
    import pandas as pd

    words = {True: _BareWord(True, layout.true), False: _BareWord(False, layout.false)}
    changed = frame.copy()
    for index in range(changed.shape[1]):
        series = changed.iloc[:, index]
        if pd.api.types.is_bool_dtype(series.dtype) or series.dtype == object:
            cells = series.astype(object)
            changed.isetitem(index, cells.map(lambda v: words[bool(v)] if isinstance(v, (bool, np.bool_)) else v))
    return changed


class _DecimalComma:
    """A number the csv module writes bare (it has ``__float__``) with a decimal comma (its ``str``)."""

    __slots__ = ("text",)

    def __init__(self, value: float) -> None:
        self.text = repr(float(value)).replace(".", ",")

    def __float__(self) -> float:
        return float(self.text.replace(",", "."))

    def __str__(self) -> str:
        return self.text


def _json_cell(value: Any) -> Any:
    """A list or mapping as JSON text (a Python repr means nothing to a spreadsheet); other values as they are."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def plain_cells(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``frame`` with cells that a spreadsheet and a JSON reader take as they are: a time with a zone as
    the wall time of its zone (``2026-07-01 10:00``, as the findings show it), a list or mapping as JSON."""
    import pandas as pd

    from audit_lib.typed_tables import wall_time

    plain = frame.copy()
    for index, column in enumerate(plain.columns):
        series = plain.iloc[:, index]
        if isinstance(series.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(series.dtype):
            shown = series.astype(object).map(lambda v: None if v is None or v is pd.NaT else wall_time(v))
            plain.isetitem(index, shown)
        elif series.dtype == object and series.map(lambda v: isinstance(v, (dict, list, tuple))).any():
            plain.isetitem(index, series.map(_json_cell))
    return plain


def _decimal_commas(frame: "pd.DataFrame") -> "pd.DataFrame":
    """``frame`` with every float cell written with a decimal comma (``excel-fi``), still as a bare number."""
    import pandas as pd

    changed = frame.copy()
    for index in range(changed.shape[1]):
        series = changed.iloc[:, index]
        if pd.api.types.is_float_dtype(series.dtype) or series.dtype == object:
            cells = series.astype(object)
            changed.isetitem(index, cells.map(lambda v: _DecimalComma(v) if type(v) is float and v == v else v))
    return changed


def csv_text(frame: "pd.DataFrame", *, header: bool = True, dialect: "str | CsvDialect | None" = None) -> str:
    """``frame`` as CSV text in ``dialect`` (default ``excel``), formula-safe: every segment neutralised,
    every text cell quoted, lists and mappings as JSON (``plain_cells``). The byte-order mark is the
    file's, not the text's: ``write_csv_safe`` adds it.

    Quoting every text cell (numbers stay bare) keeps a cell that holds ``;``, tab, ``,``, ``|`` or a
    line break one cell in any spreadsheet that honours quotes, whatever separator it reads the file
    with; the neutralised segments cover one that does not. Line endings are the dialect's (``\n``,
    CRLF for ``rfc4180``).
    """
    import io

    layout = csv_dialect(dialect)
    cells = plain_cells(frame)
    if layout.decimal != ".":
        # Before neutralising, so that a negative number is neutralised as the text it is written as.
        cells = _decimal_commas(cells)
    if (layout.true, layout.false) != ("True", "False"):
        cells = _boolean_words(cells, layout)
    safe = spreadsheet_safe(cells)
    buffer = io.StringIO()
    # The csv module, not DataFrame.to_csv: same cells, several times faster on a long quarantine.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, delimiter=layout.delimiter,
                        lineterminator=layout.lineterminator)
    if header:
        writer.writerow([str(c) for c in safe.columns])
    cells = safe.astype(object)
    writer.writerows(cells.where(cells.notna(), None).itertuples(index=False, name=None))
    return buffer.getvalue()


def write_csv_safe(frame: "pd.DataFrame", path: str | os.PathLike, dialect: "str | CsvDialect | None" = None) -> Path:
    """Write ``frame`` as spreadsheet-safe CSV (``csv_text``) in ``dialect``, atomically: every CSV regaudit writes."""
    layout = csv_dialect(dialect)
    text = csv_text(frame, dialect=layout).encode("utf-8")
    return atomic_write_bytes(path, (codecs.BOM_UTF8 if layout.bom else b"") + text)


def write_csv_batches(batches: "Iterable[pd.DataFrame]", path: str | os.PathLike, columns: list[str],
                      dialect: "str | CsvDialect | None" = None) -> Path:
    """Write DataFrames one after another as one spreadsheet-safe CSV (``csv_text``) in ``dialect``,
    atomically, without holding more than one batch in memory: the header of ``columns``, then each batch's rows."""
    import pandas as pd

    layout = csv_dialect(dialect)
    with atomic_file(path, "w", encoding="utf-8-sig" if layout.bom else "utf-8", newline="") as handle:
        handle.write(csv_text(pd.DataFrame(columns=columns), dialect=layout))
        for batch in batches:
            handle.write(csv_text(batch[columns], header=False, dialect=layout))
    return Path(path)


def sniff_csv_dialect(path: str | os.PathLike) -> CsvDialect:
    """The dialect a CSV that regaudit wrote is in, from its first bytes and its header line (a report of
    an earlier period may have been written in another dialect than this one's)."""
    with open(path, "rb") as handle:
        head = handle.readline()
    bom = head.startswith(codecs.BOM_UTF8)
    # The header's cells are quoted text: what follows the first one's closing quote is the separator.
    match = re.match(r'^"(?:[^"]|"")*"(.)', head[len(codecs.BOM_UTF8) if bom else 0:].decode("utf-8", "replace"))
    delimiter = match.group(1) if match and match.group(1) in ",;" else ","
    for layout in CSV_DIALECTS.values():
        if layout.delimiter == delimiter and layout.bom == bom:
            return layout
    return CSV_DIALECTS["rfc4180" if not bom else DEFAULT_CSV_DIALECT]


def read_csv_output(path: str | os.PathLike, **options: Any) -> "pd.DataFrame":
    """A CSV regaudit wrote, read back in the dialect it was written in (``sniff_csv_dialect``)."""
    import pandas as pd

    layout = sniff_csv_dialect(path)
    if (layout.true, layout.false) != ("True", "False"):
        options = {"true_values": [layout.true], "false_values": [layout.false], **options}
    return pd.read_csv(path, sep=layout.delimiter, decimal=layout.decimal, encoding="utf-8-sig", **options)
