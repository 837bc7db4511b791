"""An independent count of a CSV's records, read from its bytes: the check on what DuckDB's reader kept.

DuckDB's reader counts what it parsed. A quote that is never closed makes the rest of the file one
value, and a record longer than its buffer vanishes; neither leaves a trace in its count. So every
CSV is walked once more, in blocks, and its records are counted here: a record ends at a newline
outside a quoted value, with the reader's quoting rules: a quote opens a value only at the start of a
field (one space may come before it); inside one, a doubled quote is a quote and any other quote
closes it. After a closing quote, spaces and another quote go on with the value; anything else
but a delimiter or a line end makes the record an error, but the reader goes on through it as
through an unquoted value, in which a quote is a character like any other.

A block whose quotes all stand where a well-formed file has them is settled with numpy from the
parity of the quotes before each newline (a doubled quote keeps parity); only a block holding a
stray quote (``5" screen``, ``"a"b``) is walked quote by quote. Either way the cost grows with the
file, never with its width or its quoting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audit_lib.loader.encoding import open_binary

BLOCK = 1 << 20
# The longest record (its bytes with the line end) the reader takes; it is passed to DuckDB as
# max_line_size, so a longer record is set aside as line_too_long, never cut or merged.
MAX_RECORD_BYTES = 2_000_000
# A quoted value over more lines than this is taken for a quote left open, not for a text: a
# cell in a spreadsheet holds at most 32,767 characters, and a note of 1,000 lines is no note.
MAX_QUOTED_LINES = 1_000
_LF, _CR, _SPACE = 10, 13, 32
_EMPTY = np.zeros(0, dtype=np.int64)


@dataclass
class QuotedValue:
    """A quoted value: the physical line of its opening quote and the lines it spans."""

    line: int
    lines: int


@dataclass
class Oversized:
    """A record longer than MAX_RECORD_BYTES: its place among the file's records and in its bytes."""

    record: int  # 1 = the first record after the skipped lines (the header, if there is one)
    line: int  # the physical line it starts on
    lines: int  # the physical lines it spans
    start: int  # byte offset of its first byte (in the decompressed stream)
    end: int  # byte offset after its last byte, line end included
    terminator: bytes  # its line end (b"\n", b"\r\n" or b"" at the end of the file)

    @property
    def size(self) -> int:
        """Its length in bytes, line end included."""
        return self.end - self.start


@dataclass
class RecordScan:
    """What the walk found: records (non-blank, after the skipped lines, the header included),
    the longest quoted value, a quoted value still open at the end, records too long to read, and
    the NUL bytes that pad the end of the file (a preallocated file written short)."""

    records: int = 0
    longest: QuotedValue | None = None
    unclosed: QuotedValue | None = None
    oversized: list[Oversized] = field(default_factory=list)
    nul_padding: int = 0
    stray_quote_line: int | None = None  # the first quote followed by more than a delimiter or line end

    def data_rows(self, header: bool) -> int:
        """The data records: every record but the header."""
        return max(self.records - 1, 0) if header else self.records


def scan_records(path: Path, delimiter: str, quote: str, skip: int) -> RecordScan:
    """Walk UTF-8 CSV ``path`` (decompressed if gzip) once, streamed, after its first ``skip`` lines."""
    scanner = _Scanner(delimiter.encode("utf-8"), quote.encode("utf-8"))
    with open_binary(path) as handle:
        pending = scanner.skip_lines(handle, skip)
        # One byte is held back per block: whether a quote closes depends on the byte after it.
        while block := handle.read(BLOCK):
            pending += block
            scanner.feed(pending[:-1], pending[-1])
            pending = pending[-1:]
        scanner.feed(pending, None)
    return scanner.finish()


class _Scanner:
    """The walk's state between blocks; ``feed`` takes one block, ``finish`` gives the result."""

    def __init__(self, delimiter: bytes, quote: bytes) -> None:
        if len(quote) != 1:
            raise ValueError(f"the quote must be one byte, not {quote!r}")
        self.quote = quote
        self.q = quote[0]
        # A multi-byte delimiter is judged by its last byte before a quote and its first after one.
        self.delim_last, self.delim_first = delimiter[-1], delimiter[0]
        self.offset = 0  # bytes before the current block
        self.lines = 0  # newlines before the current block
        self.inside = False  # within a quoted value
        self.skip_first = False  # the block starts with the second quote of a doubled pair
        self.after_close = False  # nothing but spaces since a quote closed a value (in blocks before)
        self.prev1 = self.prev2 = _LF  # the two bytes before the block (a virtual line end at first)
        self.last_end = -1  # offset of the last record's line end
        self.record_line = 1  # the physical line the current record starts on
        self.value_line = 0  # the physical line of the current (or last) quoted value's opening quote
        self.value_newlines = 0
        self.nul_run = 0
        self.last_content_line = 0
        self.result = RecordScan()

    def skip_lines(self, handle, skip: int) -> bytes:
        """Read past the first ``skip`` physical lines (and a UTF-8 BOM); return the bytes after them."""
        data = handle.read(BLOCK)
        if skip == 0 and data.startswith(b"\xef\xbb\xbf"):
            self.offset, data = 3, data[3:]
        while skip and data:
            found = data.find(b"\n")
            if found < 0:
                self.offset += len(data)
                data = handle.read(BLOCK)
                continue
            skip -= 1
            self.lines += 1
            self.offset += found + 1
            data = data[found + 1:] or handle.read(BLOCK)
        self.last_end = self.offset - 1
        self.record_line = self.lines + 1
        return data

    def feed(self, data: bytes, lookahead: int | None) -> None:
        """Take the next block; ``lookahead`` is the byte after it (None at the end of the file)."""
        if not data:
            return
        a = np.frombuffer(data, dtype=np.uint8)
        entry_inside = self.inside
        toggles, openings = self._quotes(data, a, lookahead)
        newlines = np.flatnonzero(a == _LF)
        if toggles.size:
            inner_mask = ((np.searchsorted(toggles, newlines) + entry_inside) & 1).astype(bool)
            ends, inner = newlines[~inner_mask], newlines[inner_mask]
        elif entry_inside:
            ends, inner = _EMPTY, newlines
        else:
            ends, inner = newlines, _EMPTY
        self._records(data, a, newlines, ends)
        self._quoted_values(newlines, inner, openings)
        stripped = len(data.rstrip(b"\0"))
        self.nul_run = self.nul_run + len(data) if stripped == 0 else len(data) - stripped
        content = len(data.rstrip(b"\r\n\0"))
        if content:
            self.last_content_line = self.lines + int(np.searchsorted(newlines, content - 1)) + 1
        self.prev2 = data[-2] if len(data) > 1 else self.prev1
        self.prev1 = data[-1]
        self.offset += len(data)
        self.lines += newlines.size

    def _quotes(self, data: bytes, a: np.ndarray, lookahead: int | None) -> tuple[np.ndarray, np.ndarray]:
        """Where the quoted state flips in the block, and where quoted values open."""
        if self.skip_first:
            return self._walk(data, lookahead)
        if self.quote not in data:
            self.after_close = self.after_close and not data.strip(b" ")
            return _EMPTY, _EMPTY
        quotes = np.flatnonzero(a == self.q)
        # Quotes alternate opening and closing; ``first`` is the index of the first opening one.
        first = 1 if self.inside else 0
        openers, closers = quotes[first::2], quotes[1 - first::2]
        before = a[np.maximum(openers - 1, 0)]
        if openers.size and openers[0] == 0:
            before[0] = self.prev1
        after = a[np.minimum(closers + 1, a.size - 1)]
        if closers.size and closers[-1] == a.size - 1:
            after[-1] = self.delim_first if lookahead is None else lookahead
        # Comparisons, not np.isin: this is most of the cost of a file whose every value is quoted.
        opens_well = ((before == self.delim_last) | (before == _LF) | (before == self.q)).all()
        closes_well = ((after == self.delim_first) | (after == _LF) | (after == self.q) | (after == _CR)).all()
        if not (opens_well and closes_well) or (openers.size and openers[0] == 0 and self.prev1 == self.q):
            # A stray quote (or, first in the block, one after a quote of the block before, which
            # closed nothing: a doubled pair split between blocks comes here as skip_first).
            return self._walk(data, lookahead)
        if closers.size and closers[-1] == a.size - 1 and closers[-1] == quotes[-1] and lookahead == self.q:
            # The first of a doubled pair, the second begins the next block: the value goes on.
            quotes = quotes[:-1]
            self.skip_first = True
        self.inside = bool((self.inside + quotes.size) & 1)
        self.after_close = False
        # A quote right after a closing one is the second of a doubled pair: no new value.
        return quotes, openers[before != self.q]

    def _walk(self, data: bytes, lookahead: int | None) -> tuple[np.ndarray, np.ndarray]:
        """The block's quotes one by one, with the reader's rules (a block with a stray quote)."""
        size = len(data)
        quotes = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == self.q).tolist()
        toggles: list[int] = []
        openings: list[int] = []
        index = 1 if self.skip_first and quotes and quotes[0] == 0 else 0
        self.skip_first = False
        inside = self.inside
        closed_at = -1
        while index < len(quotes):
            position = quotes[index]
            index += 1
            if not inside:
                if self._opens(data, position, closed_at):
                    inside = True
                    toggles.append(position)
                    openings.append(position)
                # else: a quote inside an unquoted value is a character like any other
                continue
            after = data[position + 1] if position + 1 < size else lookahead
            if after == self.q:
                if position + 1 < size:
                    index += 1
                else:
                    self.skip_first = True
                continue
            # Closed; followed by more than a delimiter or a line end ("a"b), the record is an error
            # but the reader reads on through the value as an unquoted one.
            inside = False
            toggles.append(position)
            closed_at = position
            if after not in (None, self.delim_first, _CR, _LF, _SPACE) and self.result.stray_quote_line is None:
                self.result.stray_quote_line = self.lines + data.count(b"\n", 0, position) + 1
        if inside:
            self.after_close = False
        elif closed_at >= 0:
            self.after_close = not data[closed_at + 1:].strip(b" ")
        else:
            self.after_close = self.after_close and not data.strip(b" ")
        self.inside = inside
        return np.array(toggles, dtype=np.int64), np.array(openings, dtype=np.int64)

    def _opens(self, data: bytes, position: int, closed_at: int) -> bool:
        """Whether a quote met outside a quoted value opens one: at the start of a field, after
        one space there, or after nothing but spaces since a quote closed a value (``"a" "b"``
        is one value to the reader)."""
        before = data[position - 1] if position else self.prev1
        if before == self.delim_last or before == _LF:
            return True
        if before != _SPACE:
            return False
        before2 = data[position - 2] if position > 1 else (self.prev1 if position == 1 else self.prev2)
        if before2 == self.delim_last or before2 == _LF:
            return True
        since = data[closed_at + 1:position] if closed_at >= 0 else (data[:position] if self.after_close else None)
        return since is not None and not since.strip(b" ")

    def _records(self, data: bytes, a: np.ndarray, newlines: np.ndarray, ends: np.ndarray) -> None:
        """Count the block's records (line ends outside quotes, blank lines left out) and note the
        ones too long to read."""
        if not ends.size:
            return
        history = np.concatenate((np.array([self.prev2, self.prev1], dtype=np.uint8), a))
        before, before2 = history[ends + 1], history[ends]
        blank = (before == _LF) | ((before == _CR) & (before2 == _LF))
        starts = np.concatenate(([self.last_end - self.offset], ends[:-1])) + 1
        long = ~blank & (ends + 1 - starts > MAX_RECORD_BYTES)
        if long.any():
            end_lines = self.lines + np.searchsorted(newlines, ends) + 1
            start_lines = np.concatenate(([self.record_line], end_lines[:-1] + 1))
            ordinals = self.result.records + np.cumsum(~blank)
            for i in np.flatnonzero(long).tolist():
                end = int(ends[i])
                terminator = b"\r\n" if (before[i] == _CR) else b"\n"
                self.result.oversized.append(Oversized(
                    record=int(ordinals[i]), line=int(start_lines[i]), lines=int(end_lines[i] - start_lines[i] + 1),
                    start=self.offset + int(starts[i]), end=self.offset + end + 1, terminator=terminator))
        self.result.records += int(ends.size - np.count_nonzero(blank))
        self.last_end = self.offset + int(ends[-1])
        self.record_line = self.lines + int(np.searchsorted(newlines, ends[-1])) + 2

    def _quoted_values(self, newlines: np.ndarray, inner: np.ndarray, openings: np.ndarray) -> None:
        """Follow the lines each quoted value spans (only blocks with newlines inside quotes cost)."""
        def line_of(position: int) -> int:
            return self.lines + int(np.searchsorted(newlines, position)) + 1

        if inner.size:
            owner = np.searchsorted(openings, inner, side="right")  # 0: the value open when the block began
            counts = np.bincount(owner, minlength=openings.size + 1)
            self.value_newlines += int(counts[0])
            self._candidate(self.value_line, self.value_newlines)
            if openings.size:
                best = int(np.argmax(counts[1:]))
                self._candidate(line_of(int(openings[best])), int(counts[best + 1]))
                self.value_line, self.value_newlines = line_of(int(openings[-1])), int(counts[-1])
        elif openings.size:
            self.value_line, self.value_newlines = line_of(int(openings[-1])), 0

    def _candidate(self, line: int, newlines: int) -> None:
        longest = self.result.longest
        if newlines and (longest is None or newlines + 1 > longest.lines):
            self.result.longest = QuotedValue(line=line, lines=newlines + 1)

    def finish(self) -> RecordScan:
        """The result, once the last block is in: the record after the last line end counts if it
        holds anything but NUL padding."""
        result = self.result
        result.nul_padding = self.nul_run
        end = self.offset - self.nul_run
        if end - (self.last_end + 1) > 0:
            result.records += 1
            if end - (self.last_end + 1) > MAX_RECORD_BYTES:
                result.oversized.append(Oversized(
                    record=result.records, line=self.record_line, lines=self.lines + 1 - self.record_line + 1,
                    start=self.last_end + 1, end=end, terminator=b""))
        if self.inside:
            result.unclosed = QuotedValue(line=self.value_line,
                                          lines=max(self.last_content_line - self.value_line + 1, 1))
        return result


# The bytes of a record too long to read that the quarantine keeps as its raw text (as DuckDB does).
RAW_PREFIX_BYTES = 10_000


def write_readable_copy(path: Path, target: Path, scan: RecordScan) -> dict[int, bytes]:
    """Copy ``path`` into ``target`` without its NUL padding and with each record too long to read
    replaced by a stand-in that the reader sets aside as too long (line_too_long) in its place: as
    many lines, one record, so every row and line number stays as it was. Returns the first bytes of
    each replaced record, by record number, for the quarantine."""
    pending = sorted(scan.oversized, key=lambda record: record.start)
    prefixes: dict[int, bytes] = {}
    position = 0
    with open_binary(path) as raw, target.open("wb") as out:
        while block := raw.read(BLOCK):
            at = 0
            while at < len(block):
                if not pending:
                    out.write(block[at:])
                    break
                record = pending[0]
                if position + at < record.start:
                    step = min(len(block) - at, record.start - position - at)
                    out.write(block[at:at + step])
                else:
                    step = min(len(block) - at, record.end - position - at)
                    kept = prefixes.setdefault(record.record, b"")
                    if len(kept) < RAW_PREFIX_BYTES:
                        prefixes[record.record] = kept + block[at:at + min(step, RAW_PREFIX_BYTES - len(kept))]
                    if position + at + step >= record.end:
                        out.write(_stand_in(record))
                        pending.pop(0)
                at += step
            position += len(block)
        for record in pending:  # the last record, cut short by the end of the file
            out.write(_stand_in(record))
        if scan.nul_padding:
            out.truncate(out.tell() - scan.nul_padding)
    return prefixes


def _stand_in(record: Oversized) -> bytes:
    """One record, over the reader's limit, spanning as many lines as ``record``."""
    if record.lines == 1:
        return b"x" * (MAX_RECORD_BYTES + 1) + record.terminator
    return b'"' + b"x" * MAX_RECORD_BYTES + b"\n" * (record.lines - 1) + b'"' + record.terminator
