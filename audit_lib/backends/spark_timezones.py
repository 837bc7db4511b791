"""Local wall-clock times to instants in Spark SQL, by the DuckDB loader's rule (loader/timezones.py).

Spark's own conversion (``convert_timezone``, a cast to TIMESTAMP in a session zone) resolves an
ambiguous local time of an autumn fold to the earlier, summer-time instant; the loader's rule, ICU's,
takes the later, standard-time one (``2026-10-25 03:30`` in Helsinki is 01:30 UTC, not 00:30). A time
in a spring gap takes the offset before the change in both. So the instant is made here from the
same transitions the DuckDB loader uses (ICU's, derived once per zone by loader/timezones.py for
1970-2100): per year, the offset at its start and its changes' local boundaries, as Spark arrays; the
offset of a local time is that of the last boundary at or before it. Outside those years Spark's own
conversion is used, the fold turned to the later instant; there the zone data is Java's, which can
differ from ICU's where their versions disagree (Morocco's rules after 2087), never in the rule.
tests/test_spark_loader.py compares the result with ICU's every quarter-hour.
"""

from __future__ import annotations

import datetime as dt

from audit_lib.loader import timezones

_HALF_DAY_US = 12 * 3_600_000_000
_NO_BOUNDARY = 2**63 - 1  # pads a year with fewer changes than the busiest one


def local_micros_sql(ntz_sql: str) -> str:
    """Spark SQL of the microseconds from 1970-01-01 00:00 to the zone-less time ``ntz_sql``, counted
    on the wall clock (no zone enters: the day number, then the time of day)."""
    return (f"(CAST(unix_date(CAST({ntz_sql} AS DATE)) AS BIGINT) * 86400000000 "
            f"+ (CAST(hour({ntz_sql}) AS BIGINT) * 3600 + minute({ntz_sql}) * 60) * 1000000 "
            f"+ CAST(extract(SECOND FROM {ntz_sql}) * 1000000 AS BIGINT))")


def _year_start_us(year: int) -> int:
    """Microseconds from 1970-01-01 to 1 January of ``year``."""
    return (dt.date(year, 1, 1) - dt.date(1970, 1, 1)).days * 86_400_000_000


def _literal(zone: str) -> str:
    """``zone`` as a Spark SQL string literal."""
    return "'" + zone.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _let(value_sql: str, name: str, body_sql: str) -> str:
    """``body_sql`` with ``name`` bound to ``value_sql``, computed once (a one-element array and a
    lambda: Spark SQL's let). Evaluated only where the CASE around it needs it."""
    return f"element_at(transform(array({value_sql}), {name} -> {body_sql}), 1)"


def _wall_sql(micros_sql: str, zone_literal: str, name: str) -> str:
    """Wall-clock microseconds in the zone of the instant ``micros_sql`` (µs since the epoch, UTC)."""
    return _let(f"convert_timezone('UTC', {zone_literal}, {_utc_ntz(micros_sql)})", name, local_micros_sql(name))


def _outside_sql(ntz_sql: str, zone: str, local_us: str) -> str:
    """Microseconds of the instant of ``ntz_sql`` in ``zone`` by Spark's conversion, an autumn fold
    turned to its later instant: the offset half a day after Spark's answer, if smaller and giving
    the same wall time, is the offset after the change (no zone changes twice within a day)."""
    z = _literal(zone)
    early = _let(f"convert_timezone({z}, 'UTC', {ntz_sql})", "regaudit_c", local_micros_sql("regaudit_c"))
    later = f"(regaudit_e + {_HALF_DAY_US})"
    offset_after = f"{_wall_sql(later, z, 'regaudit_w')} - {later}"
    turned = (f"CASE WHEN regaudit_a < {local_us} - regaudit_e "
              f"AND {_wall_sql(f'{local_us} - regaudit_a', z, 'regaudit_v')} = {local_us} "
              f"THEN {local_us} - regaudit_a ELSE regaudit_e END")
    return _let(early, "regaudit_e", _let(offset_after, "regaudit_a", turned))


def _utc_ntz(micros_sql: str) -> str:
    """The zone-less time ``micros_sql`` microseconds after 1970-01-01 00:00 (no session zone enters)."""
    return f"timestampadd(MICROSECOND, {micros_sql}, TIMESTAMP_NTZ '1970-01-01 00:00:00')"


def _year_lists(zone: str) -> tuple[str, list[tuple[str, str]]]:
    """Per year from FIRST_YEAR (Spark arrays, indexed by year - FIRST_YEAR + 1): the offset at the
    year's start, and for each change k of the year (latest first) its local boundary and offset."""
    first, changes = timezones.transitions(zone)
    boundaries = [(instant + after, after) for instant, after in changes]
    bases, inside = [], []
    for year in range(timezones.FIRST_YEAR, timezones.LAST_YEAR + 1):
        start, stop = _year_start_us(year), _year_start_us(year + 1)
        earlier = [offset for boundary, offset in boundaries if boundary <= start]
        bases.append(earlier[-1] if earlier else first)
        inside.append([(b, o) for b, o in boundaries if start < b < stop])
    width = max(len(year) for year in inside)
    padded = [year + [(_NO_BOUNDARY, 0)] * (width - len(year)) for year in inside]
    steps = [(_array(year[k][0] for year in padded), _array(year[k][1] for year in padded))
             for k in reversed(range(width))]
    return _array(bases), steps


def _array(values) -> str:
    """A Spark SQL array of BIGINT literals."""
    return "array(" + ", ".join(f"{int(v)}L" for v in values) + ")"


def instant_sql(ntz_sql: str, zone: str, local_us: str | None = None) -> str:
    """Spark SQL of the instant (TIMESTAMP) of zone-less ``ntz_sql`` read in ``zone``, as the DuckDB
    loader's ``timezones.instant_sql`` gives it (ICU's rule); NULL for NULL. ``local_us``: a column
    already holding ``local_micros_sql(ntz_sql)`` (the search names it several times)."""
    local_us = local_us or local_micros_sql(ntz_sql)
    bases, steps = _year_lists(zone)
    index = f"(year({ntz_sql}) - {timezones.FIRST_YEAR - 1})"
    offset = f"element_at({bases}, {index})"
    if steps:
        offset = ("CASE " + " ".join(f"WHEN {local_us} >= element_at({starts}, {index}) "
                                     f"THEN element_at({offsets}, {index})" for starts, offsets in steps)
                  + f" ELSE {offset} END")
    return (f"timestamp_micros(CASE WHEN year({ntz_sql}) BETWEEN {timezones.FIRST_YEAR} AND {timezones.LAST_YEAR} "
            f"THEN {local_us} - {offset} ELSE {_outside_sql(ntz_sql, zone, local_us)} END)")
