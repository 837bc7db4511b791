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
