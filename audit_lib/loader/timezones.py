"""Local wall-clock timestamps to instants, as DuckDB's ICU ``timezone()`` does, at a fraction of its cost.

ICU looks the offset up row by row, which is the largest single cost of loading a timestamp
column. The offset of a zone changes only at its transitions (a couple a year), so the loader asks
ICU once per zone for the transitions between FIRST_YEAR and LAST_YEAR and turns each row's local
time into an instant with integer arithmetic: a short CASE over the changes of recent years, a
per-year table for the others. ICU's rules are kept exactly:
a local time in a spring gap takes the offset before the change (it is moved forward by the gap),
an ambiguous one in an autumn fold takes the offset after it (the later, standard-time instant),
so a boundary in local time is ``transition instant + offset after``. Times outside the table's
years are left to ICU itself. tests/test_loader_timezones.py compares both, every quarter-hour.
"""

from __future__ import annotations

import bisect
import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING

from audit_lib.sql import literal

if TYPE_CHECKING:
    import duckdb

FIRST_YEAR = 1970
LAST_YEAR = 2100
_HOUR_US = 3_600_000_000
_DAY_US = 24 * _HOUR_US
_NO_BOUNDARY = 2**63 - 1  # pads a year with fewer transitions than the busiest one


_TRANSITIONS: dict[str, tuple[int, tuple[tuple[int, int], ...]]] = {}


def warm(con: "duckdb.DuckDBPyConnection", zones: set[str]) -> None:
    """Derive the changes of ``zones`` on a cursor of ``con`` (whose ICU is loaded already, which
    halves the cost); a zone ICU does not know is left for the load to report."""
    import duckdb

    for zone in zones:
        try:
            transitions(zone, con)
        except duckdb.Error:
            pass


def transitions(zone: str, con: "duckdb.DuckDBPyConnection | None" = None) -> tuple[int, tuple[tuple[int, int], ...]]:
    """ICU's offset (µs) at the start of FIRST_YEAR and every change until LAST_YEAR as
    (UTC instant in epoch µs, offset after in µs), to the second; derived once per zone, on a
    cursor of ``con`` if given."""
    if zone not in _TRANSITIONS:
        _TRANSITIONS[zone] = _derive(zone, con)
    return _TRANSITIONS[zone]


def _derive(zone: str, connection: "duckdb.DuckDBPyConnection | None") -> tuple[int, tuple[tuple[int, int], ...]]:
    import duckdb

    con = connection.cursor() if connection is not None else duckdb.connect()
    try:
        def offset(instant: str) -> str:
            return f"epoch_us(timezone($zone, make_timestamptz({instant}))) - ({instant})"

        start, stop = _epoch_us(FIRST_YEAR) - 2 * _DAY_US, _epoch_us(LAST_YEAR + 1) + 2 * _DAY_US
        first = con.execute(f"SELECT {offset('$start::BIGINT')}", {"zone": zone, "start": start}).fetchone()[0]
        # Days, hours, then minutes whose end has another offset than their start; then the first
        # second of the new offset. (No zone changes its offset and back within one day: checked
        # against an hourly scan for all 598 zones both ICU and Python's zoneinfo know, when this
        # was written.)
        def narrow(outer: str, start: str, step: int, count: int) -> str:
            return (f"SELECT {start} + k * {step} AS i FROM {outer}, range(0, {count}) r(k) "
                    f"WHERE {offset(f'{start} + k * {step}')} <> {offset(f'{start} + (k + 1) * {step}')}")

        changes = con.execute(f"""
            WITH days AS (SELECT i FROM range($start, $stop, {_DAY_US}) r(i)
                          WHERE {offset('i')} <> {offset(f'i + {_DAY_US}')}),
            hours AS ({narrow('days d', 'd.i', _HOUR_US, 24)}),
            minutes AS ({narrow('hours h', 'h.i', 60_000_000, 60)}),
            seconds AS ({narrow('minutes m', 'm.i', 1_000_000, 60)})
            SELECT i + 1000000, {offset('i + 1000000')} FROM seconds ORDER BY 1""",
                              {"zone": zone, "start": start, "stop": stop}).fetchall()
    finally:
        con.close()
    return int(first), tuple((int(i), int(o)) for i, o in changes)


def _epoch_us(year: int) -> int:
    return int((dt.datetime(year, 1, 1) - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000


@lru_cache(maxsize=None)
def _year_table(zone: str) -> tuple[str, list[tuple[str, str]]]:
    """The per-year table as DuckDB list literals, indexed by year - FIRST_YEAR + 1: the offset at
    the year's start, and per change k in the year (latest first) its local boundary and offset."""
    boundaries = _local_boundaries(zone)[1]
    bases, inside = [], []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        start, stop = _epoch_us(year), _epoch_us(year + 1)
        bases.append(_offset_at(zone, start))
        inside.append([(b, o) for b, o in boundaries if start < b < stop])
    width = max(len(changes_in_year) for changes_in_year in inside)
    padded = [year + [(_NO_BOUNDARY, 0)] * (width - len(year)) for year in inside]
    # Flat lists of numbers: picking from them costs less than from a list of structs.
    steps = [(_list(year[k][0] for year in padded), _list(year[k][1] for year in padded))
             for k in reversed(range(width))]
    return _list(bases), steps


def _local_boundaries(zone: str) -> tuple[int, list[tuple[int, int]]]:
    """The offset before the first change, and each change as (local boundary, offset from it on),
    in epoch µs of local time."""
    first, changes = transitions(zone)
    return first, [(instant + after, after) for instant, after in changes]


def _offset_at(zone: str, local_us: int) -> int:
    """The offset in effect at local epoch µs ``local_us`` (a boundary belongs to what follows it)."""
    first, boundaries = _local_boundaries(zone)
    before = bisect.bisect_right([b for b, _ in boundaries], local_us)
    return boundaries[before - 1][1] if before else first


def _recent_window(zone: str, years: tuple[int, int], local_us: str) -> tuple[int, int, str]:
    """Local epoch µs bounds of ``years`` and the offset of ``local_us`` there as a CASE over the few
    changes inside (latest first): cheaper per row than picking from the per-year lists."""
    boundaries = _local_boundaries(zone)[1]
    start, stop = _epoch_us(years[0]), _epoch_us(years[1] + 1)
    offset = str(_offset_at(zone, start))
    inside = [(b, o) for b, o in boundaries if start < b < stop]
    if inside:
        offset = "CASE " + " ".join(f"WHEN {local_us} >= {b} THEN {o}" for b, o in reversed(inside)) + \
            f" ELSE {offset} END"
    return start, stop, offset


def _list(values) -> str:
    return "[" + ", ".join(str(int(v)) for v in values) + "]"


def instant_sql(local_sql: str, zone: str, recent: tuple[int, int] | None = None) -> str:
    """SQL giving the instant (TIMESTAMPTZ) of naive timestamp ``local_sql`` read in ``zone``: equal to
    ``timezone(zone, local_sql)``.

    Times in the ``recent`` years (default: six years back to next year, where an audit's data
    mostly lies) take a short CASE over their few changes; other years up to LAST_YEAR the
    per-year lists; anything else ICU itself.
    """
    import duckdb

    local_us = f"epoch_us({local_sql})"
    try:
        bases, steps = _year_table(zone)
        years = recent or _default_recent_years()
        # Only inside the derived years: the offset before them is not known here.
        years = (max(FIRST_YEAR, years[0]), min(LAST_YEAR, years[1]))
        start, stop, recent_offset = _recent_window(zone, years, local_us)
    except duckdb.Error:
        # A zone ICU does not know: its own call fails in the load with DuckDB's message and candidates.
        return f"timezone({literal(zone)}, {local_sql})"
    index = f"year({local_sql}) - {FIRST_YEAR - 1}"
    offset = f"{bases}[{index}]"
    if steps:
        offset = ("CASE " + " ".join(f"WHEN {local_us} >= {starts}[{index}] THEN {offsets}[{index}]"
                                     for starts, offsets in steps) + f" ELSE {offset} END")
    return (f"CASE WHEN {local_us} >= {start} AND {local_us} < {stop} "
            f"THEN make_timestamptz({local_us} - {recent_offset}) "
            f"WHEN year({local_sql}) BETWEEN {FIRST_YEAR} AND {LAST_YEAR} "
            f"THEN make_timestamptz({local_us} - {offset}) ELSE timezone({literal(zone)}, {local_sql}) END")


def _default_recent_years() -> tuple[int, int]:
    """Six years back (bookkeeping retention) to next year: where an audit's timestamps mostly lie."""
    this_year = dt.date.today().year
    return this_year - 6, this_year + 1
