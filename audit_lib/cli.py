"""The ``regaudit`` command line: one error handler, documented exit codes, heavy imports deferred.

Every command is a plain function under ``@_handled``, the one place where a failure becomes a red
line and an exit code. Its result and error lines are ``T_`` texts, shown in the language of the help
($REGAUDIT_LANG or the locale: audit_lib/cli_language.py).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from typer.core import TyperGroup

from audit_lib import resources
from audit_lib.exit_codes import ExitCode, help_text
from audit_lib.i18n import T_, Text, Tn_
from audit_lib.ropa import LANGS as RECORD_LANGUAGES
from audit_lib.vocabulary import FAIL_ON, LANGUAGES, Status

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
            raise _usage(exc)

    def invoke(self, ctx):
        """Parse and run a command (an unknown command, a missing or malformed option of one)."""
        try:
            return super().invoke(ctx)
        except _UsageError as exc:
            raise _usage(exc)


def _usage(exc):
    """The usage error ``exc`` ending in ExitCode.USAGE, shown in the command line's language."""
    from audit_lib.cli_errors import localise_usage_error

    exc.exit_code = ExitCode.USAGE
    localise_usage_error(exc, _language())
    return exc


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


def _language() -> str:
    """The language of the command line's lines: its help's ($REGAUDIT_LANG or the locale)."""
    from audit_lib.cli_language import LanguageError, cli_language

    try:
        return cli_language()
    except LanguageError:  # already a usage error when the command line was parsed (_localise)
        return "en"


def _say(message: object) -> str:
    """``message`` in the command line's language: a ``T_`` text or an error translated, other text as it is."""
    from audit_lib.i18n import localise

    return str(localise(message, _language()))


def _echo(message: object, err: bool = False) -> None:
    """Print one result line (on stderr with ``err``) in the command line's language."""
    typer.echo(_say(message), err=err)


def _usage_error(message: object, param_hint: str | None = None) -> typer.BadParameter:
    """A usage error (exit 64) whose own words are in the command line's language (click's stay English)."""
    return typer.BadParameter(_say(message), param_hint=param_hint)


ERROR = T_("error:")


def _fail(message: object, code: int) -> typer.Exit:
    """Print ``message`` as one red error on stderr in the command line's language; return the Exit to raise."""
    from rich.console import Console
    from rich.markup import escape

    # emoji=False: "exports.yaml:100: ..." would otherwise print its ":100:" as an emoji.
    Console(stderr=True).print(f"[bold red]{escape(_say(ERROR))}[/] {escape(_say(message))}", highlight=False,
                               markup=True, soft_wrap=True, emoji=False)
    return typer.Exit(code)


def _unexpected(exc: BaseException) -> Text:
    """The line for an exception regaudit did not foresee: its class and text, and what to do."""
    return T_("unexpected {kind}: {error} — rerun with `regaudit --debug ...` to see the traceback, and report it",
              kind=type(exc).__name__, error=exc)


def _failure(exc: Exception) -> typer.Exit:
    """``exc`` as one red line and the exit code it stands for (the traceback too with --debug).

    regaudit's own errors give the exit code their class carries; an OSError (disk full, read-only, a
    file in the way) a message naming the path and the fix, exit 4; anything else a line asking to
    rerun with --debug, exit 4.
    """
    from audit_lib.debug import debug_enabled
    from audit_lib.errors import RegauditError, describe_os_error

    if isinstance(exc, RegauditError):
        message, code = exc, exc.exit_code
    elif isinstance(exc, OSError):
        message, code = describe_os_error(exc), ExitCode.ERROR
    else:
        message, code = _unexpected(exc), ExitCode.ERROR
    if debug_enabled():
        import traceback

        traceback.print_exception(exc, file=sys.stderr)
    return _fail(message, code)


def _handled(command=None, *, sweep=None):
    """Make ``command`` a regaudit command: no Python traceback reaches the user (unless --debug).

    Used bare (``@_handled``) or with ``sweep``, a function of the command's options naming the folder
    whose leftovers of killed regaudit runs go too (the reports folder). First those leftovers and the
    temporary folder's are removed, with one line on stderr saying what went; then the command runs,
    and an int it returns is its exit code. Every failure ends as ``_failure`` says; typer's and
    click's own exits, aborts and usage errors pass through. The signature and docstring stay the
    command's, so typer builds its options and help from them.
    """
    def wrap(function):
        @functools.wraps(function)
        def run(*args, **options):
            _sweep_leftovers(sweep(options) if sweep else None)
            try:
                code = function(*args, **options)
            except (typer.Exit, typer.Abort, _ClickException):
                raise
            except Exception as exc:  # the one place where every failure becomes a message and an exit code
                raise _failure(exc) from None
            if code is not None:
                raise typer.Exit(code)
        return run
    return wrap if command is None else wrap(command)


def _sweep_leftovers(out: Path | None) -> None:
    """Remove what killed regaudit runs left behind, and say so on stderr (audit_lib/stale.py)."""
    from audit_lib.stale import summary, sweep_temp_and

    line = summary(sweep_temp_and(out))
    if line:
        _echo(line, err=True)


def _one_of(*choices: str):
    """An option callback that accepts only ``choices``: anything else is a usage error (exit 64)."""
    def check(value: str) -> str:
        if value not in choices:
            raise _usage_error(T_("{value!r} is not one of {choices}", value=value, choices=", ".join(choices)))
        return value
    return check


def _master_needs_spark(engine: str, master: str | None) -> None:
    """``--master`` without ``--engine spark`` is a usage error (exit 64)."""
    if master and engine != "spark":
        raise _usage_error(T_("--master is Spark's: give --engine spark too"), param_hint="--master")


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
            raise _usage_error(exc) from None
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
        raise _usage_error(exc) from None
    except CheckDefinitionError:
        pass  # a broken check file: run_audit reports it, under @_handled, with its own exit code
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


# What the progress bar says a long audit is doing, by the stage run_audit / run_report report.
STAGES = {"declaration": T_("reading the declaration"), "load": T_("loading the exports"),
          "findings": T_("building the findings"), "notebook": T_("starting the report notebook"),
          "html": T_("writing report.html"), "pdf": T_("printing report.pdf"), "sign": T_("signing manifest.json"),
          "publish": T_("publishing the report")}


@contextlib.contextmanager
def _progress_bar(label: Text):
    """A rich progress bar on stderr for a long audit: the stage, then check n of N and its id.

    Yields the callback run_audit / run_report take (``progress``); the bar disappears when done.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(_say(label), total=None)

    def update(event) -> None:
        stage = getattr(event, "stage", str(event))
        if stage == "check":
            description = _say(T_("{label}: check {number}/{total} {check}", label=label, number=event.done + 1,
                                  total=event.total, check=event.check_id))
        else:
            description = f"{_say(label)}: {_say(STAGES.get(stage, stage))}"
        total = getattr(event, "total", 0) or None
        if total:
            bar.update(task, description=description, total=total, completed=event.done)
        else:
            bar.update(task, description=description)

    with bar:
        yield update


def _demo_folder(options: dict) -> Path:
    """The folder ``regaudit demo`` writes into (demo/ under --out), whose leftovers are swept first."""
    from audit_lib.report.pipeline import demo_out_dir

    return demo_out_dir(options["out"])


@app.command()
@_handled(sweep=_demo_folder)
def demo(out: Path = typer.Option(REPO_DIR / "reports", help="Folder the demo report goes into (as demo/)."),
         lang: str = typer.Option("en", help="Report language: en or fi."),
         pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium."),
         csv_dialect: Optional[str] = _csv_dialect_option(),
         auditor: Optional[str] = _person_option("auditor", AUDITOR_HELP),
         approver: Optional[str] = _person_option("approver", APPROVER_HELP),
         sign_key: Optional[str] = _sign_key_option()) -> None:
    """Audit the bundled Hyvinvoivin sample for 2026-Q3 and write the report to reports/demo/."""
    import time

    from audit_lib.report.pipeline import demo as run_demo

    started = time.perf_counter()
    folder = run_demo(out_dir=out, lang=lang, pdf=pdf, csv_dialect=csv_dialect,  # failed: ReportFailed, exit 5
                      auditor=auditor, approver=approver, sign_key=sign_key)
    _echo(T_("Report written to {folder} ({seconds:.1f} s)", folder=folder, seconds=time.perf_counter() - started))
    _echo(T_("Open {page}", page=folder / "report.html"))


RUN_EXIT_CODES = """Exit codes: 0 report written, audit complete, no open finding at or above --fail-on; 1 report
written, open findings at or above --fail-on; 2 report written but the audit is INCOMPLETE (checks, inputs or
retention rules that could not be evaluated; the cover says why); 3 invalid register.yaml or exports.yaml (nothing written);
4 other errors before the report started (nothing written); 5 the report FAILED while running: nothing was
published, and what it made is kept in <out>/<period>.failed-<timestamp>/ (its executed notebook shows the
failing cell); 64 usage error (an unknown option, a missing or malformed value)."""


@app.command(help="Run the quarterly audit notebook with papermill and write the report folder atomically: "
                  "<out>/<period>/ with the executed notebook, report.html, report.pdf (PDF/A-2b), findings (CSV, "
                  "Parquet, JSON), check results, changes since the previous period, manifest.json, SHA256SUMS "
                  "and, with --sign-key, manifest.json.asc.\n\n"
                  + RUN_EXIT_CODES)
@_handled(sweep=lambda options: options["out"])
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
        master: Optional[str] = _master_option()) -> int:
    """Run the quarterly audit and publish its report folder (help: the decorator's)."""
    from audit_lib.report.pipeline import exit_code, run_report
    from audit_lib.report.runtime import comparison_warning

    _master_needs_spark(engine, master)
    with _progress_bar(T_("Report {period}", period=period)) as progress:  # a failed report: ReportFailed, exit 5
        folder = run_report(register, exports, period, out, pseudonym_key_file=key_file, lang=lang,
                            pdf=pdf, progress=progress, allow_outside=allow_outside or None,
                            csv_dialect=csv_dialect, auditor=auditor, approver=approver, sign_key=sign_key,
                            engine=engine, master=master)
    code = exit_code(folder, fail_on)
    _echo(T_("Report written to {folder} (the audit is INCOMPLETE: see its cover)", folder=folder)
          if code == ExitCode.INCOMPLETE else T_("Report written to {folder}", folder=folder))
    warning = comparison_warning(folder)  # another pseudonym key than the previous period's
    if warning:
        _echo(T_("warning: {warning}", warning=warning), err=True)
    return code


VERIFY_EXIT_CODES = (f"Exit codes: 0 every file matches manifest.json and SHA256SUMS, and the signature (if any) is "
                     f"good; {ExitCode.VERIFY_FAILED.value} a file changed, is missing or is extra, or the signature "
                     "does not verify (each named); 4 no verdict: not a folder, or gpg cannot run; 64 usage error.")


@app.command(help="Check a published report folder: every file against manifest.json and SHA256SUMS (the hashes "
                  "and the list of files: none changed, missing or extra), and the signature manifest.json.asc "
                  "when the report is signed. The same hashes check without regaudit: "
                  "cd FOLDER && sha256sum -c SHA256SUMS.\n\n" + VERIFY_EXIT_CODES)
@_handled
def verify(folder: Path = typer.Argument(..., help="The report folder, e.g. reports/2026-Q3."),
           public_key: Optional[Path] = typer.Option(None, "--public-key", metavar="FILE",
                                                     help="Check the signature against the OpenPGP public key(s) in "
                                                          "this file only (default: GnuPG's keyring)."),
           require_signature: bool = typer.Option(False, "--require-signature",
                                                  help="Fail when the report is not signed.")) -> int:
    """Verify a report folder against its manifest, SHA256SUMS and signature (help: the decorator's)."""
    from audit_lib.report.verify import verify_folder

    verified = verify_folder(folder, public_key=public_key, require_signature=require_signature)
    _echo(T_("{folder}: all {files} files match manifest.json and SHA256SUMS", folder=verified.folder,
             files=verified.files))
    if verified.signer:
        _echo(T_("signature: good, by {signer} ({user_id})", signer=verified.signer, user_id=verified.signer_user_id)
              if verified.signer_user_id else T_("signature: good, by {signer}", signer=verified.signer))
    for note in verified.notes:
        _echo(note)
    return ExitCode.OK


@app.command(help="Show the subject id(s) behind a subject reference (S-…) of a report, for whoever holds the "
                  "pseudonym key: the exports are loaded and every subject id's pseudonym computed. This is the "
                  "internal drill-down; the ids are printed, never written.\n\n"
                  "Exit codes: 0 found; 7 no subject has this reference (another key, or other exports); "
                  "3 invalid register.yaml or exports.yaml; 4 other errors.")
@_handled
def reveal(reference: str = typer.Argument(..., help="The subject reference from a report, e.g. S-0123456789abcdef."),
           exports: Path = typer.Option(..., help="exports.yaml of the register the report audited."),
           register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
           key_file: Optional[Path] = typer.Option(None, help="The pseudonym key file the report was made with; "
                                                                "or set REGAUDIT_PSEUDONYM_KEY."),
           allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                              help=ALLOW_OUTSIDE_HELP)) -> int:
    """Print the subject id(s) behind a subject reference (help: the decorator's)."""
    from audit_lib.reveal import reveal as run_reveal

    found = run_reveal(reference, exports, register=register, key_file=key_file, allow_outside=allow_outside or None)
    if not found.found:
        _echo(T_("{reference}: no subject in these exports has this reference with this key.",
                 reference=found.reference), err=True)
        return ExitCode.NOT_FOUND
    for subject_id, roles in found.subjects.items():
        _echo(T_("{reference}\t{subject}\t(in: {roles})", reference=found.reference, subject=subject_id,
                 roles=", ".join(roles)))
    return ExitCode.OK


ONLY_HELP = ("Run only this check (repeat --only, or separate ids by commas) and load only the exports it reads "
             "(whole files; the master register whenever they name subjects); the other files are listed as "
             "skipped, not read. The audit is then partial: the table, the exit code and completeness are about "
             "the selected checks only.")
INCLUDE_RAW_HELP = ("Internal use only: also write the raw text of quarantined rows (names, e-mails, phones; the "
                    "first 100 rows of each file) into <out>/quarantine.csv. Without it the quarantine says where "
                    "and why, with keys pseudonymised.")


@app.command()
@_handled
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
                                                   help=ONLY_HELP),
          include_raw: bool = typer.Option(False, "--include-raw", help=INCLUDE_RAW_HELP),
          csv_dialect: Optional[str] = _csv_dialect_option(),
          engine: str = _engine_option(),
          master: Optional[str] = _master_option()) -> int:
    """Run the check catalogue without the notebook and print a table of check results.

    Exit codes: 0 clean, 1 open findings at or above --fail-on, 2 the audit is incomplete (checks,
    inputs or retention rules that could not be evaluated), 3 invalid register.yaml, exports.yaml or
    accepted-risks file, 4 other errors (e.g. --out cannot be written), 64 usage error (also an
    unknown --only check id). With --only, 0, 1 and 2 judge the selected checks and the files they
    read only.
    """
    from rich.console import Console

    from audit_lib.audit import run_audit
    from audit_lib.periods import parse_period
    from audit_lib.pseudonym import load_key

    parse_period(period)  # a mistyped period is reported before anything else is asked for
    _master_needs_spark(engine, master)
    if out:
        _prepare_out(out, csv_dialect)
    with _progress_bar(T_("Auditing {period}", period=period)) as progress:
        result = run_audit(register, exports, period, pseudonym_key=load_key(key_file), lang=lang,
                           progress=progress, accepted=accepted if accepted is not None else True,
                           allow_outside=allow_outside or None, only=only, engine=engine, master=master)
    console = Console()
    console.print(_results_table(result, period, engine))
    _print_notes(console, result)
    if out:
        _write_tables(result, out, include_raw=include_raw, csv_dialect=csv_dialect)
        console.print(_say(T_("Findings written to {out}", out=out)), highlight=False, markup=False)
    return result.exit_code(fail_on)


def _prepare_out(out: Path, csv_dialect: str | None) -> None:
    """Before the audit, not after it: a bad $REGAUDIT_CSV_DIALECT, a file in the way or a read-only disk
    fails at once."""
    from audit_lib.errors import OutputError
    from audit_lib.outputs import csv_dialect as dialect_of

    dialect_of(csv_dialect)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError.from_os_error(exc) from None


def _write_tables(result, out: Path, *, include_raw: bool, csv_dialect: str | None) -> None:
    """Write the audit's findings and check results into ``out``; a disk that fills up is an OutputError."""
    from audit_lib.errors import OutputError

    try:
        result.write_tables(out, include_raw=include_raw, csv_dialect=csv_dialect)
    except OSError as exc:  # the disk filled up while writing
        raise OutputError.from_os_error(exc) from None


# The check table's columns and statuses; the statuses as the check results name them, in English.
RESULT_COLUMNS = (T_("check"), T_("family"), T_("severity"), T_("status"), T_("tested"), T_("failures"),
                  T_("seconds"), T_("note"))
STATUSES = {Status.PASS: T_("pass"), Status.FAIL: T_("fail"), Status.ERROR: T_("error"), Status.NOT_RUN: T_("not_run"),
            Status.NOT_TESTED: T_("not_tested")}
STATUS_COLOURS = {Status.PASS: "green", Status.FAIL: "red", Status.ERROR: "magenta", Status.NOT_RUN: "yellow",
                  Status.NOT_TESTED: "yellow"}


def _results_table(result, period: str, engine: str):
    """The rich table of check results that ``regaudit check`` prints, in the command line's language."""
    from rich.markup import escape
    from rich.table import Table

    selected = T_(", {selected} of {total} checks (--only)", selected=len(result.only),
                  total=result.catalogue_size) if result.partial else ""
    on = T_(", on {engine}", engine=engine) if engine != "duckdb" else ""
    table = Table(title=escape(_say(T_("Check results, {period} (run {run_id}){selected}{on}", period=period,
                                       run_id=result.run_id, selected=selected, on=on))))
    for column in RESULT_COLUMNS:
        table.add_column(_say(column), overflow="fold")
    for row in result.check_results.itertuples():
        status = _say(STATUSES.get(row.status, row.status))
        table.add_row(row.check_id, row.family, row.severity, f"[{STATUS_COLOURS[row.status]}]{escape(status)}[/]",
                      "" if row.population is None or str(row.population) == "<NA>" else str(row.population),
                      # pandas gives NaN, not None, for a missing reason in some frames
                      str(row.failures), f"{row.duration_s:.2f}",
                      escape(row.reason) if isinstance(row.reason, str) else "")
    return table


def _print_notes(console, result) -> None:
    """What ``regaudit check`` says under its table: why the audit is incomplete, what --only left out,
    the accepted risks and the entries that match no finding."""
    from rich.markup import escape

    def note(label: Text | None, text: object) -> None:
        lead = f"[yellow]{escape(_say(label))}[/] " if label else ""
        console.print(lead + escape(_say(text)), highlight=False)

    for reason in result.incomplete_reasons:
        note(T_("incomplete:"), reason)
    if result.partial:
        skipped = result.skipped_inputs
        counts = dict(selected=len(result.only), total=result.catalogue_size, skipped=len(skipped))
        note(T_("partial:"), T_("only {selected} of {total} checks were run (--only); {skipped} file(s) not needed "
                                "by them were skipped, not read: {files}", files=", ".join(skipped), **counts)
             if skipped else T_("only {selected} of {total} checks were run (--only); {skipped} file(s) not needed "
                                "by them were skipped, not read", **counts))
    if result.accepted_path is not None:
        note(None, Tn_("{count} finding accepted by {path} (sha256 {sha256}…)",
                       "{count} findings accepted by {path} (sha256 {sha256}…)", len(result.accepted_findings),
                       count=len(result.accepted_findings), path=result.accepted_path,
                       sha256=result.accepted_sha256[:12]))
        for entry in result.accepted_unmatched:
            note(T_("accepted risk matches no finding:"), entry)


@app.command()
@_handled
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
    if shape == "vendor":
        from audit_lib.sample.vendor import generate_vendor

        summary = generate_vendor(out, seed=seed)
    else:
        from audit_lib.sample import generate

        summary = generate(out, seed=seed, subjects=subjects, fmt=fmt)
    _echo(T_("Sample written to {out}", out=out))
    _echo(summary)


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
@_handled
def map_exports(exports_dir: Optional[Path] = typer.Argument(None, help="The folder of export files to map."),
                out: Path = typer.Option(Path("exports.draft.yaml"), help="The draft to write (never overwritten)."),
                register: Optional[Path] = typer.Option(None, help="register.yaml: its categories (by fides_key), "
                                                                   "identifiers and subject types are proposed."),
                check: bool = typer.Option(False, "--check", help="Compare --exports with its files; write nothing."),
                exports: Optional[Path] = typer.Option(None, help="With --check: the exports.yaml to compare."),
                allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                                   help=ALLOW_OUTSIDE_HELP)) -> int:
    """Draft an exports.yaml for a folder of exports, or compare one with its files (help: the decorator's)."""
    if check:
        return _check_mapping(exports, allow_outside)
    if exports_dir is None:
        raise _usage_error(T_("name the folder of exports: regaudit map EXPORTS_DIR (or use --check)"))
    if out.exists():
        raise _fail(T_("{out} exists; choose another --out (a draft never overwrites a mapping)", out=out),
                    ExitCode.ERROR)
    from audit_lib.mapdraft.draft import write_draft

    written, drafts = write_draft(exports_dir, out, register)
    todos = [line for draft in drafts for line in draft.todos]
    _echo(T_("wrote {written}: {files} file(s), {todos} TODO(s) to decide; then run `regaudit lint {written}`",
             written=written, files=len(drafts), todos=len(todos)))
    return ExitCode.OK


def _check_mapping(exports: Path | None, allow_outside: list[Path] | None) -> int:
    """``regaudit map --check``: each change between exports.yaml and its files; 1 if there is any."""
    if exports is None:
        raise _usage_error(T_("--check needs --exports exports.yaml"))
    from audit_lib.mapdraft.compare import check_mapping

    folder, changes = check_mapping(exports, allow_outside=allow_outside or None)
    for change in changes:
        _echo(change)
    _echo(Tn_("{count} change between {exports} and {folder}", "{count} changes between {exports} and {folder}",
              len(changes), count=len(changes), exports=exports, folder=folder) if changes
          else T_("{exports} matches the files in {folder}", exports=exports, folder=folder))
    return ExitCode.FINDINGS if changes else ExitCode.OK


LINT_EXIT_CODES = "Exit codes: 0 valid and no notice findings; 1 notice findings; 3 invalid file; 4 other errors."


@app.command(help="Validate register.yaml (or exports.yaml and the register it names) and run the notice "
                  "checks: GDPR Art. 13 and current Finnish law against what the declaration states.\n\n"
                  + LINT_EXIT_CODES)
@_handled
def lint(path: Path = typer.Argument(..., help="register.yaml or exports.yaml."),
         lang: str = typer.Option("en", help="Language of the findings: en or fi."),
         allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside", help=ALLOW_OUTSIDE_HELP)) -> int:
    """Validate a declaration file and run the notice checks on it (help: the decorator's)."""
    from rich.console import Console

    from audit_lib.lint import lint as run_lint, render

    result = run_lint(path, lang=lang, allow_outside=allow_outside or None)
    render(result, Console(width=max(Console().width, 120)), say=_say)
    return result.exit_code


@app.command(short_help="Write the record of processing activities (GDPR Art. 30) from register.yaml.")
@_handled
def ropa(register: Path = typer.Option(..., help="register.yaml."),
         out: Path = typer.Option(..., help="Folder for ropa_<lang>.md, .html and .csv."),
         lang: str = typer.Option("both", callback=_one_of(*RECORD_LANGUAGES, "both"), help="fi, en or both."),
         exports: Path | None = typer.Option(None, help="exports.yaml: which tables hold each data category, so "
                                                        "that point (f) names the retention rule covering a "
                                                        "category that no rule lists."),
         csv_dialect: Optional[str] = _csv_dialect_option()) -> None:
    """Write the record of processing activities (GDPR Art. 30(1)(a)–(g)) from register.yaml.

    Exit codes: 0 written, 3 invalid register.yaml or exports.yaml, 4 other errors, 64 usage error.
    """
    from audit_lib.declaration import load_declaration, load_register
    from audit_lib.ropa import write_ropa

    model, source = load_register(register)
    export_map = load_declaration(register, exports).exports if exports is not None else None
    for written in write_ropa(model, out, RECORD_LANGUAGES if lang == "both" else (lang,), source_sha256=source.sha256,
                              exports=export_map, csv_dialect=csv_dialect):
        _echo(T_("wrote {path}", path=written))


@app.command()
@_handled
def schema(out: Path = typer.Option(resources.PACKAGE_DIR / "schemas", help="Folder for the schema files."),
           check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the files in --out are "
                                                             "stale.")) -> None:
    """Generate the JSON Schemas of register.yaml and exports.yaml from the models (as strict as lint on
    roles, fields and canonical values); --out DIR publishes them for files outside the checkout.

    Exit codes: 0 written (or up to date with --check), 1 stale (with --check), 4 other errors.
    """
    from audit_lib.declaration.schema import stale_schemas, write_schemas

    if check:
        stale = stale_schemas(out)
        for name in stale:
            _echo(T_("stale: {path} (run `regaudit schema --out {out}`)", path=out / name, out=out))
        return ExitCode.FINDINGS if stale else ExitCode.OK
    for written in write_schemas(out):
        _echo(T_("wrote {path}", path=written))
        # What an editor needs: the first line of the YAML file, naming the schema (a path relative to
        # the YAML file, or this absolute one; see the README for a URL).
        first_line = "# yaml-language-server: $schema=" + written.resolve().as_uri()
        typer.echo("  " + _say(T_("first line of {name}: {line}", name=written.name.replace(".schema.json", ".yaml"),
                                  line=first_line)))
    return ExitCode.OK


fides_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="Exchange the declaration with Fides (fideslang datasets and systems).")
app.add_typer(fides_app, name="fides")


@fides_app.command("export")
@_handled
def fides_export(exports: Path = typer.Option(..., help="exports.yaml (its register.yaml is read too)."),
                 register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml "
                                                                    "names)."),
                 out: Path = typer.Option(..., help="Folder for dataset.yml and system.yml."),
                 allow_outside: Optional[list[Path]] = typer.Option(None, "--allow-outside",
                                                                    help=ALLOW_OUTSIDE_HELP)) -> None:
    """Write the export map as a Fides dataset and the purposes as a Fides system, validated by fideslang.

    Exit codes: 0 written, 3 invalid declaration, 4 other errors.
    """
    from audit_lib.declaration import load_declaration
    from audit_lib.fides import write_fides

    for written in write_fides(load_declaration(register, exports, allow_outside=allow_outside or None), out):
        _echo(T_("wrote {path}", path=written))


@fides_app.command("import")
@_handled
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
    from audit_lib.declaration import load_register
    from audit_lib.fides_import import write_import

    model = load_register(register)[0] if register is not None else None
    if out.exists():
        raise _fail(T_("{out} exists; choose another --out (an import never overwrites a mapping)", out=out),
                    ExitCode.ERROR)
    written = write_import(dataset, out, model, register_path=register)
    if "TODO" in written.read_text(encoding="utf-8"):
        _echo(T_("wrote {written}; fill in every TODO, then run `regaudit lint {out}`", written=written, out=out))
    else:
        _echo(T_("wrote {written}; check it with `regaudit lint {out}`", written=written, out=out))


@app.command()
@_handled
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
            lang: str = typer.Option("en", callback=_one_of(*LANGUAGES),
                                     help="Language of the notebook's headings, charts, tables and filters: en "
                                          "or fi.")) -> None:
    """Open JupyterLab on the register-statistics notebook with the register (default: the sample) loaded."""
    from audit_lib.explore.launch import launch

    return launch(register, exports, period, work_dir=work_dir, browser=browser, execute=execute, port=port,
                  echo=_echo, allow_outside=allow_outside or None, lang=lang)


def main() -> None:
    """Entry point of the ``regaudit`` script.

    The commands run under ``@_handled``; this catches what fails outside one (an option callback,
    an import), so that no traceback reaches the user there either.
    """
    from audit_lib.debug import debug_enabled

    try:
        app()
    except Exception as exc:
        if debug_enabled():
            raise
        typer.echo(f"{_say(ERROR)} {_say(_unexpected(exc))}", err=True)
        sys.exit(ExitCode.ERROR)


if __name__ == "__main__":
    sys.exit(main())
