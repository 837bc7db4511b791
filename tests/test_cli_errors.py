"""Usage errors in Finnish: each kind of mistake typer reports, provoked on the real command line, worded
without an English word left (audit_lib/cli_errors.py), with the usage exit code; English unchanged."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.cli_errors import sentence
from audit_lib.exit_codes import ExitCode

# Command lines, each a different mistake, and a Finnish word its message must hold.
MISTAKES = [
    (["check", "--bogus"], "Tuntematon valinta: --bogus (mahdolliset valinnat"),
    (["reveal"], "Puuttuva argumentti 'reference'"),
    (["nosuch"], "Tuntematon komento 'nosuch'"),
    (["check", "--exports", "x.yaml", "--only"], "Valinta '--only' tarvitsee arvon"),
    (["check", "--exports", "x.yaml", "--period", "2026-Q3", "--fail-on", "nope"],
     "Virheellinen arvo kohdassa '--fail-on'"),
    (["check", "--period", "2026-Q3"], "Puuttuva valinta '--exports'"),
]
# What typer writes in English around and inside a usage error.
ENGLISH = re.compile(r"\b(Usage|Try|Error|Missing|No such|Invalid|Possible|option|argument|requires|OPTIONS|"
                     r"COMMAND|for help)\b")


def _regaudit(args: list[str], lang: str) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("regaudit")
    if not script.exists():
        pytest.fail(f"regaudit is not installed beside {sys.executable}: run `make`.")
    env = {**os.environ, "REGAUDIT_LANG": lang, "COLUMNS": "200"}
    return subprocess.run([str(script), *args], capture_output=True, text=True, env=env, timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("args, finnish", MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_a_usage_error_is_finnish_throughout(args, finnish):
    done = _regaudit(args, "fi")
    assert done.returncode == ExitCode.USAGE, done.stderr
    assert "Virhe: " in done.stderr and finnish in done.stderr, done.stderr
    assert not ENGLISH.search(done.stderr), done.stderr


@pytest.mark.slow
def test_english_usage_errors_are_typers_own():
    done = _regaudit(["check", "--bogus"], "en")
    assert done.returncode == ExitCode.USAGE
    assert "Usage: regaudit check [OPTIONS]" in done.stderr and "Try 'regaudit check --help' for help." in done.stderr
    assert "Error: No such option: --bogus (Possible options: --out)" in done.stderr


def test_an_inner_message_is_worded_too_and_an_unknown_sentence_is_kept():
    assert (sentence("Invalid value for '--limit': Value 'x' is not a valid integer.", "fi")
            == "Virheellinen arvo kohdassa '--limit': 'x' ei ole kelvollinen kokonaisluku.")
    assert sentence("Missing option '--exports'.", "fi") == "Puuttuva valinta '--exports'."
    assert sentence("Something typer may say one day.", "fi") == "Something typer may say one day."
    assert sentence("Missing option '--exports'.", "en") == "Missing option '--exports'."
