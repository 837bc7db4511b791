"""Writing outputs safely: atomic replacement and spreadsheet-safe CSV cells."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

# A cell starting with one of these is run as a formula by Excel, LibreOffice and Google Sheets
# (OWASP "CSV injection"); tab and carriage return start one in some of them too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; a report is meant to be read, so give it the usual umask-based mode.
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: str | os.PathLike, text: str) -> Path:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    return atomic_write_bytes(path, text.encode("utf-8"))


def neutralise_formula(value: object) -> object:
    """Prefix a cell that a spreadsheet would run as a formula with an apostrophe.

    Negative numbers are prefixed too: a cell starting with "-" is a formula to some spreadsheets,
    and the rule "no cell starts with = + - @" is simpler to audit than exceptions to it.
    """
    if value is None:
        return value
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return value


def spreadsheet_safe(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Return a copy of ``frame`` whose cells and headers can never start a formula."""
    safe = frame.copy()
    safe.columns = [neutralise_formula(str(c)) for c in safe.columns]
    for column in safe.columns:
        safe[column] = safe[column].astype(object).map(neutralise_formula, na_action="ignore")
    return safe


def write_csv_safe(frame: "pd.DataFrame", path: str | os.PathLike) -> Path:
    """Write ``frame`` as UTF-8 CSV, formula-safe and atomically, with a stable line ending."""
    text = spreadsheet_safe(frame).to_csv(index=False, lineterminator="\n")
    return atomic_write_text(path, text)
