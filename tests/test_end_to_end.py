"""End to end on the bundled sample: the audit finds exactly the planted ground truth, and
`regaudit sample` reproduces the bundled files byte for byte."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from audit_lib.audit import run_audit
from audit_lib.findings import pseudonymise_references
from audit_lib.sample import generate
from checkkit import strong_key

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"


KEY = strong_key("end-to-end")


def expected(period: str, key: bytes | None = None) -> list[tuple[str, str]]:
    """The ground truth of ``period``; with ``key``, subject record references as the findings write them."""
    with (SAMPLE / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["check_id"], r["record_ref"]) for r in csv.DictReader(handle) if r["period"] == period]
    return sorted((check, pseudonymise_references(ref, key) if key else ref) for check, ref in rows)


@pytest.mark.slow  # audits (or generates) the whole bundled sample
@pytest.mark.parametrize("period", ["2026-Q2", "2026-Q3"])
def test_findings_equal_the_planted_ground_truth(tmp_path, period):
    sample = shutil.copytree(SAMPLE, tmp_path / "sample")
    result = run_audit(None, sample / "exports.yaml", period, pseudonym_key=KEY)
    found = sorted(zip(result.findings["check_id"], result.findings["record_ref"]))
    assert found == expected(period, KEY)     # 100% recall, no false positive, no duplicate
    assert not any(ref.startswith("subjects/C") or ref.startswith("subjects/P") for _, ref in found)
    assert result.complete, result.incomplete_reasons
    statuses = result.check_results.set_index("check_id")["status"]
    # The sample's systems export consent events but no consent states, so the check comparing
    # states has nothing to test, and says so instead of passing.
    assert set(statuses[statuses == "not_tested"].index) == {"consent_states_disagree_at_snapshot"}
    assert set(statuses) <= {"pass", "fail", "not_tested"}
    assert (result.inputs["rows_quarantined"] == 0).all()


VENDOR_SAMPLE = SAMPLE.parent / "webshop_vendor"


def test_the_ground_truth_covers_the_checks_with_a_planted_violation():
    """The checks held to a planted violation are those of the two bundled samples' ground truth (the
    checks that compare systems have theirs in the vendor-shaped sample). A check without one is allowed:
    the report names it as not covered by the end-to-end ground truth (tests/test_add_a_check.py)."""
    planted = {row[0] for period in ("2026-Q2", "2026-Q3") for row in expected(period)}
    with (VENDOR_SAMPLE / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        planted |= {r["check_id"] for r in csv.DictReader(handle)}
    from audit_lib.checks.registry import catalogue
    from audit_lib.report.sections import not_in_ground_truth
    from audit_lib.sample.ground_truth import ground_truth_checks

    catalogue_ids = {c.id for c in catalogue()}
    assert ground_truth_checks() == planted
    assert planted <= catalogue_ids  # no ground truth left of a check that is gone
    assert not_in_ground_truth(catalogue_ids) == catalogue_ids - planted


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.mark.slow
def test_sample_command_reproduces_the_bundled_sample(tmp_path):
    for name in ("register.yaml", "exports.yaml"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    generate(tmp_path, seed=42, subjects=2000)
    assert _digests(tmp_path / "exports") == _digests(SAMPLE / "exports")
    assert (tmp_path / "expected_findings.csv").read_bytes() == (SAMPLE / "expected_findings.csv").read_bytes()


@pytest.mark.slow
def test_the_sample_acceptances_apply_and_expire(tmp_path):
    """accepted.yaml accepts the shared team account until 30 June: accepted in Q2, open again in Q3."""
    sample = shutil.copytree(SAMPLE, tmp_path / "sample")
    states = {}
    for period in ("2026-Q2", "2026-Q3"):
        findings = run_audit(None, sample / "exports.yaml", period, pseudonym_key=KEY).findings
        row = findings[findings["record_ref"] == "staff_accounts/asiakaspalvelu"].iloc[0]
        states[period] = (row["state"], str(row["accepted_reason"]).startswith("expired 2026-06-30"))
        notice = findings[findings["check_id"] == "notice_publication_ban_obsolete"].iloc[0]
        assert notice["state"] == "accepted" and notice["accepted_by"] == "Saija Sarell"
    assert states == {"2026-Q2": ("accepted", False), "2026-Q3": ("open", True)}
