"""Leftovers of a regaudit process killed with SIGKILL are removed at the next start, and only those.

A real child process makes the working folders with regaudit's own naming code (DuckDB's spill folder,
Chromium's profile, the progress file, the report's staging folder) and is killed with SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_lib import stale
from audit_lib.cli import app
from audit_lib.exit_codes import ExitCode

# Each test starts and kills processes and waits for them to go quiet.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
HOUR = 3600

# The child: make each leftover as regaudit makes it, put a megabyte in the spill folder, report the
# paths, then wait to be killed.
CHILD = r"""
import json, os, sys, tempfile, time
from pathlib import Path
tempfile.tempdir = sys.argv[1]
from audit_lib.loader.connection import default_temp_directory
from audit_lib.report.pipeline import staging_folder
from audit_lib.stale import temp_prefix

spill = Path(default_temp_directory()); spill.mkdir()
(spill / "duckdb_temp_storage-0.tmp").write_bytes(b"x" * 1_000_000)
chromium = Path(tempfile.mkdtemp(prefix=temp_prefix("chromium")))
handle, progress = tempfile.mkstemp(prefix=temp_prefix("progress"), suffix=".jsonl"); os.close(handle)
staging = staging_folder(Path(sys.argv[2]), "2026-Q3"); staging.mkdir()
print(json.dumps([str(spill), str(chromium), progress, str(staging)]), flush=True)
time.sleep(600)
"""


def _age(path: Path, seconds: float) -> None:
    """Set back the modification times of ``path`` and what it holds by ``seconds``."""
    for item in [path, *(path.rglob("*") if path.is_dir() else [])]:
        info = item.stat()
        os.utime(item, (info.st_atime - seconds, info.st_mtime - seconds))


@pytest.fixture()
def killed(tmp_path):
    """The leftovers of a child killed with SIGKILL: (temporary folder, reports folder, paths)."""
    temp, reports = tmp_path / "tmp", tmp_path / "reports"
    temp.mkdir()
    reports.mkdir()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(temp), str(reports)], stdout=subprocess.PIPE,
                             text=True, cwd=ROOT)
    try:
        paths = [Path(p) for p in json.loads(child.stdout.readline())]
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    assert all(p.exists() for p in paths)  # nothing cleaned up after a SIGKILL
    return temp, reports, paths, child.pid


def test_the_names_carry_the_creating_process(killed):
    _temp, _reports, paths, pid = killed
    prefixes = ("regaudit-spill-", "regaudit-chromium-", "regaudit-progress-", ".2026-Q3.tmp-")
    for path, prefix in zip(paths, prefixes):
        assert path.name.startswith(f"{prefix}{pid}-{stale.host_tag()}-"), path.name


def test_leftovers_of_a_killed_process_are_removed_once_they_are_quiet(killed):
    temp, reports, paths, _pid = killed
    assert stale.sweep([temp, reports]) == []  # just made: it might still be written
    for path in paths:
        _age(path, HOUR)
    removed = stale.sweep([temp, reports])
    assert sorted(r.path for r in removed) == sorted(paths)
    assert not any(p.exists() for p in paths)
    assert sum(r.size for r in removed) >= 1_000_000
    line = stale.summary(removed)
    assert line.startswith("regaudit: removed 4 leftovers") and "1.0 MB" in line and str(paths[0]) in line


def test_a_live_process_folder_is_never_removed(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        mine = tmp_path / f"regaudit-spill-{os.getpid()}-{stale.host_tag()}-0001"
        theirs = tmp_path / f"regaudit-spill-{sleeper.pid}-{stale.host_tag()}-0002"
        for folder in (mine, theirs):
            folder.mkdir()
            _age(folder, HOUR)
        assert stale.sweep([tmp_path]) == []
        assert mine.exists() and theirs.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_folder_made_on_another_host_or_not_by_regaudit_is_left_alone(killed):
    temp, _reports, _paths, pid = killed
    other_host = temp / f"regaudit-spill-{pid}-otherhost{stale.host_tag()}-0001"
    not_ours = temp / f"someone-elses-{pid}-{stale.host_tag()}-0001"
    for folder in (other_host, not_ours):
        folder.mkdir()
        _age(folder, HOUR)
    stale.sweep([temp])
    assert other_host.exists() and not_ours.exists()


def test_a_reused_pid_does_not_protect_a_dead_process_folder(tmp_path, monkeypatch):
    folder = tmp_path / f"regaudit-chromium-{os.getpid()}-{stale.host_tag()}-abc"
    folder.mkdir()
    _age(folder, HOUR)
    # This pid is alive; had its process started long after the folder was made, it is not the maker.
    monkeypatch.setattr(stale, "_process_start", lambda pid: time.time() + HOUR)
    assert [r.path for r in stale.sweep([tmp_path])] == [folder]


def test_the_command_line_removes_them_at_start_and_says_so(killed, monkeypatch):
    temp, reports, paths, _pid = killed
    for path in paths:
        _age(path, HOUR)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    # Any command sweeps at start; a mistyped period ends this one right after.
    result = CliRunner().invoke(app, ["run", "--period", "2026-Q5", "--exports", "exports.yaml",
                                     "--out", str(reports)], env={"REGAUDIT_DEBUG": ""})
    assert result.exit_code == ExitCode.ERROR
    lines = [line for line in result.stderr.splitlines() if line.startswith("regaudit: removed")]
    assert len(lines) == 1 and "4 leftovers" in lines[0] and "MB" in lines[0]
    assert not any(p.exists() for p in paths)
