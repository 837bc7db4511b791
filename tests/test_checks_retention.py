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
    assert q2.check_results.loc[0, "status"] == "pass"     # the erasure was completed in Q3


def test_erasure_that_kept_only_minimised_orders_passes(tmp_path):
    result = audit(tmp_path, _residue_tables([_order("O2", "C1"), _order("O3", "C2", "Eino Leino")]),
                   "retention_erased_subject_residue", extra_columns=BILLING)
    assert result.check_results.loc[0, "status"] == "pass"
