"""Retention checks: declared rules evaluated with end-of-year anchoring in the controller's time zone."""

from checkkit import audit, refs


def test_order_of_2019_is_overdue_but_2020_is_not(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2019-12-31 23:30:00"},  # 21:30 UTC
              {"order_id": "O2", "subject_id": "C1", "ordered_at": "2020-01-01 00:30:00"},  # 2019 in UTC
              {"order_id": "O3", "subject_id": "C1", "ordered_at": "2025-05-05 12:00:00"}]
    result = audit(tmp_path, {"orders": orders}, "retention_period_exceeded")
    assert refs(result) == ["orders/O1"]
    assert "2026-01-01" in result.findings.loc[0, "message"]


def test_inactive_account_one_day_inside_its_limit_passes(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "last_active_at": "2023-10-02 00:00:00"},
                {"subject_id": "C2", "subject_type": "consumer", "last_active_at": "2023-09-30 12:00:00"}]
    result = audit(tmp_path, {"subjects": subjects}, "retention_period_exceeded")
    assert refs(result) == ["subjects/C2"]


def test_nothing_overdue_passes_and_counts_population(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "last_active_at": "2026-01-02 00:00:00"}]
    result = audit(tmp_path, {"subjects": subjects}, "retention_period_exceeded")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 1


def test_rule_without_its_table_makes_the_audit_incomplete(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "last_active_at": "2026-01-02 00:00:00"}]
    result = audit(tmp_path, {"subjects": subjects}, "retention_period_exceeded")
    assert any("orders_bookkeeping" in reason for reason in result.incomplete_reasons)


def test_fingerprint_is_stable_across_periods(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2019-03-01 12:00:00"}]
    q2 = audit(tmp_path / "q2", {"orders": orders}, "retention_period_exceeded", period="2026-Q2")
    q3 = audit(tmp_path / "q3", {"orders": orders}, "retention_period_exceeded", period="2026-Q3")
    assert list(q2.findings["fingerprint"]) == list(q3.findings["fingerprint"])
    assert q2.run_id != q3.run_id


def test_closed_account_and_usage_rules_count_from_their_own_start(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "closed_at": "2023-03-20 14:00:00"},
                {"subject_id": "C2", "subject_type": "consumer", "closed_at": "2023-10-01 00:00:00"}]
    usage = [{"event_id": "U1", "subject_id": "C3", "at": "2024-08-31 23:59:59"},   # P25M: due 2026-09-30 23:59:59
             {"event_id": "U2", "subject_id": "C3", "at": "2024-09-01 00:00:00"}]   # due the instant Q3 ends
    result = audit(tmp_path, {"subjects": subjects, "usage_events": usage}, "retention_period_exceeded")
    assert refs(result) == ["subjects/C1", "usage_events/U1"]
    assert set(result.findings["evidence"].map(lambda e: __import__("json").loads(e)["rule_id"])) == \
        {"closed_accounts", "usage_data"}


ERASED = {"request_id": "R1", "subject_id": "C1", "kind": "erasure", "received_at": "2026-07-01 10:00:00",
          "completed_at": "2026-07-10 12:00:00"}


def _residue_tables(orders, **extra):
    return {"requests": [ERASED, {**ERASED, "request_id": "R2", "subject_id": "C2", "completed_at": ""}],
            "orders": orders, **extra}


def _order(order_id, subject, name="", email=""):
    return {"order_id": order_id, "subject_id": subject, "ordered_at": "2025-03-10 12:00:00", "amount": "10.00",
            "billing_name": name, "billing_email": email}


BILLING = {"orders": {"billing_name": {"category": "name"}, "billing_email": {"category": "email"}}}


def test_erased_subject_left_in_subjects_and_billed_orders_is_residue(tmp_path):
    tables = _residue_tables(
        [_order("O1", "C1", "Aino Virtanen", "aino@example.com"),   # billing kept: residue
         _order("O2", "C1"),                                         # minimised: kept for bookkeeping
         _order("O3", "C2", "Eino Leino", "eino@example.com")],      # erasure not done: not residue
        subjects=[{"subject_id": "C1", "subject_type": "consumer"}, {"subject_id": "C2", "subject_type": "consumer"}],
        marketing_messages=[{"message_id": "M1", "subject_id": "C1", "channel": "post",
                             "sent_at": "2026-06-01 10:00:00"}])
    result = audit(tmp_path, tables, "retention_erased_subject_residue", extra_columns=BILLING)
    assert refs(result) == ["marketing_messages/M1", "orders/O1", "subjects/C1"]
    order = result.findings.set_index("record_ref").loc["orders/O1"]
    assert "billing_name, billing_email" in order["message"] and "Aino" not in order["message"]
    assert result.check_results.loc[0, "population"] == 1
    q2 = audit(tmp_path / "q2", tables, "retention_erased_subject_residue", period="2026-Q2", extra_columns=BILLING)
    assert q2.check_results.loc[0, "status"] == "not_tested"  # the erasure was completed in Q3: none to test


def test_erasure_that_kept_only_minimised_orders_passes(tmp_path):
    result = audit(tmp_path, _residue_tables([_order("O2", "C1"), _order("O3", "C2", "Eino Leino")]),
                   "retention_erased_subject_residue", extra_columns=BILLING)
    assert result.check_results.loc[0, "status"] == "pass"


# --- kirjanpitolaki 2:10 §: the financial period, books and vouchers, the statutory minimum ----------
def _due(result, ref):
    return str(result.con.execute("SELECT strftime(due_at, '%Y-%m-%d %H:%M') FROM retention_due WHERE record_ref = ?",
                                  [ref]).fetchone()[0])


def test_vouchers_count_from_the_end_of_the_year_in_which_the_financial_period_ended(tmp_path):
    # Financial period 1 July - 30 June: an August 2020 order belongs to the period ending June 2021,
    # so its six years count from 1 January 2022 (2 mom.), not from the end of 2020.
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2020-08-01 12:00:00"},
              {"order_id": "O2", "subject_id": "C1", "ordered_at": "2020-06-30 23:30:00"},
              {"order_id": "O3", "subject_id": "C1", "ordered_at": "2021-03-01 09:00:00"}]
    june = audit(tmp_path / "june", {"orders": orders}, "retention_period_exceeded",
                 register_patch={"controller.financial_period_ends": "06-30"})
    assert [_due(june, f"orders/O{i}") for i in (1, 2, 3)] == ["2028-01-01 00:00", "2027-01-01 00:00",
                                                               "2028-01-01 00:00"]
    calendar = audit(tmp_path / "calendar", {"orders": orders}, "retention_period_exceeded")
    assert [_due(calendar, f"orders/O{i}") for i in (1, 2, 3)] == ["2027-01-01 00:00", "2027-01-01 00:00",
                                                                   "2028-01-01 00:00"]


def test_books_count_ten_years_from_the_end_of_the_financial_period(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2020-08-01 12:00:00"}]
    result = audit(tmp_path, {"orders": orders}, "retention_period_exceeded",
                   register_patch={"controller.financial_period_ends": "06-30",
                                   "retention.rules.0.bookkeeping": "books", "retention.rules.0.duration": "P10Y",
                                   "retention.rules.0.legal": ["Kirjanpitolaki 1336/1997 2 luku 10 §"]})
    assert _due(result, "orders/O1") == "2031-07-01 00:00"  # from 1 July 2021, the day after the period


def test_exceeded_cites_the_rules_own_basis_and_the_notice_only_where_it_states_the_rule(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2019-03-01 12:00:00"}]
    unstated = audit(tmp_path / "a", {"orders": orders}, "retention_period_exceeded")
    assert unstated.findings.loc[0, "legal_refs"] == \
        "GDPR Art. 5(1)(e); Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom."
    stated = audit(tmp_path / "b", {"orders": orders}, "retention_period_exceeded",
                   register_patch={"retention.rules.0.stated_in_notice": True})
    assert stated.findings.loc[0, "legal_refs"].split("; ")[-1] == "GDPR Art. 13(2)(a)"


def test_a_deleted_record_is_not_kept_past_its_period(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2019-03-01 12:00:00",
               "deleted_at": "2026-02-01 03:00:00"},
              {"order_id": "O2", "subject_id": "C1", "ordered_at": "2019-03-01 12:00:00", "deleted_at": ""}]
    result = audit(tmp_path, {"orders": orders}, "retention_period_exceeded")
    assert refs(result) == ["orders/O2"]


def _minimum(tmp_path, orders, **kwargs):
    requests = [{"request_id": "R1", "subject_id": "C1", "kind": "erasure", "received_at": "2026-07-01 10:00:00",
                 "completed_at": "2026-07-10 12:00:00"}]
    return audit(tmp_path, {"orders": orders, "requests": requests}, "retention_deleted_before_minimum", **kwargs)


def test_voucher_deleted_on_an_erasure_request_before_six_years_is_a_finding(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2023-03-01 12:00:00",
               "deleted_at": "2026-07-10 12:05:00"},   # due 2030-01-01: deleted early, after request R1
              {"order_id": "O2", "subject_id": "C2", "ordered_at": "2019-11-01 12:00:00",
               "deleted_at": "2026-08-01 03:00:00"},   # due 2026-01-01: deleted after its minimum
              {"order_id": "O3", "subject_id": "C2", "ordered_at": "2023-03-01 12:00:00", "deleted_at": ""}]
    result = _minimum(tmp_path, orders)
    assert list(result.findings["record_ref"]) == ["orders/O1"]
    row = result.findings.iloc[0]
    assert "kept until 2029-12-31" in row["message"] and "erasure request R1" in row["message"]
    assert row["legal_refs"] == "Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.; GDPR Art. 17(3)(b)"
    assert result.check_results.loc[0, "population"] == 3


def test_deletion_before_the_minimum_passes_when_the_rule_is_no_minimum(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2023-03-01 12:00:00",
               "deleted_at": "2026-07-10 12:05:00"}]
    result = _minimum(tmp_path, orders, register_patch={"retention.rules.0.bookkeeping": None,
                                                        "retention.rules.0.anchor": "end_of_year"})
    assert result.check_results.loc[0, "status"] == "not_tested"
    assert result.check_results.loc[0, "population"] == 0


def test_without_deleted_at_nothing_is_tested(tmp_path):
    orders = [{"order_id": "O1", "subject_id": "C1", "ordered_at": "2023-03-01 12:00:00"}]
    result = _minimum(tmp_path, orders)
    assert result.check_results.loc[0, "population"] == 0
    assert bool(result.check_results.loc[0, "tested_nothing"])
