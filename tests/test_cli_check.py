"""`regaudit check` end to end on the bundled sample: the table, --fail-on, --accepted, --out, exit codes 0-4, 64."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.exit_codes import ExitCode
from audit_lib.findings import pseudonymise_references
from checkkit import copy_sample, write_register

# 64 hex digits: load_key refuses a key of fewer than 256 bits.
ENV = {"REGAUDIT_PSEUDONYM_KEY": "0123456789abcdef" * 4, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return copy_sample(tmp_path_factory.mktemp("cli") / "sample")


def _check(*args: str):
    return CliRunner().invoke(app, ["check", *args], env=ENV)


@pytest.mark.slow  # audits the whole bundled sample
def test_findings_give_exit_code_1_and_write_the_tables(sample, tmp_path):
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "access_bulk_read" in result.output and "retention_erased_subject_residue" in result.output
    with (tmp_path / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (sample / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        key = ENV["REGAUDIT_PSEUDONYM_KEY"].encode()
        expected = sorted((r["check_id"], pseudonymise_references(r["record_ref"], key))
                          for r in csv.DictReader(handle) if r["period"] == "2026-Q3")
    assert sorted((r["check_id"], r["record_ref"]) for r in rows) == expected


@pytest.mark.slow
def test_fail_on_none_gives_0_and_an_unknown_level_is_a_usage_error(sample):
    assert _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q2", "--fail-on", "none").exit_code == 0
    refused = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q2", "--fail-on", "severe")
    assert refused.exit_code == ExitCode.USAGE and "--fail-on" in refused.output and "critical" in refused.output


@pytest.mark.slow
def test_accepted_findings_do_not_count_for_fail_on(sample, tmp_path):
    from audit_lib.audit import run_audit

    found = run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=ENV["REGAUDIT_PSEUDONYM_KEY"].encode())
    critical = sorted(set(found.findings.loc[found.findings["severity"] == "critical", "check_id"]))
    assert critical
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text(yaml.safe_dump({"accepted": [
        {"check_id": check, "reason": "Remediation project RA-12 under way.", "approved_by": "Saija Sarell",
         "expires": "2026-12-31"} for check in critical]}), encoding="utf-8")
    args = ["--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--fail-on", "critical"]
    assert _check(*args).exit_code == 1
    result = _check(*args, "--accepted", str(accepted))
    assert result.exit_code == 0, result.output
    assert "accepted by" in result.output


def test_checks_that_cannot_run_give_exit_code_2(tmp_path):
    exports = write_register(tmp_path, {"staff_accounts": [
        {"user_id": "tkoski98", "role": "administrator", "valid_from": "2025-10-01 08:00:00"}]})
    result = _check("--exports", str(exports), "--period", "2026-Q3")
    assert result.exit_code == 2, result.output
    assert "not_run" in result.output


def _without_retention_start(sample: Path, target: Path) -> Path:
    """A copy of the sample whose subjects export no longer maps last_active_at: every check still
    runs, but the retention rule inactive_accounts (start: last_active_at) cannot be evaluated."""
    copy_sample(target)
    exports = target / "exports.yaml"
    text = exports.read_text(encoding="utf-8")
    mapped = "last_active_at: {field: last_active_at, category: account_data}"
    assert mapped in text
    exports.write_text(text.replace(mapped, "last_active_at: {category: account_data}"), encoding="utf-8")
    return exports


@pytest.mark.slow
def test_a_retention_rule_not_evaluated_gives_2_for_check_run_and_the_cover_alike(sample, tmp_path):
    """check, run (audit.json's verdict) and the report cover decide completeness by one function."""
    import json

    from audit_lib.audit import run_audit
    from audit_lib.report import pipeline, runtime, sections

    exports = _without_retention_start(sample, tmp_path / "sample")
    result = _check("--exports", str(exports), "--period", "2026-Q3", "--fail-on", "none")
    assert result.exit_code == ExitCode.INCOMPLETE, result.output
    assert "retention rule inactive_accounts" in result.output
    audit = run_audit(None, exports, "2026-Q3", pseudonym_key=ENV["REGAUDIT_PSEUDONYM_KEY"].encode())
    assert all(r.status.value in ("pass", "fail", "not_tested") or r.out_of_scope for r in audit.results)  # only the rule
    assert audit.exit_code(None) == ExitCode.INCOMPLETE and not audit.complete
    (tmp_path / runtime.SUMMARY).write_text(json.dumps(runtime.summary(audit)), encoding="utf-8")
    assert pipeline.exit_code(tmp_path, "none") == ExitCode.INCOMPLETE
    assert "INCOMPLETE" in sections.cover(audit) and "inactive_accounts" in sections.cover(audit)


def test_an_output_folder_that_cannot_be_made_gives_4_before_the_audit(sample, tmp_path):
    blocker = tmp_path / "findings"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    for out in (blocker, blocker / "sub"):  # the output is a file; the output is under a file
        result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(out))
        assert result.exit_code == ExitCode.ERROR, result.output
        assert f"{blocker} is a file, not a folder" in result.output and "--out" in result.output
        assert "Traceback" not in result.output and "Check results" not in result.output  # before the audit


@pytest.mark.slow
def test_a_full_disk_while_writing_the_findings_gives_4_naming_the_file(sample, tmp_path, monkeypatch):
    import errno

    from audit_lib import outputs

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(outputs, "atomic_write_bytes", full)
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(tmp_path / "f"))
    assert result.exit_code == ExitCode.ERROR, result.output
    assert "the disk is full" in result.output and str(tmp_path / "f") in result.output
    assert "--out" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_a_read_only_output_folder_gives_4(sample, tmp_path, monkeypatch):
    import errno
    import os

    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o500)
    else:  # root writes through any mode: the file system refuses as a read-only mount would
        from audit_lib import outputs

        def refused(path, data):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        monkeypatch.setattr(outputs, "atomic_write_bytes", refused)
    try:
        result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(folder))
    finally:
        folder.chmod(0o700)
    assert result.exit_code == ExitCode.ERROR, result.output
    assert str(folder) in result.output and ("read-only" in result.output or "permission denied" in result.output)
    assert "Traceback" not in result.output


def test_invalid_declaration_or_accepted_file_gives_exit_code_3(sample, tmp_path):
    broken = tmp_path / "exports.yaml"
    broken.write_text((sample / "exports.yaml").read_text(encoding="utf-8").replace("role: access_log",
                                                                                     "role: acess_log"),
                      encoding="utf-8")
    result = _check("--exports", str(broken), "--period", "2026-Q3", "--register", str(sample / "register.yaml"))
    assert result.exit_code == 3 and "access_log" in result.output
    accepted = tmp_path / "accepted.yaml"
    accepted.write_text("accepted:\n  - reason: no target\n", encoding="utf-8")
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--accepted", str(accepted))
    assert result.exit_code == 3 and "accepted.yaml:2" in result.output


def test_mistyped_period_is_named_before_the_key_is_asked_for(sample):
    result = CliRunner().invoke(app, ["check", "--exports", str(sample / "exports.yaml"), "--period", "2026-Q5"],
                                env={"COLUMNS": "200", "REGAUDIT_PSEUDONYM_KEY": ""})
    assert result.exit_code == 4
    assert "2026-Q5" in result.output and "2026-Q3" in result.output
