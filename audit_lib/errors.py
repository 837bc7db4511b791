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

A message is written in English with ``T_`` (audit_lib/i18n.py): ``str(error)`` is the English, and
``error.in_language("fi")`` the same message in Finnish, as the CLI shows it when it speaks Finnish.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

from audit_lib.exit_codes import ExitCode
from audit_lib.i18n import SOURCE_LANGUAGE, Joined, T_, Text, Tn_, localise


class RegauditError(Exception):
    """Base of every error regaudit raises on purpose; its message may be a ``T_`` text."""

    exit_code: ExitCode = ExitCode.ERROR

    def in_language(self, lang: str) -> str:
        """The message in ``lang`` (the English one, ``str(self)``, for a message not made with ``T_``)."""
        return str(localise(self.args[0], lang)) if self.args else ""


@dataclass
class Problem:
    """One thing wrong in a declaration file: where it is and how to fix it (message and fix may be ``T_`` texts)."""

    file: str
    path: str
    message: str
    line: int | None = None
    fix: str | None = None

    def __str__(self) -> str:
        return self.in_language(SOURCE_LANGUAGE)

    def in_language(self, lang: str) -> str:
        """The problem in ``lang``: ``file:line: key.path: message — fix``."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        message = localise(self.message, lang)
        text = f"{where}: {self.path}: {message}" if self.path else f"{where}: {message}"
        return f"{text} — {localise(self.fix, lang)}" if self.fix else text


def _listed(heading: Text, problems: list) -> Joined:
    """``heading``, then each problem on a line of its own, indented (in any language)."""
    return Joined("\n", [heading, Joined("\n", problems, prefix="  ")])


class DeclarationError(RegauditError):
    """register.yaml or exports.yaml is invalid; ``problems`` lists every problem found."""

    exit_code = ExitCode.INVALID_DECLARATION

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        count = len(problems)
        super().__init__(_listed(Tn_("{count} problem in the declaration:", "{count} problems in the declaration:",
                                     count, count=count), problems))


class LoadError(RegauditError):
    """An export file cannot be loaded at all (as opposed to rows that are quarantined)."""

    def __init__(self, file: str, message: str, *, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column = file, row, column
        where: str = file
        if row is not None and column:
            where = T_("{file}, row {row}, column {column!r}", file=file, row=row, column=column)
        elif row is not None:
            where = T_("{file}, row {row}", file=file, row=row)
        elif column:
            where = T_("{file}, column {column!r}", file=file, column=column)
        super().__init__(Joined(": ", [where, message]))


class CheckDefinitionError(RegauditError):
    """A check file is malformed, or its id is used twice."""

    def __init__(self, source: str, message: str):
        self.source = source
        super().__init__(Joined(": ", [source, message]))


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
        super().__init__(_listed(Tn_("{folder} does not verify ({count} problem):",
                                     "{folder} does not verify ({count} problems):", count, folder=folder,
                                     count=count), problems))


class OutputError(RegauditError):
    """A file or folder regaudit writes cannot be written: the disk is full, it is read-only, or a
    file stands where a folder must be. The message names the path, the cause and the fix."""

    @classmethod
    def from_os_error(cls, exc: OSError, option: str = "--out") -> "OutputError":
        """The OutputError that says what ``exc`` (raised while writing an output) means to a user."""
        return cls(describe_os_error(exc, option=option, output=True))


def _pydantic_messages() -> dict[str, Text]:
    """pydantic's English for the errors a declaration file most often has, as ``T_`` texts (by error type)."""
    return {"missing": T_("Field required"), "string_type": T_("Input should be a valid string"),
            "int_type": T_("Input should be a valid integer"),
            "int_parsing": T_("Input should be a valid integer, unable to parse string as an integer"),
            "int_from_float": T_("Input should be a valid integer, got a number with a fractional part"),
            "float_parsing": T_("Input should be a valid number, unable to parse string as a number"),
            "bool_parsing": T_("Input should be a valid boolean, unable to interpret input"),
            "list_type": T_("Input should be a valid list"), "dict_type": T_("Input should be a valid dictionary"),
            "extra_forbidden": T_("Extra inputs are not permitted")}


def validation_message(item: dict) -> str:
    """The message of one error of a pydantic ValidationError (``errors()``), translatable where it can be:
    a validator's own ``T_`` text, pydantic's own message for a common error type (``Field required``,
    ``Input should be 'a' or 'b'``), else pydantic's English as it is."""
    raised = (item.get("ctx") or {}).get("error")
    if isinstance(raised, Exception) and raised.args and isinstance(raised.args[0], Text):
        return raised.args[0]
    english = str(item.get("msg", "")).removeprefix("Value error, ")
    if item.get("type") in ("literal_error", "enum") and "expected" in (item.get("ctx") or {}):
        expected: object = str(item["ctx"]["expected"])
        if " or " in expected:  # "'a', 'b' or 'c'": its "or" in the reader's language
            choices, last = expected.rsplit(" or ", 1)
            expected = T_("{choices} or {last}", choices=choices, last=last)
        known: Text | None = T_("Input should be {expected}", expected=expected)
    elif item.get("type") == "iso_duration":  # register.yaml's own error type (declaration/register.py)
        known = T_("'{value}' is not an ISO 8601 duration", value=(item.get("ctx") or {}).get("value"))
    else:
        known = _pydantic_messages().get(str(item.get("type")))
    return known if known is not None and known == english else english


def _causes() -> tuple[dict[int, Text], dict[int, Text]]:
    """errno -> what happened: a full disk (the same fix whether regaudit was reading or writing) and a
    refusal (whose fix depends on it)."""
    full = {errno.ENOSPC: T_("the disk is full"),
            getattr(errno, "EDQUOT", errno.ENOSPC): T_("the disk quota is used up")}
    refused = {errno.EROFS: T_("the file system is read-only"), errno.EACCES: T_("permission denied"),
               errno.EPERM: T_("operation not permitted")}
    return full, refused


def describe_os_error(exc: OSError, *, option: str = "--out", output: bool = False) -> Text:
    """One sentence for an OSError: the path, what happened and the fix (without a traceback).

    ``output`` says the path was being written (an output folder or file), which decides the fix.
    """
    path = exc.filename if exc.filename is not None else exc.filename2
    where = f"{path}" if path is not None else T_("a file")
    elsewhere = T_("choose another folder with {option}", option=option) if output else T_("choose another folder")
    if exc.errno in (errno.EEXIST, errno.ENOTDIR) and path is not None:
        blocker = _file_in_the_way(Path(os.fsdecode(path)))
        if blocker is not None:
            if str(blocker) == os.fsdecode(path):
                return T_("{blocker} is a file, not a folder — remove or rename it, or {elsewhere}.",
                          blocker=blocker, elsewhere=elsewhere)
            return T_("{where}: {blocker} is a file, not a folder — remove or rename it, or {elsewhere}.",
                      where=where, blocker=blocker, elsewhere=elsewhere)
    if exc.errno == errno.EISDIR:
        return T_("{where} is a folder where a file was expected — remove or rename it.", where=where)
    full, refused = _causes()
    if exc.errno in full:
        cause = full[exc.errno]
        if output:
            return T_("cannot write {where}: {cause} — free space on that disk, or {elsewhere}.", where=where,
                      cause=cause, elsewhere=elsewhere)
        return T_("cannot use {where}: {cause} — free space on that disk, or {elsewhere}.", where=where,
                  cause=cause, elsewhere=elsewhere)
    if exc.errno in refused:
        if output:
            return T_("cannot write {where}: {cause} — make the folder writable for you, or {elsewhere}.",
                      where=where, cause=refused[exc.errno], elsewhere=elsewhere)
        return T_("cannot use {where}: {cause} — check its permissions.", where=where, cause=refused[exc.errno])
    if exc.errno == errno.ENOENT and not output:
        return T_("{where} does not exist — check the path.", where=where)
    cause = exc.strerror or exc
    if output:
        return T_("cannot write {where}: {cause}.", where=where, cause=cause)
    return T_("cannot use {where}: {cause}.", where=where, cause=cause)


def _file_in_the_way(path: Path) -> Path | None:
    """The path itself or its nearest existing ancestor, when that is not a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None
