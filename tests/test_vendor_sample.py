"""End to end on the vendor-shaped sample (data_samples/webshop_vendor): the exports as the webshop
platform, the newsletter tool, the SMS provider, the helpdesk and the request log write them, one
person known by a customer number in one system and only by an e-mail or a phone in the others.

The audit must find exactly the planted ground truth, account for every file of the exports folder,
give no two findings one fingerprint, and ``generate_vendor`` must reproduce the committed files.
``python tests/test_vendor_sample.py`` prints recall and precision per check.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pytest

from audit_lib.audit import run_audit
from audit_lib.findings import pseudonymise_references
from audit_lib.sample.vendor import PERIOD, generate_vendor
from checkkit import strong_key

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "webshop_vendor"
KEY = strong_key("vendor-sample")


def expected(period: str = PERIOD, key: bytes | None = KEY) -> list[tuple[str, str]]:
    """The ground truth of ``period`` as (check_id, record_ref); subject references pseudonymised with ``key``."""
    with (SAMPLE / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        rows = [(r["check_id"], r["record_ref"]) for r in csv.DictReader(handle) if r["period"] == period]
    return sorted((check, pseudonymise_references(ref, key) if key else ref) for check, ref in rows)


def recall_precision(found, expected_rows) -> dict[str, tuple[float, float]]:
    """Per check: (recall, precision) of ``found`` against ``expected_rows``, both (check_id, record_ref)
    pairs. A check with nothing expected and nothing found is (1.0, 1.0)."""
    found, expected_rows = set(found), set(expected_rows)
    result = {}
    for check in sorted({c for c, _ in found} | {c for c, _ in expected_rows}):
        got = {r for c, r in found if c == check}
        want = {r for c, r in expected_rows if c == check}
        hits = len(got & want)
        result[check] = (hits / len(want) if want else 1.0, hits / len(got) if got else 1.0)
    return result


def format_recall_precision(scores: dict[str, tuple[float, float]]) -> str:
    """The scores as a plain table, worst first."""
    lines = [f"{'check':<52} {'recall':>6} {'precision':>9}"]
    for check, (recall, precision) in sorted(scores.items(), key=lambda item: (min(item[1]), item[0])):
        lines.append(f"{check:<52} {recall:>6.2f} {precision:>9.2f}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    sample = shutil.copytree(SAMPLE, tmp_path_factory.mktemp("vendor") / "sample")
    return sample, run_audit(None, sample / "exports.yaml", PERIOD, pseudonym_key=KEY)


@pytest.mark.slow  # audits the whole vendor sample
def test_findings_equal_the_planted_ground_truth(audited):
    _, result = audited
    found = sorted(zip(result.findings["check_id"], result.findings["record_ref"]))
    want = expected()
    missing, extra = sorted(set(want) - set(found)), sorted(set(found) - set(want))
    imperfect = {c: s for c, s in recall_precision(found, want).items() if s != (1.0, 1.0)}
    assert found == want, (f"\nmissing: {missing}\nextra: {extra}\n" + format_recall_precision(imperfect))
    # No customer number, e-mail address or phone number in a record reference.
    assert not any("subjects/1" in ref or "subjects/email:" in ref or "subjects/phone:" in ref for _, ref in found)


@pytest.mark.slow
def test_checks_run_or_say_why_not(audited):
    _, result = audited
    statuses = result.check_results.set_index("check_id")["status"]
    assert set(statuses) <= {"pass", "fail", "not_run", "not_tested"}, \
        result.check_results[["check_id", "status", "reason"]]
    # The shop's order export keeps no deletion mark, so a voucher deleted too early cannot be seen.
    not_tested = result.check_results[result.check_results["status"] == "not_tested"].set_index("check_id")
    assert list(not_tested.index) == ["retention_deleted_before_minimum"]
    assert "no export of orders maps deleted_at" in not_tested.loc["retention_deleted_before_minimum", "reason"]
    # Only the checks of systems the vendor sample declares not exported are not run, and they say so.
    not_run = result.check_results[result.check_results["status"] == "not_run"]
    assert not_run["out_of_scope"].all() and len(not_run) == 9, not_run[["check_id", "reason"]]
    assert not_run["reason"].str.contains("is not exported: ").all(), not_run[["check_id", "reason"]]
    # The audit is complete but for two retention rules: the shop's export has no last-activity or
    # closing time, and nothing declares them not applicable.
    assert [r.split(":")[0] for r in result.incomplete_reasons] == [
        "retention rule inactive_accounts", "retention rule closed_accounts"]
    assert {"access_log", "staff_accounts", "disclosures", "usage_events", "services"} >= {
        role for reason in not_run["reason"] for role in
        ("access_log", "staff_accounts", "disclosures", "usage_events", "services") if role in reason}


@pytest.mark.slow
def test_every_file_is_accounted_for(audited):
    sample, result = audited
    inputs = result.inputs.set_index("file")
    on_disk = sorted(p.relative_to(sample / "exports").as_posix() for p in (sample / "exports").rglob("*") if p.is_file())
    assert sorted(inputs.index) == on_disk
    for name in on_disk:
        digest = hashlib.sha256((sample / "exports" / name).read_bytes()).hexdigest()
        assert inputs.loc[name, "sha256"] == digest, name
    assert inputs.loc["vanha_asiakasrekisteri_2019.csv", "status"] == "not_mapped"
    loaded = inputs.drop(index="vanha_asiakasrekisteri_2019.csv")
    assert (loaded["status"] == "loaded").all(), loaded[["status", "detail"]]
    assert (loaded["rows_quarantined"] == 0).all(), loaded[["rows_read", "rows_quarantined", "detail"]]
    assert (loaded["rows_read"] == loaded["rows_loaded"]).all()
    # The manifest lists the same files with the same hashes, the unread one included.
    from datetime import datetime, timezone

    from audit_lib.report.manifest import build_manifest

    now = datetime.now(timezone.utc)
    manifest = build_manifest(run_id=result.run_id, period="2026-Q3", parameters={}, inputs=result.inputs,
                              declaration_hashes=result.declaration_hashes, started_at=now, finished_at=now,
                              folder=sample)
    listed = {item["file"]: item["sha256"] for item in manifest["inputs"]}
    assert sorted(listed) == on_disk and listed["vanha_asiakasrekisteri_2019.csv"] == inputs.loc[
        "vanha_asiakasrekisteri_2019.csv", "sha256"]


@pytest.mark.slow
def test_no_two_findings_share_a_fingerprint(audited):
    _, result = audited
    fingerprints = result.findings["fingerprint"]
    assert fingerprints.is_unique, result.findings[fingerprints.duplicated(keep=False)][["check_id", "record_ref"]]


def test_the_generator_reproduces_the_committed_sample(tmp_path):
    summary = generate_vendor(tmp_path / "out", seed=7)

    def digests(root: Path) -> dict[str, str]:
        return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digests(tmp_path / "out") == digests(SAMPLE)
    assert summary.expected == len(expected())


def test_every_planted_finding_is_in_the_ground_truth():
    """Each plant's findings (and only the plants' and the declaration's) make the ground truth."""
    rows = expected(key=None)
    assert len(rows) == len(set(rows))
    checks = {check for check, _ in rows}
    for check in ("consent_states_disagree_at_snapshot", "consent_systems_disagree_at_send",
                  "inventory_subject_outside_master_register", "inventory_unmapped_file", "quality_identifier_shared",
                  "consent_marketing_to_erased_subject", "retention_erased_subject_residue", "rights_request_late",
                  "rights_extension_notified_late", "consent_sent_after_withdrawal",
                  "consent_email_sms_without_optin"):
        assert check in checks, check
    assert ("inventory_unmapped_file", "files/vanha_asiakasrekisteri_2019.csv") in rows


if __name__ == "__main__":  # print recall and precision per check on the current tree
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = shutil.copytree(SAMPLE, Path(folder) / "sample")
        audit = run_audit(None, copy / "exports.yaml", PERIOD, pseudonym_key=KEY)
        print(format_recall_precision(recall_precision(zip(audit.findings["check_id"], audit.findings["record_ref"]),
                                                       expected())))
