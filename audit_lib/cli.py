"""The ``regaudit`` command line: one error handler, documented exit codes, heavy imports deferred."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from audit_lib import resources
from audit_lib.exit_codes import ExitCode, help_text

EXIT_CODES = help_text()

# typer re-exports click's BadParameter (from its own copy of click in recent versions); its bases are
# click's UsageError (every mistake on the command line) and ClickException (what click reports itself).
_UsageError, _ClickException = (next(c for c in typer.BadParameter.__mro__ if c.__name__ == name)
                                for name in ("UsageError", "ClickException"))


class _Commands(TyperGroup):
    """typer's command group, with usage errors ending in ExitCode.USAGE: click's own 2 is regaudit's
    "audit incomplete", which a script must be able to tell from a typo."""

    def make_context(self, *args, **kwargs):
        """Parse this group's own arguments (a bare ``regaudit``, an unknown global option); first every
        help text goes into the user's language ($REGAUDIT_LANG or the locale: audit_lib/cli_language.py)."""
        try:
            _localise(self)
            return super().make_context(*args, **kwargs)
        except _UsageError as exc:
            exc.exit_code = ExitCode.USAGE
            raise

    def invoke(self, ctx):
        """Parse and run a command (an unknown command, a missing or malformed option of one)."""
        try:
            return super().invoke(ctx)
        except _UsageError as exc:
            exc.exit_code = ExitCode.USAGE
            raise


def _localise(group) -> None:
    """The help of ``group`` and its commands in the language of $REGAUDIT_LANG or the locale; a
    $REGAUDIT_LANG regaudit does not speak is a usage error (exit 64)."""
    from audit_lib.cli_language import LanguageError, cli_language, localise

    try:
        lang = cli_language()
    except LanguageError as exc:
        raise _UsageError(str(exc)) from None
    localise(group, lang)


# No locals in a traceback (--debug): they hold register data and the pseudonym key.
app = typer.Typer(cls=_Commands, add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  pretty_exceptions_show_locals=False,
                  help="regaudit: audit a personal-data register against its declaration, and report it as "
                       "evidence. Global options go before the command: regaudit --debug run ...\n\n" + EXIT_CODES)

SAMPLE_DIR = resources.SAMPLE
REPO_DIR = resources.work_root()
# Named by the person running regaudit, never by exports.yaml itself (audit_lib/declaration/confine.py).
ALLOW_OUTSIDE_HELP = ("A folder outside the folder of exports.yaml that the paths exports.yaml names (exports_dir, "
                      "register) may resolve into; repeat it for several. Default: $REGAUDIT_ALLOW_OUTSIDE (paths "
                      f"separated by {os.pathsep!r}); without either, exports.yaml names nothing outside its folder.")


def _fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` as one red error on stderr; return the Exit (with ``code``) to raise."""
    from rich.console import Console
    from rich.markup import escape

    # emoji=False: "exports.yaml:100: ..." would otherwise print its ":100:" as an emoji.
    Console(stderr=True).print(f"[bold red]error:[/] {escape(message)}", highlight=False, markup=True,
                               soft_wrap=True, emoji=False)
    return typer.Exit(code)


def _guard(function, *, out: Path | None = None):
    """Run a command body so that no Python traceback reaches the user (unless --debug).

    First the leftovers of killed regaudit runs are removed (the temporary folder, and ``out``, the
    reports folder, if given), with one line on stderr saying what went. Then regaudit's own errors
    become one red message and the exit code their class carries; an OSError (disk full, read-only,
    a file in the way) a message naming the path and the fix, exit 4; anything else a one-line
    message asking to rerun with --debug, exit 4. With --debug the traceback is printed as well.
    """
    from audit_lib.debug import debug_enabled
    from audit_lib.errors import RegauditError, describe_os_error

    _sweep_leftovers(out)
    try:
        return function()
    except (typer.Exit, typer.Abort, _ClickException):
        raise
    except Exception as exc:  # the one place where every failure becomes a message and an exit code
        if isinstance(exc, RegauditError):
            message, code = str(exc), exc.exit_code
        elif isinstance(exc, OSError):
            message, code = describe_os_error(exc), ExitCode.ERROR
        else:
            message, code = (f"unexpected {type(exc).__name__}: {exc} — rerun with `regaudit --debug ...` "
                             "to see the traceback, and report it"), ExitCode.ERROR
        if debug_enabled():
            import traceback

            traceback.print_exception(exc, file=sys.stderr)
        raise _fail(message, code) from None


def _sweep_leftovers(out: Path | None) -> None:
    """Remove what killed regaudit runs left behind, and say so on stderr (audit_lib/stale.py)."""
    from audit_lib.stale import summary, sweep_temp_and

    line = summary(sweep_temp_and(out))
    if line:
        typer.echo(line, err=True)


def _one_of(*choices: str):
    """An option callback that accepts only ``choices``: anything else is a usage error (exit 64)."""
    def check(value: str) -> str:
        if value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of {', '.join(choices)}")
        return value
    return check


ENGINE_HELP = ("Where the checks run: duckdb (default, in this process) or spark (Apache Spark: local[2], or "
               "the master of --master, $SPARK_MASTER or spark-submit). The findings are the same on both.")
MASTER_HELP = ("Spark master for --engine spark, e.g. local[4], spark://host:7077, yarn, k8s://...; default "
               "$SPARK_MASTER, the session spark-submit started, else local[2].")


def _engine_option():
    from audit_lib.backends import ENGINES

    return typer.Option("duckdb", "--engine", callback=_one_of(*ENGINES), help=ENGINE_HELP)


def _master_option():
    return typer.Option(None, "--master", metavar="MASTER", help=MASTER_HELP)


def _csv_dialect_option():
    """``--csv-dialect``, as every command that writes CSV takes it: a dialect of audit_lib/outputs.py, or
    None for $REGAUDIT_CSV_DIALECT, else ``excel``; another name is a usage error (exit 64)."""
    from audit_lib.outputs import CSV_DIALECTS, csv_dialect_help

    check = _one_of(*CSV_DIALECTS)
    return typer.Option(None, "--csv-dialect", metavar="DIALECT", callback=lambda v: v if v is None else check(v),
                        help=f"Layout of the CSV files written: {csv_dialect_help()}. Default: "
                             "$REGAUDIT_CSV_DIALECT, else excel. In every dialect each text cell is quoted and "
                             "no cell starts a formula.")


def _person_option(role: str, help: str):
    """``--auditor`` / ``--approver``: a name for the report's cover; a line break, another control
    character or a text too long for a name is a usage error (exit 64)."""
    def check(value: Optional[str]) -> Optional[str]:
        from audit_lib.errors import ReportError
        from audit_lib.report.people import person

        try:
            return person(value, role)
        except ReportError as exc:
            raise typer.BadParameter(str(exc)) from None
    return typer.Option(None, f"--{role}", metavar="NAME", callback=check, help=help)


def _sign_key_option():
    """``--sign-key``: the OpenPGP key (of GnuPG's keyring) that signs the report's manifest."""
    return typer.Option(None, "--sign-key", metavar="KEYID", envvar="REGAUDIT_SIGN_KEY",
                        help="Sign manifest.json with this OpenPGP key of GnuPG's keyring ($GNUPGHOME, else "
                             "~/.gnupg): its fingerprint, key id or user id. Writes manifest.json.asc, a detached "
                             "signature that `regaudit verify` checks. A key with a passphrase: gpg-agent, or "
                             "$REGAUDIT_SIGN_PASSPHRASE_FILE naming a file that holds it. Default: not signed.")


AUDITOR_HELP = "Who made the audit, named on the report's cover (default: \"not named\")."
APPROVER_HELP = "Who approves the report, named on its cover (default: \"not named\")."


def _check_ids(values: Optional[list[str]]) -> Optional[list[str]]:
    """``--only``: the check ids named (repeated or comma-separated); an unknown id is a usage error
    (exit 64) naming the closest ids."""
    if not values:
        return None
    from audit_lib.checks.registry import catalogue
    from audit_lib.errors import CheckDefinitionError
    from audit_lib.selection import UnknownCheckError, select_checks, split_ids

    try:
        select_checks(values, catalogue())
    except UnknownCheckError as exc:
        raise typer.BadParameter(str(exc)) from None
    except CheckDefinitionError:
        pass  # a broken check file: run_audit reports it, in _guard, with its own exit code
    return split_ids(values)


def _version(requested: bool) -> None:
    """``--version``: print the installed package's version and stop."""
    if requested:
        from importlib.metadata import PackageNotFoundError, version

        try:
            number = version("regaudit")
        except PackageNotFoundError:  # a checkout put on sys.path without being installed
            from audit_lib import __version__ as number
        typer.echo(f"regaudit {number}")
        raise typer.Exit(ExitCode.OK)


# No docstring: typer would take it for the help text that Typer(help=...) above gives.
@app.callback()
def _global_options(debug: bool = typer.Option(False, "--debug", help="Show tracebacks and the notebook "
                                                                      "kernel's own output (or set "
                                                                      "REGAUDIT_DEBUG=1)."),
                    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                                 help="Print regaudit's version and exit.")) -> None:
    from audit_lib.debug import set_debug

    set_debug(debug)


@contextlib.contextmanager
def _progress_bar(label: str):
    """A rich progress bar on stderr for a long audit: the stage, then check n of N and its id.

    Yields the callback run_audit / run_report take (``progress``); the bar disappears when done.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None)
    stages = {"declaration": "reading the declaration", "load": "loading the exports",
              "findings": "building the findings", "notebook": "starting the report notebook",
              "html": "writing report.html", "pdf": "printing report.pdf", "sign": "signing manifest.json",
              "publish": "publishing the report"}

    def update(event) -> None:
        stage = getattr(event, "stage", str(event))
        if stage == "check":
            description = f"{label}: check {event.done + 1}/{event.total} {event.check_id}"
        else:
            description = f"{label}: {stages.get(stage, stage)}"
        total = getattr(event, "total", 0) or None
        if total:
            bar.update(task, description=description, total=total, completed=event.done)
        else:
            bar.update(task, description=description)

    with bar:
        yield update


@app.command()
def demo(out: Path = typer.Option(REPO_DIR / "reports", help="Folder the demo report goes into (as demo/)."),
         lang: str = typer.Option("en", help="Report language: en or fi."),
         pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium."),
         csv_dialect: Optional[str] = _csv_dialect_option(),
         auditor: Optional[str] = _person_option("auditor", AUDITOR_HELP),
         approver: Optional[str] = _person_option("approver", APPROVER_HELP),
         sign_key: Optional[str] = _sign_key_option()) -> None:
    """Audit the bundled Hyvinvoivin sample for 2026-Q3 and write the report to reports/demo/."""
    from audit_lib.report.pipeline import demo_out_dir

    def body() -> None:
        import time

        from audit_lib.report.pipeline import demo as run_demo

        started = time.perf_counter()
        folder = run_demo(out_dir=out, lang=lang, pdf=pdf, csv_dialect=csv_dialect,  # failed: ReportFailed, exit 5
                          auditor=auditor, approver=approver, sign_key=sign_key)
        typer.echo(f"Report written to {folder} ({time.perf_counter() - started:.1f} s)")
        typer.echo(f"Open {folder / 'report.html'}")
    _guard(body, out=demo_out_dir(out))


RUN_EXIT_CODES = """Exit codes: 0 report written, audit complete, no open finding at or above --fail-on; 1 report
written, open findings at or above --fail-on; 2 report written but the audit is INCOMPLETE (checks, inputs or
retention rules that could not be evaluated; the cover says why); 3 invalid register.yaml or exports.yaml (nothing written);
4 other errors before the report started (nothing written); 5 the report FAILED while running: nothing was
published, and what it made is kept in <out>/<period>.failed-<timestamp>/ (its executed notebook shows the
failing cell); 64 usage error (an unknown option, a missing or malformed value)."""
FAIL_ON = ("critical", "high", "medium", "low", "none")


@app.command(help="Run the quarterly audit notebook with papermill and write the report folder atomically: "
                  "<out>/<period>/ with the executed notebook, report.html, report.pdf (PDF/A-2b), findings (CSV, "
                  "Parquet, JSON), check results, changes since the previous period, manifest.json, SHA256SUMS "
                  "and, with --sign-key, manifest.json.asc.\n\n"
                  + RUN_EXIT_CODES)
def run(period: str = typer.Option(..., help="Audit period: 2026-Q3, 2026-09 or 2026."),
        exports: Path = typer.Option(..., help="exports.yaml: the map of the export files."),
        register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
        out: Path = typer.Option(Path("reports"), help="Reports folder; the report goes into <out>/<period>/."),
        key_file: Optional[Path] = typer.Option(None, help="Pseudonym key file (kept outside the reports folder); "
                                                             "or set REGAUDIT_PSEUDONYM_KEY."),
        lang: str = typer.Option("en", help="Report language: en or fi (text, headings, check titles, messages)."),
        pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium."),
        fail_on: str = typer.Option("low", callback=_one_of(*FAIL_ON),
                                    help="Lowest severity of an open finding that makes the exit code 1: "
                                         "critical, high, medium, low, or none."),
        allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside", help=ALLOW_OUTSIDE_HELP),
        csv_dialect: Optional[str] = _csv_dialect_option(),
        auditor: Optional[str] = _person_option("auditor", AUDITOR_HELP),
        approver: Optional[str] = _person_option("approver", APPROVER_HELP),
        sign_key: Optional[str] = _sign_key_option(),
        engine: str = _engine_option(),
        master: Optional[str] = _master_option()) -> None:
    def body() -> int:
        from audit_lib.report.pipeline import exit_code, run_report

        if master and engine != "spark":
            raise typer.BadParameter("--master is Spark's: give --engine spark too", param_hint="--master")

        with _progress_bar(f"Report {period}") as progress:  # a failed report: ReportFailed, exit code 5
            folder = run_report(register, exports, period, out, pseudonym_key_file=key_file, lang=lang,
                                pdf=pdf, progress=progress, allow_outside=allow_outside or None,
                                csv_dialect=csv_dialect, auditor=auditor, approver=approver, sign_key=sign_key,
                                engine=engine, master=master)
        code = exit_code(folder, fail_on)
        typer.echo(f"Report written to {folder}"
                   + (" (the audit is INCOMPLETE: see its cover)" if code == ExitCode.INCOMPLETE else ""))
        from audit_lib.report.runtime import comparison_warning

        warning = comparison_warning(folder)  # another pseudonym key than the previous period's
        if warning:
            typer.echo(f"warning: {warning}", err=True)
        return code
    raise typer.Exit(_guard(body, out=out))


VERIFY_EXIT_CODES = (f"Exit codes: 0 every file matches manifest.json and SHA256SUMS, and the signature (if any) is "
                     f"good; {ExitCode.VERIFY_FAILED.value} a file changed, is missing or is extra, or the signature "
                     "does not verify (each named); 4 no verdict: not a folder, or gpg cannot run; 64 usage error.")


@app.command(help="Check a published report folder: every file against manifest.json and SHA256SUMS (the hashes "
                  "and the list of files: none changed, missing or extra), and the signature manifest.json.asc "
                  "when the report is signed. The same hashes check without regaudit: "
                  "cd FOLDER && sha256sum -c SHA256SUMS.\n\n" + VERIFY_EXIT_CODES)
def verify(folder: Path = typer.Argument(..., help="The report folder, e.g. reports/2026-Q3."),
           public_key: Optional[Path] = typer.Option(None, "--public-key", metavar="FILE",
                                                     help="Check the signature against the OpenPGP public key(s) in "
                                                          "this file only (default: GnuPG's keyring)."),
           require_signature: bool = typer.Option(False, "--require-signature",
                                                  help="Fail when the report is not signed.")) -> None:
    def body() -> int:
        from audit_lib.report.verify import verify_folder

        verified = verify_folder(folder, public_key=public_key, require_signature=require_signature)
        typer.echo(f"{verified.folder}: all {verified.files} files match manifest.json and SHA256SUMS")
        if verified.signer:
            typer.echo(f"signature: good, by {verified.signer}"
                       + (f" ({verified.signer_user_id})" if verified.signer_user_id else ""))
        for note in verified.notes:
            typer.echo(note)
        return ExitCode.OK
    raise typer.Exit(_guard(body))


@app.command(help="Show the subject id(s) behind a subject reference (S-…) of a report, for whoever holds the "
                  "pseudonym key: the exports are loaded and every subject id's pseudonym computed. This is the "
                  "internal drill-down; the ids are printed, never written.\n\n"
                  "Exit codes: 0 found; 1 no subject has this reference (another key, or other exports); "
                  "3 invalid register.yaml or exports.yaml; 4 other errors.")
def reveal(reference: str = typer.Argument(..., help="The subject reference from a report, e.g. S-0123456789abcdef."),
           exports: Path = typer.Option(..., help="exports.yaml of the register the report audited."),
           register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
           key_file: Optional[Path] = typer.Option(None, help="The pseudonym key file the report was made with; "
                                                                "or set REGAUDIT_PSEUDONYM_KEY."),
           allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                              help=ALLOW_OUTSIDE_HELP)) -> None:
    def body() -> int:
        from audit_lib.reveal import reveal as run_reveal

        found = run_reveal(reference, exports, register=register, key_file=key_file,
                           allow_outside=allow_outside or None)
        if not found.found:
            typer.echo(f"{found.reference}: no subject in these exports has this reference with this key.", err=True)
            return 1
        for subject_id, roles in found.subjects.items():
            typer.echo(f"{found.reference}\t{subject_id}\t(in: {', '.join(roles)})")
        return 0
    raise typer.Exit(_guard(body))


@app.command()
def check(exports: Path = typer.Option(..., help="exports.yaml: the map of the export files."),
          period: str = typer.Option(..., help="Audit period: 2026-Q3, 2026-09 or 2026."),
          register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
          key_file: Optional[Path] = typer.Option(None, help="Pseudonym key file; or set REGAUDIT_PSEUDONYM_KEY."),
          fail_on: str = typer.Option("low", callback=_one_of(*FAIL_ON),
                                      help="Lowest severity that makes the exit code 1: "
                                           "critical, high, medium, low, or none."),
          out: Optional[Path] = typer.Option(None, help="Also write findings and check results into this folder."),
          lang: str = typer.Option("en", help="Language of titles and messages: en or fi."),
          accepted: Optional[Path] = typer.Option(None, help="Accepted risks (default: accepted.yaml beside "
                                                             "exports.yaml, if there is one). Accepted findings "
                                                             "are listed but do not count for --fail-on."),
          allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside", help=ALLOW_OUTSIDE_HELP),
          only: Optional[list[str]] = typer.Option(None, "--only", metavar="CHECK", callback=_check_ids,
                                                   help="Run only this check (repeat --only, or separate ids by "
                                                        "commas) and load only the exports it reads (whole files; "
                                                        "the master register whenever they name subjects); the "
                                                        "other files are listed as skipped, not read. The audit "
                                                        "is then partial: the table, the exit code and "
                                                        "completeness are about the selected checks only."),
          include_raw: bool = typer.Option(False, "--include-raw",
                                           help="Internal use only: also write the raw text of quarantined rows "
                                                "(names, e-mails, phones; the first 100 rows of each file) into "
                                                "<out>/quarantine.csv. Without it the quarantine says where and "
                                                "why, with keys pseudonymised."),
          csv_dialect: Optional[str] = _csv_dialect_option(),
          engine: str = _engine_option(),
          master: Optional[str] = _master_option()) -> None:
    """Run the check catalogue without the notebook and print a table of check results.

    Exit codes: 0 clean, 1 open findings at or above --fail-on, 2 the audit is incomplete (checks,
    inputs or retention rules that could not be evaluated), 3 invalid register.yaml, exports.yaml or
    accepted-risks file, 4 other errors (e.g. --out cannot be written), 64 usage error (also an
    unknown --only check id). With --only, 0, 1 and 2 judge the selected checks and the files they
    read only.
    """
    def body() -> int:
        from rich.console import Console
        from rich.table import Table

        from audit_lib.audit import run_audit
        from audit_lib.errors import OutputError
        from audit_lib.periods import parse_period
        from audit_lib.pseudonym import load_key

        parse_period(period)  # a mistyped period is reported before anything else is asked for
        if master and engine != "spark":
            raise typer.BadParameter("--master is Spark's: give --engine spark too", param_hint="--master")
        if out:
            from audit_lib.outputs import csv_dialect as dialect_of

            dialect_of(csv_dialect)  # a bad $REGAUDIT_CSV_DIALECT is reported before the audit, not after it
            try:  # before the audit, not after it: a file in the way or a read-only disk fails at once
                out.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError.from_os_error(exc) from None
        console = Console()
        with _progress_bar(f"Auditing {period}") as progress:
            result = run_audit(register, exports, period, pseudonym_key=load_key(key_file), lang=lang,
                               progress=progress, accepted=accepted if accepted is not None else True,
                               allow_outside=allow_outside or None, only=only, engine=engine, master=master)
        selected = f", {len(result.only)} of {result.catalogue_size} checks (--only)" if result.partial else ""
        on = f", on {engine}" if engine != "duckdb" else ""
        table = Table(title=f"Check results, {period} (run {result.run_id}){selected}{on}")
        for column in ("check", "family", "severity", "status", "tested", "failures", "seconds", "note"):
            table.add_column(column, overflow="fold")
        colours = {"pass": "green", "fail": "red", "error": "magenta", "not_run": "yellow", "not_tested": "yellow"}
        for row in result.check_results.itertuples():
            table.add_row(row.check_id, row.family, row.severity, f"[{colours[row.status]}]{row.status}[/]",
                          "" if row.population is None or str(row.population) == "<NA>" else str(row.population),
                          # pandas gives NaN, not None, for a missing reason in some frames
                          str(row.failures), f"{row.duration_s:.2f}",
                          row.reason if isinstance(row.reason, str) else "")
        console.print(table)
        for reason in result.incomplete_reasons:
            console.print(f"[yellow]incomplete:[/] {reason}", highlight=False)
        if result.partial:
            skipped = result.skipped_inputs
            console.print(f"[yellow]partial:[/] only {len(result.only)} of {result.catalogue_size} checks were run "
                          f"(--only); {len(skipped)} file(s) not needed by them were skipped, not read"
                          + (f": {', '.join(skipped)}" if skipped else ""), highlight=False)
        if result.accepted_path is not None:
            console.print(f"{len(result.accepted_findings)} finding(s) accepted by {result.accepted_path} "
                          f"(sha256 {result.accepted_sha256[:12]}…)", highlight=False)
            for entry in result.accepted_unmatched:
                console.print(f"[yellow]accepted risk matches no finding:[/] {entry}", highlight=False)
        if out:
            try:
                result.write_tables(out, include_raw=include_raw, csv_dialect=csv_dialect)
            except OSError as exc:  # the disk filled up while writing
                raise OutputError.from_os_error(exc) from None
            console.print(f"Findings written to {out}")
        return result.exit_code(fail_on)
    raise typer.Exit(_guard(body))


@app.command()
def sample(out: Path = typer.Option(..., help="Folder to write register.yaml, exports.yaml, exports/ and "
                                              "expected_findings.csv into."),
           seed: int = typer.Option(42, help="Random seed: the same seed gives the same files."),
           subjects: int = typer.Option(2000, help="Number of consumer customers."),
           fmt: str = typer.Option("native", "--format", callback=_one_of("native", "parquet"), help="native (CSV, Parquet, JSON, XLSX as in the "
                                                               "sample) or parquet (every file as Parquet)."),
           shape: str = typer.Option("register", "--shape", callback=_one_of("register", "vendor"), help="register (the bundled Hyvinvoivin sample's "
                                                                 "canonical exports) or vendor (the small sample of "
                                                                 "data_samples/webshop_vendor, shaped as the vendors' "
                                                                 "systems export it; --subjects and --format do not "
                                                                 "apply; --seed 7 gives the bundled files).")) -> None:
    """Generate a deterministic Hyvinvoivin register with planted violations and their ground truth."""
    def body() -> None:
        if shape == "vendor":
            from audit_lib.sample.vendor import generate_vendor

            summary = generate_vendor(out, seed=seed)
        else:
            from audit_lib.sample import generate

            summary = generate(out, seed=seed, subjects=subjects, fmt=fmt)
        typer.echo(f"Sample written to {out}")
        typer.echo(str(summary))
    _guard(body)


MAP_EXIT_CODES = ("Exit codes: 0 draft written (with --check: the files match the mapping); 1 with --check: "
                  "something changed (new or vanished columns or files, another delimiter, encoding or date "
                  "format); 3 invalid register.yaml or exports.yaml; 4 other errors (--out exists or cannot be "
                  "written); 64 usage error.")


@app.command("map", help="Draft an exports.yaml for a folder of exports: each file sniffed (format, encoding, "
                         "delimiter, dates), vendor presets recognised, and a role, key, identifier, field and "
                         "category proposed for each column by its name and values, every proposal with its reason "
                         "and confidence in a comment; what it cannot place is TODO, which `regaudit lint` refuses "
                         "until a person decides it. With --check, compare an existing exports.yaml with its files "
                         "instead.\n\n" + MAP_EXIT_CODES)
def map_exports(exports_dir: Optional[Path] = typer.Argument(None, help="The folder of export files to map."),
                out: Path = typer.Option(Path("exports.draft.yaml"), help="The draft to write (never overwritten)."),
                register: Optional[Path] = typer.Option(None, help="register.yaml: its categories (by fides_key), "
                                                                   "identifiers and subject types are proposed."),
                check: bool = typer.Option(False, "--check", help="Compare --exports with its files; write nothing."),
                exports: Optional[Path] = typer.Option(None, help="With --check: the exports.yaml to compare."),
                allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                                   help=ALLOW_OUTSIDE_HELP)) -> None:
    def body() -> int:
        if check:
            if exports is None:
                raise typer.BadParameter("--check needs --exports exports.yaml")
            from audit_lib.mapdraft.compare import check_mapping

            folder, changes = check_mapping(exports, allow_outside=allow_outside or None)
            for change in changes:
                typer.echo(str(change))
            typer.echo(f"{len(changes)} change(s) between {exports} and {folder}" if changes
                       else f"{exports} matches the files in {folder}")
            return 1 if changes else 0
        if exports_dir is None:
            raise typer.BadParameter("name the folder of exports: regaudit map EXPORTS_DIR (or use --check)")
        if out.exists():
            raise _fail(f"{out} exists; choose another --out (a draft never overwrites a mapping)", ExitCode.ERROR)
        from audit_lib.mapdraft.draft import write_draft

        written, drafts = write_draft(exports_dir, out, register)
        todos = [line for draft in drafts for line in draft.todos]
        typer.echo(f"wrote {written}: {len(drafts)} file(s), {len(todos)} TODO(s) to decide; then run "
                   f"`regaudit lint {written}`")
        return 0
    raise typer.Exit(_guard(body))


LINT_EXIT_CODES = "Exit codes: 0 valid and no notice findings; 1 notice findings; 3 invalid file; 4 other errors."


@app.command(help="Validate register.yaml (or exports.yaml and the register it names) and run the notice "
                  "checks: GDPR Art. 13 and current Finnish law against what the declaration states.\n\n"
                  + LINT_EXIT_CODES)
def lint(path: Path = typer.Argument(..., help="register.yaml or exports.yaml."),
         lang: str = typer.Option("en", help="Language of the findings: en or fi."),
         allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside", help=ALLOW_OUTSIDE_HELP)) -> None:
    def body() -> int:
        from rich.console import Console

        from audit_lib.lint import lint as run_lint, render

        result = run_lint(path, lang=lang, allow_outside=allow_outside or None)
        render(result, Console(width=max(Console().width, 120)))
        return result.exit_code
    raise typer.Exit(_guard(body))


@app.command(short_help="Write the record of processing activities (GDPR Art. 30) from register.yaml.")
def ropa(register: Path = typer.Option(..., help="register.yaml."),
         out: Path = typer.Option(..., help="Folder for ropa_<lang>.md, .html and .csv."),
         lang: str = typer.Option("both", callback=_one_of("fi", "en", "both"), help="fi, en or both."),
         exports: Path | None = typer.Option(None, help="exports.yaml: which tables hold each data category, so "
                                                        "that point (f) names the retention rule covering a "
                                                        "category that no rule lists."),
         csv_dialect: Optional[str] = _csv_dialect_option()) -> None:
    """Write the record of processing activities (GDPR Art. 30(1)(a)–(g)) from register.yaml.

    Exit codes: 0 written, 3 invalid register.yaml or exports.yaml, 4 other errors, 64 usage error.
    """
    def body() -> None:
        from audit_lib.declaration import load_declaration, load_register
        from audit_lib.ropa import LANGS, write_ropa

        model, source = load_register(register)
        export_map = load_declaration(register, exports).exports if exports is not None else None
        for written in write_ropa(model, out, LANGS if lang == "both" else (lang,), source_sha256=source.sha256,
                                  exports=export_map, csv_dialect=csv_dialect):
            typer.echo(f"wrote {written}")
    _guard(body)


@app.command()
def schema(out: Path = typer.Option(resources.PACKAGE_DIR / "schemas", help="Folder for the schema files."),
           check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the files in --out are "
                                                             "stale.")) -> None:
    """Generate the JSON Schemas of register.yaml and exports.yaml from the models (as strict as lint on
    roles, fields and canonical values); --out DIR publishes them for files outside the checkout.

    Exit codes: 0 written (or up to date with --check), 1 stale (with --check), 4 other errors.
    """
    def body() -> int:
        from audit_lib.declaration.schema import stale_schemas, write_schemas

        if check:
            stale = stale_schemas(out)
            for name in stale:
                typer.echo(f"stale: {out / name} (run `regaudit schema --out {out}`)")
            return 1 if stale else 0
        for written in write_schemas(out):
            typer.echo(f"wrote {written}")
            # What an editor needs: the first line of the YAML file, naming the schema (a path relative to
            # the YAML file, or this absolute one; see the README for a URL).
            typer.echo(f"  first line of {written.name.replace('.schema.json', '.yaml')}: "
                       f"# yaml-language-server: $schema={written.resolve().as_uri()}")
        return 0
    raise typer.Exit(_guard(body))


fides_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="Exchange the declaration with Fides (fideslang datasets and systems).")
app.add_typer(fides_app, name="fides")


@fides_app.command("export")
def fides_export(exports: Path = typer.Option(..., help="exports.yaml (its register.yaml is read too)."),
                 register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml "
                                                                    "names)."),
                 out: Path = typer.Option(..., help="Folder for dataset.yml and system.yml."),
                 allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                                    help=ALLOW_OUTSIDE_HELP)) -> None:
    """Write the export map as a Fides dataset and the purposes as a Fides system, validated by fideslang.

    Exit codes: 0 written, 3 invalid declaration, 4 other errors.
    """
    def body() -> None:
        from audit_lib.declaration import load_declaration
        from audit_lib.fides import write_fides

        for written in write_fides(load_declaration(register, exports, allow_outside=allow_outside or None), out):
            typer.echo(f"wrote {written}")
    _guard(body)


@fides_app.command("import")
def fides_import(dataset: Path = typer.Argument(..., help="A Fides dataset YAML file."),
                 out: Path = typer.Option(..., help="exports.yaml to write (never over an existing file)."),
                 register: Optional[Path] = typer.Option(None, help="register.yaml whose category ids replace the "
                                                                    "fideslang keys; the file written names it "
                                                                    "(relative to --out's folder).")) -> None:
    """Read a Fides dataset into exports.yaml: the mapping `regaudit fides export` wrote, as it was (with
    what Fides changed of its columns, categories and keys), or a skeleton of another dataset (roles
    TODO unless a collection is named by one). A fideslang key becomes the category of register.yaml
    declared with it or with its nearest parent; a key that is none is an error naming the field.

    Exit codes: 0 written, 3 invalid dataset or register.yaml, or a category that is none, 4 other errors.
    """
    def body() -> None:
        from audit_lib.declaration import load_register
        from audit_lib.fides_import import write_import

        model = load_register(register)[0] if register is not None else None
        if out.exists():
            raise _fail(f"{out} exists; choose another --out (an import never overwrites a mapping)", ExitCode.ERROR)
        written = write_import(dataset, out, model, register_path=register)
        todo = "TODO" in written.read_text(encoding="utf-8")
        typer.echo(f"wrote {written}; " + ("fill in every TODO, then run " if todo else "check it with ")
                   + f"`regaudit lint {out}`")
    _guard(body)


@app.command()
def explore(exports: Optional[Path] = typer.Option(None, help="exports.yaml of the register to explore "
                                                             "(default: the bundled sample)."),
            register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
            period: str = typer.Option("2026-Q3", help="Period the event charts cover; states are as of its end."),
            browser: bool = typer.Option(True, help="Open a browser; --no-browser prints the URL instead."),
            execute: bool = typer.Option(True, help="Run the notebook first, so that the charts are drawn "
                                                    "when it opens."),
            work_dir: Path = typer.Option(REPO_DIR / "reports" / "explore", help="Folder the working copy of "
                                                                                  "the notebook goes into."),
            port: Optional[int] = typer.Option(None, help="Port for JupyterLab (default: a free one)."),
            allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside", help=ALLOW_OUTSIDE_HELP),
            lang: str = typer.Option("en", callback=_one_of("en", "fi"),
                                     help="Language of the notebook's headings, charts, tables and filters: en "
                                          "or fi.")) -> None:
    """Open JupyterLab on the register-statistics notebook with the register (default: the sample) loaded."""
    def body() -> int:
        from audit_lib.explore.launch import launch

        return launch(register, exports, period, work_dir=work_dir, browser=browser, execute=execute, port=port,
                      echo=typer.echo, allow_outside=allow_outside or None, lang=lang)
    raise typer.Exit(_guard(body))


def main() -> None:
    """Entry point of the ``regaudit`` script.

    The commands' bodies run in ``_guard``; this catches what fails outside one (an option callback,
    an import), so that no traceback reaches the user there either.
    """
    from audit_lib.debug import debug_enabled

    try:
        app()
    except Exception as exc:
        if debug_enabled():
            raise
        typer.echo(f"error: unexpected {type(exc).__name__}: {exc} — rerun with `regaudit --debug ...` "
                   "to see the traceback, and report it", err=True)
        sys.exit(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
