"""Exceptions of regaudit, each saying where the problem is and what to do next.

The tree::

    RegauditError                 base; the CLI prints its message in one red line
    ├── DeclarationError          register.yaml or exports.yaml is wrong (file, line, key path, fix)
    │   └── DeclarationErrors     several DeclarationError collected in one pass
    ├── LoadError                 an export cannot be read (file, row, column)
    ├── CheckDefinitionError      a check file is malformed or duplicates an id (check file, id)
    └── ReportError               the report could not be rendered or written (stage, folder)

Data that breaks a rule is never an exception: it is a finding. A check that breaks while running
is an ``error`` result, not an exception, so one broken check never stops an audit.
"""

from __future__ import annotations

from dataclasses import dataclass


class RegauditError(Exception):
    """Base of every error regaudit raises on purpose."""


@dataclass
class Problem:
    """One thing wrong in a declaration file: where it is and how to fix it."""

    file: str
    path: str
    message: str
    line: int | None = None
    fix: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"
        return f"{text} — {self.fix}" if self.fix else text


class DeclarationError(RegauditError):
    """register.yaml or exports.yaml is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        count = len(problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the declaration:\n{lines}")


class LoadError(RegauditError):
    """An export file cannot be loaded at all (as opposed to rows that are quarantined)."""

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where = file + (f", row {row}" if row is not None else "") + (f", column {column!r}" if column else "")
        super().__init__(f"{where}: {message}")


class CheckDefinitionError(RegauditError):
    """A check file is malformed, or its id is used twice."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(f"{source}: {message}")


class ReportError(RegauditError):
    """The report could not be produced; the message names the stage and the folder."""
