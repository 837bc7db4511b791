"""Audit periods such as ``2026-Q3``, ``2026-09`` or ``2026``, as half-open instants in a time zone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

# Matched with fullmatch (``$`` would also match before a trailing newline) and ASCII (``\d`` would
# also match full-width and Arabic-Indic digits): the label becomes a folder name, character for character.
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])", re.ASCII)
_YEAR = re.compile(r"([0-9]{4})", re.ASCII)


@dataclass(frozen=True)
class Period:
    """An audit period: ``start`` inclusive, ``end`` exclusive, both aware datetimes."""

    label: str
    start: datetime
    end: datetime

    @property
    def as_of(self) -> datetime:
        """The instant the register's state is judged at: the end of the period."""
        return self.end

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        return parse_period(_shift_label(self.label, -1), str(self.start.tzinfo))


def parse_period(label: str, timezone: str = "Europe/Helsinki") -> Period:
    """Parse ``YYYY-Qn``, ``YYYY-MM`` or ``YYYY`` (ASCII, nothing before or after) into a Period in ``timezone``."""
    from audit_lib.errors import RegauditError
    from audit_lib.i18n import T_

    zone = ZoneInfo(timezone)
    try:
        if match := _QUARTER.fullmatch(label):
            start = datetime(int(match[1]), 3 * int(match[2]) - 2, 1, tzinfo=zone)
            end = start + relativedelta(months=3)
        elif match := _MONTH.fullmatch(label):
            start = datetime(int(match[1]), int(match[2]), 1, tzinfo=zone)
            end = start + relativedelta(months=1)
        elif match := _YEAR.fullmatch(label):
            start = datetime(int(match[1]), 1, 1, tzinfo=zone)
            end = start + relativedelta(years=1)
        else:
            match = None
    except (ValueError, OverflowError):  # year 0000, or a period that ends after 9999
        match = None
    if match is None:
        raise RegauditError(T_("Period {label!r} is not understood: write 2026-Q3, 2026-09 or 2026.", label=label))
    return Period(label=label, start=start, end=end)


def _shift_label(label: str, step: int) -> str:
    if match := _QUARTER.fullmatch(label):
        index = int(match[1]) * 4 + int(match[2]) - 1 + step
        return f"{index // 4}-Q{index % 4 + 1}"
    if match := _MONTH.fullmatch(label):
        index = int(match[1]) * 12 + int(match[2]) - 1 + step
        return f"{index // 12}-{index % 12 + 1:02d}"
    return str(int(label) + step)
