"""ISO 8601 durations of the calendar kind that retention rules and deadlines use (P6Y, P1M, P30D)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERN = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


@dataclass(frozen=True)
class Duration:
    """A calendar duration: whole months (years count 12) and days."""

    months: int
    days: int

    def shorter_than(self, other: "Duration") -> bool:
        """True if this duration ends before ``other`` from any start: fewer months, or as many and
        fewer days (P5Y11M40D is not comparable with P6Y day by day, and counts as shorter)."""
        return (self.months, self.days) < (other.months, other.days)

    def __str__(self) -> str:
        years, months = divmod(self.months, 12)
        text = "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")
        return text + (f"{self.days}D" if self.days or text == "P" else "")


def parse_duration(text: str) -> Duration:
    """Parse ``P6Y``, ``P1M``, ``P2W``, ``P1Y6M`` ...; ValueError naming the accepted forms."""
    match = _PATTERN.match(text or "")
    if not match or text == "P":
        raise ValueError(f"{text!r} is not an ISO 8601 duration of years, months, weeks or days "
                         "(write for example P6Y, P3M, P30D or P1Y6M)")
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return Duration(months=years * 12 + months, days=weeks * 7 + days)
