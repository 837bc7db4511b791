"""Exit codes of the command line: usage errors, --version, --debug, periods, and no traceback for anyone.

Every case names the class of input it stands for; the table of codes is ``audit_lib.exit_codes``.
"""

from __future__ import annotations

import errno
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
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
