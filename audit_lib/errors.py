"""Exceptions of regaudit, each saying where the problem is and what to do next.

The tree::

    RegauditError                 base; the CLI prints its message in one red line (exit code 4)
    ├── DeclarationError          register.yaml or exports.yaml is wrong (file, line, key path, fix; 3)
    │   └── DeclarationErrors     several DeclarationError collected in one pass
    ├── LoadError                 an export cannot be read (file, row, column)
    ├── CheckDefinitionError      a check file is malformed or duplicates an id (check file, id)
    ├── OutputError               a file or folder cannot be written (path, cause, fix)
    ├── ReportError               the report could not be rendered or written (stage, folder)
    │   └── ReportFailed          it broke after it started; what it made is kept (exit code 5)
    └── VerificationError         a report folder is not as published: files, hashes, signature (6)

Each class carries the exit code the CLI ends with (``exit_code``, an ``ExitCode``). Data that breaks
a rule is never an exception: it is a finding. A check that breaks while running is an ``error``
result, not an exception, so one broken check never stops an audit.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from audit_lib.exit_codes import ExitCode


class RegauditError(Exception):
    """Base of every error regaudit raises on purpose."""

    exit_code: ExitCode = ExitCode.ERROR


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

    exit_code = ExitCode.INVALID_DECLARATION

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


class ReportFailed(ReportError):
    """The report broke after it started: what it made is kept in ``folder``
    (``<name>.failed-<timestamp>/``, with the executed notebook showing the failing cell)."""

    exit_code = ExitCode.REPORT_FAILED

    def __init__(self, message: str, folder: Path | None = None) -> None:
        super().__init__(message)
        self.folder = folder


class VerificationError(RegauditError):
    """A published report folder does not verify (``regaudit verify``): ``problems`` names each file
    that changed, is missing or extra, and a signature that fails."""

    exit_code = ExitCode.VERIFY_FAILED

    def __init__(self, folder: Path, problems: list[str]) -> None:
        self.folder, self.problems = folder, problems
        count = len(problems)
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{folder} does not verify ({count} problem{'s' if count != 1 else ''}):\n{lines}")


class OutputError(RegauditError):
    """A file or folder regaudit writes cannot be written: the disk is full, it is read-only, or a
    file stands where a folder must be. The message names the path, the cause and the fix."""

    @classmethod
    def from_os_error(cls, exc: OSError, option: str = "--out") -> "OutputError":
        """The OutputError that says what ``exc`` (raised while writing an output) means to a user."""
        return cls(describe_os_error(exc, option=option, output=True))


# errno -> what happened, and the fix when the path was an output ("{option}" chose it). A full disk
# has the same fix whether regaudit was reading or writing; a permission problem has not.
_FULL = {errno.ENOSPC: "the disk is full", getattr(errno, "EDQUOT", errno.ENOSPC): "the disk quota is used up"}
_REFUSED = {errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
            errno.EPERM: "operation not permitted"}


def describe_os_error(exc: OSError, *, option: str = "--out", output: bool = False) -> str:
    """One sentence for an OSError: the path, what happened and the fix (without a traceback).

    ``output`` says the path was being written (an output folder or file), which decides the fix.
    """
    path = exc.filename if exc.filename is not None else exc.filename2
    where = f"{path}" if path is not None else "a file"
    elsewhere = f"choose another folder with {option}" if output else "choose another folder"
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) and path is not None:
        blocker = _file_in_the_way(Path(os.fsdecode(path)))
        if blocker is not None:
            prefix = "" if str(blocker) == os.fsdecode(path) else f"{where}: "
            return f"{prefix}{blocker} is a file, not a folder — remove or rename it, or {elsewhere}."
    if exc.errno == errno.EISDIR:
        return f"{where} is a folder where a file was expected — remove or rename it."
    verb = "write" if output else "use"
    if exc.errno in _FULL:
        return f"cannot {verb} {where}: {_FULL[exc.errno]} — free space on that disk, or {elsewhere}."
    if exc.errno in _REFUSED:
        fix = f"make the folder writable for you, or {elsewhere}" if output else "check its permissions"
        return f"cannot {verb} {where}: {_REFUSED[exc.errno]} — {fix}."
    if exc.errno == errno.ENOENT and not output:
        return f"{where} does not exist — check the path."
    return f"cannot {verb} {where}: {exc.strerror or exc}."


def _file_in_the_way(path: Path) -> Path | None:
    """The path itself or its nearest existing ancestor, when that is not a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
