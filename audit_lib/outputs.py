"""Writing outputs safely: atomic replacement, and one spreadsheet-safe CSV writer for every CSV regaudit writes."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

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


def csv_text(frame: "pd.DataFrame", *, header: bool = True) -> str:
    """``frame`` as UTF-8 CSV text, formula-safe: every segment neutralised, every text cell quoted.

    Quoting every text cell (numbers stay bare) keeps a cell that holds ``;``, tab, ``,``, ``|`` or a
    line break one cell in any spreadsheet that honours quotes, whatever separator it reads the file
    with; the neutralised segments cover one that does not. Line endings are always ``\n``.
    """
    import io

    safe = spreadsheet_safe(frame)
    buffer = io.StringIO()
    # The csv module, not DataFrame.to_csv: same cells, several times faster on a long quarantine.
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    if header:
        writer.writerow([str(c) for c in safe.columns])
    cells = safe.astype(object)
    writer.writerows(cells.where(cells.notna(), None).itertuples(index=False, name=None))
    return buffer.getvalue()


def write_csv_safe(frame: "pd.DataFrame", path: str | os.PathLike) -> Path:
    """Write ``frame`` as spreadsheet-safe UTF-8 CSV (``csv_text``), atomically: every CSV regaudit writes."""
    return atomic_write_text(path, csv_text(frame))


def write_csv_batches(batches: "Iterable[pd.DataFrame]", path: str | os.PathLike, columns: list[str]) -> Path:
    """Write DataFrames one after another as one spreadsheet-safe CSV (``csv_text``), atomically, without
    holding more than one batch in memory: the header of ``columns``, then each batch's rows."""
    import pandas as pd

    with atomic_file(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(csv_text(pd.DataFrame(columns=columns)))
        for batch in batches:
            handle.write(csv_text(batch[columns], header=False))
    return Path(path)
