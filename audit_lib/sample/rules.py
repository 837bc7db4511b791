"""The ground truth's reading of each check: in which audited periods a planted record is a finding.

Written independently of audit_lib/checks on purpose: the expected findings are a second
implementation of the agreed semantics, so a bug in a check shows up as a difference.
Times given here are naive local wall times of the controller (Europe/Helsinki).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from audit_lib.periods import Period, parse_period
from audit_lib.sample.timeline import AUDITED_PERIODS, ZONE

_ZONE = ZoneInfo(ZONE)

# register.yaml's values these rules count with; tests/test_sample_generator.py checks they agree.
REQUEST_DEADLINE_MONTHS = 1
REQUEST_EXTENSION_MONTHS = 2
# register.yaml's requests.non_working_days: the holidays package lists juhannusaatto and jouluaatto
# among Finland's holidays, so these rules count them as non-working days, as 150/1930 5 § does;
# the planted near miss "ontime_midsummer" (due Midsummer Eve) depends on it.
NON_WORKING_DAYS = "public_holidays_and_eves"
RETENTION = {  # role -> (years, anchor as register.yaml declares it, or as its bookkeeping kind implies)
    "orders": (6, "end_of_year_financial_period_ended"),
    "subjects": (3, None),
    "support_contacts": (3, None),
}
# register.yaml's controller.financial_period_ends (month, day).
FINANCIAL_PERIOD_ENDS = (12, 31)


def counted_from(anchor: str | None, start_local: datetime) -> datetime:
    """The local wall time a retention period starts counting from, read from kirjanpitolaki 2:10 §."""
    if anchor is None:
        return start_local
    if anchor == "end_of_year":
        return datetime(start_local.year + 1, 1, 1)
    month, day = FINANCIAL_PERIOD_ENDS
    period_end = date(start_local.year, month, day)
    if start_local.date() > period_end:
        period_end = date(start_local.year + 1, month, day)
    if anchor == "end_of_financial_period":  # books: the day after the period ends
        return datetime.combine(period_end + timedelta(days=1), datetime.min.time())
    return datetime(period_end.year + 1, 1, 1)  # vouchers: the end of the year in which the period ended


def periods() -> list[Period]:
    """The audited periods, in order."""
    return [parse_period(label, ZONE) for label in AUDITED_PERIODS]


def instant(local: datetime) -> datetime:
    """The aware instant of a naive local wall time; refuses times the DST change makes ambiguous."""
    aware = local.replace(tzinfo=_ZONE)
    if aware.utcoffset() != local.replace(tzinfo=_ZONE, fold=1).utcoffset():
        raise ValueError(f"{local} is ambiguous or missing in {ZONE}; plant another time")
    return aware


def event_periods(local: datetime) -> list[str]:
    """Periods whose [start, end) holds the instant (message checks)."""
    at = instant(local)
    return [p.label for p in periods() if p.start <= at < p.end]


def retention_due(role: str, start_local: datetime) -> datetime:
    """The instant a record of ``role`` starting at ``start_local`` is due for deletion."""
    years, anchor = RETENTION[role]
    return instant(counted_from(anchor, start_local) + relativedelta(years=years))


def overdue_periods(role: str, start_local: datetime) -> list[str]:
    """Periods at whose end (as_of) the record is past its retention."""
    due = retention_due(role, start_local)
    return [p.label for p in periods() if due < p.as_of]


@lru_cache(maxsize=None)
def _holidays(year: int):
    import holidays

    return holidays.Finland(years=[year - 1, year, year + 1])


def request_deadline(received_local: datetime, extended: bool) -> date:
    """The last local day to answer a request (Art. 12(3), counted as Regulation 1182/71 counts).

    The same day number months later, or that month's last day (relativedelta clips), moved past
    Saturdays, Sundays, Finnish public holidays and the eves (NON_WORKING_DAYS).
    """
    months = REQUEST_DEADLINE_MONTHS + (REQUEST_EXTENSION_MONTHS if extended else 0)
    day = received_local.date() + relativedelta(months=months)
    while day.weekday() >= 5 or day in _holidays(day.year):
        day += timedelta(days=1)
    return day


def late_periods(received: datetime, extension_notified: datetime | None, completed: datetime | None) -> list[str]:
    """Periods in which the request counts as answered late (completed late in the period, or still
    open at its end with the deadline day already over)."""
    # An extension counts only if notified within the first month (Art. 12(3), second sentence).
    in_time = extension_notified is not None and extension_notified.date() <= request_deadline(received, False)
    deadline = request_deadline(received, in_time)
    found = []
    for p in periods():
        if instant(received) >= p.end:
            continue
        done = instant(completed) if completed else None
        completed_late_here = done is not None and p.start <= done < p.end and completed.date() > deadline
        open_at_end = (done is None or done >= p.end) and deadline < p.end.date()
        if completed_late_here or open_at_end:
            found.append(p.label)
    return found


# Every retention rule of register.yaml by id: role, months, anchor (as declared or as bookkeeping implies).
RETENTION_RULES = {
    "orders_bookkeeping": ("orders", 72, "end_of_year_financial_period_ended"),
    "inactive_accounts": ("subjects", 36, None),
    "support_contacts_limitation": ("support_contacts", 36, None),
    "closed_accounts": ("subjects", 36, None),
    "usage_data": ("usage_events", 25, None),
}
# The rules that are a statutory minimum (bookkeeping material): deleting before due is a finding.
MINIMUM_RULES = ("orders_bookkeeping",)
EXTENSION_NOTICE_MONTHS = 1


def rule_overdue_periods(rule_id: str, start_local: datetime) -> list[str]:
    """Periods at whose end a record starting at ``start_local`` is past the rule ``rule_id``."""
    due = rule_due(rule_id, start_local)
    return [p.label for p in periods() if due < p.as_of]


def rule_due(rule_id: str, start_local: datetime) -> datetime:
    """The instant a record starting at ``start_local`` falls due under the rule ``rule_id``."""
    _role, months, anchor = RETENTION_RULES[rule_id]
    return instant(counted_from(anchor, start_local) + relativedelta(months=months))


def deleted_early_periods(rule_id: str, start_local: datetime, deleted_local: datetime) -> list[str]:
    """Periods in which a record of a minimum rule was deleted before it fell due."""
    if rule_id not in MINIMUM_RULES or instant(deleted_local) >= rule_due(rule_id, start_local):
        return []
    return event_periods(deleted_local)


def before_end_periods(local: datetime) -> list[str]:
    """Periods whose end (as_of) comes after the instant: a state reached then is judged in them."""
    at = instant(local)
    return [p.label for p in periods() if at < p.as_of]


def working_day_on_or_after(day: date) -> date:
    """``day`` moved past Saturdays, Sundays, Finnish public holidays and the eves (NON_WORKING_DAYS)."""
    while day.weekday() >= 5 or day in _holidays(day.year):
        day += timedelta(days=1)
    return day


def extension_notice_late_periods(received: datetime, notified: datetime) -> list[str]:
    """Periods in which an extension was notified after the first month from receipt (Art. 12(3))."""
    deadline = working_day_on_or_after(received.date() + relativedelta(months=EXTENSION_NOTICE_MONTHS))
    if notified.date() <= deadline:
        return []
    return event_periods(notified)
