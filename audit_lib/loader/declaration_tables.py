"""The declaration as DuckDB tables, so that checks compare data with promises in SQL alone."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from audit_lib.durations import parse_duration
from audit_lib.roles import ROLES
from audit_lib.sql import ident, insert_arrow, insert_rows, literal

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa

    from audit_lib.declaration import Register

# Years the working-day calendar covers; deadlines outside it are not computed (NULL).
CALENDAR_YEARS = range(2000, 2041)


def create_declaration_tables(con: "duckdb.DuckDBPyConnection", register: "Register",
                              available: dict[str, set[str]]) -> None:
    """Create the ``decl_*`` tables, the working-day ``calendar`` and the ``retention_items`` view."""
    _table(con, "decl_categories", "category_id VARCHAR, fides_key VARCHAR, label_fi VARCHAR, label_en VARCHAR",
           [(c.id, c.fides_key, c.label.fi, c.label.en) for c in register.data_categories])
    _table(con, "decl_subject_type_categories", "subject_type VARCHAR, category_id VARCHAR",
           [(s.id, c) for s in register.subject_types for c in s.categories])
    _table(con, "decl_marketing_channels", "channel VARCHAR, requires VARCHAR",
           [(c.channel, c.requires) for c in register.marketing.channels])
    # The existing-customer exception (917/2014 200 § 2 mom.): which service categories make up each of the
    # controller's product groups, and which group each campaign markets. Categories compare as
    # services.category trimmed and in lower case; campaigns as marketing_messages.campaign trimmed.
    claim = register.marketing.existing_customer_exception
    _table(con, "decl_product_groups", "group_id VARCHAR, service_category VARCHAR",
           [(g, c.strip().lower()) for g, categories in claim.product_groups.items() for c in categories])
    _table(con, "decl_campaign_groups", "campaign VARCHAR, group_id VARCHAR",
           [(c.strip(), g) for c, g in claim.campaigns.items()])
    _table(con, "decl_access_roles", "staff_role VARCHAR, table_name VARCHAR",
           [(r.id, t) for r in register.access.roles for t in r.may_access])
    _table(con, "decl_recipients", "recipient_id VARCHAR, kind VARCHAR, country VARCHAR, safeguards VARCHAR",
           [(r.id, r.kind, r.country, r.safeguards) for r in register.recipients])
    _table(con, "decl_recipient_categories", "recipient_id VARCHAR, category_id VARCHAR",
           [(r.id, c) for r in register.recipients for c in r.categories])
    _table(con, "decl_health_service_categories", "service_category VARCHAR",
           [(c.strip().lower(),) for c in register.special_categories.health_service_categories])
    _table(con, "decl_art9_conditions", "art9_condition VARCHAR",
           [(register.special_categories.art9_condition,)] if register.special_categories.art9_condition else [])
    _table(con, "decl_kept_after_erasure", "table_name VARCHAR, field VARCHAR",
           [(t, f) for t, fields in register.rights.erasure.kept_after_erasure.items() for f in fields])
    deadline, extension = parse_duration(register.requests.deadline), parse_duration(register.requests.extension)
    notice = parse_duration(register.requests.extension_notice_within)
    _table(con, "decl_settings", "name VARCHAR, value BIGINT", [
        ("request_deadline_months", deadline.months), ("request_deadline_days", deadline.days),
        ("request_extension_months", extension.months), ("request_extension_days", extension.days),
        ("extension_notice_months", notice.months), ("extension_notice_days", notice.days),
        ("bulk_read_threshold_per_day", register.access.bulk_read_threshold_per_day),
    ])
    rules = []
    for rule in register.retention.rules:
        duration = parse_duration(rule.duration)
        # basis: the rule's legal list, with kirjanpitolaki 2:10 § made exact (RetentionRule.basis).
        rules.append((rule.id, rule.role, duration.months, duration.days, rule.anchor, rule.action,
                      rule.is_minimum, "; ".join(rule.basis), rule.stated_in_notice))
    _table(con, "decl_retention_rules", "rule_id VARCHAR, role VARCHAR, months BIGINT, days BIGINT, "
                                        "anchor VARCHAR, action VARCHAR, minimum BOOLEAN, basis VARCHAR, "
                                        "stated_in_notice BOOLEAN", rules)
    _create_calendar(con, register.requests.non_working_days)
    _create_retention_items(con, register, available)
    _create_derived_views(con, available, register.controller.financial_period_ends)


def _table(con, name: str, columns: str, rows: list[tuple]) -> None:
    con.execute(f"CREATE TABLE {ident(name)} ({columns})")
    insert_rows(con, name, rows)


def _create_calendar(con, reading: str) -> None:
    """Days with whether each is a working day in Finland under the declared reading of non-working
    days (``requests.non_working_days``: Saturdays, Sundays and public holidays, and with
    ``public_holidays_and_eves`` juhannusaatto and jouluaatto too), each labelled with its kind
    (working_day, weekend, public_holiday, eve), and for every day the working day a period ending
    on it moves to (Regulation 1182/71 Art. 3(4))."""
    from audit_lib import working_days

    years = tuple(CALENDAR_YEARS)
    _table(con, "public_holidays", "day DATE, name VARCHAR", sorted(working_days.public_holidays(years).items()))
    _table(con, "holiday_eves", "day DATE, name VARCHAR", sorted(working_days.eve_days(years).items()))
    con.execute("CREATE TABLE calendar (day DATE, is_working_day BOOLEAN, kind VARCHAR, holiday VARCHAR, "
                "label_en VARCHAR, label_fi VARCHAR)")
    insert_arrow(con, "calendar", _calendar_days(reading))
    con.execute("""
        CREATE TABLE next_working_day AS
        SELECT day, min(CASE WHEN is_working_day THEN day END)
                    OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS working_day
        FROM calendar""")


@functools.lru_cache(maxsize=4)
def _calendar_days(reading: str) -> "pa.Table":
    """The calendar's rows under ``reading`` as an Arrow table, made once per process (15,000 days)."""
    from datetime import date

    import pyarrow as pa

    from audit_lib import working_days

    days = working_days.calendar(date(CALENDAR_YEARS[0], 1, 1), date(CALENDAR_YEARS[-1], 12, 31), reading)
    return pa.table({"day": [d.day for d in days],
                     "is_working_day": [d.kind == working_days.WORKING_DAY for d in days],
                     "kind": [d.kind for d in days],
                     "holiday": [d.name if d.kind != working_days.WORKING_DAY else None for d in days],
                     "label_en": [d.label_en for d in days], "label_fi": [d.label_fi for d in days]})


def _create_retention_items(con, register: "Register", available: dict[str, set[str]]) -> None:
    """A view of (rule_id, record_ref, subject_id, start_at) over every rule whose inputs are loaded."""
    parts = []
    for rule in register.retention.rules:
        fields = available.get(rule.role, set())
        starts = [f for f in rule.start_fields if f in fields]
        if not starts:
            continue
        role = ROLES[rule.role]
        subject = ident("subject_id") if "subject_id" in fields else "NULL"
        start_sql = f"coalesce({', '.join(ident(s) for s in starts)})" if len(starts) > 1 else ident(starts[0])
        # Only an export that maps deleted_at can show a deletion; without it, nothing is tested.
        tracked = "deleted_at" in fields
        deleted = ident("deleted_at") if tracked else "NULL::TIMESTAMPTZ"
        parts.append(
            f"SELECT {literal(rule.id)} AS rule_id, {literal(rule.role + '/')} || {ident(role.key)} AS record_ref, "
            f"CAST({subject} AS VARCHAR) AS subject_id, {start_sql} AS start_at, {deleted} AS deleted_at, "
            f"{'true' if tracked else 'false'} AS deletion_tracked FROM {ident(rule.role)}")
    if not parts:
        parts.append("SELECT NULL::VARCHAR AS rule_id, NULL::VARCHAR AS record_ref, NULL::VARCHAR AS subject_id, "
                     "NULL::TIMESTAMPTZ AS start_at, NULL::TIMESTAMPTZ AS deleted_at, false AS deletion_tracked "
                     "WHERE false")
    con.execute(f"CREATE VIEW retention_items AS {' UNION ALL '.join(parts)}")


# When each retained record falls due, in the controller's local time (the session time zone):
# - end_of_year: from 1 January after the start;
# - end_of_financial_period: from the day after the financial period holding the start ends
#   (books and financial statements, kirjanpitolaki 2:10 § 1 mom.);
# - end_of_year_financial_period_ended: from 1 January after the year in which that financial period
#   ended (vouchers, 2:10 § 2 mom.): with a period ending 30 June, an order of August 2020 belongs to
#   the period ending June 2021 and counts from 1 January 2022.
# The financial period ends on register.yaml's controller.financial_period_ends ({m}, {d} below;
# financial_period_end is the last day of the period holding a start).
# One macro computes it, for the retention_due view and for checks that first narrow the records
# to candidates (the calendar arithmetic in the time zone is the costly part); charts and checks read
# due dates through it alone.
RETENTION_MACROS = """
    CREATE OR REPLACE MACRO financial_period_end(start_at) AS
      CASE WHEN CAST(start_at AS DATE) <= make_date(year(start_at), {m}, {d})
           THEN make_date(year(start_at), {m}, {d}) ELSE make_date(year(start_at) + 1, {m}, {d}) END;
    CREATE OR REPLACE MACRO retention_counted_from(anchor, start_at) AS
      CASE anchor
        WHEN 'end_of_year' THEN date_trunc('year', start_at) + INTERVAL 1 YEAR
        WHEN 'end_of_financial_period' THEN CAST(financial_period_end(start_at) + 1 AS TIMESTAMPTZ)
        WHEN 'end_of_year_financial_period_ended'
          THEN CAST(make_date(year(financial_period_end(start_at)) + 1, 1, 1) AS TIMESTAMPTZ)
        ELSE start_at END;
    CREATE OR REPLACE MACRO retention_due_at(anchor, start_at, months, days) AS
      retention_counted_from(anchor, start_at) + to_months(months) + to_days(days)"""

# The macros' argument and result types, for an engine that needs them declared (Spark SQL functions:
# audit_lib/backends/spark_backend.py). Spark's TIMESTAMP is DuckDB's TIMESTAMPTZ: an instant.
MACRO_SIGNATURES: dict[str, tuple[dict[str, str], str]] = {
    "financial_period_end": ({"start_at": "TIMESTAMP"}, "DATE"),
    "retention_counted_from": ({"anchor": "STRING", "start_at": "TIMESTAMP"}, "TIMESTAMP"),
    "retention_due_at": ({"anchor": "STRING", "start_at": "TIMESTAMP", "months": "INT", "days": "INT"}, "TIMESTAMP"),
}
_MACRO = re.compile(r"CREATE OR REPLACE MACRO (\w+)\(([^)]*)\) AS(.*?)(?:;|$)", re.S)


def macro_definitions(financial_period_ends: str = "12-31") -> dict[str, tuple[list[str], str]]:
    """Each retention macro's name -> (argument names, body expression), for the financial period ending
    on ``financial_period_ends`` (MM-DD): the one definition every engine's functions are made from."""
    month, day = (int(part) for part in financial_period_ends.split("-"))
    text = RETENTION_MACROS.format(m=month, d=day)
    return {name: ([a.strip() for a in arguments.split(",")], " ".join(body.split()))
            for name, arguments, body in _MACRO.findall(text)}


RETENTION_DUE = """
    CREATE VIEW retention_due AS
    SELECT i.rule_id, i.record_ref, i.subject_id, i.start_at, i.deleted_at, i.deletion_tracked,
           r.months, r.days, r.action, r.minimum, r.basis, r.stated_in_notice,
           retention_counted_from(r.anchor, i.start_at) AS counted_from,
           retention_due_at(r.anchor, i.start_at, r.months, r.days) AS due_at
    FROM retention_items i JOIN decl_retention_rules r USING (rule_id)
    WHERE i.start_at IS NOT NULL"""

# Deadlines of data-subject requests as GDPR Art. 12(3) and Regulation 1182/71 count them: the
# same day number months later (or that month's last day), moved to the next Finnish working day
# (``calendar``, under the declared requests.non_working_days);
# casts to DATE use the session time zone, the controller's local calendar. ``deadline`` includes
# the extension when it was notified by ``notice_deadline``, the end of the first month.
REQUEST_DEADLINES = """
    CREATE VIEW request_deadlines AS
    WITH settings AS (
      SELECT max(value) FILTER (WHERE name = 'request_deadline_months') AS dm,
             max(value) FILTER (WHERE name = 'request_deadline_days') AS dd,
             max(value) FILTER (WHERE name = 'request_extension_months') AS em,
             max(value) FILTER (WHERE name = 'request_extension_days') AS ed,
             max(value) FILTER (WHERE name = 'extension_notice_months') AS nm,
             max(value) FILTER (WHERE name = 'extension_notice_days') AS nd
      FROM decl_settings
    ), dated AS (
      SELECT q.*, CAST(q.received_at AS DATE) AS received_day, CAST(q.completed_at AS DATE) AS completed_day,
             CAST(q.extension_notified_at AS DATE) AS notified_day, s.*,
             CAST(CAST(q.received_at AS DATE) + to_months(s.nm) + to_days(s.nd) AS DATE) AS nominal_notice_deadline,
             CAST(CAST(q.received_at AS DATE) + to_months(s.dm) + to_days(s.dd) AS DATE) AS nominal_first_deadline
      FROM requests q, settings s
    ), noticed AS (
      SELECT d.*, n.working_day AS notice_deadline, f.working_day AS first_deadline
      FROM dated d
      LEFT JOIN next_working_day n ON n.day = d.nominal_notice_deadline
      LEFT JOIN next_working_day f ON f.day = d.nominal_first_deadline
    ), extended AS (
      -- An extension counts only if the subject was told of it within the first month.
      SELECT *, notified_day IS NOT NULL AND notified_day <= notice_deadline AS extended,
             CAST(received_day + to_months(dm + em) + to_days(dd + ed) AS DATE) AS nominal_extended_deadline
      FROM noticed
    )
    SELECT e.* EXCLUDE (dm, dd, em, ed, nm, nd, nominal_notice_deadline, nominal_first_deadline,
                        nominal_extended_deadline, first_deadline),
           CASE WHEN e.extended THEN x.working_day ELSE e.first_deadline END AS deadline
    FROM extended e
    LEFT JOIN next_working_day x ON x.day = e.nominal_extended_deadline"""


def _create_derived_views(con, available: dict[str, set[str]], financial_period_ends: str = "12-31") -> None:
    """Views that derive due dates and deadlines once, for checks and charts alike."""
    month, day = (int(part) for part in financial_period_ends.split("-"))
    con.execute(RETENTION_MACROS.format(m=month, d=day))
    con.execute(RETENTION_DUE)
    if "requests" in available:
        con.execute(REQUEST_DEADLINES)
