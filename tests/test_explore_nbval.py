"""The explore notebook: nbval against its committed outputs, and its HTML export drawn by Chromium.

Both run on a copy of the notebook and the bundled sample in a temporary folder (nothing is written
into the checkout). Figures vary from run to run (element ids) and are tagged nbval-ignore-output;
the tables (overview, accounts, marketing, requests, readers, categories) are compared. Refresh the
committed outputs with ``python -m audit_lib.explore.notebook`` after changing the sample or stats.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from audit_lib.explore import notebook as explore_notebook
from audit_lib.explore.figures import FIGURES
from audit_lib.report.pdf import find_browser
from audit_lib.report.pipeline import kernel_name
from audit_lib.report.render import external_references

REPO = Path(__file__).resolve().parents[1]
NOTEBOOK = explore_notebook.NOTEBOOK
SANITIZE = REPO / "tests" / "nbval_sanitize.cfg"


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _code_cells(path: Path) -> list[dict]:
    return [c for c in _cells(path) if c["cell_type"] == "code"]


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "data_samples" / "hyvinvoivin", tmp_path / "data_samples" / "hyvinvoivin")
    (tmp_path / "notebooks").mkdir()
    return Path(shutil.copy2(NOTEBOOK, tmp_path / "notebooks" / NOTEBOOK.name))


def test_notebook_is_parameterised_thin_and_shows_every_figure():
    cells = _code_cells(NOTEBOOK)
    parameters = [c for c in cells if "parameters" in c["metadata"].get("tags", [])]
    assert len(parameters) == 1
    source = "".join(parameters[0]["source"])
    # Defaults found through the package (audit_lib.notebook_defaults), not the current folder.
    for default in ('register: Optional[str] = None', 'exports: Optional[str] = None', 'period: str = "2026-Q3"'):
        assert default in source
    shown = "".join("".join(c["source"]) for c in cells)
    assert all(f"figures.{name})" in shown for name in FIGURES)
    # Thin cells: no SQL and no loops in the notebook, only calls.
    assert not re.search(r"\bSELECT\b|\bfor\b .* in ", shown)
    compared = {t for c in cells if c.get("outputs") and "nbval-ignore-output" not in c["metadata"].get("tags", [])
                for t in c["metadata"].get("tags", [])}
    assert {"overview", "accounts", "marketing", "requests", "readers", "categories"} <= compared


@pytest.mark.slow  # nbval runs the notebook
def test_notebook_outputs_match_under_nbval(tmp_path):
    notebook = _copy(tmp_path)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    command = [sys.executable, "-m", "pytest", "--nbval", str(notebook),
               "--nbval-kernel-name", kernel_name(), "--nbval-sanitize-with", str(SANITIZE),
               "-p", "no:cacheprovider", "-o", "addopts=", "--rootdir", str(tmp_path), "-q"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    passed = int(re.search(r"(\d+) passed", done.stdout).group(1))
    assert passed == len(_code_cells(NOTEBOOK))


def _png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB(A) rows of an 8-bit PNG, with the standard library only."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, idat, header = 8, b"", None
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0
    step = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * step, [], bytearray(width * step)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - step] if x >= step else 0
            b, c = previous[x], previous[x - step] if x >= step else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


@pytest.mark.slow  # runs the notebook, exports it and opens it in Chromium
def test_exported_html_draws_every_figure_offline(tmp_path):
    notebook = _copy(tmp_path)
    executed = explore_notebook.execute(tmp_path / "executed.ipynb", notebook=notebook)
    html_path = explore_notebook.to_html(executed, tmp_path / "explore.html")
    html = html_path.read_text(encoding="utf-8")
    # One drawn plotly figure per figure cell, plotly.js embedded, no code, no widgets, no CDN.
    assert html.count("Plotly.newPlot(") == len(FIGURES)
    assert "plotly.js v" in html or "plotly.min.js" in html or "Plotly=" in html
    assert "explorer.show(" not in html and 'class="jp-InputArea-editor' not in html
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', html)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert not any("celltag_controls" in c for c in code_cells)
    assert "widget-view+json" not in html and not external_references(html)
    for title in ("Subjects by type", "Registrations by month", "Accounts: active", "Consent state",
                  "Marketing volume", "Age of records", "Request lead times", "Access by role and hour",
                  "Heaviest readers", "Declared categories vs categories present"):
        assert title in html
    # The executed notebook's size: figures are aggregates, plotly.js (~5 MB) is embedded once.
    assert executed.stat().st_size < 6_500_000

    png = tmp_path / "explore.png"
    command = [find_browser(), "--headless", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--disable-dev-shm-usage", "--host-resolver-rules=MAP * ~NOTFOUND",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000",
               "--window-size=1200,2400", f"--screenshot={png}", html_path.resolve().as_uri()]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.insert(2, "--no-sandbox")
    subprocess.run(command, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    assert png.is_file(), "Chromium wrote no screenshot"
    if os.environ.get("REGAUDIT_KEEP_SCREENSHOT"):
        shutil.copy2(png, os.environ["REGAUDIT_KEEP_SCREENSHOT"])
    width, height, rows = _png_pixels(png)
    step = len(rows[0]) // width
    # Sample every 4th pixel of every 4th row: a blank page has (almost) one value; charts many.
    values = [row[x:x + 3] for row in rows[::4] for x in range(0, len(row), 4 * step)]
    grey = [sum(v) / 3 for v in values]
    mean = sum(grey) / len(grey)
    variance = sum((g - mean) ** 2 for g in grey) / len(grey)
    coloured = sum(1 for v in values if max(v) - min(v) > 60) / len(values)
    assert variance > 200, f"screenshot looks blank (variance {variance:.1f})"
    assert coloured > 0.01, f"screenshot has almost no coloured pixels ({coloured:.3%})"
