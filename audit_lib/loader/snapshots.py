"""When each export was taken: declared, read from the file name, or from a column of the rows.

Checks that ask "is it still held?" (an erased subject's data in another system) compare with it. A
date without a time (``customers_2026-09-30.csv``) is taken as the start of that day in the export's
time zone: the export reflects the register at some moment of that day, at least as late as that.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from audit_lib.errors import LoadError
from audit_lib.i18n import T_
from audit_lib.loader.readers import FILE_COLUMN
from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    from audit_lib.declaration import Export

SNAPSHOT_COLUMN = "regaudit:snapshot"
_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%d_%H%M", "%Y%m%d_%H%M", "%Y%m%dT%H%M%S", "%d.%m.%Y")


def _instant(value: datetime, zone: str) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=ZoneInfo(zone))


def from_file_name(pattern: str, name: str, zone: str) -> datetime:
    """The instant the date in ``name`` (the first group of ``pattern``) stands for; LoadError if none."""
    match = re.search(pattern, name)
    if not match or not match.group(1):
        raise LoadError(name, T_("the file name has no snapshot date matching {pattern!r} (snapshot.from_file_name); "
                                 "rename the file or fix the pattern", pattern=pattern))
    text = match.group(1)
    for form in _FORMATS:
        try:
            return _instant(datetime.strptime(text, form), zone)
        except ValueError:
            continue
    raise LoadError(name, T_("{text!r} in the file name is not a date (YYYY-MM-DD, YYYYMMDD, optionally with a time); "
                             "fix snapshot.from_file_name", text=text))


def snapshot_times(export: "Export", names: list[str], zone: str) -> dict[str, datetime]:
    """Per file of ``export``, its snapshot instant where it is declared or in the name."""
    if export.snapshot is None or export.snapshot.column:
        return {}
    if export.snapshot.at is not None:
        return {name: _instant(export.snapshot.at, zone) for name in names}
    return {name: from_file_name(export.snapshot.from_file_name, name, zone) for name in names}  # type: ignore[arg-type]


def snapshot_sql(export: "Export", times: dict[str, datetime]) -> str | None:
    """SQL of a row's snapshot instant over the export's numbered view; None when not declared."""
    if export.snapshot is not None and export.snapshot.column:
        return ident(SNAPSHOT_COLUMN)
    if not times:
        return None
    cases = " ".join(f"WHEN {literal(name)} THEN CAST({literal(at.isoformat())} AS TIMESTAMPTZ)"
                     for name, at in times.items())
    return f"CASE {ident(FILE_COLUMN)} {cases} END"
