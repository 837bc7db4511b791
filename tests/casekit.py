"""A check's cases file (``<id>.cases.yaml`` beside the check): read, validated, and run through checkkit.audit.

A cases file holds tables (role -> rows, every cell as text, as an export has it) and the record references
the check must find in them (subject pseudonyms revealed, as checkkit.refs gives them); at least one case
finds nothing and one finds something. audit_lib/checks/quality/quality_invalid_postal_code.cases.yaml::

    cases:
      - name: invalid Finnish postal codes are findings
        tables:
          subjects:
            - {subject_id: C1, subject_type: consumer, created_at: "2026-01-10 10:00:00", postal_code: "100"}
        expect: {record_refs: [subjects/C1]}
      - name: valid or foreign postal codes pass
        tables: ...
        expect: {record_refs: [], population: 2}   # status pass; population optional

``period`` (default 2026-Q3), ``register_patch`` and ``extra_columns`` are checkkit.write_register's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from audit_lib.checks.registry import CHECKS_DIR
from audit_lib.declaration.yaml_source import read_yaml
from checkkit import audit, refs

SUFFIX = ".cases.yaml"


class Expect(BaseModel):
    """What the check must give on a case's tables."""

    model_config = ConfigDict(extra="forbid")
    record_refs: list[str]
    status: Optional[Literal["pass", "fail", "error", "not_run", "not_tested"]] = None  # default: by record_refs
    population: Optional[int] = None


class Case(BaseModel):
    """One case: tables written as CSV exports with a 1:1 mapping, and what the check must find."""

    model_config = ConfigDict(extra="forbid")
    name: str
    period: str = "2026-Q3"
    # Text only: YAML reads 00100 as the number 64 and an unquoted time as a timestamp; an export has text.
    tables: dict[str, list[dict[str, Optional[StrictStr]]]]
    register_patch: dict[str, Any] = Field(default_factory=dict)
    extra_columns: dict[str, dict[str, Any]] = Field(default_factory=dict)
    expect: Expect

    @property
    def status(self) -> str:
        """The status the check must end in."""
        return self.expect.status or ("fail" if self.expect.record_refs else "pass")


class CasesFile(BaseModel):
    """A cases file: its cases, at least a passing and a failing one."""

    model_config = ConfigDict(extra="forbid")
    cases: list[Case] = Field(min_length=2)


def cases_files(root: Path = CHECKS_DIR) -> list[Path]:
    """Every cases file under ``root`` (``<family>/<id>.cases.yaml``), in path order."""
    return sorted(root.glob(f"*/*{SUFFIX}"))


def check_id_of(path: Path) -> str:
    """The id of the check a cases file is for: its name without ``.cases.yaml``."""
    return path.name[: -len(SUFFIX)]


def load_cases(path: Path) -> CasesFile:
    """Read and validate the cases file ``path``; ValueError naming the file and the fix otherwise."""
    data = read_yaml(path).data
    try:
        cases = CasesFile.model_validate(data)
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc}\n(write every table cell in quotes, as text)") from None
    passing = any(case.status == "pass" for case in cases.cases)
    if not passing or not any(case.expect.record_refs for case in cases.cases):
        raise ValueError(f"{path}: give a passing case (record_refs: [], the check passes) and a failing one "
                         "(the records it must find)")
    return cases


def check_for(path: Path, checks: Iterable[Any]) -> Any:
    """The check of ``checks`` the cases file ``path`` sits beside; ValueError when there is none."""
    check_id = check_id_of(path)
    for check in checks:
        if check.id == check_id and check.source.parent.resolve() == path.parent.resolve():
            return check
    raise ValueError(f"{path}: no check {check_id} beside it (a cases file is named after its check)")


def run_case(case: Case, check: Any, folder: Path) -> Any:
    """Audit ``case``'s tables with ``check`` in ``folder`` and assert what it expects; the AuditResult."""
    result = audit(folder, {role: [dict(row) for row in rows] for role, rows in case.tables.items()}, check.id,
                   case.period, checks=(check,), register_patch=case.register_patch or None,
                   extra_columns=case.extra_columns or None)
    row = result.check_results.iloc[0]
    assert refs(result) == sorted(case.expect.record_refs), case.name
    assert row["status"] == case.status, (case.name, row["status"], row.get("reason"))
    if case.expect.population is not None:
        assert row["population"] == case.expect.population, case.name
    return result
