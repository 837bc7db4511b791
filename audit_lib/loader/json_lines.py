"""JSON-lines files with bad lines: each line that is no JSON object set aside with its row and line.

DuckDB's JSON reader refuses a whole file for one malformed line. When it does, the file is walked
here once, line by line and streamed (a line longer than MAX_LINE_BYTES is never held whole): a
line that is not one JSON object becomes a reject, ``bad_json``, ``bad_encoding`` (not UTF-8) or
``line_too_long``, and is left out of a copy of the file that DuckDB reads instead. The copy keeps
every line, emptied where one was left out (DuckDB skips empty lines), so the reader's rows and the
rejects number the file's rows alike: row n is the n-th line that is not blank.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from audit_lib.loader.encoding import STREAM_ERRORS, open_binary
from audit_lib.loader.readers import Reject
from audit_lib.vocabulary import QuarantineReason

# DuckDB's maximum_object_size: the longest line its JSON reader takes.
MAX_LINE_BYTES = 16 * 1024 * 1024
# The characters of a bad line the quarantine keeps as its raw text.
RAW_CHARS = 10_000
_BLOCK = 1 << 20


def looks_like_lines(path: Path) -> bool:
    """True if the first line that is not blank is a JSON object on its own: the file is JSON lines
    (a pretty-printed object or an array is not, and is not judged line by line)."""
    try:
        for _, line, _ in _lines(path):
            if line is None:
                return False
            if line.strip():
                return _object(line) is not None
    except STREAM_ERRORS:  # cut short: DuckDB's reader says so
        return False
    return False


def set_aside_bad_lines(path: Path, name: str, target: Path) -> list[Reject]:
    """Copy JSON-lines ``path`` to ``target`` with every line that is not a JSON object emptied; the
    rejects for those lines (file ``name``)."""
    rejects: list[Reject] = []
    row = 0
    with target.open("wb") as out:
        for number, line, size in _lines(path):
            ending = b"\n"
            if line is not None:
                stripped = line.rstrip(b"\r\n")
                ending = line[len(stripped):]
                if not stripped.strip():
                    out.write(line)
                    continue
            row += 1
            reason = _fault(line, size)
            if reason is None:
                out.write(line)  # type: ignore[arg-type]
                continue
            code, text = reason
            raw = (line or b"")[:RAW_CHARS * 4].decode("utf-8", errors="replace")[:RAW_CHARS]
            rejects.append(Reject(file=name, row=row, line=number, code=code, reason=text, raw=raw or "(too long)"))
            out.write(ending)
    return rejects


def _fault(line: bytes | None, size: int) -> tuple[str, str] | None:
    """Why a line is not a JSON object (code, reason), or None if it is one."""
    if line is None:
        return QuarantineReason.LINE_TOO_LONG, f"line too long: {size:,} bytes, more than the {MAX_LINE_BYTES:,} a row may have"
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError:
        return QuarantineReason.BAD_ENCODING, "invalid characters for the file's encoding (UTF-8)"
    try:
        value = json.loads(text, parse_constant=_no_constant)
    except ValueError as exc:
        return QuarantineReason.BAD_JSON, f"not valid JSON ({exc})"
    if not isinstance(value, dict):
        return QuarantineReason.BAD_JSON, f"a JSON {type(value).__name__}, not an object"
    return None


def _object(line: bytes) -> dict | None:
    try:
        value = json.loads(line.decode("utf-8-sig"), parse_constant=_no_constant)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _no_constant(name: str) -> None:
    # NaN and Infinity are no JSON (Python's reader takes them, DuckDB's does not).
    raise ValueError(f"{name} is not JSON")


def _lines(path: Path) -> Iterator[tuple[int, bytes | None, int]]:
    """(physical line number, the line with its line end or None if longer than MAX_LINE_BYTES, its
    size) for every line of ``path``, decompressed if gzip."""
    with open_binary(path) as handle:
        number = 0
        while True:
            line = handle.readline(MAX_LINE_BYTES + 1)
            if not line:
                return
            number += 1
            if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
                yield number, line, len(line)
                continue
            size = len(line)
            while line and not line.endswith(b"\n"):  # the rest of the long line, read and dropped
                line = handle.readline(_BLOCK)
                size += len(line)
            yield number, None, size
