"""Exit codes of the command line: usage errors, --version, --debug, periods, and no traceback for anyone.

Every case names the class of input it stands for; the table of codes is ``audit_lib.exit_codes``.
"""

from __future__ import annotations

import errno
import inspect
import re
import subprocess
import sys
import textwrap
from importlib.metadata import version
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.errors import RegauditError
from audit_lib.exit_codes import ExitCode, audit_exit_code
from audit_lib.periods import parse_period

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"
ENV = {"REGAUDIT_PSEUDONYM_KEY": "0123456789abcdef" * 4, "COLUMNS": "200", "REGAUDIT_DEBUG": ""}


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


@pytest.mark.parametrize("args", [
    pytest.param([], id="bare regaudit"),
    pytest.param(["--bogus"], id="unknown global option"),
    pytest.param(["nosuch"], id="unknown command"),
    pytest.param(["check", "--nope"], id="unknown option of a command"),
    pytest.param(["check"], id="missing required option"),
    pytest.param(["sample", "--out", "x", "--subjects", "many"], id="malformed value"),
    pytest.param(["sample", "--out", "x", "--shape", "round"], id="value not among the choices"),
    pytest.param(["ropa", "--register", "r.yaml", "--out", "x", "--lang", "sv"], id="language not among the choices"),
    pytest.param(["fides"], id="bare command group"),
])
def test_usage_errors_have_their_own_exit_code(args):
    result = _invoke(*args)
    assert result.exit_code == ExitCode.USAGE == 64, result.output
    assert result.exit_code != ExitCode.INCOMPLETE


def test_usage_error_from_the_installed_entry_point():
    """The script's own entry point (not only typer's test runner) ends a usage error with 64."""
    done = subprocess.run([sys.executable, "-m", "audit_lib", "--bogus"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 64 and "No such option" in done.stderr and "Traceback" not in done.stderr


def test_version_prints_the_installed_package_version():
    result = _invoke("--version")
    assert result.exit_code == 0 and result.output.strip() == f"regaudit {version('regaudit')}"


def test_help_documents_every_exit_code():
    result = _invoke("--help")
    assert result.exit_code == 0
    for code in ExitCode:
        assert re.search(rf"^\s+{code.value}\s+{re.escape(code.meaning)}$", result.output, re.MULTILINE), code


def test_readme_table_lists_every_exit_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\d+)` \| (.+?) \|$", readme, re.MULTILINE))
    assert rows == {str(code.value): code.meaning for code in ExitCode}


@pytest.mark.parametrize("complete, severities, fail_on, expected", [
    (False, ["critical"], "low", ExitCode.INCOMPLETE),
    (False, [], None, ExitCode.INCOMPLETE),
    (True, ["medium"], "low", ExitCode.FINDINGS),
    (True, ["medium"], "high", ExitCode.OK),
    (True, {"medium": 2, "critical": 0}, "high", ExitCode.OK),
    (True, {"critical": 1}, "high", ExitCode.FINDINGS),
    (True, ["critical"], "none", ExitCode.OK),
])
def test_one_function_decides_an_audits_exit_code(complete, severities, fail_on, expected):
    assert audit_exit_code(complete, severities, fail_on) is expected


@pytest.mark.parametrize("label", [
    pytest.param("2026-Q3\n", id="trailing newline"),
    pytest.param("2026\n", id="year with trailing newline"),
    pytest.param(" 2026-Q3", id="leading blank"),
    pytest.param("2026-Q3 ", id="trailing blank"),
    pytest.param("２０２６-Q3", id="full-width digits"),
    pytest.param("٢٠٢٦-09", id="Arabic-Indic digits"),
    pytest.param("2026-Q３", id="full-width quarter"),
    pytest.param("0000", id="year zero"),
    pytest.param("9999-Q4", id="ends after year 9999"),
])
def test_periods_are_ascii_and_fully_matched(label):
    with pytest.raises(RegauditError, match="is not understood"):
        parse_period(label)


def test_a_period_with_a_newline_makes_no_folder(tmp_path):
    out = tmp_path / "reports"
    result = _invoke("run", "--period", "2026-Q3\n", "--exports", str(SAMPLE / "exports.yaml"), "--out", str(out),
                     "--no-pdf")
    assert result.exit_code == ExitCode.ERROR and "is not understood" in result.output
    assert not out.exists()


def test_an_unexpected_exception_is_one_line_and_exit_4(monkeypatch):
    from audit_lib import audit

    def broken(*args, **kwargs):
        raise ValueError("something no one foresaw")

    monkeypatch.setattr(audit, "run_audit", broken)
    result = _invoke("check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3")
    assert result.exit_code == ExitCode.ERROR
    assert "unexpected ValueError: something no one foresaw" in result.output and "--debug" in result.output
    assert "Traceback" not in result.output


def test_debug_shows_the_traceback_and_keeps_the_exit_code(monkeypatch):
    from audit_lib import audit

    def broken(*args, **kwargs):
        raise ValueError("something no one foresaw")

    monkeypatch.setattr(audit, "run_audit", broken)
    result = _invoke("--debug", "check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3")
    assert result.exit_code == ExitCode.ERROR
    assert "Traceback" in result.output and "something no one foresaw" in result.output
    # --debug holds for one invocation only
    again = _invoke("check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3")
    assert "Traceback" not in again.output


def test_regaudit_debug_variable_is_an_alias_of_debug(monkeypatch):
    from audit_lib import audit

    def broken(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error", "/dev/broken")

    monkeypatch.setattr(audit, "run_audit", broken)
    result = CliRunner().invoke(app, ["check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3"],
                                env={**ENV, "REGAUDIT_DEBUG": "1"})
    assert result.exit_code == ExitCode.ERROR and "Traceback" in result.output
    quiet = _invoke("check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3")
    assert quiet.exit_code == ExitCode.ERROR and "Traceback" not in quiet.output
    assert "/dev/broken" in quiet.output and "Input/output error" in quiet.output


@pytest.mark.parametrize("make_out", [
    pytest.param(lambda blocker: blocker, id="the output is a file"),
    pytest.param(lambda blocker: blocker / "sub", id="the output is under a file"),
])
def test_run_into_an_output_folder_that_cannot_be_made_gives_4(tmp_path, make_out):
    blocker = tmp_path / "reports"
    blocker.write_text("a file", encoding="utf-8")
    result = _invoke("run", "--period", "2026-Q3", "--exports", str(SAMPLE / "exports.yaml"),
                     "--out", str(make_out(blocker)), "--no-pdf")
    assert result.exit_code == ExitCode.ERROR, result.output
    assert f"{blocker} is a file, not a folder" in result.output and "--out" in result.output
    assert "Traceback" not in result.output and blocker.read_text(encoding="utf-8") == "a file"


def test_a_full_disk_while_the_report_runs_gives_5_and_keeps_what_it_made(tmp_path, monkeypatch):
    from audit_lib.report import pipeline

    def full(notebook, output, parameters, kernel, **kwargs):
        output.write_text("{}", encoding="utf-8")  # papermill had written part of the notebook
        raise OSError(errno.ENOSPC, "No space left on device", str(output))

    monkeypatch.setattr(pipeline, "execute_notebook", full)
    out = tmp_path / "reports"
    result = _invoke("run", "--period", "2026-Q3", "--exports", str(SAMPLE / "exports.yaml"), "--out", str(out),
                     "--no-pdf")
    assert result.exit_code == ExitCode.REPORT_FAILED, result.output
    assert "the disk is full" in result.output and "quarterly_audit.ipynb" in result.output
    assert "Traceback" not in result.output
    kept = [p.name for p in out.iterdir()]
    assert len(kept) == 1 and kept[0].startswith("2026-Q3.failed-") and kept[0] in result.output.replace("\n", "")


def _commands():
    """Every command of the tree as (name, the function typer registered)."""
    yield from ((c.name or c.callback.__name__, c.callback) for c in app.registered_commands)
    for group in app.registered_groups:
        yield from ((f"{group.name} {c.name}", c.callback) for c in group.typer_instance.registered_commands)


def test_every_command_is_a_plain_function_under_the_one_error_handler():
    """One decorator, @_handled, turns failures into exit codes: no command keeps a body of its own."""
    import ast

    from audit_lib import cli

    handled = cli._handled(lambda: None).__code__
    commands = dict(_commands())
    assert len(commands) >= 13
    for name, callback in commands.items():
        assert callback.__code__ is handled, name  # registered through @_handled
        source = ast.parse(textwrap.dedent(inspect.getsource(callback.__wrapped__)))
        inner = [n.name for n in ast.walk(source) if isinstance(n, ast.FunctionDef)][1:]
        assert inner == [], (name, inner)
    assert not hasattr(cli, "_guard")


def test_no_function_of_the_command_line_reaches_60_lines():
    import ast

    from audit_lib import cli

    tree = ast.parse(Path(cli.__file__).read_text(encoding="utf-8"))
    long = {node.name: node.end_lineno - min([node.lineno, *(d.lineno for d in node.decorator_list)]) + 1
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}
    assert {name: lines for name, lines in long.items() if lines >= 60} == {}
    assert long["check"] < 60


def test_a_command_keeps_its_exit_code_and_the_sweep_of_its_reports_folder(tmp_path, monkeypatch):
    """An int a command returns is its exit code; ``sweep`` names the folder whose leftovers go first."""
    from audit_lib import cli, stale

    swept = []
    monkeypatch.setattr(stale, "sweep_temp_and", lambda out: swept.append(out) or [])
    result = _invoke("map", "--check", "--exports", str(tmp_path / "missing.yaml"))
    assert result.exit_code == ExitCode.INVALID_DECLARATION and swept == [None]
    assert "Traceback" not in result.output
    wrapped = cli._handled(sweep=lambda options: options["out"])(lambda out: 7)
    with pytest.raises(typer.Exit) as raised:
        wrapped(out=tmp_path)
    assert raised.value.exit_code == 7 and swept[-1] == tmp_path
