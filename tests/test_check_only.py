"""`regaudit check --only`: the selected checks only, over only the exports they read (the rest skipped)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_lib.audit import run_audit
from audit_lib.checks.registry import catalogue
from audit_lib.cli import app
from audit_lib.exit_codes import ExitCode
from audit_lib.roles import ROLES
from audit_lib.selection import UnknownCheckError, relations, select_checks, split_ids
from checkkit import KEY, copy_sample, write_register

ENV = {"REGAUDIT_PSEUDONYM_KEY": KEY.decode(), "COLUMNS": "200"}
CONSENT_CHECK = "consent_sent_after_withdrawal"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return copy_sample(tmp_path_factory.mktemp("only") / "sample")


@pytest.fixture(scope="module")
def full(sample):
    return run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=KEY)


def _check(*args: str):
    return CliRunner().invoke(app, ["check", *args], env=ENV)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _comparable(findings) -> list[dict[str, str]]:
    """Findings without the run id (it names the run, which differs), values as text."""
    frame = findings.drop(columns=["run_id"]).astype(object)
    return [{k: str(v) for k, v in row.items()} for row in frame.where(frame.notna(), None).to_dict("records")]


@pytest.mark.slow  # audits the whole bundled sample (the full audit, then each check alone)
def test_only_one_consent_check_loads_its_roles_and_the_master_register(sample, full, tmp_path):
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--only", CONSENT_CHECK,
                    "--out", str(tmp_path))
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert "1 of 53 checks" in result.output.replace(f"{len(catalogue())} checks", "53 checks")
    assert "partial:" in result.output and "access_log.csv" in result.output
    inputs = {row["file"]: row for row in _rows(tmp_path / "inputs.csv")}
    loaded = {name for name, row in inputs.items() if row["status"] == "loaded"}
    assert loaded == {"customers.csv", "consents.csv", "marketing_messages.parquet"}
    skipped = inputs["access_log.csv"]
    assert skipped["status"] == "skipped" and "not needed by the selected checks" in skipped["detail"]
    assert skipped["rows_read"] == "" and skipped["sha256"] == ""  # not read, not hashed
    assert [row["check_id"] for row in _rows(tmp_path / "check_results.csv")] == [CONSENT_CHECK]
    findings = _rows(tmp_path / "findings.csv")
    expected = full.findings[full.findings["check_id"] == CONSENT_CHECK]
    assert findings and sorted(r["record_ref"] for r in findings) == sorted(expected["record_ref"])


@pytest.mark.slow
def test_only_gives_the_full_audits_result_for_the_check(sample, full):
    result = run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=KEY, only=[CONSENT_CHECK])
    assert result.partial and result.only == (CONSENT_CHECK,) and result.catalogue_size == len(catalogue())
    assert result.complete, result.incomplete_reasons  # skipped files do not spoil completeness
    assert "access_log" not in result.load_report.available
    assert "access_log.csv" in result.skipped_inputs
    assert not result.con.execute("SELECT count(*) FROM unexported_roles WHERE role = 'access_log'").fetchone()[0]
    assert _comparable(result.findings) == _comparable(full.findings[full.findings["check_id"] == CONSENT_CHECK])
    mine = result.check_results.drop(columns=["duration_s"]).astype(str)
    theirs = full.check_results[full.check_results["check_id"] == CONSENT_CHECK].drop(columns=["duration_s"])
    assert mine.reset_index(drop=True).equals(theirs.astype(str).reset_index(drop=True))


@pytest.mark.slow
@pytest.mark.parametrize("check_id", [c.id for c in catalogue() if c.family != "notice"])
def test_each_check_alone_finds_what_the_full_audit_finds(sample, full, check_id):
    result = run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=KEY, only=[check_id])
    assert _comparable(result.findings) == _comparable(full.findings[full.findings["check_id"] == check_id])
    mine = result.check_results.iloc[0]
    theirs = full.check_results.set_index("check_id").loc[check_id]
    assert (mine["status"], str(mine["population"])) == (theirs["status"], str(theirs["population"]))
    assert result.complete == full.complete


def test_repeated_and_comma_separated_ids_select_the_same_checks(sample):
    ids = ["consent_message_without_opt_out", CONSENT_CHECK]
    assert split_ids(["consent_message_without_opt_out, consent_sent_after_withdrawal", CONSENT_CHECK]) == ids
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3",
                    "--only", f"{ids[0]},{ids[1]}", "--only", ids[1])
    assert result.exit_code == ExitCode.FINDINGS, result.output
    assert all(i in result.output for i in ids) and "access_bulk_read" not in result.output


def test_an_unknown_check_id_is_a_usage_error_with_the_closest_ids(sample):
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3",
                    "--only", "consent_sent_after_withdrwal")
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "did you mean consent_sent_after_withdrawal" in result.output
    with pytest.raises(UnknownCheckError, match="access_bulk_read"):
        select_checks(["access_bulk"], catalogue())


def test_a_notice_check_loads_nothing(sample):
    result = run_audit(None, sample / "exports.yaml", "2026-Q3", pseudonym_key=KEY,
                       only=["notice_dpo_contact_missing"])
    statuses = {row["status"] for row in result.load_report.inputs}
    assert "loaded" not in statuses and "skipped" in statuses
    assert not result.load_report.available
    assert list(result.check_results["check_id"]) == ["notice_dpo_contact_missing"]
    assert result.complete and result.exit_code() == ExitCode.FINDINGS


def test_a_passing_check_alone_exits_0(sample):
    result = _check("--exports", str(sample / "exports.yaml"), "--period", "2026-Q3",
                    "--only", "consent_systems_disagree_at_send")
    assert result.exit_code == ExitCode.OK, result.output


def test_a_selected_check_without_its_input_exits_2(tmp_path):
    exports = write_register(tmp_path, {"subjects": [{"subject_id": "C1", "subject_type": "consumer",
                                                       "email": "a@example.fi"}]})
    result = _check("--exports", str(exports), "--period", "2026-Q3", "--only", "access_bulk_read")
    assert result.exit_code == ExitCode.INCOMPLETE, result.output
    assert "access_bulk_read: not_run" in result.output


# Relations of the loader's contract that a check's SQL may read (loader/contract.py).
_RELATIONS = set(ROLES) | {"consent_timeline", "free_texts", "retention_items", "retention_due", "request_deadlines",
                           "subject_index", "identities", "identity_conflicts", "export_columns", "export_files"}
# Derived relations a declared one covers (retention_due is built on retention_items, ...).
_COVERED_BY = {"retention_due": "retention_items", "request_deadlines": "requests"}


def _source_text(path: Path) -> str:
    """The check's file and the family helpers it imports (``from audit_lib.checks.<family>._x``)."""
    text = path.read_text(encoding="utf-8")
    for module in re.findall(r"from audit_lib\.checks\.\w+\.(_\w+) import", text):
        text += (path.parent / f"{module}.py").read_text(encoding="utf-8")
    return text


@pytest.mark.parametrize("check", catalogue(), ids=lambda c: c.id)
def test_every_relation_a_check_reads_is_in_its_header(check):
    """--only loads what needs, reads and uses name: a relation read but not named would be read empty."""
    text = _source_text(check.source)
    named = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)\b", text)) & _RELATIONS
    if "export_rows(" in text:
        named.add("export_rows")
    declared = set(relations([check]))
    if "export_rows" in declared:
        return  # every export is loaded
    missing = {n for n in named if n not in declared and _COVERED_BY.get(n) not in declared}
    assert not missing, f"{check.id} reads {sorted(missing)}: add them to its header's uses"
