"""Running the explore notebook: execute it with papermill, export it to HTML, refresh its outputs.

Reuses the report's runner (kernel choice, audit_lib on the kernel's path, a failing cell named)
and its offline HTML export (no code, nothing from a CDN, cells tagged remove-cell dropped: the
filter widgets, which need a live kernel).

``python -m audit_lib.explore.notebook`` re-executes the committed notebook in place so that nbval
has current outputs to compare (tests/test_explore_nbval.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from audit_lib.resources import NOTEBOOKS

NOTEBOOK = NOTEBOOKS / "explore_register.ipynb"
# Outputs not worth committing: plotly.js (4 MB, cell "setup") and figures, which nbval ignores.
STRIP_OUTPUT_TAGS = {"setup", "nbval-ignore-output"}


def execute(output: str | os.PathLike, parameters: dict[str, Any] | None = None, *,
            notebook: str | os.PathLike = NOTEBOOK, kernel: str | None = None) -> Path:
    """Execute the explore notebook into ``output`` with ``parameters`` (default: its own defaults,
    relative to the notebook's folder); a failing cell raises ReportError naming the cell."""
    from audit_lib.report.pipeline import execute_notebook, kernel_name

    return execute_notebook(Path(notebook).resolve(), Path(output), dict(parameters or {}), kernel or kernel_name())


def to_html(executed: str | os.PathLike, html: str | os.PathLike) -> Path:
    """Export an executed explore notebook to self-contained HTML without code or filter widgets."""
    from audit_lib.report.render import notebook_to_html

    return notebook_to_html(executed, html, title="Register statistics")


def refresh(notebook: str | os.PathLike = NOTEBOOK) -> Path:
    """Execute ``notebook`` with its defaults and write it back with the outputs nbval compares."""
    from audit_lib.report.committed import refresh as refresh_committed

    return refresh_committed(notebook, strip_tags=STRIP_OUTPUT_TAGS)


if __name__ == "__main__":
    print(refresh(sys.argv[1] if len(sys.argv) > 1 else NOTEBOOK))
