"""Column names as an export gives them: made unique, bounded in number, told apart as DuckDB tells them.

DuckDB ignores the case of ASCII letters in a name: to it ``EMAIL`` and ``email`` are one column. A
CSV holding both cannot be read at all, and in Parquet, JSON or an XLSX sheet one silently stands
for the other (DuckDB renames the second ``email_1``, so ``email`` in exports.yaml reads ``EMAIL``).
Every reader's names pass through ``check_columns``, which names such a pair and the fix.

A file's width is bounded too: the loader keeps a row per column and builds SQL naming each, and a
header of a million names (a hostile or broken file) would keep it busy for hours.
"""

from __future__ import annotations

import string

from audit_lib.errors import LoadError
from audit_lib.i18n import T_

# Far more than any register export has, and loaded in seconds. Half of what DuckDB (2.0) survives:
# the JSON of a quarantined row of about 8,190 columns or more kills the process (SIGFPE).
MAX_COLUMNS = 4_096
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def folded(name: str) -> str:
    """``name`` as DuckDB compares names: ASCII letters without case (``Ä`` and ``ä`` stay two)."""
    return name.translate(_ASCII_LOWER)


def dedupe_header(fields: list[str]) -> tuple[list[str], dict[str, str]]:
    """A header's names, trimmed, empty ones named by position (``column7``) and a repeated one
    numbered (``note``, ``note_2``); and what was renamed, old name -> new."""
    names, renamed = [], {}
    exact, taken = set(), set()
    for position, raw in enumerate(fields, start=1):
        name = raw.strip().lstrip("\ufeff") or f"column{position}"
        if name in exact:
            base, counter = name, 2
            # The new name must not be taken in any case either ("NOTE_2" beside "note", "note").
            while folded(name) in taken:
                name, counter = f"{base}_{counter}", counter + 1
        if name != raw:
            renamed[raw or f"(empty header {position})"] = name
        exact.add(name)
        taken.add(folded(name))
        names.append(name)
    return names, renamed


def column_count_error(file: str, count: int, approximate: bool = False) -> LoadError:
    """The error for a file with more than MAX_COLUMNS columns."""
    rest = T_("more than the {most:,} regaudit reads from one file; export the columns the register needs (split a "
              "wide export into several files that share its key)", most=MAX_COLUMNS)
    if approximate:
        return LoadError(file, T_("has about {count:,} columns, {rest}", count=count, rest=rest))
    return LoadError(file, T_("has {count:,} columns, {rest}", count=count, rest=rest))


def check_columns(file: str, columns: list[str]) -> None:
    """Refuse a file with more than MAX_COLUMNS columns, or with two names DuckDB cannot tell apart."""
    if len(columns) > MAX_COLUMNS:
        raise column_count_error(file, len(columns))
    broken = next((name for name in columns if "\x00" in name), None)
    if broken is not None:
        raise LoadError(file, T_("has a column name holding a NUL byte ({name!r}), which no name in DuckDB can hold; "
                                 "check that the file is what its name says, and export it again", name=broken[:40]))
    first: dict[str, str] = {}
    for name in columns:
        other = first.setdefault(folded(name), name)
        if other != name:
            raise LoadError(file, T_("has the columns {other!r} and {name!r}, whose names differ only in upper and "
                                     "lower case: DuckDB, and so regaudit, cannot tell them apart; rename one of them "
                                     "in the export (or leave one out)", other=other, name=name), column=name)
