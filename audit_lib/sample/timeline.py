"""The sample's fixed calendar: its epoch, its "now", the audited periods and the bulk's day bounds."""

from __future__ import annotations

from datetime import date, datetime

ZONE = "Europe/Helsinki"
# Day 0 of the generator's day numbers; the register's history starts here.
EPOCH = date(2019, 1, 1)
# The register as exported at the end of 2026-Q3: nothing happens after this local wall time.
# Fixed, never today's date, so that a seed always gives the same files.
NOW = datetime(2026, 9, 30, 23, 59, 59)
LAST_DAY = NOW.date()
AUDITED_PERIODS = ("2026-Q2", "2026-Q3")

# Bounds that keep the bulk clean for the retention rules: orders of 2020 are due only on
# 2027-01-01 (P6Y from the end of the year), activity and contacts since 2023-11-01 only in 2026-11.
FIRST_ORDER_DAY = date(2020, 1, 15)
FIRST_ACTIVE_DAY = date(2023, 11, 1)
FIRST_CONTACT_DAY = date(2023, 11, 1)
FIRST_REQUEST_DAY = date(2024, 1, 1)
# The access log keeps the last twelve months.
ACCESS_LOG_FROM = date(2025, 10, 1)
# Usage events since 2024-10-01: the 25 months the controller keeps them run out only in 2026-11.
FIRST_USAGE_DAY = date(2024, 10, 1)


def day_number(day: date) -> int:
    """Days from EPOCH to ``day``: the unit the bulk SQL counts time in."""
    return (day - EPOCH).days


def sql_variables() -> dict[str, object]:
    """The calendar as DuckDB variables (bound with SET VARIABLE, read with getvariable)."""
    return {
        "epoch": EPOCH,
        "d_end": day_number(LAST_DAY),
        "d_order": day_number(FIRST_ORDER_DAY),
        "d_active": day_number(FIRST_ACTIVE_DAY),
        "d_contact": day_number(FIRST_CONTACT_DAY),
        "d_request": day_number(FIRST_REQUEST_DAY),
        "d_log": day_number(ACCESS_LOG_FROM),
        "d_usage": day_number(FIRST_USAGE_DAY),
    }
