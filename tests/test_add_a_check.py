"""Adding a check is adding one file (and its cases): a new check in a copy of the checks tree is discovered,
runs, is reported, is placed under the framework's provisions by its legal: header, and, having no planted
violation in the bundled samples, is named in the report as not covered by the end-to-end ground truth."""

from __future__ import annotations

import shutil

import pytest
from casekit import cases_files, check_for, load_cases, run_case
from checkkit import audit, refs

from audit_lib.checks.registry import CHECKS_DIR, catalogue, discover
from audit_lib.findings import build_results
from audit_lib.frameworks import framework_for, load_framework
from audit_lib.report import sections
from audit_lib.report.labels import text

NEW = "quality_placeholder_email"
CHECK = """/*---
id: quality_placeholder_email
title:
  en: Placeholder in place of an e-mail address
  fi: Sähköpostiosoitteen paikalla täyteosoite
severity: low
legal: ["GDPR Art. 5(1)(d)", "GDPR Art. 16"]
scope: as_of
needs:
  subjects: [subject_id, email]
message:
  en: "The e-mail address of {record_ref} ({subject_ref}) is a placeholder ({local_part}@…)."
  fi: "Rekisteröidyn {record_ref} ({subject_ref}) sähköpostiosoite on täyteosoite ({local_part}@…)."
remediation:
  en: Ask the subject for their address, or leave the field empty.
  fi: Pyydä rekisteröidyltä osoite tai jätä kenttä tyhjäksi.
evidence: [local_part]
population: >-
  SELECT count(*) FROM shared_subjects_in_register WHERE email IS NOT NULL
shared: [subjects_in_register]
---*/
SELECT 'subjects/' || subject_id AS record_ref, subject_id, created_at AS event_at,
       lower(split_part(email, '@', 1)) AS local_part
FROM shared_subjects_in_register
WHERE lower(split_part(email, '@', 1)) IN ('noreply', 'no-reply', 'test')
ORDER BY subject_id
"""
CASES = """cases:
  - name: placeholders are findings
    tables:
      subjects:
        - {subject_id: C1, subject_type: consumer, created_at: "2026-01-10 10:00:00", email: NoReply@example.com}
        - {subject_id: C2, subject_type: consumer, created_at: "2026-01-10 10:00:00", email: aino@example.com}
    expect: {record_refs: [subjects/C1], population: 2}
  - name: real addresses pass
    tables:
      subjects:
        - {subject_id: C1, subject_type: consumer, created_at: "2026-01-10 10:00:00", email: testaaja@example.com}
    expect: {record_refs: [], population: 1}
"""


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """A copy of the bundled checks tree with the new check and its cases file added: nothing else edited."""
    root = tmp_path_factory.mktemp("checks")
    shutil.copytree(CHECKS_DIR, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    (root / "quality" / f"{NEW}.sql").write_text(CHECK, encoding="utf-8")
    (root / "quality" / f"{NEW}.cases.yaml").write_text(CASES, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def checks(tree):
    return tuple(discover(tree))


def test_the_new_check_is_discovered(checks):
    assert sorted(c.id for c in checks) == sorted([c.id for c in catalogue()] + [NEW])


def test_the_new_check_runs_and_is_reported(tmp_path, checks):
    people = [{"subject_id": "C1", "subject_type": "consumer", "created_at": "2026-01-10 10:00:00",
               "email": "no-reply@example.com"},
              {"subject_id": "C2", "subject_type": "consumer", "created_at": "2026-01-10 10:00:00",
               "email": "aino.virtanen@example.com"}]
    result = audit(tmp_path, {"subjects": people}, NEW, checks=checks)  # run_audit(checks=(the new check,))
    assert refs(result) == ["subjects/C1"]
    row = build_results(result.results).set_index("check_id").loc[NEW]
    assert (row["status"], row["population"], row["failures"]) == ("fail", 2, 1)
    assert row["legal_refs"] == "GDPR Art. 5(1)(d); GDPR Art. 16"
    finding = result.findings.iloc[0]
    assert finding["check_id"] == NEW and "is a placeholder (no-reply@…)" in finding["message"]
    assert "example.com" not in result.findings.to_csv()
    # The report places it under its provisions and says the end-to-end ground truth does not cover it.
    for lang in ("en", "fi"):
        provisions = sections.provisions_section(result, lang)
        assert text("col.no_ground_truth", lang) in provisions and NEW in provisions
        assert text("coverage.no_ground_truth", lang) in sections.catalogue_section(result, lang)
    assert "GDPR Art. 15–20" in sections.provisions_section(result, "en")


def test_the_new_check_is_mapped_by_its_header(checks):
    framework = framework_for(checks, complete=True)
    assert [p.id for p in framework.provisions_for(NEW)] == ["gdpr-5-1-d", "gdpr-15-20"]
    bundled = {p.id: set(p.checks) for p in load_framework().provisions}
    assert {p.id: set(p.checks) - {NEW} for p in framework.provisions} == bundled  # nothing else moved
    assert NEW not in load_framework().check_ids


def test_the_new_checks_cases_file_runs(tmp_path, tree, checks):
    path = tree / "quality" / f"{NEW}.cases.yaml"
    assert path in cases_files(tree)
    for index, case in enumerate(load_cases(path).cases):
        run_case(case, check_for(path, checks), tmp_path / str(index))


def test_a_bundled_check_with_a_planted_violation_is_not_labelled(tmp_path):
    people = [{"subject_id": "C1", "subject_type": "consumer", "created_at": "2026-01-10 10:00:00",
               "email": "aino@example"}]
    result = audit(tmp_path, {"subjects": people}, "quality_invalid_email")
    assert text("col.no_ground_truth", "en") not in sections.provisions_section(result, "en")
    assert text("coverage.no_ground_truth", "en") not in sections.catalogue_section(result, "en")
