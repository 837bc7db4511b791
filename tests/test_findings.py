"""Findings: stable fingerprints, pseudonymous subjects, spreadsheet-safe CSV, messages."""

import csv

import pandas as pd

from audit_lib.findings import fingerprint, render_message
from audit_lib.outputs import write_csv_safe
from audit_lib.pseudonym import pseudonym


def test_fingerprint_depends_on_check_record_and_identifying_fields_only():
    assert fingerprint("c", "orders/1", ["r"]) == fingerprint("c", "orders/1", ["r"])
    assert fingerprint("c", "orders/1", ["r"]) != fingerprint("c", "orders/2", ["r"])
    assert fingerprint("c", "orders/1", ["r"]) != fingerprint("c", "orders/1", ["s"])
    assert fingerprint("c", "orders/1") != fingerprint("d", "orders/1")


K1, K2 = b"a1b2c3d4e5f60718" * 4, b"0918f7e6d5c4b3a2" * 4  # 64 hex digits each


def test_pseudonym_is_keyed_and_stable():
    assert pseudonym("C1", K1) == pseudonym("C1", K1)
    assert pseudonym("C1", K1) != pseudonym("C1", K2)
    assert pseudonym("C1", K1) != pseudonym("C2", K1)
    assert "C1" not in pseudonym("C1", K1)
    assert pseudonym(None, K1) is None


def test_csv_cells_never_start_a_formula(tmp_path):
    frame = pd.DataFrame({"=cmd": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "plain", "\tx"]})
    path = write_csv_safe(frame, tmp_path / "f.csv")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    assert all(not cell.startswith(("=", "+", "-", "@", "\t")) for cell in cells)
    assert "plain" in cells and "'=HYPERLINK(\"http://x\")" in cells


def test_message_keeps_unknown_placeholders_visible():
    assert render_message("{a} and {b}", {"a": 1}, "Europe/Helsinki") == "1 and {b}"


def test_subject_references_are_pseudonymised_once_and_consistently(tmp_path):
    from checkkit import KEY, audit

    from audit_lib.findings import pseudonymise_references

    subjects = [{"subject_id": "C7", "subject_type": "consumer", "last_active_at": "2020-01-01 00:00:00"}]
    result = audit(tmp_path, {"subjects": subjects}, "retention_period_exceeded")
    row = result.findings.iloc[0]
    expected = pseudonymise_references("subjects/C7", KEY)
    assert row["record_ref"] == expected
    assert row["message"].startswith(expected + " ")
    assert "C7" not in row["message"] and "C7" not in row["record_ref"]


def test_findings_order_does_not_depend_on_the_pseudonym_key(tmp_path):
    from checkkit import write_register

    from audit_lib.audit import run_audit

    subjects = [{"subject_id": f"C{i}", "subject_type": "consumer", "last_active_at": "2020-01-01 00:00:00"}
                for i in range(1, 30)]
    exports = write_register(tmp_path, {"subjects": subjects})
    orders = [list(run_audit(None, exports, "2026-Q3", pseudonym_key=key).findings
                   .query("check_id == 'retention_period_exceeded'")["subject_ref"].map(
                       {pseudonym(f"C{i}", key): f"C{i}" for i in range(1, 30)}))
              for key in (K1, K2)]
    assert orders[0] == orders[1] == sorted(orders[0])
