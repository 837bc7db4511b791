"""Accepted risks: accepted.yaml beside exports.yaml marks findings accepted until a date, never hides them."""

from __future__ import annotations

import pytest
import yaml

from audit_lib.accepted import load_accepted
from audit_lib.audit import run_audit
from audit_lib.checks.registry import catalogue
from audit_lib.errors import DeclarationError
from checkkit import KEY, write_register

ACCOUNTS = {"staff_accounts": [
    {"user_id": "asiakaspalvelu", "role": "customer_service", "valid_from": "2025-10-01 08:00:00", "valid_to": "",
     "shared": "false"},
    {"user_id": "admin", "role": "administrator", "valid_from": "2025-10-01 08:00:00", "valid_to": "",
     "shared": "false"},
    {"user_id": "tiimi", "role": "marketing", "valid_from": "2025-10-01 08:00:00", "valid_to": "", "shared": "true"},
]}
CHECKS = tuple(c for c in catalogue() if c.id == "access_shared_account")


def _audit(tmp_path, entries, period="2026-Q3", **kwargs):
    # No retention rules: the sample's name roles this register does not export, which would make the
    # audit incomplete (exit code 2) and hide what these tests are about, exit codes 0 and 1.
    exports = write_register(tmp_path, ACCOUNTS, register_patch={"retention.rules": []})
    if entries is not None:
        (tmp_path / "accepted.yaml").write_text(yaml.safe_dump({"schema_version": 1, "accepted": entries}),
                                                encoding="utf-8")
    return run_audit(None, exports, period, pseudonym_key=KEY, checks=CHECKS, **kwargs)


def _states(result):
    return dict(zip(result.findings["record_ref"], result.findings["state"]))


def test_without_accepted_file_every_finding_is_open(tmp_path):
    result = _audit(tmp_path, None)
    assert set(_states(result).values()) == {"open"}
    assert result.accepted_path is None and result.accepted_sha256 is None
    assert result.exit_code() == 1


def test_match_by_fingerprint(tmp_path):
    first = _audit(tmp_path / "a", None)
    fingerprint = first.findings.set_index("record_ref").loc["staff_accounts/admin", "fingerprint"]
    result = _audit(tmp_path / "b", [{"fingerprint": str(fingerprint), "reason": "Break-glass account, sealed.",
                                      "approved_by": "Saija Sarell", "expires": "2026-12-31"}])
    assert _states(result) == {"staff_accounts/admin": "accepted", "staff_accounts/asiakaspalvelu": "open",
                               "staff_accounts/tiimi": "open"}
    row = result.findings.set_index("record_ref").loc["staff_accounts/admin"]
    assert (row["accepted_reason"], row["accepted_by"], row["accepted_until"]) == \
        ("Break-glass account, sealed.", "Saija Sarell", "2026-12-31")
    assert list(result.accepted_findings["record_ref"]) == ["staff_accounts/admin"]
    assert len(result.open_findings) == 2
    assert result.accepted_path.name == "accepted.yaml" and len(result.accepted_sha256) == 64
    assert result.run_id != first.run_id   # the acceptances are an input of the run


def test_match_by_check_and_record_pattern_and_exit_code_counts_only_open(tmp_path):
    result = _audit(tmp_path, [{"check_id": "access_shared_account", "record_ref": "staff_accounts/*",
                                "reason": "Personal logins arrive with the new CRM.", "approved_by": "CISO",
                                "expires": "2026-09-30"}])   # the last day of Q3: still in force
    assert set(_states(result).values()) == {"accepted"}
    assert result.exit_code() == 0
    assert result.accepted_unmatched == []


def test_expired_acceptance_leaves_the_finding_open_and_says_so(tmp_path):
    entries = [{"check_id": "access_shared_account", "record_ref": "staff_accounts/asiakaspalvelu",
                "reason": "Until the migration.", "approved_by": "CISO", "expires": "2026-06-30"},
               {"check_id": "access_shared_account", "record_ref": "staff_accounts/nobody",
                "reason": "Stale.", "approved_by": "CISO", "expires": "2027-01-01"}]
    q3 = _audit(tmp_path / "q3", entries)
    row = q3.findings.set_index("record_ref").loc["staff_accounts/asiakaspalvelu"]
    assert row["state"] == "open"
    assert row["accepted_reason"] == "expired 2026-06-30: Until the migration."
    assert q3.exit_code() == 1
    assert q3.accepted_unmatched == ["accepted.yaml:7"]   # the second entry (keys dumped sorted)
    q2 = _audit(tmp_path / "q2", entries, period="2026-Q2")   # judged on 2026-06-30: in force
    assert _states(q2)["staff_accounts/asiakaspalvelu"] == "accepted"


def test_accepted_file_can_be_named_or_turned_off(tmp_path):
    entries = [{"check_id": "access_shared_account", "reason": "All of them.", "approved_by": "CISO",
                "expires": "2027-01-01"}]
    named = tmp_path / "elsewhere.yaml"
    named.write_text(yaml.safe_dump({"accepted": entries}), encoding="utf-8")
    assert set(_states(_audit(tmp_path / "a", None, accepted=named)).values()) == {"accepted"}
    assert set(_states(_audit(tmp_path / "b", entries, accepted=False)).values()) == {"open"}


@pytest.mark.parametrize("text, line, words", [
    ("accepted:\n  - check_id: access_shared_account\n    reason: x\n    approved_by: y\n    expires: someday\n",
     5, "date"),
    ("accepted:\n  - reason: x\n    approved_by: y\n    expires: 2026-12-31\n", 2, "name the findings"),
    ("accepted:\n  - fingerprint: abc\n    reason: x\n    approved_by: y\n    expires: 2026-12-31\n"
     "    approver: z\n", 6, "unknown key 'approver'"),
    ("accepted:\n  - fingerprint: abc\n    reason: x: y\n", 3, "YAML syntax"),
])
def test_invalid_file_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "accepted.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeclarationError) as caught:
        load_accepted(path)
    message = str(caught.value)
    assert f"accepted.yaml:{line}" in message, message
    assert words in message, message


def test_invalid_accepted_file_stops_the_audit(tmp_path):
    exports = write_register(tmp_path, ACCOUNTS)
    (tmp_path / "accepted.yaml").write_text("accepted:\n  - reason: no target\n", encoding="utf-8")
    with pytest.raises(DeclarationError, match="accepted.yaml:2"):
        run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=CHECKS)


def test_report_refuses_an_invalid_accepted_file_before_its_notebook_runs(tmp_path):
    """`regaudit run` validates accepted.yaml with the declaration: a mistake in it is exit 3 naming the
    file, before a kernel starts or a staging folder is made (not exit 5, a failed notebook cell)."""
    from typer.testing import CliRunner

    from audit_lib.cli import app
    from audit_lib.exit_codes import ExitCode

    exports = write_register(tmp_path, ACCOUNTS, register_patch={"retention.rules": []})
    (tmp_path / "accepted.yaml").write_text("schema_version: 1\naccepted:\n  - fingerprint: 12\n    until: never\n",
                                            encoding="utf-8")
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "--period", "2026-Q3", "--exports", str(exports), "--out", str(out),
                                      "--no-pdf"], env={"REGAUDIT_PSEUDONYM_KEY": KEY.decode()})
    assert result.exit_code == ExitCode.INVALID_DECLARATION, result.output
    assert "accepted.yaml" in result.output and "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []
