"""`regaudit explore`: the working copy of the notebook, the JupyterLab command, the URL, the CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.explore import figures, launch, stats


def test_every_builder_is_registered_documented_and_generic():
    for name, builder in figures.FIGURES.items():
        assert builder.__doc__ and "\n" not in builder.__doc__.strip(), name
        assert callable(figures.frame_of(name)), name
        assert (stats.__dict__[name].__doc__ or "").strip(), name


@pytest.mark.slow
def test_figures_draw_only_aggregates(tmp_path):
    from checkkit import write_register
    from test_explore_stats import EXTRA, TABLES

    from audit_lib.explore import open_register

    small = open_register(None, write_register(tmp_path / "small", TABLES, extra_columns=EXTRA))
    # The same register with every event table ten times over: figures keep their size.
    many = {role: [dict(row, **{key: f"{value}-{i}" for key, value in row.items() if key.endswith("_id")
                                and key not in ("subject_id", "user_id")}) for i in range(10) for row in rows]
            if role not in ("subjects", "staff_accounts") else rows for role, rows in TABLES.items()}
    large = open_register(None, write_register(tmp_path / "large", many, extra_columns=EXTRA))
    for name, builder in figures.FIGURES.items():
        small_fig, large_fig = builder(small.con, small.params()), builder(large.con, large.params())
        assert isinstance(small_fig, go.Figure) and small_fig.data, name
        assert abs(len(large_fig.to_json()) - len(small_fig.to_json())) < 200, name


def test_prepare_writes_a_parameterised_copy(tmp_path):
    notebook = launch.prepare(period="2026-Q2", work_dir=tmp_path, execute=False)
    nb = nbformat.read(notebook, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    source = injected[0].source
    assert str(launch.SAMPLE / "exports.yaml") in source and "2026-Q2" in source


def test_lab_command_and_url():
    command = launch.lab_command(Path("/w/explore_register.ipynb"), 8899, "tok", browser=False)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert "--ServerApp.open_browser=False" in command and "--IdentityProvider.token=tok" in command
    assert "--ServerApp.root_dir=/w" in command and command[3] == "/w/explore_register.ipynb"
    assert launch.lab_url("explore_register.ipynb", 8899, "tok") == \
        "http://127.0.0.1:8899/lab/tree/explore_register.ipynb?token=tok"


@pytest.mark.slow  # starts JupyterLab
def test_jupyterlab_serves_the_notebook(tmp_path):
    notebook = launch.prepare(work_dir=tmp_path, execute=False)
    port, token = launch.free_port(), "regaudit-test-token"
    process = subprocess.Popen(launch.lab_command(notebook, port, token, browser=False),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path.parent)
    try:
        deadline, status = time.monotonic() + 40, None
        while time.monotonic() < deadline and status is None:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/{notebook.name}?content=0&token={token}"
                with urllib.request.urlopen(url, timeout=2) as response:
                    status = json.load(response)
            except OSError:
                time.sleep(0.5)
        assert status and status["type"] == "notebook"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_cli_has_the_explore_command():
    result = CliRunner().invoke(app, ["explore", "--help"])
    assert result.exit_code == 0
    assert "--no-browser" in result.output and "--exports" in result.output
    bad = CliRunner().invoke(app, ["explore", "--period", "2026-Q9", "--no-execute", "--no-browser"])
    assert bad.exit_code == 4 and "2026-Q9" in bad.output
