"""Print the HTML report to PDF with the system's headless Chromium (charts drawn, no network)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from audit_lib.errors import ReportError

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_ENV = "REGAUDIT_CHROMIUM"
# Virtual time lets plotly finish drawing before the page is printed, without a fixed sleep.
VIRTUAL_TIME_BUDGET_MS = 10000
TIMEOUT_S = 180


def find_browser() -> str:
    """Path of the Chromium to print with: ``$REGAUDIT_CHROMIUM`` or the first browser on PATH."""
    configured = os.environ.get(BROWSER_ENV)
    if configured:
        if shutil.which(configured):
            return shutil.which(configured)  # type: ignore[return-value]
        raise ReportError(f"PDF: {BROWSER_ENV}={configured!r} is not an executable program.")
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    raise ReportError(
        "PDF: Chromium was not found, so the report cannot be printed. Install it "
        "(sudo apt-get install chromium, or: make system-deps), set REGAUDIT_CHROMIUM to its path, "
        "or run without the PDF (--no-pdf)."
    )


def chromium_command(browser: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The Chromium command line that prints ``html`` to ``pdf`` without touching the network."""
    command = [
        browser,
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
        "--hide-scrollbars",
        # Resolve no host at all: the report must print from the file alone (offline evidence).
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={VIRTUAL_TIME_BUDGET_MS}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        html.resolve().as_uri(),
    ]
    # Chromium refuses to run as root with its sandbox on; elsewhere keep the sandbox.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")
    return command


def html_to_pdf(html: str | os.PathLike, pdf: str | os.PathLike) -> Path:
    """Print ``html`` to ``pdf`` (written atomically: a temporary name, then a rename)."""
    html_path, pdf_path = Path(html), Path(pdf)
    if not html_path.is_file():
        raise ReportError(f"PDF: {html_path} does not exist.")
    browser = find_browser()
    partial = pdf_path.with_name(f".{pdf_path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="regaudit-chromium-") as profile:
        command = chromium_command(browser, html_path, partial, Path(profile))
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_S,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            partial.unlink(missing_ok=True)
            raise ReportError(f"PDF: Chromium did not finish printing {html_path} in {TIMEOUT_S} s.") from exc
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = "\n".join((done.stderr or "").strip().splitlines()[-5:])
        raise ReportError(f"PDF: Chromium failed to print {html_path} (exit {done.returncode}):\n{tail}")
    os.replace(partial, pdf_path)
    return pdf_path
