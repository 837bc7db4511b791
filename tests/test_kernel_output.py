"""The notebook kernel's own output (ipykernel's warnings, anything on its stderr) stays out of the
user's terminal, in a log file, and reaches the terminal only with --debug."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import nbformat
import pytest

from audit_lib.debug import set_debug
from audit_lib.report.pipeline import execute_notebook, kernel_name

# Written to the kernel process's file descriptor 2, beneath any cell: what a warning of ipykernel's
# (or of a C library the kernel loads) looks like from the outside.
MARKER = "kernel-chatter-on-fd-2"

pytestmark = pytest.mark.slow  # every test starts a kernel


@pytest.fixture()
def chatty(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell(f"import os\nos.write(2, b'{MARKER}\\n')"))
    notebook.cells.append(nbformat.v4.new_code_cell(
        "from ipykernel.kernelapp import IPKernelApp\nprint(IPKernelApp.instance().connection_file)"))
    path = tmp_path / "chatty.ipynb"
    nbformat.write(notebook, path)
    return path


def test_kernel_output_goes_to_its_log_not_the_terminal(chatty, tmp_path, capfd):
    log = tmp_path / "kernel.log"
    execute_notebook(chatty, tmp_path / "out.ipynb", {}, kernel_name(), kernel_log=log)
    terminal = capfd.readouterr()
    assert MARKER not in terminal.err and MARKER not in terminal.out
    assert "without encryption" not in terminal.err
    assert MARKER in log.read_text(encoding="utf-8")


def test_debug_lets_the_kernel_output_through(chatty, tmp_path, capfd):
    set_debug(True)
    try:
        execute_notebook(chatty, tmp_path / "out.ipynb", {}, kernel_name(), kernel_log=tmp_path / "kernel.log")
    finally:
        set_debug(False)
    assert MARKER in capfd.readouterr().err
    assert not (tmp_path / "kernel.log").exists()


def test_the_kernel_connection_file_is_named_by_its_creator_and_removed(chatty, tmp_path, monkeypatch):
    """jupyter_client would make an anonymous /tmp/tmpXXXX.json that a killed run leaves behind; this
    one carries regaudit's pid, so audit_lib/stale.py can remove it, and is gone after a normal run."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    execute_notebook(chatty, tmp_path / "out.ipynb", {}, kernel_name(), kernel_log=tmp_path / "kernel.log")
    cells = json.loads((tmp_path / "out.ipynb").read_text(encoding="utf-8"))["cells"]
    connection = Path(cells[-1]["outputs"][0]["text"][0].strip())
    assert connection.parent == temp and connection.name.startswith(f"regaudit-kernel-{os.getpid()}-")
    assert list(temp.iterdir()) == []
