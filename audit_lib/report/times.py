"""Times as the report shows them: always with their zone, the register's own (controller.timezone).

A run's start is written as ISO 8601 with its UTC offset and, after it, the zone's name in brackets
(``2026-11-25T14:19:00+02:00[Europe/Helsinki]``, the suffix of RFC 9557): the offset alone does not
say which rules gave it, the name alone is not an instant. Event times in tables are shown to the
minute with their offset (``2026-08-01 10:00 +03:00``); the column heading names the zone.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

# The zone a register declares when it declares none (audit_lib/declaration/register.py).
DEFAULT_ZONE = "Europe/Helsinki"
# The shapes of audit_lib.findings._display: local wall time, to the second or to the minute.
_EVENT_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M")


def zone_of(result: Any) -> str:
    """The time zone an audit ran in: the register's ``controller.timezone``, else the zone of the
    audit period (which run_audit parses in that same zone), else the default."""
    register = getattr(result, "register", None)
    declared = getattr(getattr(register, "controller", None), "timezone", None)
    if isinstance(declared, str) and declared:
        return declared
    start = getattr(getattr(result, "period", None), "start", None)
    zone = getattr(start, "tzinfo", None)
    return getattr(zone, "key", None) or DEFAULT_ZONE


def _offset(moment: datetime) -> str:
    """``+02:00`` for a moment's UTC offset (``+00:00`` for UTC, never ``Z``: one shape for all)."""
    minutes = round(moment.utcoffset().total_seconds() / 60)
    hours, rest = divmod(abs(minutes), 60)
    return f"{'-' if minutes < 0 else '+'}{hours:02d}:{rest:02d}"


def zoned_iso(instant: datetime, zone: str) -> str:
    """``instant`` in ``zone`` as ISO 8601 with offset and the zone's name: ``…T14:19:00+02:00[Europe/Helsinki]``.

    A naive ``instant`` is taken as UTC (every regaudit timestamp is made with ``timezone.utc``).
    """
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=timezone.utc)
    local = instant.astimezone(ZoneInfo(zone)).replace(microsecond=0)
    return f"{local.isoformat()}[{zone}]"


def parse_instant(value: str | datetime | None) -> datetime:
    """An aware datetime from ISO 8601 text (an RFC 9557 ``[Zone]`` suffix is allowed) or a datetime;
    None is now. Raises ValueError for text that is no ISO 8601 instant with an offset."""
    if value is None:
        return datetime.now(timezone.utc)
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value).strip()
        if text.endswith("]") and "[" in text:
            text = text[:text.index("[")]
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset: the instant it names is not known")
    return moment


def event_time(value: Any, zone: str) -> str:
    """An event time for a report table, to the minute, with its UTC offset in ``zone``.

    ``value`` is a finding's ``event_at``: the local wall time audit_lib.findings wrote (text) or a
    datetime (an aware one is converted to ``zone``). A wall time that the clock shows twice (the hour
    repeated when summer time ends) has two offsets, and both are shown: the findings table keeps the
    wall time only, and picking one would state an instant the data does not. A date alone stays a date.
    """
    if value is None or value != value:  # None or NaN/NaT
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if value.tzinfo else value
    elif isinstance(value, date):
        return value.isoformat()
    else:
        local = _wall_time(str(value))
        if local is None:
            return str(value)[:16]
    tz = ZoneInfo(zone)
    first, second = (_offset(local.replace(tzinfo=tz, fold=fold)) for fold in (0, 1))
    offset = first if first == second else f"{first}/{second}"
    return f"{local:%Y-%m-%d %H:%M} {offset}"


def _wall_time(text: str) -> datetime | None:
    """The naive local datetime ``text`` writes, or None when it is not one (a date, other text)."""
    for shape in _EVENT_FORMATS:
        try:
            return datetime.strptime(text.strip(), shape)
        except ValueError:
            continue
    return None
