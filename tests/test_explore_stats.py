"""Register statistics on a tiny inline register: exact aggregates, and the checks' own deadlines."""

from __future__ import annotations

import datetime as dt

import pytest
from checkkit import KEY, write_register

from audit_lib.audit import run_audit
from audit_lib.checks.registry import catalogue
from audit_lib.explore import open_register, params_for, stats

SUBJECTS = [
    {"subject_id": "C1", "subject_type": "consumer", "created_at": "2026-01-05 10:00:00",
     "last_active_at": "2026-08-01 00:00:00", "closed_at": "", "email": "a@example.fi", "phone": ""},
    {"subject_id": "C2", "subject_type": "consumer", "created_at": "2022-03-10 10:00:00",
     "last_active_at": "2023-09-30 12:00:00", "closed_at": "", "email": "", "phone": "+358401234567"},
    {"subject_id": "C3", "subject_type": "consumer", "created_at": "2026-02-01 10:00:00",
     "last_active_at": "2026-02-01 00:00:00", "closed_at": "2026-03-01 00:00:00", "email": "", "phone": ""},
    {"subject_id": "P1", "subject_type": "service_provider", "created_at": "2026-01-20 10:00:00",
     "last_active_at": "", "closed_at": "", "email": "p@example.fi", "phone": ""},
]
TABLES = {
    "subjects": SUBJECTS,
    "consent_events": [
        {"event_id": "E1", "subject_id": "C1", "channel": "email", "action": "granted", "at": "2026-01-10 10:00:00"},
        {"event_id": "E2", "subject_id": "C1", "channel": "email", "action": "withdrawn", "at": "2026-03-15 10:00:00"},
        # 23:30 local on 28 Feb: still February in Helsinki.
        {"event_id": "E3", "subject_id": "C2", "channel": "sms", "action": "granted", "at": "2026-02-28 23:30:00"},
    ],
    "marketing_messages": [
        {"message_id": "M1", "subject_id": "C1", "channel": "email", "sent_at": "2026-07-02 10:00:00", "campaign": "summer"},
        {"message_id": "M2", "subject_id": "C2", "channel": "sms", "sent_at": "2026-07-02 10:00:00", "campaign": "summer"},
        {"message_id": "M3", "subject_id": "C2", "channel": "email", "sent_at": "2026-07-03 10:00:00", "campaign": "summer"},
        {"message_id": "M4", "subject_id": "C3", "channel": "post", "sent_at": "2026-08-03 10:00:00", "campaign": ""},
        {"message_id": "M5", "subject_id": "C1", "channel": "email", "sent_at": "2026-01-20 10:00:00", "campaign": "winter"},
    ],
    "requests": [
        # Due Sat 1 Aug -> Mon 3 Aug: completed 4 Aug is one day late, 3 Aug on time.
        {"request_id": "R1", "subject_id": "C1", "kind": "erasure", "received_at": "2026-07-01 10:00:00",
         "completed_at": "2026-08-04 10:00:00", "extension_notified_at": ""},
        {"request_id": "R2", "subject_id": "C2", "kind": "access", "received_at": "2026-05-02 10:00:00",
         "completed_at": "", "extension_notified_at": ""},
        {"request_id": "R3", "subject_id": "C2", "kind": "access", "received_at": "2026-07-01 10:00:00",
         "completed_at": "2026-08-03 16:00:00", "extension_notified_at": ""},
        {"request_id": "R4", "subject_id": "C1", "kind": "access", "received_at": "2026-09-20 10:00:00",
         "completed_at": "", "extension_notified_at": ""},
    ],
    "staff_accounts": [{"user_id": "U1", "role": "customer_service"}, {"user_id": "U2", "role": "marketing"}],
    "access_log": [
        {"user_id": "U1", "at": "2026-07-01 09:15:00", "role_accessed": "subjects", "subject_id": "C1", "action": "read"},
        {"user_id": "U1", "at": "2026-07-01 09:45:00", "role_accessed": "subjects", "subject_id": "C2", "action": "read"},
        {"user_id": "U1", "at": "2026-07-02 14:00:00", "role_accessed": "subjects", "subject_id": "C1", "action": "read"},
        {"user_id": "U2", "at": "2026-07-03 23:59:00", "role_accessed": "subjects", "subject_id": "P1", "action": "read"},
        {"user_id": "X9", "at": "2026-08-03 03:00:00", "role_accessed": "subjects", "subject_id": "C1", "action": "read"},
        {"user_id": "U1", "at": "2026-06-30 09:00:00", "role_accessed": "subjects", "subject_id": "C1", "action": "read"},
    ],
    "orders": [
        {"order_id": "O1", "subject_id": "C1", "ordered_at": "2019-12-31 23:30:00"},  # counted from 2020-01-01
        {"order_id": "O2", "subject_id": "C1", "ordered_at": "2020-01-01 00:30:00"},  # counted from 2021-01-01
        {"order_id": "O3", "subject_id": "P1", "ordered_at": "2025-05-05 12:00:00"},
    ],
}
EXTRA = {"subjects": {"email": {"field": "email", "category": "email"}, "phone": {"field": "phone", "category": "phone"}},
         "orders": {"order_id": {"field": "order_id", "category": "purchased_services"}}}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    exports = write_register(folder, TABLES, extra_columns=EXTRA)
    session = open_register(None, exports, "2026-Q3")
    yield session, exports
    session.con.close()


def rows(frame):
    return [tuple(r) for r in frame.itertuples(index=False)]


def test_subjects_by_type_and_month(tiny):
    session, _ = tiny
    assert rows(stats.subjects_by_type(session.con, session.params())) == [("consumer", 3), ("service_provider", 1)]
    months = stats.registrations_by_month(session.con, session.params())
    assert [(str(m.date()) if hasattr(m, "date") else str(m), t, n) for m, t, n in rows(months)] == [
        ("2022-03-01", "consumer", 1), ("2026-01-01", "consumer", 1), ("2026-01-01", "service_provider", 1),
        ("2026-02-01", "consumer", 1)]
    # As of the end of 2022-Q1 only C2 was registered; filters by subject type.
    assert rows(stats.subjects_by_type(session.con, session.params("2022-Q1"))) == [("consumer", 1)]
    assert rows(stats.subjects_by_type(session.con, session.params(subject_type="service_provider"))) == [
        ("service_provider", 1)]


def test_account_states_use_the_declared_inactive_rule(tiny):
    session, _ = tiny
    assert rows(stats.account_states(session.con, session.params())) == [
        ("consumer", "active", 1), ("consumer", "closed", 1), ("consumer", "inactive", 1),
        ("service_provider", "unknown", 1)]
    # At the end of 2026-Q2 C2 (last active 2023-09-30 12:00) is still inside its three years.
    assert rows(stats.account_states(session.con, session.params("2026-Q2"))) == [
        ("consumer", "active", 2), ("consumer", "closed", 1), ("service_provider", "unknown", 1)]


def test_consent_state_at_each_month_end(tiny):
    session, _ = tiny
    frame = stats.consent_by_month(session.con, session.params())
    by = {(str(m)[:7], c, s): n for m, c, s, n in rows(frame)}
    assert str(frame["month"].min())[:7] == "2026-01" and str(frame["month"].max())[:7] == "2026-09"
    # January: C1 granted e-mail; C1 and P1 registered by then (C2 since 2022): 3 registered.
    assert (by["2026-01", "email", "granted"], by["2026-01", "email", "withdrawn"],
            by["2026-01", "email", "never asked"]) == (1, 0, 2)
    assert by["2026-01", "sms", "granted"] == 0 and by["2026-02", "sms", "granted"] == 1
    assert (by["2026-03", "email", "granted"], by["2026-03", "email", "withdrawn"],
            by["2026-03", "email", "never asked"]) == (0, 1, 3)
    assert len(frame) == 9 * 2 * 3
    only_sms = stats.consent_by_month(session.con, session.params(channel="sms"))
    assert set(only_sms["channel"]) == {"sms"}


def test_marketing_volume_by_consent_at_send_time(tiny):
    session, _ = tiny
    assert rows(stats.marketing_volume(session.con, session.params())) == [
        ("email", "summer", "never asked", 1), ("email", "summer", "withdrawn", 1),
        ("post", "(none)", "not required", 1), ("sms", "summer", "granted", 1)]
    assert rows(stats.marketing_volume(session.con, session.params("2026-Q1"))) == [
        ("email", "winter", "granted", 1)]


def test_retention_ages_and_overdue_flags(tiny):
    session, _ = tiny
    assert rows(stats.retention_ages(session.con, session.params())) == [
        ("closed_accounts", 7, False, 1, 36.0),   # a subject closed 7 months ago (register.yaml closed_accounts)
        ("inactive_accounts", 2, False, 1, 36.0), ("inactive_accounts", 8, False, 1, 36.0),
        ("inactive_accounts", 36, True, 1, 36.0),
        ("orders_bookkeeping", 9, False, 1, 72.0), ("orders_bookkeeping", 69, False, 1, 72.0),
        ("orders_bookkeeping", 81, True, 1, 72.0)]


def test_request_lead_times_against_the_deadline(tiny):
    session, _ = tiny
    assert rows(stats.request_lead_times(session.con, session.params())) == [
        ("access", "on time", 0, 1), ("access", "open", -19, 1), ("access", "open, overdue", 121, 1),
        ("erasure", "late", 1, 1)]


def test_access_by_role_hour_and_heaviest_readers(tiny):
    session, _ = tiny
    assert rows(stats.access_by_role_hour(session.con, session.params())) == [
        ("(no account)", 3, 1), ("customer_service", 9, 2), ("customer_service", 14, 1), ("marketing", 23, 1)]
    readers = stats.heaviest_readers(session.con, session.params())
    readers["busiest_day"] = readers["busiest_day"].map(lambda day: day.date())
    assert rows(readers) == [
        ("U1", "customer_service", 3, 2, dt.date(2026, 7, 1), 2, 100),
        ("U2", "marketing", 1, 1, dt.date(2026, 7, 3), 1, 100),
        ("X9", "(no account)", 1, 1, dt.date(2026, 8, 3), 1, 100)]
    assert len(stats.heaviest_readers(session.con, session.params(), limit=1)) == 1


def test_category_matrix_declared_against_present(tiny):
    session, _ = tiny
    matrix = stats.category_matrix(session.con, session.params())
    present = rows(matrix[matrix["present"]][["subject_type", "category_id", "rows_with_values"]])
    # Orders of C1 count for consumers, of P1 for providers; empty cells are not values.
    assert present == [("consumer", "email", 1), ("consumer", "phone", 1), ("consumer", "purchased_services", 2),
                       ("service_provider", "email", 1), ("service_provider", "purchased_services", 1)]
    assert matrix["declared"].all()  # every category present here is declared for its type
    declared = stats.declared_categories(session.con)
    assert len(matrix) == len(declared)


def test_present_but_undeclared_category_shows(tmp_path):
    exports = write_register(tmp_path, {"subjects": SUBJECTS[3:]},
                             extra_columns={"subjects": {"email": {"field": "email", "category": "interests_profiling"}}})
    session = open_register(None, exports, "2026-Q3")
    matrix = stats.category_matrix(session.con, session.params())
    row = matrix[(matrix["subject_type"] == "service_provider") & (matrix["category_id"] == "interests_profiling")]
    assert rows(row) == [("service_provider", "interests_profiling", False, True, 1)]


def test_overdue_and_late_counts_match_the_checks(tiny):
    session, exports = tiny
    checks = tuple(c for c in catalogue() if c.id in ("retention_period_exceeded", "rights_request_late"))
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=checks)
    failures = result.findings.groupby("check_id").size().to_dict()
    ages = stats.retention_ages(session.con, session.params())
    assert ages.loc[ages["overdue"], "records"].sum() == failures["retention_period_exceeded"]
    leads = stats.request_lead_times(session.con, session.params())
    assert leads.loc[leads["status"].isin(["late", "open, overdue"]), "requests"].sum() == failures["rights_request_late"]


def test_params_for_all_time_and_periods():
    params = params_for("2026-Q3")
    assert (params["period_start"].isoformat(), params["as_of"].isoformat()) == (
        "2026-07-01T00:00:00+03:00", "2026-10-01T00:00:00+03:00")
    assert params_for("all")["period_start"].year == 1900


@pytest.mark.slow  # explores the whole vendor sample
def test_a_register_without_an_access_log_explores_and_says_what_is_not_exported():
    """The vendor-shaped sample has no access log or staff list: every chart draws, the access charts
    say the register does not export them, and the category matrix sees the facts-only exports."""
    from pathlib import Path

    from audit_lib.explore.figures import FIGURES

    vendor = Path(__file__).resolve().parent.parent / "data_samples" / "webshop_vendor"
    session = open_register(None, vendor / "exports.yaml", "2026-Q3")
    params = session.params()
    texts = {}
    for name, draw in FIGURES.items():
        figure = draw(session.con, params)
        texts[name] = [a.text for a in figure.layout.annotations]
    assert texts["access_by_role_hour"] == ["Not in this register's exports: access_log, staff_accounts"]
    assert texts["heaviest_readers"] == ["Not in this register's exports: access_log, staff_accounts"]
    assert "access_log" not in set(stats.register_overview(session.con)["role"])
    from audit_lib.checks.inventory._categories import present_sql

    # The newsletter audience (facts only, keyed by e-mail) counts towards its subscribers' categories.
    sources = {row[0].split("#")[0] for row in session.con.execute(
        f"SELECT DISTINCT source FROM ({present_sql(session.con)}) p JOIN subjects s USING (subject_id)").fetchall()}
    assert "newsletter_subscribed_2026-09-30.csv" in sources and "asiakkaat.csv" in sources
    assert not stats.categories_present(session.con).empty
