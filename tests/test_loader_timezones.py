"""The loader's table-driven local-time conversion equals DuckDB's ICU timezone() everywhere."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from audit_lib.loader.timezones import FIRST_YEAR, LAST_YEAR, instant_sql, transitions

# DST in both hemispheres, half-hour offsets and a half-hour DST (Lord Howe), many changes a year
# (Casablanca), a 1972 change to a whole-minute offset from -0:44:30 (Monrovia), no DST at all.
ZONES = ["Europe/Helsinki", "America/New_York", "America/St_Johns", "Australia/Lord_Howe", "Africa/Casablanca",
         "Asia/Kathmandu", "Africa/Monrovia", "UTC"]


def _differences(zone: str, start: str, stop: str, step_seconds: int,
                 recent: tuple[int, int] | None = None) -> tuple[int, int]:
    con = duckdb.connect()
    return con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {instant_sql('t', zone, recent)} IS DISTINCT FROM timezone($zone, t)) "
        "FROM (SELECT make_timestamp(i) AS t FROM range(epoch_us($start::TIMESTAMP), epoch_us($stop::TIMESTAMP), "
        "$step) r(i))", {"zone": zone, "start": start, "stop": stop, "step": step_seconds * 1_000_000}).fetchone()


@pytest.mark.slow
@pytest.mark.parametrize("zone", ZONES)
def test_every_quarter_hour_matches_icu(zone: str) -> None:
    # Beyond the table's years on both sides, so the ICU fallback is compared too.
    start, stop = dt.datetime(FIRST_YEAR - 3, 1, 1), dt.datetime(LAST_YEAR + 2, 1, 1)
    compared, different = _differences(zone, str(start), str(stop), 900)
    assert compared == (stop - start) // dt.timedelta(minutes=15)
    assert different == 0


@pytest.mark.parametrize("recent", [(1960, 1975), (2090, 2110), (2000, 2000)])
@pytest.mark.parametrize("zone", ["Europe/Helsinki", "Africa/Monrovia", "Australia/Lord_Howe"])
def test_other_recent_windows_match_icu(zone: str, recent: tuple[int, int]) -> None:
    # Windows reaching past the derived years are cut to them; the edges of each are compared.
    compared, different = _differences(zone, f"{recent[0] - 2}-01-01", f"{recent[1] + 2}-01-01", 900, recent)
    assert compared > 0 and different == 0


@pytest.mark.parametrize(("zone", "day"), [("Europe/Helsinki", "2026-03-29"), ("Europe/Helsinki", "2026-10-25"),
                                           ("Africa/Monrovia", "1972-01-07"), ("Australia/Lord_Howe", "2026-04-05")])
def test_every_second_of_a_change_day_matches_icu(zone: str, day: str) -> None:
    compared, different = _differences(zone, f"{day} 00:00:00", f"{day} 23:59:59", 1)
    assert (compared, different) == (86_399, 0)


def test_helsinki_changes_twice_a_year_at_one_utc() -> None:
    _, changes = transitions("Europe/Helsinki")
    in_2026 = [(dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=i), o // 3_600_000_000) for i, o in changes
               if dt.datetime(1970, 1, 1) + dt.timedelta(microseconds=i) >= dt.datetime(2026, 1, 1)][:2]
    assert in_2026 == [(dt.datetime(2026, 3, 29, 1), 3), (dt.datetime(2026, 10, 25, 1), 2)]


def test_an_unknown_zone_is_left_to_icu_and_its_message() -> None:
    with pytest.raises(duckdb.Error, match="Unknown TimeZone"):
        duckdb.connect().execute(f"SELECT {instant_sql('TIMESTAMP %s' % repr('2026-01-01'), 'Mars/Olympus')}")
