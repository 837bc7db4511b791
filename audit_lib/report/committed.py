"""Re-execute the committed report notebook in place, so that nbval has current outputs to compare.

Run ``python -m audit_lib.report.committed`` after changing the sample, a check or a report section;
``tests/test_notebook_nbval.py`` fails until the committed outputs match what the code now shows.
It also writes the notebook's generated cells (parameters and audit, audit_lib/report/notebook_source.py).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.outputs import atomic_write_text

if TYPE_CHECKING:
    import nbformat

# Cells whose output is plotly.js itself (4 MB): not worth committing, and nbval ignores it anyway.
STRIP_OUTPUT_TAGS = {"setup"}


def refresh(notebook: str | Path | None = None, strip_tags: set[str] = STRIP_OUTPUT_TAGS,
            source: "nbformat.NotebookNode | None" = None) -> Path:
    """Execute ``notebook`` (default: notebooks/quarterly_audit.ipynb) with its default parameters
    and write it back with outputs, minus the outputs of cells tagged ``strip_tags`` (bulky plotly.js)
    and the run metadata of papermill and widgets. With ``source`` (a generator's notebook), that is
    executed and written to ``notebook`` instead of the file's own cells."""
    import nbformat

    from audit_lib.report.pipeline import NOTEBOOK, execute_notebook, kernel_name

    path = Path(notebook).resolve() if notebook else NOTEBOOK
    with tempfile.TemporaryDirectory(prefix="regaudit-refresh-") as tmp:
        executed = Path(tmp) / path.name
        unexecuted = path
        if source is not None:
            unexecuted = Path(tmp) / f"source-{path.name}"
            nbformat.write(source, unexecuted)
        # No parameters: the defaults of the parameters cell (audit_lib.notebook_defaults).
        execute_notebook(unexecuted, executed, {}, kernel_name())
        nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if strip_tags & set(cell.metadata.get("tags", [])):
            cell.outputs = []
    # The stored kernelspec is a hint for JupyterLab only: papermill and nbval are always told
    # the kernel explicitly, and python3 exists wherever ipykernel is installed.
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    written = atomic_write_text(path, nbformat.writes(nb) + "\n")
    written.chmod(0o644)  # a committed notebook is meant to be read by everyone
    return written


if __name__ == "__main__":
    from audit_lib.report.notebook_source import build

    target = sys.argv[1] if len(sys.argv) > 1 else None
    print(refresh(target, source=build(target)))
