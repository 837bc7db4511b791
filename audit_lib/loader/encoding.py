"""Telling a text export's encoding and dialect from its first bytes, and transcoding it to UTF-8.

Spreadsheets save CSV as UTF-8 (with or without a BOM), UTF-16 ("Unicode text") or the Windows
code page cp1252; older systems write latin-1. DuckDB's reader takes UTF-8 (a UTF-8 BOM is skipped),
so anything else is transcoded into a temporary UTF-8 file, streamed in blocks, never held in memory.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import shutil
from pathlib import Path

from audit_lib.errors import LoadError

SAMPLE_BYTES = 1 << 16
DELIMITERS = [",", ";", "\t", "|"]
# Bytes cp1252 leaves undefined: a file holding them is not cp1252.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}
_ALIASES = {"utf8": "utf-8", "utf-8-sig": "utf-8", "latin1": "latin-1", "iso-8859-1": "latin-1",
            "iso8859-1": "latin-1", "windows-1252": "cp1252", "utf16": "utf-16"}


def is_gzip(path: Path) -> bool:
    """True when ``path`` starts with the gzip magic number (whatever its name says)."""
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def open_binary(path: Path):
    """``path`` opened for reading bytes, decompressed if it is gzip."""
    return gzip.open(path, "rb") if is_gzip(path) else path.open("rb")


def read_sample(path: Path, size: int = SAMPLE_BYTES) -> bytes:
    """The first ``size`` bytes of ``path``, decompressed if it is gzip."""
    try:
        with open_binary(path) as handle:
            return handle.read(size)
    except (OSError, EOFError) as exc:
        raise LoadError(path.name, f"cannot be read: {exc}") from exc


def normalise(encoding: str) -> str:
    """A canonical spelling of an encoding name ("UTF8" -> "utf-8")."""
    name = encoding.strip().lower().replace("_", "-")
    name = _ALIASES.get(name, name)
    try:
        codecs.lookup(name)
    except LookupError as exc:
        raise LoadError("exports.yaml", f"unknown encoding {encoding!r}; use utf-8, utf-16, cp1252 or latin-1") from exc
    return name


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text sample: BOMs first, then UTF-8 if it decodes, else cp1252 or latin-1."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: every other byte of ASCII text is NUL.
        even_nuls = sample[0::2].count(b"\x00")
        return "utf-16-be" if even_nuls > len(sample) // 4 else "utf-16-le"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = {b for b in sample if 0x80 <= b <= 0x9F}
    # C1 control bytes never occur in latin-1 text; in cp1252 they are € ‚ „ … – — and friends.
    if high and not high & _CP1252_UNDEFINED:
        return "cp1252"
    return "latin-1"


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


def copy_with_lf_newlines(path: Path, target: Path) -> None:
    """Stream UTF-8 ``path`` (decompressed if gzip) into ``target`` with every CRLF and lone CR made LF.

    Byte-wise, so an invalid byte stays for the reader to reject with its line (in UTF-8, CR and
    LF bytes are never part of another character).
    """
    with open_binary(path) as raw, target.open("wb") as out:
        held = b""
        while block := raw.read(1 << 20):
            block = held + block
            # A CR at the end of a block may be the first half of a CRLF: decide with the next block.
            held, block = (b"\r", block[:-1]) if block.endswith(b"\r") else (b"", block)
            out.write(block.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        out.write(held.replace(b"\r", b"\n"))


def transcode_to_utf8(path: Path, encoding: str, target: Path, lf_newlines: bool = False) -> None:
    """Stream ``path`` (decompressed if gzip) from ``encoding`` into UTF-8 ``target``; with
    ``lf_newlines``, every line ending (CRLF, CR) becomes LF, quoted values' too."""
    newline = None if lf_newlines else ""
    try:
        with open_binary(path) as raw, io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline=newline) as text, \
                target.open("w", encoding="utf-8", newline="") as out:
            shutil.copyfileobj(text, out, 1 << 20)
    except UnicodeDecodeError as exc:
        raise LoadError(path.name, f"is not valid {encoding} (byte {exc.object[exc.start:exc.end]!r} in a block "
                                   f"near byte {exc.start}); set `options: {{encoding: ...}}` in exports.yaml") from exc


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
            rows = list(csv.reader(io.StringIO(sample), delimiter=candidate, quotechar=quote, doublequote=True,
                                   strict=False))
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
