"""The committed report notebook still produces its committed outputs (nbval, in a subprocess).

nbval runs the notebook as it stands (its default parameters point at the sample), so it runs on a
copy of the notebook and the sample in a temporary folder: nothing is written into the checkout.
Outputs that vary legitimately are sanitised by tests/nbval_sanitize.cfg or tagged
nbval-ignore-output (plotly figures) in the notebook; refresh the committed outputs with
``python -m audit_lib.report.committed``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.report.pipeline import kernel_name

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = REPO / "notebooks" / "quarterly_audit.ipynb"
SANITIZE = REPO / "tests" / "nbval_sanitize.cfg"


def _code_cells(path: Path) -> list[dict]:
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]


def test_committed_notebook_has_outputs_to_compare():
    cells = _code_cells(NOTEBOOK)
    compared = [c for c in cells if c.get("outputs")
                and "nbval-ignore-output" not in c.get("metadata", {}).get("tags", [])]
    tags = {t for c in compared for t in c.get("metadata", {}).get("tags", [])}
    # The deterministic sections are compared, not ignored.
    assert {"cover", "inputs", "check-results", "top-findings", "comparison", "not-run"} <= tags
    assert sum(c.get("metadata", {}).get("tags", []).count("parameters") for c in cells) == 1


def _run_nbval(tmp_path: Path, cells: list[dict] | None = None) -> subprocess.CompletedProcess:
    """Run nbval on a copy of the notebook (with ``cells`` replaced, if given) beside a copy of the sample."""
    shutil.copytree(REPO / "data_samples" / "hyvinvoivin", tmp_path / "data_samples" / "hyvinvoivin")
    (tmp_path / "notebooks").mkdir()
    notebook = tmp_path / "notebooks" / NOTEBOOK.name
    content = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    if cells is not None:
        content["cells"] = cells
    # The run's tables and its demo key go beside the copy, not into the checkout (the defaults'
    # folder); the parameters cell has no output for nbval to compare.
    parameters = next(c for c in content["cells"] if "parameters" in c.get("metadata", {}).get("tags", []))
    parameters["source"] = "".join(parameters["source"]) + (
        f"\noutput_dir = {str(tmp_path / 'reports' / 'notebook-run')!r}"
        f"\npseudonym_key_file = {str(tmp_path / '.regaudit' / 'demo-pseudonym.key')!r}")
    notebook.write_text(json.dumps(content), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REGAUDIT_PSEUDONYM_KEY")}
    # The kernel must import this checkout's audit_lib even where it is not installed.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    command = [sys.executable, "-m", "pytest", "--nbval", str(notebook),
               "--nbval-kernel-name", kernel_name(), "--nbval-sanitize-with", str(SANITIZE),
               "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path), "-q"]
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow  # nbval runs the notebook
def test_notebook_outputs_match_under_nbval(tmp_path):
    done = _run_nbval(tmp_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", done.stdout).group(1))
    assert passed == len(_code_cells(NOTEBOOK))
    # The notebook run wrote its tables beside the copy, from Python.
    assert (tmp_path / "reports" / "notebook-run" / "findings.csv").is_file()


@pytest.mark.slow
def test_nbval_catches_a_changed_count(tmp_path):
    """The comparison is really on: one changed number in the committed cover fails one cell."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    cover = next(c for c in cells if "cover" in c.get("metadata", {}).get("tags", []))
    data = cover["outputs"][0]["data"]
    html = "".join(data["text/html"])
    changed = re.sub(r"(\d+) checks:", lambda m: f"{int(m.group(1)) + 1} checks:", html, count=1)
    assert changed != html
    data["text/html"] = changed
    done = _run_nbval(tmp_path, cells)
    assert done.returncode != 0
    assert re.search(r"\b1 failed\b", done.stdout), done.stdout[-3000:]
