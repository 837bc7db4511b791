"""Where regaudit's bundled files are: the checkout it runs from, or the copy installed with the package.

In a checkout the notebooks and samples sit beside ``audit_lib/`` (``notebooks/``, ``data_samples/``);
an installed package carries copies of both in ``audit_lib/_bundled/`` (put there by setup.py), so
``pip install regaudit`` then ``regaudit demo`` works outside any checkout. Reports and the demo key
go into the checkout, or, for an installed package, into the folder regaudit is run from.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT = PACKAGE_DIR.parent
INSTALLED = PACKAGE_DIR / "_bundled"
BUNDLED_FOLDERS = ("notebooks", "data_samples")


def in_checkout() -> bool:
    """True when audit_lib runs from a repository checkout (its notebooks beside the package)."""
    return (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "notebooks").is_dir()


ROOT = CHECKOUT if in_checkout() else INSTALLED
NOTEBOOKS = ROOT / "notebooks"
DATA_SAMPLES = ROOT / "data_samples"
SAMPLE = DATA_SAMPLES / "hyvinvoivin"


def work_root() -> Path:
    """Where relative report folders and the demo key go: the checkout, else the current folder."""
    return CHECKOUT if in_checkout() else Path.cwd()
