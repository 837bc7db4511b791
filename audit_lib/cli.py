"""The ``regaudit`` command line: one error handler, documented exit codes, heavy imports deferred."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import Optional

import typer

from audit_lib import resources

EXIT_CODES = """Exit codes: 0 audit done and clean; 1 findings at or above --fail-on; 2 checks or inputs that could
not be evaluated (the audit is incomplete); 3 invalid register.yaml or exports.yaml; 4 other errors;
5 the report notebook failed (run, demo: the executed notebook is kept in a .failed- folder)."""

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="regaudit: audit a personal-data register against its declaration, and report it as "
                       "evidence.\n\n" + EXIT_CODES)

SAMPLE_DIR = resources.SAMPLE
REPO_DIR = resources.work_root()


def _fail(message: str, code: int) -> typer.Exit:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]error:[/] {message}", highlight=False, markup=True, soft_wrap=True)
    return typer.Exit(code)


def _guard(function):
    """Run a command body; regaudit's own errors become one red message and a documented exit code."""
    from audit_lib.errors import DeclarationError, RegauditError

    try:
        return function()
    except DeclarationError as exc:
        raise _fail(str(exc), 3) from None
    except RegauditError as exc:
        if os.environ.get("REGAUDIT_DEBUG"):
            raise
        raise _fail(str(exc), 4) from None


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
              "html": "writing report.html", "pdf": "printing report.pdf", "publish": "publishing the report"}

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
         pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium.")) -> None:
    """Audit the bundled Hyvinvoivin sample for 2026-Q3 and write the report to reports/demo/."""
    def body() -> None:
        import time

        from audit_lib.report.pipeline import ReportFailed, demo as run_demo

        started = time.perf_counter()
        try:
            folder = run_demo(out_dir=out, lang=lang, pdf=pdf)
        except ReportFailed as exc:
            raise _fail(str(exc), 5) from None
        typer.echo(f"Report written to {folder} ({time.perf_counter() - started:.1f} s)")
        typer.echo(f"Open {folder / 'report.html'}")
    _guard(body)


RUN_EXIT_CODES = """Exit codes: 0 report written, audit complete, no open finding at or above --fail-on; 1 report
written, open findings at or above --fail-on; 2 report written but the audit is INCOMPLETE (checks or inputs
that could not be evaluated; the cover says why); 3 invalid register.yaml or exports.yaml (nothing written);
4 other errors before the report started (nothing written); 5 the report FAILED while running: nothing was
published, and what it made is kept in <out>/<period>.failed-<timestamp>/ (its executed notebook shows the
failing cell)."""


@app.command(help="Run the quarterly audit notebook with papermill and write the report folder atomically: "
                  "<out>/<period>/ with the executed notebook, report.html, report.pdf, findings (CSV, Parquet, "
                  "JSON), check results, changes since the previous period and manifest.json.\n\n"
                  + RUN_EXIT_CODES)
def run(period: str = typer.Option(..., help="Audit period: 2026-Q3, 2026-09 or 2026."),
        exports: Path = typer.Option(..., help="exports.yaml: the map of the export files."),
        register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
        out: Path = typer.Option(Path("reports"), help="Reports folder; the report goes into <out>/<period>/."),
        key_file: Optional[Path] = typer.Option(None, help="Pseudonym key file (kept outside the reports folder); "
                                                             "or set REGAUDIT_PSEUDONYM_KEY."),
        lang: str = typer.Option("en", help="Report language: en or fi (text, headings, check titles, messages)."),
        pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium."),
        fail_on: str = typer.Option("low", help="Lowest severity of an open finding that makes the exit code 1: "
                                                "critical, high, medium, low, or none.")) -> None:
    def body() -> int:
        from audit_lib.report.pipeline import ReportFailed, exit_code, run_report

        if fail_on not in ("critical", "high", "medium", "low", "none"):
            raise _fail(f"--fail-on {fail_on!r}: use critical, high, medium, low or none", 4)
        try:
            with _progress_bar(f"Report {period}") as progress:
                folder = run_report(register, exports, period, out, pseudonym_key_file=key_file, lang=lang,
                                    pdf=pdf, progress=progress)
        except ReportFailed as exc:
            raise _fail(str(exc), 5) from None
        code = exit_code(folder, fail_on)
        typer.echo(f"Report written to {folder}" + (" (the audit is INCOMPLETE: see its cover)" if code == 2 else ""))
        return code
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
                                                                "or set REGAUDIT_PSEUDONYM_KEY.")) -> None:
    def body() -> int:
        from audit_lib.reveal import reveal as run_reveal

        found = run_reveal(reference, exports, register=register, key_file=key_file)
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
          fail_on: str = typer.Option("low", help="Lowest severity that makes the exit code 1: "
                                                  "critical, high, medium, low, or none."),
          out: Optional[Path] = typer.Option(None, help="Also write findings and check results into this folder."),
          lang: str = typer.Option("en", help="Language of titles and messages: en or fi."),
          accepted: Optional[Path] = typer.Option(None, help="Accepted risks (default: accepted.yaml beside "
                                                             "exports.yaml, if there is one). Accepted findings "
                                                             "are listed but do not count for --fail-on.")) -> None:
    """Run the check catalogue without the notebook and print a table of check results.

    Exit codes: 0 clean, 1 open findings at or above --fail-on, 2 checks that could not run or inputs
    that were rejected, 3 invalid register.yaml, exports.yaml or accepted-risks file, 4 other errors.
    """
    def body() -> int:
        from rich.console import Console
        from rich.table import Table

        from audit_lib.audit import run_audit
        from audit_lib.periods import parse_period
        from audit_lib.pseudonym import load_key

        if fail_on not in ("critical", "high", "medium", "low", "none"):
            raise _fail(f"--fail-on {fail_on!r}: use critical, high, medium, low or none", 4)
        parse_period(period)  # a mistyped period is reported before anything else is asked for
        console = Console()
        with _progress_bar(f"Auditing {period}") as progress:
            result = run_audit(register, exports, period, pseudonym_key=load_key(key_file), lang=lang,
                               progress=progress, accepted=accepted if accepted is not None else True)
        table = Table(title=f"Check results, {period} (run {result.run_id})")
        for column in ("check", "family", "severity", "status", "tested", "failures", "seconds", "note"):
            table.add_column(column, overflow="fold")
        colours = {"pass": "green", "fail": "red", "error": "magenta", "not_run": "yellow"}
        for row in result.check_results.itertuples():
            table.add_row(row.check_id, row.family, row.severity, f"[{colours[row.status]}]{row.status}[/]",
                          "" if row.population is None or str(row.population) == "<NA>" else str(row.population),
                          # pandas gives NaN, not None, for a missing reason in some frames
                          str(row.failures), f"{row.duration_s:.2f}",
                          row.reason if isinstance(row.reason, str) else "")
        console.print(table)
        for reason in result.incomplete_reasons:
            console.print(f"[yellow]incomplete:[/] {reason}", highlight=False)
        if result.accepted_path is not None:
            console.print(f"{len(result.accepted_findings)} finding(s) accepted by {result.accepted_path} "
                          f"(sha256 {result.accepted_sha256[:12]}…)", highlight=False)
            for entry in result.accepted_unmatched:
                console.print(f"[yellow]accepted risk matches no finding:[/] {entry}", highlight=False)
        if out:
            result.write_tables(out)
            console.print(f"Findings written to {out}")
        return result.exit_code(None if fail_on == "none" else fail_on)
    raise typer.Exit(_guard(body))


@app.command()
def sample(out: Path = typer.Option(..., help="Folder to write register.yaml, exports.yaml, exports/ and "
                                              "expected_findings.csv into."),
           seed: int = typer.Option(42, help="Random seed: the same seed gives the same files."),
           subjects: int = typer.Option(2000, help="Number of consumer customers."),
           fmt: str = typer.Option("native", "--format", help="native (CSV, Parquet, JSON, XLSX as in the "
                                                               "sample) or parquet (every file as Parquet)."),
           shape: str = typer.Option("register", "--shape", help="register (the bundled Hyvinvoivin sample's "
                                                                 "canonical exports) or vendor (the small sample of "
                                                                 "data_samples/webshop_vendor, shaped as the vendors' "
                                                                 "systems export it; --subjects and --format do not "
                                                                 "apply; --seed 7 gives the bundled files).")) -> None:
    """Generate a deterministic Hyvinvoivin register with planted violations and their ground truth."""
    def body() -> None:
        if shape == "vendor":
            from audit_lib.sample.vendor import generate_vendor

            summary = generate_vendor(out, seed=seed)
        elif shape == "register":
            from audit_lib.sample import generate

            summary = generate(out, seed=seed, subjects=subjects, fmt=fmt)
        else:
            raise _fail(f"--shape must be register or vendor, not {shape!r}", 2)
        typer.echo(f"Sample written to {out}")
        typer.echo(str(summary))
    _guard(body)


LINT_EXIT_CODES = "Exit codes: 0 valid and no notice findings; 1 notice findings; 3 invalid file; 4 other errors."


@app.command(help="Validate register.yaml (or exports.yaml and the register it names) and run the notice "
                  "checks: GDPR Art. 13 and current Finnish law against what the declaration states.\n\n"
                  + LINT_EXIT_CODES)
def lint(path: Path = typer.Argument(..., help="register.yaml or exports.yaml."),
         lang: str = typer.Option("en", help="Language of the findings: en or fi.")) -> None:
    def body() -> int:
        from rich.console import Console

        from audit_lib.lint import lint as run_lint, render

        result = run_lint(path, lang=lang)
        render(result, Console(width=max(Console().width, 120)))
        return result.exit_code
    raise typer.Exit(_guard(body))


@app.command(short_help="Write the record of processing activities (GDPR Art. 30) from register.yaml.")
def ropa(register: Path = typer.Option(..., help="register.yaml."),
         out: Path = typer.Option(..., help="Folder for ropa_<lang>.md, .html and .csv."),
         lang: str = typer.Option("both", help="fi, en or both.")) -> None:
    """Write the record of processing activities (GDPR Art. 30(1)(a)–(g)) from register.yaml.

    Exit codes: 0 written, 3 invalid register.yaml, 4 other errors.
    """
    def body() -> None:
        from audit_lib.declaration import load_register
        from audit_lib.ropa import LANGS, write_ropa

        if lang not in ("fi", "en", "both"):
            raise _fail(f"--lang {lang!r}: use fi, en or both", 4)
        model, source = load_register(register)
        for written in write_ropa(model, out, LANGS if lang == "both" else (lang,), source_sha256=source.sha256):
            typer.echo(f"wrote {written}")
    _guard(body)


@app.command()
def schema(out: Path = typer.Option(resources.PACKAGE_DIR / "schemas", help="Folder for the schema files."),
           check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 if the files in --out are "
                                                             "stale.")) -> None:
    """Generate the JSON Schemas of register.yaml and exports.yaml from the models.

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
        return 0
    raise typer.Exit(_guard(body))


fides_app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                        help="Exchange the declaration with Fides (fideslang datasets and systems).")
app.add_typer(fides_app, name="fides")


@fides_app.command("export")
def fides_export(exports: Path = typer.Option(..., help="exports.yaml (its register.yaml is read too)."),
                 register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml "
                                                                    "names)."),
                 out: Path = typer.Option(..., help="Folder for dataset.yml and system.yml.")) -> None:
    """Write the export map as a Fides dataset and the purposes as a Fides system, validated by fideslang.

    Exit codes: 0 written, 3 invalid declaration, 4 other errors.
    """
    def body() -> None:
        from audit_lib.declaration import load_declaration
        from audit_lib.fides import write_fides

        for written in write_fides(load_declaration(register, exports), out):
            typer.echo(f"wrote {written}")
    _guard(body)


@fides_app.command("import")
def fides_import(dataset: Path = typer.Argument(..., help="A Fides dataset YAML file."),
                 out: Path = typer.Option(..., help="exports.yaml skeleton to write."),
                 register: Optional[Path] = typer.Option(None, help="register.yaml whose category ids replace the "
                                                                    "fideslang keys.")) -> None:
    """Read a Fides dataset into an exports.yaml skeleton (columns with categories; roles marked TODO).

    Exit codes: 0 written, 3 invalid dataset or register.yaml, 4 other errors.
    """
    def body() -> None:
        from audit_lib.declaration import load_register
        from audit_lib.fides import write_import

        model = load_register(register)[0] if register is not None else None
        if out.exists():
            raise _fail(f"{out} exists; choose another --out (an import never overwrites a mapping)", 4)
        typer.echo(f"wrote {write_import(dataset, out, model)}; fill in every TODO, then run `regaudit lint {out}`")
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
            port: Optional[int] = typer.Option(None, help="Port for JupyterLab (default: a free one).")) -> None:
    """Open JupyterLab on the register-statistics notebook with the register (default: the sample) loaded."""
    def body() -> int:
        from audit_lib.explore.launch import launch

        return launch(register, exports, period, work_dir=work_dir, browser=browser, execute=execute, port=port,
                      echo=typer.echo)
    raise typer.Exit(_guard(body))


def main() -> None:
    """Entry point of the ``regaudit`` script."""
    app()


if __name__ == "__main__":
    sys.exit(main())
