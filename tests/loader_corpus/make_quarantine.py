"""Corpus files of the quarantine's own limits (prefixed ``q``; outcomes in ``cases_quarantine.yaml``):
duplicate keys of every shape kept apart from the reason, and files with more quarantined rows than
the loader keeps raw text for (RAW_ROWS_KEPT per file), written at test time by the functions below.

A committed file is written byte for byte by ``main``; a generated one (``generate:
make_quarantine:<function>``) by its function, into the test's temporary folder.
"""

from __future__ import annotations

import gzip
from pathlib import Path

MM = "message_id,customer_id,channel,sent_at\n"
GOOD = "2026-07-01 10:00:00"


def main(folder: Path) -> None:
    """Write every committed file of this class into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    # Keys holding a slash, blank, comma, semicolon, quote and hash, each given twice: the second is
    # a duplicate, and the key must not be part of the reason's text.
    keys = ["M/1 2", "M;3", 'M"4', "M#5", "M,6"]
    rows = []
    for number, key in enumerate(keys, start=1):
        quoted = '"' + key.replace('"', '""') + '"'
        rows += [f"{quoted},C{number},email,{GOOD}\n", f"{quoted},C{number}b,sms,{GOOD}\n"]
    (folder / "q01_duplicate_keys.csv").write_text(MM + "".join(rows), encoding="utf-8")


def duplicate_rows_gz(path: Path, rows: int = 5000) -> None:
    """One row repeated ``rows`` times, gzipped (a few kB): every row after the first a duplicate key."""
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write(MM + f"M1,C1,email,{GOOD}\n" * rows)


def wrong_columns(path: Path, rows: int = 300) -> None:
    """A good row, then ``rows`` rows with a column too many: all set aside by the reader itself."""
    path.write_text(MM + f"M0,C0,email,{GOOD}\n" + "".join(f"M{i},C{i},email,{GOOD},extra\n"
                                                          for i in range(1, rows + 1)), encoding="utf-8")


def mixed_quarantine(path: Path, rows: int = 150) -> None:
    """Rows the reader rejects (a column too many) between rows the loader sets aside (a bad date):
    the first RAW_ROWS_KEPT by row number keep their raw text, whichever set them aside."""
    lines = [f"M{i},C{i},email,{GOOD},extra\n" if i % 2 else f"M{i},C{i},email,not a date\n"
             for i in range(1, rows + 1)]
    path.write_text(MM + "".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main(Path(__file__).resolve().parent / "files")
