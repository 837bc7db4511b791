"""Non-working days of deadlines: the strict reading (public holidays) and the 150/1930 5 § reading
(public holidays and juhannusaatto and jouluaatto), declared as requests.non_working_days."""

from datetime import date, timedelta

import pytest
from checkkit import audit

from audit_lib import working_days as wd
from audit_lib.declaration.register import Requests

YEARS = range(2024, 2031)


def _weekday_eves(years) -> set[date]:
    return {d for d in wd.eve_days(years) if d.weekday() < 5}


def test_the_strict_reading_is_the_default():
    assert Requests().non_working_days == "public_holidays" == wd.DEFAULT_READING
    with pytest.raises(ValueError):
        Requests(non_working_days="eves")


def test_eves_are_not_public_holidays_but_are_found_every_year():
    for year in YEARS:
        eves = wd.eves(year)
        assert set(eves.values()) == {"Midsummer Eve", "Christmas Eve"}
        midsummer = next(d for d, name in eves.items() if name == "Midsummer Eve")
        assert midsummer.weekday() == 4 and 19 <= midsummer.day <= 25 and midsummer.month == 6
        assert not set(eves) & set(wd.public_holidays((year,)))
        assert midsummer + timedelta(days=1) in wd.public_holidays((year,))       # Midsummer Day
        assert date(year, 12, 25) in wd.public_holidays((year,))


def test_python_readings_differ_exactly_when_the_last_day_is_a_weekday_eve():
    day, differing = date(YEARS.start, 1, 1), set()
    while day.year < YEARS.stop:
        strict = wd.working_day_on_or_after(day, "public_holidays")
        eves = wd.working_day_on_or_after(day, "public_holidays_and_eves")
        assert (strict != eves) == (strict in _weekday_eves(YEARS)), day
        if strict != eves:
            differing.add(strict)
            assert eves > strict and eves == wd.working_day_on_or_after(strict + timedelta(days=1),
                                                                         "public_holidays_and_eves")
        day += timedelta(days=1)
    assert differing == _weekday_eves(YEARS)


def _deadlines(folder, reading: str) -> dict[str, date]:
    first, last = date(2025, 1, 1), date(2027, 12, 31)
    rows = [{"request_id": f"R{n}", "subject_id": "C1", "kind": "access",
             "received_at": f"{first + timedelta(days=n)} 10:00:00", "completed_at": "", "extension_notified_at": ""}
            for n in range((last - first).days + 1)]
    result = audit(folder, {"requests": rows}, "rights_request_late", period="2026-Q3",
                   register_patch={"requests.non_working_days": reading})
    return {r: d for r, d in result.con.execute("SELECT request_id, deadline FROM request_deadlines").fetchall()}


@pytest.mark.slow
def test_loader_readings_give_different_due_dates_exactly_on_deadlines_ending_on_an_eve(tmp_path):
    # Every receipt day of 2025-2027: the due dates differ exactly where the strict one is a weekday
    # juhannusaatto or jouluaatto, and the other reading then moves it past the eve.
    strict = _deadlines(tmp_path / "strict", "public_holidays")
    eves = _deadlines(tmp_path / "eves", "public_holidays_and_eves")
    assert strict.keys() == eves.keys() and len(strict) == 1095
    weekday_eves = _weekday_eves(range(2025, 2029))
    differing = {r for r in strict if strict[r] != eves[r]}
    assert differing == {r for r in strict if strict[r] in weekday_eves}
    assert {strict[r] for r in differing} == {d for d in weekday_eves if date(2025, 2, 1) <= d <= date(2028, 1, 31)}
    for r in differing:
        assert eves[r] == wd.working_day_on_or_after(strict[r] + timedelta(days=1), "public_holidays_and_eves")


@pytest.mark.parametrize("reading", wd.READINGS)
def test_loader_calendar_agrees_with_the_python_reading(tmp_path, reading):
    one = [{"request_id": "R1", "subject_id": "C1", "kind": "access", "received_at": "2026-06-01 10:00:00",
            "completed_at": "", "extension_notified_at": ""}]
    result = audit(tmp_path, {"requests": one}, "rights_request_late", register_patch={"requests.non_working_days": reading})
    rows = result.con.execute("SELECT day, is_working_day, kind, label_en FROM calendar "
                              "WHERE day BETWEEN DATE '2024-01-01' AND DATE '2030-12-31' ORDER BY day").fetchall()
    assert len(rows) == (date(2031, 1, 1) - date(2024, 1, 1)).days
    for day, working, kind, label in rows:
        expected = wd.classify(day, reading)
        assert (working, kind, label) == (expected.kind == wd.WORKING_DAY, expected.kind, expected.label_en)
    names = dict(result.con.execute("SELECT day, name FROM public_holidays").fetchall())
    assert date(2026, 6, 19) not in names and date(2026, 12, 24) not in names and names[date(2026, 12, 25)]


def test_days_are_labelled_by_kind():
    midsummer_eve, christmas_eve = date(2026, 6, 19), date(2026, 12, 24)       # Friday, Thursday
    strict = wd.classify(midsummer_eve, "public_holidays")
    assert strict.kind == wd.WORKING_DAY and "Midsummer Eve, not a public holiday" in strict.label_en
    eve = wd.classify(christmas_eve, "public_holidays_and_eves")
    assert eve.kind == wd.EVE and eve.name == "Christmas Eve"
    assert "not a public holiday" in eve.label_en and "150/1930 5 §" in eve.label_en
    assert "Jouluaatto" in eve.label_fi and "150/1930 5 §" in eve.label_fi
    for reading in wd.READINGS:
        assert wd.classify(date(2026, 6, 20), reading).label_en == "public holiday (Midsummer Day)"
        assert wd.classify(date(2026, 12, 6), reading).kind == wd.PUBLIC_HOLIDAY     # a Sunday too
        assert wd.classify(date(2026, 8, 1), reading).label_en == "weekend (Saturday)"
        assert wd.classify(date(2022, 12, 24), reading).label_en == "weekend (Saturday, Christmas Eve)"
        assert wd.classify(date(2026, 8, 3), reading).label_en == "working day"
