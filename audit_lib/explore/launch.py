"""``regaudit explore``: JupyterLab on a working copy of the explore notebook, the register loaded.

The committed notebook is never opened itself (its outputs are what nbval compares): a copy with the
register's paths injected as parameters goes into a working folder (default ``reports/explore/``,
gitignored), is executed there so that the charts are drawn when it opens, and JupyterLab serves
that folder. Without a browser (``--no-browser``, or none found) the URL with its token is printed.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from audit_lib.i18n import T_
from audit_lib.resources import SAMPLE, work_root

REPO = Path(__file__).resolve().parents[2]   # the folder holding audit_lib: the kernel's PYTHONPATH
WORK_DIR = work_root() / "reports" / "explore"
HOST = "127.0.0.1"


def free_port(host: str = HOST) -> int:
    """A TCP port free on ``host`` now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def lab_url(notebook_name: str, port: int, token: str, host: str = HOST) -> str:
    """The JupyterLab URL that opens ``notebook_name`` (in the served folder) with ``token``."""
    return f"http://{host}:{port}/lab/tree/{notebook_name}?token={token}"


def lab_command(notebook: Path, port: int, token: str, *, browser: bool, host: str = HOST) -> list[str]:
    """The ``jupyter lab`` command serving ``notebook``'s folder and opening the notebook."""
    return [sys.executable, "-m", "jupyterlab", str(notebook.resolve()),
            f"--ServerApp.root_dir={notebook.resolve().parent}", f"--ServerApp.ip={host}", f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.open_browser={browser}"] + (
        # Jupyter refuses to run as root unless told (containers often run as root).
        ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


def has_browser() -> bool:
    """True when Python's webbrowser module finds a browser to open (none on a headless server)."""
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def allow_outside_env(allow_outside: "list[str | os.PathLike] | None") -> dict[str, str]:
    """The environment that carries ``--allow-outside`` to the notebook's kernel: the kernel opens the
    register itself (and again whenever the lead re-runs a cell), and reads $REGAUDIT_ALLOW_OUTSIDE
    as every command does (declaration/confine.py). Empty when nothing more is allowed."""
    from audit_lib.declaration.confine import ALLOW_OUTSIDE_ENV

    if not allow_outside:
        return {}
    return {ALLOW_OUTSIDE_ENV: os.pathsep.join(str(Path(p).resolve()) for p in allow_outside)}


def prepare(register: str | os.PathLike | None = None, exports: str | os.PathLike | None = None,
            period: str = "2026-Q3", *, work_dir: str | os.PathLike = WORK_DIR, execute: bool = True,
            kernel: str | None = None, allow_outside: "list[str | os.PathLike] | None" = None,
            lang: str = "en") -> Path:
    """Write the explore notebook into ``work_dir`` with the register's absolute paths and ``lang`` (en
    or fi) as parameters (default: the bundled sample), executed unless ``execute`` is False; return its path.

    The declaration is validated here first, with ``allow_outside`` (folders outside the folder of
    exports.yaml its paths may name), so that a bad file fails with its message, not inside the kernel.
    """
    import papermill

    from audit_lib.explore import notebook as explore_notebook
    from audit_lib.opening import read_declaration
    from audit_lib.periods import parse_period
    from audit_lib.vocabulary import LANGUAGES

    parse_period(period)  # a bad period fails here with its message, not inside the kernel
    if lang not in LANGUAGES:  # and so does a language the notebook does not speak
        raise ValueError(f"language {lang!r}: use {' or '.join(LANGUAGES)}")
    exports_path = Path(exports) if exports else SAMPLE / "exports.yaml"
    read_declaration(register, exports_path, allow_outside=allow_outside)
    parameters: dict[str, Any] = {"register": str(Path(register).resolve()) if register else None,
                                  "exports": str(exports_path.resolve()), "period": period, "lang": lang}
    if register is None and exports is None:
        parameters["register"] = str((SAMPLE / "register.yaml").resolve())
    folder = Path(work_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / explore_notebook.NOTEBOOK.name
    if execute:
        extra = allow_outside_env(allow_outside)
        saved = {name: os.environ.get(name) for name in extra}
        os.environ.update(extra)  # the kernel papermill starts inherits this process's environment
        try:
            return explore_notebook.execute(target, parameters, kernel=kernel)
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
    papermill.execute_notebook(str(explore_notebook.NOTEBOOK), str(target), parameters=parameters,
                               prepare_only=True, kernel_name=kernel or "python3", progress_bar=False)
    return target


def launch(register: str | os.PathLike | None = None, exports: str | os.PathLike | None = None,
           period: str = "2026-Q3", *, work_dir: str | os.PathLike = WORK_DIR, browser: bool = True,
           execute: bool = True, port: int | None = None, echo: Callable[[str], None] = print,
           allow_outside: "list[str | os.PathLike] | None" = None, lang: str = "en") -> int:
    """Prepare the notebook (in ``lang``) and run JupyterLab on it until it stops (Ctrl-C); return its exit code."""
    notebook = prepare(register, exports, period, work_dir=work_dir, execute=execute, allow_outside=allow_outside,
                       lang=lang)
    port = port or free_port()
    token = secrets.token_hex(16)
    open_browser = browser and has_browser()
    env = {**os.environ, **allow_outside_env(allow_outside)}
    # The kernel must import this checkout's audit_lib, installed or not.
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    echo(T_("Notebook: {notebook}", notebook=notebook))
    if not open_browser:
        echo(T_("No browser is opened; open this URL:"))
    echo(lab_url(notebook.name, port, token))
    process = subprocess.Popen(lab_command(notebook, port, token, browser=open_browser), env=env,
                               cwd=notebook.parent)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        return process.wait()
