"""Default paths of the notebooks' parameters, resolved through the package, never the current folder.

The notebooks' parameters cells leave their paths at None (or the word ``"demo"`` for the key), and
the cells after them call these functions: a notebook run as it stands, from the repository root,
from ``notebooks/`` or from anywhere else (papermill starts its kernel in the folder it is run from),
then audits or explores the bundled sample. A path given as a parameter is used as given: relative
to the kernel's folder, as any command-line tool takes it.
"""

from __future__ import annotations

import os
from pathlib import Path

from audit_lib.resources import SAMPLE, work_root

# The value of ``pseudonym_key_file`` that means the demo key of the project (``regaudit demo``'s).
DEMO_KEY = "demo"
# Where the report notebook writes its tables when run as it stands (gitignored, under reports/).
NOTEBOOK_RUN = Path("reports") / "notebook-run"


def sample_file(name: str) -> Path:
    """A file of the bundled Hyvinvoivin sample (the checkout's, or the installed package's copy)."""
    return SAMPLE / name


def exports_file(exports: str | os.PathLike | None) -> Path:
    """``exports`` as given, or for None the bundled sample's exports.yaml."""
    return Path(exports) if exports else sample_file("exports.yaml")


def output_dir(folder: str | os.PathLike | None) -> Path:
    """``folder`` as given, or for None ``reports/notebook-run`` of the project (see resources.work_root)."""
    return Path(folder) if folder else work_root() / NOTEBOOK_RUN


def key_file(key: str | os.PathLike | None) -> Path | None:
    """The pseudonym key file: ``"demo"`` is the project's demo key (``.regaudit/demo-pseudonym.key``,
    the one ``regaudit demo`` uses, made on first use); None stays None, so that the key comes from
    $REGAUDIT_PSEUDONYM_KEY or $REGAUDIT_PSEUDONYM_KEY_FILE; any other value is a path as given."""
    from audit_lib.report.runtime import DEMO_KEY_NAME

    if key is None:
        return None
    if str(key) == DEMO_KEY:
        return work_root() / ".regaudit" / DEMO_KEY_NAME
    return Path(key)
