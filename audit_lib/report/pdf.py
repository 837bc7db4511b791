"""Print the HTML report to PDF with the system's headless Chromium: charts drawn, page numbers, no network.

Chromium's ``--print-to-pdf`` cannot number pages from CSS (``@page`` margin boxes with counters are
not drawn), and its own default header prints the file's URL. So the report is printed through the
DevTools protocol instead, over ``--remote-debugging-pipe`` (file descriptors 3 and 4; no port, no
websocket library): ``Page.printToPDF`` with a footer template that carries the page number, the
total, the period and the run id.
"""

from __future__ import annotations

import base64
import html as html_lib
import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from audit_lib.errors import ReportError
from audit_lib.i18n import N_, Joined, T_, language, translate
from audit_lib.report.programs import find_program
from audit_lib.stale import temp_prefix

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BROWSER_ENV = "REGAUDIT_CHROMIUM"
TIMEOUT_S = 180
# How long to wait for plotly to draw every figure once the page has loaded.
DRAW_TIMEOUT_MS = 20000
MM_PER_INCH = 25.4
# A4 with room for the footer: the page number sits in the bottom margin.
PAGE = {"paperWidth": 210 / MM_PER_INCH, "paperHeight": 297 / MM_PER_INCH,
        "marginTop": 14 / MM_PER_INCH, "marginBottom": 18 / MM_PER_INCH,
        "marginLeft": 12 / MM_PER_INCH, "marginRight": 12 / MM_PER_INCH}
PAGE_WORD = N_("Page")  # the footer's "Page n / N"; its Finnish is in the catalog

# Resolves when every plotly figure has its SVG (or after the timeout, so a broken figure cannot hang
# the print) and the fonts are ready.
_WAIT_FOR_CHARTS = """
new Promise((resolve) => {
  const started = Date.now();
  const drawn = () => Array.from(document.querySelectorAll('.plotly-graph-div'))
      .every((div) => div.querySelector('.main-svg'));
  const poll = () => {
    if (drawn() || Date.now() - started > %d) {
      document.fonts.ready.then(() => requestAnimationFrame(() => resolve(drawn())));
    } else { setTimeout(poll, 50); }
  };
  poll();
})
""" % DRAW_TIMEOUT_MS


def find_browser() -> str:
    """Path of the Chromium to print with: ``$REGAUDIT_CHROMIUM`` or the first browser on PATH."""
    return find_program(BROWSER_ENV, BROWSERS, "PDF", T_(
        "PDF: Chromium was not found, so the report cannot be printed. Install it "
        "(sudo apt-get install chromium, or: make system-deps), set REGAUDIT_CHROMIUM to its path, "
        "or run without the PDF (--no-pdf)."))


def chromium_command(browser: str, profile: Path) -> list[str]:
    """The Chromium command line: headless, driven over a pipe, never touching the network."""
    command = [
        browser,
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
        "--hide-scrollbars",
        "--mute-audio",
        # Resolve no host at all: the report must print from the file alone (offline evidence).
        "--host-resolver-rules=MAP * ~NOTFOUND",
        f"--user-data-dir={profile}",
        "--remote-debugging-pipe",
        "about:blank",
    ]
    # Chromium refuses to run as root with its sandbox on; elsewhere keep the sandbox.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")
    return command


def footer_template(left: str, lang: str = "en") -> str:
    """The footer Chromium draws on every page: ``left`` (escaped) and "Page n / N"."""
    word = translate(PAGE_WORD, language(lang))
    # The template has its own tiny document: it inherits no style, and a font size must be given.
    return (
        '<div style="font-family: \'DejaVu Sans\', Arial, sans-serif; font-size: 7.5pt; color: #555; '
        'width: 100%; margin: 0 12mm; display: flex; justify-content: space-between;">'
        f'<span>{html_lib.escape(left)}</span>'
        f'<span>{word} <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>'
    )


class _DevTools:
    """A minimal DevTools-protocol client over Chromium's pipe (NUL-separated JSON messages)."""

    def __init__(self, process: subprocess.Popen, write_fd: int, read_fd: int, deadline: float) -> None:
        self.process, self.write_fd, self.read_fd, self.deadline = process, write_fd, read_fd, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def _message(self) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise ReportError(T_("PDF: Chromium did not finish printing in {seconds} s.", seconds=TIMEOUT_S))
            ready, _, _ = select.select([self.read_fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(self.read_fd, 1 << 20)
                if not chunk:
                    raise ReportError(T_("PDF: Chromium closed the DevTools pipe (it crashed or exited)."))
                self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._message()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise ReportError(T_("PDF: Chromium refused {method}: {error}", method=method,
                                         error=reply["error"].get("message")))
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, name: str, session: str) -> dict[str, Any]:
        for index, event in enumerate(self.events):
            if event.get("method") == name and event.get("sessionId") == session:
                return self.events.pop(index)
        while True:
            event = self._message()
            if event.get("method") == name and event.get("sessionId") == session:
                return event
            self.events.append(event)


def _launch(command: list[str]) -> tuple[subprocess.Popen, int, int]:
    """Start Chromium with our pipe ends as its fds 3 (commands in) and 4 (replies out)."""
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()

    def wire() -> None:  # runs in the child between fork and exec
        # Move both ends above 4 first: either may itself be fd 3 or 4, and dup2 onto itself would
        # neither move it nor clear its close-on-exec flag.
        reading, writing = os.dup(to_browser_r), os.dup(from_browser_w)
        while reading <= 4 or writing <= 4:
            reading, writing = os.dup(reading), os.dup(writing)
        os.dup2(reading, 3, inheritable=True)
        os.dup2(writing, 4, inheritable=True)

    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, preexec_fn=wire, close_fds=False)
    finally:
        os.close(to_browser_r)
        os.close(from_browser_w)
    return process, to_browser_w, from_browser_r


def html_to_pdf(html: str | os.PathLike, pdf: str | os.PathLike, *, footer: str = "",
                lang: str = "en") -> Path:
    """Print ``html`` to ``pdf`` (written atomically) with ``footer`` and page numbers on every page."""
    html_path, pdf_path = Path(html), Path(pdf)
    if not html_path.is_file():
        raise ReportError(T_("PDF: {path} does not exist.", path=html_path))
    browser = find_browser()
    partial = pdf_path.with_name(f".{pdf_path.name}.partial")
    # The profile's name carries this process's pid, so a later run removes it if this one is killed.
    with tempfile.TemporaryDirectory(prefix=temp_prefix("chromium")) as profile:
        process, write_fd, read_fd = _launch(chromium_command(browser, Path(profile)))
        try:
            tools = _DevTools(process, write_fd, read_fd, time.monotonic() + TIMEOUT_S)
            target = tools.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = tools.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
            tools.call("Page.enable", session=session)
            tools.call("Page.navigate", {"url": html_path.resolve().as_uri()}, session=session)
            tools.wait_event("Page.loadEventFired", session)
            tools.call("Runtime.evaluate", {"expression": _WAIT_FOR_CHARTS, "awaitPromise": True,
                                            "returnByValue": True}, session=session)
            printed = tools.call("Page.printToPDF", {
                **PAGE, "printBackground": True, "displayHeaderFooter": True,
                "headerTemplate": "<span></span>", "footerTemplate": footer_template(footer, lang),
            }, session=session)
            data = base64.b64decode(printed["data"])
            try:
                tools.call("Browser.close")
            except ReportError:
                pass  # it is closing anyway
        except ReportError as exc:
            process.kill()
            stderr = process.communicate(timeout=10)[1].decode(errors="replace")
            tail = "\n".join(stderr.strip().splitlines()[-5:])
            raise ReportError(Joined("", [exc, f" ({html_path})", *([f"\n{tail}"] if tail else [])])) from None
        finally:
            os.close(write_fd)
            os.close(read_fd)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stderr:
                process.stderr.close()
    if not data.startswith(b"%PDF"):
        raise ReportError(T_("PDF: Chromium returned no PDF for {path}.", path=html_path))
    from audit_lib.outputs import atomic_write_bytes

    atomic_write_bytes(partial, data)
    os.replace(partial, pdf_path)
    return pdf_path
