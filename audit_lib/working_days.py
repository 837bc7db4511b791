"""Finnish non-working days for deadlines: the declared reading of which days a period may not end on.

Regulation (EEC, Euratom) No 1182/71 Art. 3(4) moves a period that ends on "a public holiday,
Saturday or Sunday" to the end of the following working day; Art. 2(1) takes the public holidays
from the member state. Two readings of that list are defensible in Finland, and register.yaml's
``requests.non_working_days`` chooses one:

``public_holidays`` (the default, strict): Saturdays, Sundays and the Finnish public holidays
  (the church holidays, New Year's Day, Epiphany, May Day, Independence Day). Juhannusaatto and
  jouluaatto are not public holidays: they are working days in law, off by custom and collective
  agreements.
``public_holidays_and_eves``: also juhannusaatto (Midsummer Eve, the Friday between 19 and 25 June)
  and jouluaatto (Christmas Eve, 24 December), as laki säädettyjen määräaikain laskemisesta
  150/1930 5 § treats them for periods set by Finnish law ("juhannus- tai jouluaatto" with the
  holidays). Whether that carries over to a period of EU law is unsettled.

The two readings differ only where the strict reading's last day is an eve on a weekday: the
other reading then moves it to the next working day after the eve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Iterable, Literal

NonWorkingDays = Literal["public_holidays", "public_holidays_and_eves"]
READINGS: tuple[NonWorkingDays, ...] = ("public_holidays", "public_holidays_and_eves")
DEFAULT_READING: NonWorkingDays = "public_holidays"

# Kinds of day, as the calendar labels them.
WORKING_DAY = "working_day"
WEEKEND = "weekend"
PUBLIC_HOLIDAY = "public_holiday"
EVE = "eve"
EVE_BASIS = "laki säädettyjen määräaikain laskemisesta 150/1930 5 §"

_EVE_NAMES = {"Midsummer Eve": ("Juhannusaatto", "Midsummer Eve"), "Christmas Eve": ("Jouluaatto", "Christmas Eve")}


@dataclass(frozen=True)
class Day:
    """A day's kind and label: ``kind`` is working_day, weekend, public_holiday or eve."""

    day: date
    kind: str
    name: str | None
    label_en: str
    label_fi: str


def eves(year: int) -> dict[date, str]:
    """Juhannusaatto (the Friday between 19 and 25 June) and jouluaatto (24 December) of ``year``."""
    midsummer_eve = next(date(year, 6, d) for d in range(19, 26) if date(year, 6, d).weekday() == 4)
    return {midsummer_eve: "Midsummer Eve", date(year, 12, 24): "Christmas Eve"}


@lru_cache(maxsize=None)
def public_holidays(years: tuple[int, ...], language: str = "en_US") -> dict[date, str]:
    """Finnish public holidays of ``years`` (the holidays package), named in ``language`` (en_US or
    fi), without the eves, which it lists among them though they are not public holidays."""
    import holidays

    eve_days = {d for year in years for d in eves(year)}
    return {d: name for d, name in holidays.Finland(years=list(years), language=language).items()
            if d not in eve_days}


def classify(day: date, reading: NonWorkingDays = DEFAULT_READING) -> Day:
    """The kind and label of ``day``; an eve is ``eve`` (non-working) only under the eves reading,
    otherwise a working day whose label still says it is an eve (or weekend, if it is one)."""
    years = (day.year,)
    holiday = public_holidays(years).get(day)
    if holiday:
        fi_name = public_holidays(years, "fi")[day]
        return Day(day, PUBLIC_HOLIDAY, holiday, f"public holiday ({holiday})", f"yleinen vapaapäivä ({fi_name})")
    eve = eves(day.year).get(day)
    if day.weekday() >= 5:
        weekday_en, weekday_fi = ("Saturday", "lauantai") if day.weekday() == 5 else ("Sunday", "sunnuntai")
        suffix_en, suffix_fi = (f", {eve}", f", {_EVE_NAMES[eve][0].lower()}") if eve else ("", "")
        return Day(day, WEEKEND, eve, f"weekend ({weekday_en}{suffix_en})", f"viikonloppu ({weekday_fi}{suffix_fi})")
    if eve:
        fi_name = _EVE_NAMES[eve][0]
        if reading == "public_holidays_and_eves":
            return Day(day, EVE, eve, f"{eve}, not a public holiday; treated as one under {EVE_BASIS}",
                       f"{fi_name}, ei yleinen vapaapäivä; rinnastetaan pyhäpäivään ({EVE_BASIS})")
        return Day(day, WORKING_DAY, eve, f"working day ({eve}, not a public holiday)",
                   f"arkipäivä ({fi_name.lower()}, ei yleinen vapaapäivä)")
    return Day(day, WORKING_DAY, None, "working day", "arkipäivä")


@lru_cache(maxsize=8)
def calendar(first: date, last: date, reading: NonWorkingDays = DEFAULT_READING) -> tuple[Day, ...]:
    """Every day from ``first`` to ``last`` inclusive, classified under ``reading`` (made once per
    process for the same days: every audit's calendar covers the same years)."""
    if reading not in READINGS:
        raise ValueError(f"{reading!r} is not a reading of non-working days; use one of {', '.join(READINGS)}")
    return tuple(classify(first + timedelta(days=n), reading) for n in range((last - first).days + 1))


def is_working_day(day: date, reading: NonWorkingDays = DEFAULT_READING) -> bool:
    """Whether a period may end on ``day`` under ``reading``."""
    return classify(day, reading).kind == WORKING_DAY


def working_day_on_or_after(day: date, reading: NonWorkingDays = DEFAULT_READING) -> date:
    """``day``, or the next working day if a period may not end on it (Regulation 1182/71 Art. 3(4))."""
    while not is_working_day(day, reading):
        day += timedelta(days=1)
    return day


def eve_days(years: Iterable[int]) -> dict[date, str]:
    """The eves of ``years`` (for tests and documentation)."""
    return {d: name for year in years for d, name in eves(year).items()}
