"""Linting a declaration file: validation errors, or the notice checks' findings, with documented exit codes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from audit_lib.errors import DeclarationError, Problem
from audit_lib.vocabulary import ExitCode, Severity

if TYPE_CHECKING:
    from audit_lib.checks.spec import Check, CheckResult
    from audit_lib.declaration.register import Register
    from audit_lib.declaration.yaml_source import YamlSource

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INVALID = ExitCode.OK, ExitCode.FINDINGS, ExitCode.INVALID_DECLARATION
_PART = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")


@dataclass
class RegisterOnly:
    """What a declaration-scope check reads when there is no export map: the register and its source."""

    register: "Register"
    register_source: "YamlSource | None" = None


@dataclass
class LintFinding:
    """One notice finding, located in the file."""

    check_id: str
    severity: str
    kind: str
    legal: list[str]
    record_ref: str
    line: int | None
    message: str


@dataclass
class LintResult:
    """The outcome of linting one file: problems (invalid file) or findings (valid, with gaps)."""

    path: Path
    kind: str
    problems: list[Problem] = field(default_factory=list)
    findings: list[LintFinding] = field(default_factory=list)
    results: list["CheckResult"] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """3 invalid file, 1 breaches found, 0 clean or only items to verify."""
        if self.problems:
            return EXIT_INVALID
        return EXIT_FINDINGS if self.breaches else EXIT_CLEAN

    @property
    def breaches(self) -> list[LintFinding]:
        """Findings the notice shows as a breach (not items to verify)."""
        return [f for f in self.findings if f.kind == "breach"]


def notice_checks() -> tuple["Check", ...]:
    """The checks of the notice family (declaration scope: they need no data)."""
    from audit_lib.checks.registry import catalogue

    return tuple(c for c in catalogue() if c.family == "notice")


def run_notice_checks(register: "Register", source: "YamlSource | None" = None,
                      checks: tuple["Check", ...] | None = None) -> list["CheckResult"]:
    """Run the notice checks over ``register`` alone (no DuckDB connection, no exports)."""
    from audit_lib.checks.runner import CheckContext, run_checks

    context = CheckContext(con=None, params={}, available={},  # type: ignore[arg-type]
                           declaration=RegisterOnly(register, source))  # type: ignore[arg-type]
    return run_checks(checks if checks is not None else notice_checks(), context)


def parse_record_ref(record_ref: str) -> tuple[str | int, ...]:
    """``register.yaml#purposes[3].lawful_basis`` -> ('purposes', 3, 'lawful_basis')."""
    path = record_ref.split("#", 1)[-1]
    return tuple(int(index) if index else key for index, key in _PART.findall(path))


def detect_kind(path: str | Path) -> str:
    """'exports' if the YAML file maps export files, else 'register'."""
    from audit_lib.declaration.yaml_source import read_yaml

    try:  # the one bounded loader: a hostile file must not exhaust memory before it is validated
        data = read_yaml(path).data
    except DeclarationError:
        return "register"  # the loader reports the file's own error with its line
    return "exports" if isinstance(data, dict) and "exports" in data else "register"


def lint(path: str | Path, lang: str = "en", allow_outside: list[str | Path] | None = None) -> LintResult:
    """Validate ``path`` (register.yaml, or exports.yaml and its register) and run the notice checks.

    ``allow_outside``: folders outside exports.yaml's own that its paths may name (see ``load_declaration``).
    """
    from audit_lib.declaration.load import load_declaration, load_register
    from audit_lib.findings import finding_kind, finding_legal, render_message

    kind = detect_kind(path)
    if kind == "exports":
        # A draft of `regaudit map` (or `fides import`) holds TODOs: guesses are never taken as fact.
        from audit_lib.declaration.yaml_source import read_yaml
        from audit_lib.mapdraft.todos import todo_problems

        try:
            todos = todo_problems(read_yaml(path))
        except DeclarationError as exc:
            return LintResult(Path(path), kind, problems=exc.problems)
        if todos:
            return LintResult(Path(path), kind, problems=todos)
    try:
        if kind == "exports":
            declaration = load_declaration(None, path, allow_outside=allow_outside)
            register, source = declaration.register, declaration.register_source
        else:
            register, source = load_register(path)
    except DeclarationError as exc:
        return LintResult(Path(path), kind, problems=exc.problems)
    results = run_notice_checks(register, source)
    findings = []
    for result in results:
        meta = result.check.meta
        if result.status.value == "error":
            findings.append(LintFinding(meta.id, meta.severity, "breach", meta.legal, "", None,
                                        f"the check broke: {result.reason}"))
        for row in result.rows:
            findings.append(LintFinding(
                meta.id, meta.severity, finding_kind(meta, row), finding_legal(meta, row), str(row["record_ref"]),
                source.line_of(parse_record_ref(str(row["record_ref"]))),
                render_message(meta.message.get(lang), row, register.controller.timezone)))
    # In file order, so a person fixes the file from the top.
    findings.sort(key=lambda f: (f.line or 0, f.check_id, f.record_ref))
    return LintResult(Path(path), kind, findings=findings, results=results)


def render(result: LintResult, console: Any, say: Callable[[object], str] = str) -> None:
    """Print ``result`` to a rich console: problems as a list, findings as a table, then a summary.

    ``say`` shows a message (a ``T_`` text, a Problem) in the reader's language: the CLI's gives its own.
    """
    from rich.markup import escape
    from rich.table import Table

    from audit_lib.i18n import T_, Tn_

    if result.problems:
        count = len(result.problems)
        invalid = Tn_("{path}: {count} problem; the file is invalid", "{path}: {count} problems; the file is invalid",
                      count, path=result.path, count=count)
        console.print(f"[bold red]{escape(say(invalid))}[/]", highlight=False)
        for problem in result.problems:
            console.print(f"  {say(problem)}", highlight=False, markup=False, soft_wrap=True)
        return
    ran = len(result.results)
    if not result.findings:
        valid = T_("{path}: valid; {ran} notice checks, no findings", path=result.path, ran=ran)
        console.print(f"[green]{escape(say(valid))}[/]", highlight=False)
        return
    colours = {Severity.CRITICAL: "bold red", Severity.HIGH: "red", Severity.MEDIUM: "yellow", Severity.LOW: "cyan"}
    table = Table(title=escape(say(T_("Notice findings in {path}", path=result.path))))
    for column in (T_("line"), T_("check"), T_("kind"), T_("severity"), T_("provision"), T_("finding")):
        table.add_column(say(column), overflow="fold")
    for finding in result.findings:
        table.add_row("" if finding.line is None else str(finding.line), finding.check_id,
                      say(T_("breach")) if finding.kind == "breach" else f"[magenta]{escape(say(T_('verify')))}[/]",
                      f"[{colours.get(finding.severity, '')}]{finding.severity}[/]", finding.legal[0],
                      escape(finding.message))
    console.print(table)
    failed = sum(1 for r in result.results if r.rows)
    verify = len(result.findings) - len(result.breaches)
    console.print(escape(say(T_("{path}: valid; {breaches} breaches and {verify} items to verify from {failed} of "
                                "{ran} notice checks", path=result.path, breaches=len(result.breaches),
                                verify=verify, failed=failed, ran=ran))), highlight=False)
