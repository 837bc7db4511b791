"""Where each CSV record starts, for files with blank lines: DuckDB's reader skips them unnumbered.

DuckDB's reader gives no line numbers for the rows it loads, and numbers its rejects counting
blank lines as lines but a quoted value's newlines not. Without blank lines the loader's own
arithmetic is exact (load.py, readers.py). With them, and only when a row of the file is set
aside, the file is walked once with Python's csv module to place every record it needs.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from audit_lib.loader.encoding import open_binary

_BLOCK = 1 << 20


def _open_text(path: Path) -> io.TextIOBase:
    raw = open_binary(path)
    # utf-8-sig: a BOM is not part of the first header; newline="" leaves quoted newlines to csv.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")


def has_interior_blank_line(path: Path) -> bool:
    """True if an empty line (possibly inside a quoted value) comes before the file's last content.

    Trailing blank lines change no row's number, so they do not count. Streamed in blocks.
    """
    with _open_text(path) as text:
        pending_blank = False
        tail = ""
        while block := text.read(_BLOCK):
            chunk = tail + block
            if pending_blank and chunk.strip():
                return True
            found = min((i for i in (chunk.find("\n\n"), chunk.find("\n\r\n")) if i >= 0), default=-1)
            if found >= 0:
                if chunk[found:].strip():
                    return True
                pending_blank = True
            tail = chunk[-2:]
    return False


def record_positions(path: Path, delimiter: str, quote: str, skip: int, header: bool
                     ) -> Iterator[tuple[int, int, int]]:
    """For data record 1, 2, ... of the file: (record number, the physical line it starts on, the
    blank lines before it), as DuckDB reads the file with this dialect."""
    csv.field_size_limit(sys.maxsize)  # one value may be long; the reader must not stop at 128 KiB
    with _open_text(path) as text:
        for _ in range(skip):
            if not text.readline():
                return
        reader = csv.reader(text, delimiter=delimiter, quotechar=quote or None, doublequote=True, strict=False)
        if header and next(reader, None) is None:
            return
        number = blanks = 0
        while True:
            start = skip + reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error:
                # A value csv cannot read (a stray NUL): DuckDB set such rows aside itself; count it.
                record = ["?"]
            if not record:
                blanks += 1
                continue
            number += 1
            yield number, start, blanks
