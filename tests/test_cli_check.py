"""`regaudit check` end to end on the bundled sample: the table, --fail-on, --accepted, exit codes 0/1/2/3."""

from __future__ import annotations

import csv

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.findings import pseudonymise_references
from checkkit import copy_sample, write_register

ENV = {"REGAUDIT_PSEUDONYM_KEY": "cli-test-key", "COLUMNS": "200"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return copy_sample(tmp_path_factory.mktemp("cli") / "sample")


def _check(*args: str):
    return CliRunner().invoke(app, ["check", *args], env=ENV)


def test_findings_give_exit_code_1_and_write_the_tables(sample, tmp_path):
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert "access_bulk_read" in result.output and "retention_erased_subject_residue" in result.output
    with (tmp_path / "findings.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with (sample / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        key = ENV["REGAUDIT_PSEUDONYM_KEY"].encode()
        expected = sorted((r["check_id"], pseudonymise_references(r["record_ref"], key))
                          for r in csv.DictReader(handle) if r["period"] == "2026-Q3")
    assert sorted((r["check_id"], r["record_ref"]) for r in rows) == expected


def test_fail_on_none_gives_0_and_an_unknown_level_is_refused(sample):
    assert _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q2", "--fail-on", "none").exit_code == 0
    refused = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q2", "--fail-on", "severe")
    assert refused.exit_code == 4 and "--fail-on" in refused.output


def test_accepted_findings_do_not_count_for_fail_on(sample, tmp_path):
    from audit_lib.audit import run_audit

    found = run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=b"cli-test-key")
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
