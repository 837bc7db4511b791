"""Every check's cases file (``<id>.cases.yaml`` beside the check): each case audited with its check, and
the file held to its form (named after a check beside it, a passing and a failing case, cells as text)."""

from __future__ import annotations

import pytest
from casekit import cases_files, check_for, check_id_of, load_cases, run_case

from audit_lib.checks.registry import catalogue
from audit_lib.declaration.yaml_source import read_yaml
from audit_lib.errors import DeclarationError


def _cases():
    """One parameter per case of every cases file; a file that cannot be read is one failing parameter."""
    for path in cases_files():
        try:
            cases = load_cases(path).cases
        except (ValueError, DeclarationError) as exc:
            yield pytest.param(path, None, str(exc), id=f"{check_id_of(path)}-unreadable")
            continue
        for index, case in enumerate(cases):
            yield pytest.param(path, index, None, id=f"{check_id_of(path)}-{case.name}")


@pytest.mark.parametrize(("path", "index", "problem"), list(_cases()))
def test_case(tmp_path, path, index, problem):
    assert problem is None, problem
    case = load_cases(path).cases[index]
    run_case(case, check_for(path, catalogue()), tmp_path)


def test_there_are_cases_files_and_each_is_beside_its_check():
    paths = cases_files()
    assert paths, "no cases file under audit_lib/checks"
    for path in paths:
        check = check_for(path, catalogue())
        assert check.family == path.parent.name


def test_a_cases_file_without_a_passing_or_a_failing_case_is_refused(tmp_path):
    path = tmp_path / "quality_x.cases.yaml"
    path.write_text("cases:\n"
                    "  - {name: a, tables: {subjects: []}, expect: {record_refs: [subjects/C1]}}\n"
                    "  - {name: b, tables: {subjects: []}, expect: {record_refs: [subjects/C2]}}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="give a passing case"):
        load_cases(path)


def test_a_cell_yaml_reads_as_a_number_is_refused(tmp_path):
    path = tmp_path / "quality_x.cases.yaml"
    path.write_text("cases:\n"
                    "  - {name: a, tables: {subjects: [{postal_code: 00100}]}, expect: {record_refs: []}}\n"
                    "  - {name: b, tables: {subjects: []}, expect: {record_refs: [subjects/C2]}}\n", encoding="utf-8")
    assert read_yaml(path).data["cases"][0]["tables"]["subjects"][0]["postal_code"] == 64  # YAML 1.1 octal
    with pytest.raises(ValueError, match="in quotes, as text"):
        load_cases(path)


def test_a_cases_file_names_a_check_beside_it(tmp_path):
    (tmp_path / "quality").mkdir()
    path = tmp_path / "quality" / "quality_invalid_email.cases.yaml"
    path.write_text("cases: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no check quality_invalid_email beside it"):
        check_for(path, catalogue())
