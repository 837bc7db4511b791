"""Telling a text export's encoding and dialect from its first bytes, and transcoding it to UTF-8.

Spreadsheets save CSV as UTF-8 (with or without a BOM), UTF-16 ("Unicode text") or the Windows
code page cp1252; older systems write latin-1. DuckDB's reader takes UTF-8 (a UTF-8 BOM is skipped),
so anything else is transcoded into a temporary UTF-8 file, streamed in blocks, never held in memory.

A file is never decoded wholesale in an encoding some of its lines are not in. A file edited by two
programs can hold both: lines valid as UTF-8 (with letters beyond ASCII) beside lines that are not.
The majority of the sample's lines decides. A mostly UTF-8 file is read as UTF-8 and the reader
sets its other lines aside as ``bad_encoding`` (which 8-bit code page they are in cannot be told);
in a mostly cp1252 or latin-1 file, a line that is valid UTF-8 is UTF-8 beyond doubt (such byte
pairs do not occur in 8-bit text), so it is decoded as UTF-8, and the transcoding says which lines.

NUL bytes padding the end of a file are no sign of UTF-16 (the loader leaves them out, csv_scan.py);
a file whose lines end in CR alone is read from a copy with LF ones; the sample is read on until it
holds the header line whole, and a header too long for that is counted, streamed.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import shutil
import zlib
from collections.abc import Iterator
from pathlib import Path

from audit_lib.errors import LoadError
from audit_lib.i18n import T_

SAMPLE_BYTES = 1 << 16
# The most read to find a header line: 4,096 names (headers.MAX_COLUMNS) of 1,000 bytes each.
MAX_HEADER_BYTES = 1 << 22
DELIMITERS = [",", ";", "\t", "|"]
# Bytes cp1252 leaves undefined: a file holding them is not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
            "iso8859-1": "latin-1", "windows-1252": "cp1252", "utf16": "utf-16"}
# A well-formed multi-byte UTF-8 sequence: in cp1252 or latin-1 text these byte pairs ("Ã¤") do not occur.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_BLOCK = 1 << 20
# 8-bit encodings (codecs' names): decoded a block at a time, as a block never ends mid-character.
_SINGLE_BYTE = {"cp1252", "iso8859-1", "iso8859-15", "cp1257"}


def is_gzip(path: Path) -> bool:
    """True when ``path`` starts with the gzip magic number (whatever its name says)."""
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def open_binary(path: Path):
    """``path`` opened for reading bytes, decompressed if it is gzip."""
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")


# What reading a file to its end can raise: an I/O error, a gzip stream cut short or damaged.
STREAM_ERRORS = (OSError, EOFError, zlib.error)


def unreadable(name: str, exc: Exception) -> LoadError:
    """The error for a file that cannot be read to its end."""
    return LoadError(name, T_("cannot be read to its end ({error}): the file is cut short or damaged; export it again",
                              error=exc))


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes of ``path``, decompressed if it is gzip."""
    try:
        with open_binary(path) as handle:
            return handle.read(size)
    except STREAM_ERRORS as exc:
        raise LoadError(path.name, T_("cannot be read: {cause}", cause=exc)) from exc


def normalise(encoding: str) -> str:
    """A canonical spelling of an encoding name ("UTF8" -> "utf-8")."""
    name = encoding.strip().lower().replace("_", "-")
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise LoadError("exports.yaml", T_("unknown encoding {encoding!r}; use utf-8, utf-16, cp1252 or latin-1",
                                           encoding=encoding)) from exc
    return name


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: BOMs first, then UTF-8 if it decodes (or if most of its lines
    beyond ASCII are UTF-8, see ``line_encodings``), else cp1252 or latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    # NUL bytes padding the end (a preallocated file written short) are no sign of UTF-16.
    sample = sample.rstrip(b"\x00")
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even_nuls = sample[0::2].count(b"\x00")
        return "utf-16-be" if even_nuls > len(sample) // 4 else "utf-16-le"
    if is_utf8(sample):
        return "utf-8"
    utf8_lines, other_lines = line_encodings(sample)
    if utf8_lines >= other_lines:
        return "utf-8"
    return legacy_encoding(sample)


def legacy_encoding(sample: bytes) -> str:
    """cp1252 or latin-1, whichever 8-bit encoding ``sample`` (not UTF-8) is in."""
    high = {b for b in sample if 0x80 <= b <= 0x9F}
    # C1 control bytes never occur in latin-1 text; in cp1252 they are € ‚ „ … – — and friends.
    if high and not high & _CP1252_UNDEFINED:
        return "cp1252"
    return "latin-1"


def is_utf8(sample: bytes) -> bool:
    """True if ``sample`` is valid UTF-8 (a character cut by its end aside)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return True
    except UnicodeDecodeError:
        return False


def mixed_utf8(sample: bytes) -> bool:
    """True if ``sample`` holds both lines valid as UTF-8 (beyond ASCII) and lines that are not."""
    return not is_utf8(sample) and all(line_encodings(sample))


def line_encodings(sample: bytes) -> tuple[int, int]:
    """(lines valid as UTF-8 that hold a multi-byte character, lines that are not valid UTF-8) in
    ``sample``; its last line, perhaps cut mid-character, is left out."""
    lines = sample.split(b"\n")[:-1] or [sample]
    utf8 = other = 0
    for line in lines:
        if not _UTF8_SEQUENCE.search(line):
            other += any(byte >= 0x80 for byte in line)
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other += 1
    return utf8, other


def is_cr_only(text: str) -> bool:
    """True if ``text`` ends its lines with a lone CR (classic Mac OS): a CR and no LF at all."""
    return "\r" in text and "\n" not in text


def head_sample(path: Path, sample: bytes, encoding: str, skip_rows: int) -> tuple[bytes, str]:
    """The sample (and its text), read on until it holds the header line whole, up to
    MAX_HEADER_BYTES: a header of thousands of long names outgrows SAMPLE_BYTES."""
    requested, text = SAMPLE_BYTES, decode_sample(sample, encoding)
    while len(sample) == requested < MAX_HEADER_BYTES and not _holds_header_line(text, skip_rows):
        requested = min(requested * 8, MAX_HEADER_BYTES)
        sample = read_sample(path, requested)
        text = decode_sample(sample, encoding)
    return sample, text


def header_complete(text: str, skip_rows: int, sample_size: int) -> bool:
    """Whether a sample (of ``sample_size`` bytes, from ``head_sample``) holds its header line whole."""
    return sample_size < MAX_HEADER_BYTES or _holds_header_line(text, skip_rows)


def _holds_header_line(text: str, skip_rows: int) -> bool:
    body = re.split(r"\r\n|\r|\n", text, maxsplit=skip_rows)[-1] if skip_rows else text
    body = body.lstrip("\r\n")  # blank lines before the header
    return "\n" in body or "\r" in body


def count_header_fields(path: Path, encoding: str, skip_rows: int, delimiter: str) -> int:
    """The fields of a header line too long to sample: its delimiters counted, streamed (quotes are
    not followed, so a delimiter inside a quoted name counts too: "about")."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    fields, skipped = 1, 0
    with open_binary(path) as raw:
        while block := raw.read(_BLOCK):
            text = decoder.decode(block)
            while skipped < skip_rows and text:
                found = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=-1)
                if found < 0:
                    text = ""
                    break
                skipped, text = skipped + 1, text[found + 1:]
            end = min((i for i in (text.find("\n"), text.find("\r")) if i >= 0), default=len(text))
            if skipped == skip_rows:
                fields += text.count(delimiter, 0, end)
                if end < len(text):
                    break
    return fields


def leading_blank_lines(text: str, skip_rows: int) -> int:
    """Empty lines after the skipped ones and before the header: DuckDB's reader would take the
    first of them for the header, so they are skipped too."""
    body = text.split("\n", skip_rows)[-1] if skip_rows else text
    blank = 0
    for line in body.split("\n")[:-1]:  # whole lines only (the sample's last may be cut)
        if line not in ("", "\r"):
            break
        blank += 1
    return blank


def decode_sample(sample: bytes, encoding: str) -> str:
    """The sample as text, a partial character at its end dropped."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample, final=False)


def has_carriage_return(path: Path) -> bool:
    """True if ``path`` (decompressed if gzip) holds a CR byte anywhere (streamed in blocks)."""
    with open_binary(path) as raw:
        while block := raw.read(1 << 20):
            if b"\r" in block:
                return True
    return False


def _lf_blocks(raw) -> Iterator[bytes]:
    """The blocks of a byte stream with every CRLF and lone CR made LF (byte-wise: in UTF-8, cp1252
    and latin-1 a CR or LF byte is never part of another character)."""
    held = b""
    while block := raw.read(_BLOCK):
        block = held + block
        # A CR at the end of a block may be the first half of a CRLF: decide with the next block.
        held, block = (b"\r", block[:-1]) if block.endswith(b"\r") else (b"", block)
        yield block.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    if held:
        yield b"\n"


def copy_with_lf_newlines(path: Path, target: Path) -> None:
    """Stream UTF-8 ``path`` (decompressed if gzip) into ``target`` with every CRLF and lone CR made LF.

    Byte-wise, so an invalid byte stays for the reader to reject with its line.
    """
    with open_binary(path) as raw, target.open("wb") as out:
        for block in _lf_blocks(raw):
            out.write(block)


def transcode_to_utf8(path: Path, encoding: str, target: Path, lf_newlines: bool = False) -> list[int]:
    """Stream ``path`` (decompressed if gzip) from ``encoding`` into UTF-8 ``target``; with
    ``lf_newlines``, every line ending (CRLF, CR) becomes LF, quoted values' too.

    In a cp1252 or latin-1 file, a line that is valid UTF-8 (and not plain ASCII) is decoded as
    UTF-8: returned are those lines' numbers (1-based, physical).
    """
    try:
        if codecs.lookup(encoding).name in _SINGLE_BYTE:
            return _transcode_lines(path, encoding, target, lf_newlines)
        newline = None if lf_newlines else ""
        with open_binary(path) as raw, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline=newline) as text, \
                target.open("w", encoding="utf-8", newline="") as out:
            shutil.copyfileobj(text, out, _BLOCK)
        return []
    except UnicodeDecodeError as exc:
        raise LoadError(path.name, T_("is not valid {encoding} (byte {byte!r} in a block near byte {offset}); set "
                                      "`options: {{encoding: ...}}` in exports.yaml", encoding=encoding,
                                      byte=exc.object[exc.start:exc.end], offset=exc.start)) from exc


def _transcode_lines(path: Path, encoding: str, target: Path, lf_newlines: bool) -> list[int]:
    """An 8-bit file into UTF-8, a block at a time; only a block holding a UTF-8 byte sequence is
    decoded line by line."""
    utf8_lines: list[int] = []
    lines_before = 0
    with open_binary(path) as raw, target.open("wb") as out:
        blocks = _lf_blocks(raw) if lf_newlines else iter(lambda: raw.read(_BLOCK), b"")
        tail = b""
        for block in blocks:
            block = tail + block
            cut = block.rfind(b"\n") + 1 or len(block)  # whole lines; a line longer than a block is cut
            body, tail = block[:cut], block[cut:]
            out.write(_decode_lines(body, encoding, lines_before, utf8_lines).encode("utf-8"))
            lines_before += body.count(b"\n")
        out.write(_decode_lines(tail, encoding, lines_before, utf8_lines).encode("utf-8"))
    return utf8_lines


def _decode_lines(body: bytes, encoding: str, lines_before: int, utf8_lines: list[int]) -> str:
    if not _UTF8_SEQUENCE.search(body):
        return body.decode(encoding)
    decoded = []
    for number, line in enumerate(body.split(b"\n"), start=lines_before + 1):
        if _UTF8_SEQUENCE.search(line):
            try:
                decoded.append(line.decode("utf-8"))
                utf8_lines.append(number)
                continue
            except UnicodeDecodeError:
                pass
        decoded.append(line.decode(encoding))
    return "\n".join(decoded)


def sniff_dialect(text: str, skip_rows: int, delimiter: str | None, quote: str | None) -> tuple[str, str, list[str]]:
    """Delimiter, quote and the header's fields of a decoded sample.

    The delimiter is the candidate whose field count is most consistent over the first lines and,
    among those, splits the header into the most fields: DuckDB's own sniffer gives up on small
    files with one broken row, so the dialect is fixed here and passed to it explicitly.
    """
    quote = quote or '"'
    body = text.split("\n", skip_rows)[-1] if skip_rows else text
    # Drop the last (probably cut) line of the sample unless the sample is the whole file.
    lines = body.splitlines(keepends=True)
    if len(lines) > 1 and not lines[-1].endswith(("\n", "\r")):
        lines = lines[:-1]
    sample = "".join(lines[:200])
    candidates = [delimiter] if delimiter else DELIMITERS
    best: tuple[tuple[float, int], str, list[list[str]]] | None = None
    for candidate in candidates:
        try:
            # newline="": a lone CR ends a line too (an old Mac line end among LF ones), as csv expects.
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=candidate, quotechar=quote,
                                   doublequote=True, strict=False))
        except csv.Error:
            continue
        rows = [r for r in rows if r]
        if not rows:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent if width > 1 else 0.0, width)
        if best is None or score > best[0]:
            best = (score, candidate, rows)
    if best is None:
        return delimiter or ",", quote, []
    return best[1], quote, best[2][0]
