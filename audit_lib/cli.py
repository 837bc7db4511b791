"""The ``regaudit`` command line: one error handler, documented exit codes, heavy imports deferred."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

EXIT_CODES = """Exit codes: 0 audit done and clean; 1 findings at or above --fail-on; 2 checks or inputs that could
not be evaluated (the audit is incomplete); 3 invalid register.yaml or exports.yaml; 4 other errors."""

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="regaudit: audit a personal-data register against its declaration, and report it as "
                       "evidence.\n\n" + EXIT_CODES)

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"
REPO_DIR = Path(__file__).resolve().parent.parent


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


@app.command()
def demo(out: Path = typer.Option(REPO_DIR / "reports", help="Folder the demo report goes into (as demo/)."),
         lang: str = typer.Option("en", help="Report language: en or fi."),
         pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium.")) -> None:
    """Audit the bundled Hyvinvoivin sample for 2026-Q3 and write the report to reports/demo/."""
    def body() -> None:
        import time

        from audit_lib.report.pipeline import demo as run_demo

        started = time.perf_counter()
        folder = run_demo(out_dir=out, lang=lang, pdf=pdf)
        typer.echo(f"Report written to {folder} ({time.perf_counter() - started:.1f} s)")
        typer.echo(f"Open {folder / 'report.html'}")
    _guard(body)


@app.command()
def run(period: str = typer.Option(..., help="Audit period: 2026-Q3, 2026-09 or 2026."),
        exports: Path = typer.Option(..., help="exports.yaml: the map of the export files."),
        register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
        out: Path = typer.Option(Path("reports"), help="Reports folder; the report goes into <out>/<period>/."),
        key_file: Optional[Path] = typer.Option(None, help="Pseudonym key file (kept outside the reports folder); "
                                                             "or set REGAUDIT_PSEUDONYM_KEY."),
        lang: str = typer.Option("en", help="Report language: en or fi."),
        pdf: bool = typer.Option(True, help="Also print the report to PDF with Chromium.")) -> None:
    """Run the quarterly audit notebook with papermill and write the report folder atomically.

    Exit codes: 0 clean, 1 findings, 2 incomplete audit, 3 invalid declaration, 4 other errors.
    """
    def body() -> None:
        from audit_lib.report.pipeline import run_report

        folder = run_report(register, exports, period, out, pseudonym_key_file=key_file, lang=lang, pdf=pdf)
        typer.echo(f"Report written to {folder}")
    _guard(body)


@app.command()
def check(exports: Path = typer.Option(..., help="exports.yaml: the map of the export files."),
          period: str = typer.Option(..., help="Audit period: 2026-Q3, 2026-09 or 2026."),
          register: Optional[Path] = typer.Option(None, help="register.yaml (default: the one exports.yaml names)."),
          key_file: Optional[Path] = typer.Option(None, help="Pseudonym key file; or set REGAUDIT_PSEUDONYM_KEY."),
          fail_on: str = typer.Option("low", help="Lowest severity that makes the exit code 1: "
                                                  "critical, high, medium, low, or none."),
          out: Optional[Path] = typer.Option(None, help="Also write findings and check results into this folder."),
          lang: str = typer.Option("en", help="Language of titles and messages: en or fi.")) -> None:
    """Run the check catalogue without the notebook and print a table of check results.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 checks that could not run or inputs that
    were rejected, 3 invalid register.yaml or exports.yaml, 4 other errors.
    """
    def body() -> int:
        from rich.console import Console
        from rich.table import Table

        from audit_lib.audit import run_audit
        from audit_lib.pseudonym import load_key

        if fail_on not in ("critical", "high", "medium", "low", "none"):
            raise _fail(f"--fail-on {fail_on!r}: use critical, high, medium, low or none", 4)
        console = Console()
        with console.status("Auditing") as status:
            result = run_audit(register, exports, period, pseudonym_key=load_key(key_file), lang=lang,
                               progress=lambda stage: status.update(f"Auditing: {stage}"))
        table = Table(title=f"Check results, {period} (run {result.run_id})")
        for column in ("check", "family", "severity", "status", "tested", "failures", "note"):
            table.add_column(column, overflow="fold")
        colours = {"pass": "green", "fail": "red", "error": "magenta", "not_run": "yellow"}
        for row in result.check_results.itertuples():
            table.add_row(row.check_id, row.family, row.severity, f"[{colours[row.status]}]{row.status}[/]",
                          "" if row.population is None or str(row.population) == "<NA>" else str(row.population),
                          str(row.failures), row.reason or "")
        console.print(table)
        for reason in result.incomplete_reasons:
            console.print(f"[yellow]incomplete:[/] {reason}", highlight=False)
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
                                                               "sample) or parquet (every file as Parquet).")) -> None:
    """Generate a deterministic Hyvinvoivin register with planted violations and their ground truth."""
    def body() -> None:
        from audit_lib.sample import generate

        summary = generate(out, seed=seed, subjects=subjects, fmt=fmt)
        typer.echo(f"Sample written to {out}")
        typer.echo(str(summary))
    _guard(body)


def main() -> None:
    """Entry point of the ``regaudit`` script."""
    app()


if __name__ == "__main__":
    sys.exit(main())
