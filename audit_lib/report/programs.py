"""Finding the programs the report runs (Chromium, Ghostscript, GnuPG): an environment variable, else PATH."""

from __future__ import annotations

import os
import shutil
from typing import Sequence

from audit_lib.errors import ReportError
from audit_lib.i18n import T_, Text


def find_program(env: str, names: Sequence[str], stage: str, missing: Text) -> str:
    """Path of the program ``$env`` names, else of the first of ``names`` on PATH. ReportError when ``$env``
    names no executable (``stage`` starts the message) or none of ``names`` is found (``missing``)."""
    configured = os.environ.get(env)
    if configured:
        found = shutil.which(configured)
        if found:
            return found
        raise ReportError(T_("{stage}: {env}={configured!r} is not an executable program.", stage=stage, env=env,
                             configured=configured))
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise ReportError(missing)
