"""Accepted risks: ``accepted.yaml`` beside exports.yaml, findings an approver accepted until a date.

An acceptance never replaces a finding: the finding stays in the findings table with state
``accepted`` and the reason, approver and expiry beside it (reports list them apart). An entry names
the findings it covers either by ``fingerprint`` (one finding, stable across periods) or by
``check_id`` and a glob ``record_ref`` pattern (``*`` by default). Expiry is judged at the end of the
audited period, so the same inputs always give the same states: an acceptance is in force through
its ``expires`` day; past it the finding stays open and its ``accepted_reason`` says that the
acceptance expired. Example::

    schema_version: 1
    accepted:
      - check_id: access_shared_account
        record_ref: staff_accounts/asiakaspalvelu
        reason: Team account kept until the new CRM gives personal logins (ticket 4711).
        approved_by: Saija Sarell
        expires: 2026-12-31
      - fingerprint: 3f1c0d9e8a7b6c5d4e3f2a1b
        reason: Order kept for a pending consumer dispute.
        approved_by: Saija Sarell
        expires: 2027-03-31
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_

if TYPE_CHECKING:
    import pandas as pd

ACCEPTED_FILE = "accepted.yaml"


class Acceptance(BaseModel):
    """One accepted risk: which findings, why, who approved it, until when."""

    model_config = ConfigDict(extra="forbid")
    fingerprint: str | None = Field(None, description="the fingerprint of one finding (findings.csv)")
    check_id: str | None = Field(None, description="a check id; with record_ref, the findings of that check")
    record_ref: str = Field("*", description="glob pattern of record references, e.g. staff_accounts/* "
                                             "(with check_id)")
    reason: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    expires: date = Field(description="last day the acceptance is in force (YYYY-MM-DD)")

    @model_validator(mode="after")
    def _names_findings(self) -> "Acceptance":
        if not self.fingerprint and not self.check_id:
            raise ValueError(T_("name the findings: give a fingerprint, or a check_id (and a record_ref pattern)"))
        if self.fingerprint and (self.check_id or self.record_ref != "*"):
            raise ValueError(T_("give either a fingerprint or check_id with record_ref, not both"))
        return self

    def matches(self, check_id: str, record_ref: str, fingerprint: str) -> bool:
        """True if this entry covers the finding."""
        if self.fingerprint:
            return self.fingerprint == fingerprint
        return self.check_id == check_id and fnmatch.fnmatchcase(record_ref, self.record_ref)


class AcceptedFile(BaseModel):
    """The model of accepted.yaml."""

    model_config = ConfigDict(extra="forbid")
    schema_version: int = 1
    accepted: list[Acceptance] = Field(default_factory=list)


@dataclass
class AcceptedRisks:
    """A validated accepted.yaml: its path, SHA-256, entries and the line each entry starts on."""

    path: Path
    sha256: str
    entries: list[Acceptance]
    lines: list[int | None] = field(default_factory=list)


def default_accepted_path(exports: str | Path) -> Path | None:
    """accepted.yaml beside ``exports`` (exports.yaml), if there is one."""
    candidate = Path(exports).parent / ACCEPTED_FILE
    return candidate if candidate.is_file() else None


def load_accepted(path: str | Path) -> AcceptedRisks:
    """Read and validate accepted.yaml; DeclarationError naming the file, line and fix otherwise."""
    from audit_lib.declaration.load import _problems_from_validation
    from audit_lib.declaration.yaml_source import read_yaml

    source = read_yaml(path)
    data = source.data if source.data is not None else {}
    if not isinstance(data, dict):
        raise DeclarationError([Problem(str(source.path), "", T_("expected a mapping with the key 'accepted'"), line=1,
                                        fix=T_("start with `schema_version: 1` and `accepted:` (a list of entries)"))])
    try:
        model = AcceptedFile.model_validate(data)
    except ValidationError as exc:
        problems = _problems_from_validation(source, exc, AcceptedFile)
        for problem in problems:
            if problem.fix is None and ("name the findings" in problem.message or "not both" in problem.message):
                problem.fix = T_("see the example in audit_lib/accepted.py")
        raise DeclarationError(problems) from exc
    lines = [source.line_of(("accepted", i)) for i in range(len(model.accepted))]
    return AcceptedRisks(source.path, source.sha256, model.accepted, lines)


def apply_accepted(findings: "pd.DataFrame", accepted: AcceptedRisks, judged_on: date) -> "pd.DataFrame":
    """A copy of ``findings`` with the open findings that ``accepted`` covers on ``judged_on`` (the last
    day of the audited period) marked ``accepted``; an expired entry leaves its findings open and says so
    in ``accepted_reason``. The first entry in force wins; without one, the first expired entry is noted."""
    frame = findings.copy()
    for index, row in frame.iterrows():
        if row["state"] != "open":
            continue
        matching = [e for e in accepted.entries if e.matches(row["check_id"], row["record_ref"], row["fingerprint"])]
        if not matching:
            continue
        in_force = [e for e in matching if e.expires >= judged_on]
        entry = in_force[0] if in_force else matching[0]
        frame.at[index, "accepted_by"] = entry.approved_by
        frame.at[index, "accepted_until"] = entry.expires.isoformat()
        if in_force:
            frame.at[index, "state"] = "accepted"
            frame.at[index, "accepted_reason"] = entry.reason
        else:
            frame.at[index, "accepted_reason"] = f"expired {entry.expires.isoformat()}: {entry.reason}"
    return frame


def unmatched(findings: "pd.DataFrame", accepted: AcceptedRisks) -> list[str]:
    """Entries (as ``accepted.yaml:<line>``) that cover no finding: stale acceptances to review."""
    rows = list(zip(findings["check_id"], findings["record_ref"], findings["fingerprint"]))
    return [f"{accepted.path.name}:{line}" for entry, line in zip(accepted.entries, accepted.lines)
            if not any(entry.matches(*row) for row in rows)]
