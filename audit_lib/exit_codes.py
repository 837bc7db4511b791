"""The exit codes of ``regaudit``, one enum for the command line and the report pipeline alike.

Part of regaudit's vocabulary: ``audit_lib.vocabulary`` re-exports ``ExitCode``.

Scripts and CI branch on these numbers, so they are documented (``regaudit --help``, the README's
table, which tests/test_cli_exit_codes.py holds to this enum) and never reused for another meaning.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Iterable, Mapping


class ExitCode(IntEnum):
    """What a ``regaudit`` run ended with; ``meaning`` is the sentence the help and the README show."""

    OK = 0
    FINDINGS = 1
    INCOMPLETE = 2
    INVALID_DECLARATION = 3
    ERROR = 4
    REPORT_FAILED = 5
    # `regaudit verify`: the report folder is not as it was published. Its own code, so that a script
    # tells tampering (or damage) from a verification that could not run (ERROR).
    VERIFY_FAILED = 6
    # `regaudit reveal`: the reference belongs to no subject of these exports under this key. Not
    # FINDINGS: a script must tell "nobody" from "found something to act on".
    NOT_FOUND = 7
    # sysexits.h's EX_USAGE: the command line itself is wrong. Click's own default (2) would collide
    # with INCOMPLETE, which a script must be able to tell apart from a typo.
    USAGE = 64
    # 128 + SIGINT, the shell's convention for a run stopped by Ctrl-C.
    INTERRUPTED = 130

    @property
    def meaning(self) -> str:
        """One line saying what the code means."""
        return _MEANINGS[self]


_MEANINGS = {
    ExitCode.OK: "done; the audit is complete and no open finding is at or above --fail-on",
    ExitCode.FINDINGS: "open findings at or above --fail-on (lint: notice findings; map --check, schema --check: "
                       "a difference found)",
    ExitCode.INCOMPLETE: "the audit is incomplete: checks, inputs or retention rules that could not be evaluated",
    ExitCode.INVALID_DECLARATION: "invalid register.yaml, exports.yaml or accepted-risks file",
    ExitCode.ERROR: "other errors (nothing published), e.g. an output folder that cannot be written",
    ExitCode.REPORT_FAILED: "the report failed while running: nothing published, what it made kept in "
                            "PERIOD.failed-TIME/ in the reports folder",
    ExitCode.VERIFY_FAILED: "verify: a file of the report folder changed, is missing or is extra, or its "
                            "signature does not verify",
    ExitCode.NOT_FOUND: "reveal: no subject of the exports has the reference under this key",
    ExitCode.USAGE: "usage error: an unknown command or option, a missing or malformed option value",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C)",
}


def help_text() -> str:
    """The exit-code table as ``--help`` shows it (``\\b`` keeps click from rewrapping its lines)."""
    rows = "\n".join(f"  {code.value:<4} {code.meaning}" for code in ExitCode)
    return f"Exit codes:\n\n\b\n{rows}"


def audit_exit_code(complete: bool, open_severities: Iterable[str] | Mapping[str, int],
                    fail_on: str | None = "low") -> ExitCode:
    """The exit code of an audit, for ``regaudit check`` and ``regaudit run`` alike.

    ``complete`` is the audit's own verdict (``AuditResult.complete``, which the report's cover and
    audit.json show too); ``open_severities`` the severities of its open findings, or a mapping of
    severity to count. INCOMPLETE wins over FINDINGS: an audit that could not look everywhere
    must not pass for one that looked and found only what it reports.
    """
    from audit_lib.vocabulary import FAIL_ON_NOTHING, SEVERITY_RANK  # it imports this module

    if not complete:
        return ExitCode.INCOMPLETE
    if not fail_on or fail_on == FAIL_ON_NOTHING:
        return ExitCode.OK
    if isinstance(open_severities, Mapping):
        open_severities = [severity for severity, count in open_severities.items() if count]
    threshold = SEVERITY_RANK[fail_on]
    if any(SEVERITY_RANK.get(severity, 0) >= threshold for severity in open_severities):
        return ExitCode.FINDINGS
    return ExitCode.OK
