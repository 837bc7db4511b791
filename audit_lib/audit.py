"""One audit end to end in Python: declaration → loader → checks → findings (no notebook needed)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from audit_lib.checks.spec import Check, CheckResult
from audit_lib.vocabulary import INCOMPLETE_STATUSES, InputStatus

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from audit_lib.accepted import AcceptedRisks
    from audit_lib.declaration import Declaration, Register
    from audit_lib.loader import LoadReport
    from audit_lib.opening import OpenedRegister, Validated
    from audit_lib.periods import Period
    from audit_lib.selection import Selection


@dataclass
class AuditResult:
    """Everything an audit produced; tables as DataFrames, the DuckDB connection kept for charts."""

    period: "Period"
    run_id: str
    declaration: "Declaration"
    load_report: "LoadReport"
    results: list[CheckResult]
    findings: "pd.DataFrame"
    check_results: "pd.DataFrame"
    con: "duckdb.DuckDBPyConnection"
    lang: str = "en"
    incomplete_reasons: list[str] = field(default_factory=list)
    accepted_path: Path | None = None
    accepted_sha256: str | None = None
    accepted_unmatched: list[str] = field(default_factory=list)
    # The pseudonym key, for outputs that pseudonymise what the findings do not hold (quarantined keys);
    # its fingerprint goes into the manifest, so that a key changed between periods is noticed.
    pseudonym_key: bytes = field(default=b"", repr=False)
    key_fingerprint: str | None = None
    # ``regaudit check --only``: the ids of the checks selected (None: the whole catalogue ran). Such an
    # audit is partial by nature: ``complete`` is about the selected checks and the inputs they read.
    only: tuple[str, ...] | None = None
    catalogue_size: int | None = None
    # The engine the checks ran on (``--engine``): the loader is DuckDB's either way.
    engine: str = "duckdb"

    @property
    def partial(self) -> bool:
        """True for an audit of selected checks only (``--only``): no verdict on the rest of the catalogue."""
        return self.only is not None

    @property
    def skipped_inputs(self) -> list[str]:
        """Files not read because no selected check needs them (status ``skipped``)."""
        return [str(row["file"]) for row in self.load_report.inputs if row["status"] == InputStatus.SKIPPED]

    @property
    def accepted_findings(self) -> "pd.DataFrame":
        """Findings an accepted.yaml entry in force covers (state ``accepted``); reports list them apart."""
        return self.findings[self.findings["state"] == "accepted"].reset_index(drop=True)

    @property
    def open_findings(self) -> "pd.DataFrame":
        """Findings not accepted: what the exit code and the main report count."""
        return self.findings[self.findings["state"] == "open"].reset_index(drop=True)

    @property
    def register(self) -> "Register":
        """The validated register.yaml."""
        return self.declaration.register

    @property
    def inputs(self) -> "pd.DataFrame":
        """Per input file: hash, rows read, loaded and quarantined, status."""
        return self.load_report.inputs_frame()

    @property
    def quarantine(self) -> "pd.DataFrame":
        """Rows set aside by the loader, as outputs show them (audit_lib/quarantine.py: file, data row,
        physical line, column, reason code and text, the duplicate key's pseudonym; no raw text). For
        inspection: it is fetched whole, so outputs stream it with ``write_tables`` instead."""
        from audit_lib.quarantine import frame

        return frame(self.con, self.pseudonym_key)

    @property
    def declaration_hashes(self) -> dict[str, str]:
        """SHA-256 of register.yaml and exports.yaml."""
        return self.declaration.hashes

    @property
    def complete(self) -> bool:
        """True only if every input loaded, every check in scope ran (pass or fail) and every retention
        rule could be evaluated: the one verdict of completeness (``incomplete_reasons`` says why not).
        For a ``partial`` audit (``only``): every input the selected checks read loaded, and they ran."""
        return not self.incomplete_reasons

    def write_tables(self, folder: str | Path, include_raw: bool = False, csv_dialect: str | None = None) -> dict[str, Path]:
        """Write findings (CSV, Parquet, JSON), check results (CSV, Parquet), inputs and quarantine into ``folder``.

        Every CSV is in ``csv_dialect`` (audit_lib/outputs.py: ``excel``, the default, ``excel-fi`` or
        ``rfc4180``). The Parquet files are typed (audit_lib/typed_tables.py): ``event_at`` a timestamp
        with the register's zone, counts as integers, flags as booleans. The quarantine is streamed by
        the one policy of audit_lib/quarantine.py: its raw text only with ``include_raw`` (internal
        use), keys pseudonymised always.
        """
        from audit_lib.outputs import (atomic_write_bytes, atomic_write_text, csv_dialect as dialect_of, plain_cells,
                                       write_csv_safe)
        from audit_lib.quarantine import write_quarantine
        from audit_lib.typed_tables import check_results_table, findings_table, inputs_for_output, parquet_bytes

        dialect = dialect_of(csv_dialect)
        target = Path(folder)
        target.mkdir(parents=True, exist_ok=True)
        written = {
            "findings.csv": write_csv_safe(self.findings, target / "findings.csv", dialect),
            "check_results.csv": write_csv_safe(self.check_results, target / "check_results.csv", dialect),
            "inputs.csv": write_csv_safe(inputs_for_output(self.inputs), target / "inputs.csv", dialect),
            "quarantine.csv": write_quarantine(self.con, target / "quarantine.csv", self.pseudonym_key,
                                               include_raw=include_raw, csv_dialect=dialect),
        }
        timezone = self.register.controller.timezone
        written["findings.parquet"] = atomic_write_bytes(target / "findings.parquet",
                                                         parquet_bytes(findings_table(self.findings, timezone)))
        written["check_results.parquet"] = atomic_write_bytes(target / "check_results.parquet",
                                                              parquet_bytes(check_results_table(self.check_results)))
        records = json.loads(plain_cells(self.findings).to_json(orient="records", force_ascii=False))
        written["findings.json"] = atomic_write_text(target / "findings.json",
                                                     json.dumps(records, ensure_ascii=False, indent=1) + "\n")
        return written

    def exit_code(self, fail_on: str | None = "low") -> int:
        """0 clean, 1 open findings at or above ``fail_on``, 2 the audit is incomplete (see the CLI's help).

        Completeness is ``complete``, the verdict the report's cover and ``regaudit run`` use too: a
        retention rule that could not be evaluated makes ``check`` exit 2 as it makes ``run`` exit 2.
        """
        from audit_lib.exit_codes import audit_exit_code

        from audit_lib.findings import breaches

        return audit_exit_code(self.complete, breaches(self.open_findings)["severity"], fail_on)


# When set (by the report pipeline, for the notebook's kernel), run_audit without a progress callback
# appends its progress to this file as JSON lines, so that the CLI outside the kernel can show it.
PROGRESS_FILE_ENV = "REGAUDIT_PROGRESS_FILE"


@dataclass(frozen=True)
class AuditProgress:
    """Where a running audit is: the stage (declaration, load, check, findings), the check that
    starts (stage ``check``), how many checks are done and how many the audit runs.

    ``str()`` gives the short text older callbacks printed ("load", "check consent_…").
    """

    stage: str
    check_id: str | None = None
    done: int = 0
    total: int = 0

    def __str__(self) -> str:
        return f"check {self.check_id}" if self.stage == "check" else self.stage

    def to_json(self) -> str:
        """One line for the progress file."""
        return json.dumps({"stage": self.stage, "check_id": self.check_id, "done": self.done, "total": self.total})

    @classmethod
    def from_json(cls, line: str) -> "AuditProgress":
        """The event a ``to_json`` line holds."""
        data = json.loads(line)
        return cls(data["stage"], data.get("check_id"), int(data.get("done", 0)), int(data.get("total", 0)))


def _progress_file_callback() -> Callable[[AuditProgress], None] | None:
    import os

    target = os.environ.get(PROGRESS_FILE_ENV)
    if not target:
        return None

    def write(event: AuditProgress) -> None:
        try:
            with open(target, "a", encoding="utf-8") as handle:
                handle.write(event.to_json() + "\n")
        except OSError:  # progress is a courtesy; it never breaks an audit
            pass
    return write


def catalogue_version(checks: tuple[Check, ...]) -> str:
    """A short hash of every check file's text: which catalogue judged the data."""
    digest = hashlib.sha256()
    for check in sorted(checks, key=lambda c: c.id):
        digest.update(check.id.encode() + b"\0" + check.source.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def derive_run_id(period: str, declaration_hashes: dict[str, str], input_hashes: list[str], catalogue: str) -> str:
    """A run id from what the audit read: the same inputs and catalogue give the same id."""
    payload = json.dumps([period, sorted(declaration_hashes.items()), sorted(h or "" for h in input_hashes), catalogue])
    return hashlib.sha256(payload.encode()).hexdigest()[:12]


class _Say:
    """Tells the audit's progress callback (or the progress file, or no one) that a stage starts."""

    def __init__(self, progress: Callable[[AuditProgress], None] | None) -> None:
        self.callback = progress or _progress_file_callback() or (lambda _event: None)
        self.total = 0  # the checks the audit runs, known once the exports are loaded

    def __call__(self, stage: str, check_id: str | None = None, done: int = 0) -> None:
        self.callback(AuditProgress(stage, check_id, done, self.total))


@dataclass
class _Plan:
    """What an audit is to do, decided before anything is loaded."""

    declaration: "Declaration"
    accepted: "AcceptedRisks | None"
    period: "Period"
    key: bytes
    selected: tuple[Check, ...]
    selection: "Selection | None"  # ``--only``: the exports and retention rules its checks need
    catalogue_size: int


def run_audit(register: str | Path | None = None, exports: str | Path = "exports.yaml", period: str = "2026-Q3", *,
              pseudonym_key: bytes | None = None, run_id: str | None = None, lang: str = "en",
              checks: tuple[Check, ...] | None = None, memory_limit: str | None = None,
              progress: Callable[[AuditProgress], None] | None = None,
              accepted: str | Path | bool | None = True,
              allow_outside: list[str | Path] | None = None,
              only: "list[str] | tuple[str, ...] | None" = None,
              engine: str = "duckdb", master: str | None = None,
              declaration: "Validated | None" = None) -> AuditResult:
    """Audit the exports of ``exports`` (and its ``register``) for ``period``; never raises for findings.

    Raises DeclarationError when register.yaml, exports.yaml or the accepted-risks file is invalid.
    ``declaration``: the declaration already validated instead (a Declaration, or the path of its
    snapshot, which the report notebook gets from ``regaudit run``: audit_lib/opening.py). A pseudonym
    key is needed for the subject references; without one, ``audit_lib.pseudonym.load_key()`` is
    asked. ``accepted``: True (default) applies accepted.yaml beside exports.yaml if there is one, a
    path applies that file (which must exist), False or None applies none; acceptances are judged on
    the last day of the period (``audit_lib.accepted``).

    ``progress`` is told each stage as an AuditProgress (stage, the check that starts, checks done,
    checks in all); without one, and with $REGAUDIT_PROGRESS_FILE set, the events go to that file.
    ``memory_limit`` caps DuckDB's memory; ``allow_outside`` lists the folders outside exports.yaml's
    own that its paths may resolve into (``audit_lib.declaration.confine``). ``only``: check ids (as
    ``regaudit check --only``) to run of ``checks`` (default: the catalogue); only the exports they
    read are loaded (audit_lib/selection.py); an unknown id raises UnknownCheckError. ``engine``:
    ``duckdb`` (default) or ``spark`` (on ``master``: audit_lib/backends/spark_backend.py); Spark that
    cannot start raises EngineUnavailable.
    """
    from audit_lib.backends import check_engine
    from audit_lib.backends.lake_plan import split_loaders
    from audit_lib.opening import open_register

    check_engine(engine)
    say = _Say(progress)
    say("declaration")
    plan = _plan(register, exports, period, declaration=declaration, allow_outside=allow_outside,
                 accepted=accepted, pseudonym_key=pseudonym_key, checks=checks, only=only)
    say("load")
    # --engine spark: the lake tables are read by Spark's own loader (audit_lib/backends/lake_plan.py), in _run_checks.
    opened = open_register(declaration=plan.declaration, memory_limit=memory_limit,
                           only=split_loaders(engine, plan.declaration, _needed(plan)).duckdb)
    try:
        say.total = len(plan.selected)
        results = _run_checks(plan, opened, engine, master, say)
        return _result(plan, opened, results, run_id=run_id, label=period, lang=lang, engine=engine, say=say)
    except BaseException:
        opened.close()  # nothing will query it: the connection is not left to the garbage collector
        raise


def _plan(register: str | Path | None, exports: str | Path, period: str, *, declaration: "Validated | None",
          allow_outside: list[str | Path] | None, accepted: str | Path | bool | None, pseudonym_key: bytes | None,
          checks: tuple[Check, ...] | None, only: "list[str] | tuple[str, ...] | None") -> _Plan:
    """Validate what the audit reads besides the exports, in this order: the declaration, the accepted
    risks, the period, the key, the checks selected (an unknown id fails before anything is loaded)."""
    from audit_lib.accepted import default_accepted_path, load_accepted
    from audit_lib.checks.registry import catalogue
    from audit_lib.opening import read_declaration
    from audit_lib.periods import parse_period
    from audit_lib.pseudonym import load_key, require_strong_key

    validated = read_declaration(register, exports, allow_outside=allow_outside, declaration=declaration)
    # Beside the exports.yaml that was validated (a snapshot knows where it was).
    beside = validated.exports_source.path
    accepted_path = default_accepted_path(beside) if accepted is True else (Path(accepted) if accepted else None)
    accepted_risks = load_accepted(accepted_path) if accepted_path is not None else None
    audit_period = parse_period(period, validated.register.controller.timezone)
    key = require_strong_key(pseudonym_key, "pseudonym_key") if pseudonym_key is not None else load_key()
    pool = tuple(checks) if checks is not None else catalogue()
    selected, selection = pool, None
    if only is not None:
        from audit_lib.selection import needed_exports, select_checks

        selected = select_checks(only, pool)
        selection = needed_exports(selected, validated)
    return _Plan(validated, accepted_risks, audit_period, key, selected, selection, len(pool))


def _needed(plan: _Plan) -> "frozenset[int] | None":
    """The entries of exports.yaml the selected checks read (``--only``), None for all."""
    return plan.selection.exports if plan.selection is not None else None


def _run_checks(plan: _Plan, opened: "OpenedRegister", engine: str, master: str | None, say: _Say) -> list[CheckResult]:
    """Run the selected checks on ``engine`` over the loaded register, telling ``say`` each one."""
    from audit_lib.checks.runner import CheckContext, run_checks

    period = plan.period
    params: dict[str, Any] = {"period_start": period.start, "period_end": period.end, "as_of": period.as_of}
    engine_con, close_engine = opened.con, (lambda: None)
    if engine == "spark":
        from audit_lib.backends.spark_backend import spark_connection

        say("engine")
        controller = plan.declaration.register.controller
        from audit_lib.backends.lake_plan import split_loaders
        from audit_lib.backends.spark_loader import lake_loader

        lake = lake_loader(opened.con, plan.declaration, opened.load_report,
                           split_loaders(engine, plan.declaration, _needed(plan)).spark)
        engine_con = spark_connection(opened.con, controller.timezone, controller.financial_period_ends, master,
                                      checks=plan.selected, lake=lake)
        close_engine = engine_con.backend.close
    context = CheckContext(con=engine_con, params=params, available=opened.load_report.available,
                           declaration=plan.declaration)
    started = iter(range(say.total))
    try:
        return run_checks(plan.selected, context, progress=lambda check: say("check", check.id, next(started)))
    finally:
        close_engine()


def _result(plan: _Plan, opened: "OpenedRegister", results: list[CheckResult], *, run_id: str | None, label: str,
            lang: str, engine: str, say: _Say) -> AuditResult:
    """The findings of ``results`` (with the accepted risks applied) and everything the outputs need."""
    from audit_lib.findings import build_findings, build_results
    from audit_lib.pseudonym import key_fingerprint

    declaration, load_report, accepted = plan.declaration, opened.load_report, plan.accepted
    incomplete = _incomplete_reasons(declaration, load_report, results,
                                     retention=plan.selection.retention if plan.selection is not None else True)
    hashes = dict(declaration.hashes)
    if accepted is not None:  # an accepted-risks file changes the states, so it is part of the run
        hashes[accepted.path.name] = accepted.sha256
    run = run_id or derive_run_id(label, hashes, [row["sha256"] for row in load_report.inputs],
                                  catalogue_version(plan.selected))
    say("findings", done=say.total)
    findings = build_findings(results, run_id=run, period=label, key=plan.key, lang=lang,
                              timezone=declaration.register.controller.timezone)
    findings, stale = _accept(findings, plan)
    partial = plan.selection is not None
    return AuditResult(period=plan.period, run_id=run, declaration=declaration, load_report=load_report,
                       results=results, findings=findings, check_results=build_results(results, lang),
                       con=opened.con, lang=lang, incomplete_reasons=incomplete,
                       accepted_path=accepted.path if accepted else None,
                       accepted_sha256=accepted.sha256 if accepted else None, accepted_unmatched=stale,
                       pseudonym_key=plan.key, key_fingerprint=key_fingerprint(plan.key),
                       only=tuple(c.id for c in plan.selected) if partial else None,
                       catalogue_size=plan.catalogue_size if partial else None, engine=engine)


def _accept(findings: "pd.DataFrame", plan: _Plan) -> tuple["pd.DataFrame", list[str]]:
    """``findings`` with the accepted risks in force on the period's last day applied, and the entries
    of the accepted-risks file that matched no finding (for ``--only``: of the checks that ran)."""
    from datetime import timedelta

    from audit_lib.accepted import apply_accepted, unmatched

    accepted = plan.accepted
    if accepted is None:
        return findings, []
    last_day = (plan.period.end - timedelta(microseconds=1)).date()
    findings = apply_accepted(findings, accepted, last_day)
    stale = unmatched(findings, accepted)
    if plan.selection is not None:  # --only: an entry of a check not run is not stale, only not judged
        ran = {check.id for check in plan.selected}
        judged = {f"{accepted.path.name}:{line}" for entry, line in zip(accepted.entries, accepted.lines)
                  if entry.check_id in ran}
        stale = [entry for entry in stale if entry in judged]
    return findings, stale


def _incomplete_reasons(declaration: "Declaration", load_report: "LoadReport", results: list[CheckResult],
                        retention: bool = True) -> list[str]:
    """Why the audit is incomplete. ``retention``: whether the retention rules are judged (False for
    an ``--only`` audit whose checks read none of them: their roles may not even have been read)."""
    from audit_lib.incomplete import check_reason, input_reason, retention_reason
    from audit_lib.loader.folder import COMPLETE_STATUSES

    reasons = [input_reason(row["file"], row["status"], row["detail"])
               for row in load_report.inputs if row["status"] not in COMPLETE_STATUSES]
    reasons += [check_reason(r.check.id, r.status.value, r.reason) for r in results
                if r.status in INCOMPLETE_STATUSES and not r.out_of_scope]
    for rule in declaration.register.retention.rules if retention else ():
        if rule.role in declaration.exports.not_exported:
            continue  # nothing of the role is held, by declaration: nothing to keep or delete
        fields = load_report.available.get(rule.role, set())
        if not any(start in fields for start in rule.start_fields):
            reasons.append(retention_reason(rule.id, rule.role, rule.start_fields))
    return reasons
