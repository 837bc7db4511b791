"""The check contract: a check's metadata header, and the result every check run produces."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from audit_lib.vocabulary import FAMILIES, KINDS, SEVERITIES, SEVERITY_RANK, Status

# Literal types of the header's fields, from the vocabularies (``Literal[tuple]`` is ``Literal[*tuple]``):
# pydantic then keeps plain strings, as every output writes them.
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
# What a finding asks of the lead: a ``breach`` the data or the notice shows, or an item to ``verify``
# (the declaration alone cannot tell, e.g. whether Art. 37(1) requires a DPO). A check's header sets
# its default; a row's ``finding_kind`` column overrides it.
Kind = Literal[KINDS]  # type: ignore[valid-type]
__all__ = ["FAMILIES", "KINDS", "SEVERITY_RANK", "Check", "CheckMeta", "CheckResult", "Kind", "Severity", "Status",
           "Text"]


class Text(BaseModel):
    """A text in English and Finnish."""

    model_config = ConfigDict(extra="forbid")
    en: str
    fi: str

    def get(self, lang: str) -> str:
        """The text in ``lang``."""
        return self.fi if lang == "fi" else self.en


class CheckMeta(BaseModel):
    """The header of a check file."""

    model_config = ConfigDict(extra="forbid")
    id: str
    title: Text
    severity: Severity
    kind: Kind = "breach"
    legal: list[str] = Field(min_length=1, description="every provision the check may cite; a row's "
                                                       "``legal_refs`` narrows or extends it for that finding")
    needs: dict[str, list[str]] = Field(default_factory=dict, description="role -> fields the check reads")
    message: Text = Field(description="one sentence per finding; {column} placeholders from the row")
    remediation: Text
    evidence: list[str] = Field(default_factory=list, description="row columns kept as evidence (minimised)")
    fingerprint: list[str] = Field(default_factory=list, description="row columns that identify the finding "
                                                                     "besides check id and record_ref")
    population: str | None = Field(None, description="SQL counting the records tested")
    shared: list[str] = Field(default_factory=list, description="intermediate results of checks/shared.py the "
                              "check reads as tables shared_<name>, made once per audit (CheckContext.shared)")
    reads: list[str] = Field(default_factory=list, description="derived relations the check reads besides its "
                             "needs (e.g. retention_items): their rows are its input, so that a population "
                             "of 0 over rows that exist is reported as tested nothing")
    uses: list[str] = Field(default_factory=list, description="relations the check may read besides its needs "
                            "and reads, without needing them (e.g. orders for an exception it tests when they are "
                            "there; identities; export_columns), or export_rows for every export as read: what "
                            "`regaudit check --only` loads for it too (audit_lib/selection.py)")
    scope: Literal["period", "as_of", "declaration"] = "period"


@dataclass
class Check:
    """A discovered check: its metadata, its family, and either SQL or a Python function."""

    meta: CheckMeta
    family: str
    source: Path
    sql: str | None = None
    function: Callable[..., Any] | None = None
    population_function: Callable[..., int] | None = None
    # Why the check had nothing to test, in its own words (a Python check's ``why_not_tested``).
    not_tested_function: Callable[..., str | None] | None = None

    @property
    def id(self) -> str:
        """The check id (its file name)."""
        return self.meta.id


@dataclass
class CheckResult:
    """One check's outcome over the audit's inputs."""

    check: Check
    status: Status
    population: int | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    reason: str | None = None
    duration_s: float = 0.0
    input_rows: int | None = None
    # For a check not run because exports.yaml declares its inputs not exported: the audit is
    # complete without it (the reason says which and why).
    out_of_scope: bool = False

    @property
    def failures(self) -> int:
        """Number of violating records."""
        return len(self.rows)

    @property
    def tested_nothing(self) -> bool:
        """The check ran over inputs that hold rows, but no record was in its population."""
        return self.status == Status.NOT_TESTED
