"""The explore notebook in a real JupyterLab, driven by Chromium: each filter redraws every chart in place.

JupyterLab (this virtualenv's, kernel "regaudit") serves a temporary folder holding the notebook as
audit_lib.explore.notebook generates it; Playwright drives the system Chromium (no browser download)
to run all cells and change each filter in turn. After each change, every chart's data and title as
plotly.js holds them in the page (``.js-plotly-plot``'s ``data`` and ``layout``) must be what the
figure builder gives for the new filters, each cell must still hold one output (no new output piled
up), and each table must hold the statistic its chart draws, with the chart's total.

Needs Chromium at ``chromium`` on PATH (scripts/install-system-deps.sh) and playwright (the
``browser`` extra): without them the test fails, it never skips.
"""

from __future__ import annotations

import base64
import json
import math
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from audit_lib.explore import figures, open_register, stats
from audit_lib.explore import notebook as explore_notebook
from audit_lib.resources import SAMPLE

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
KERNEL = "regaudit"
NAME = "explore.ipynb"
# Filters changed one after the other (each change keeps the ones before): label, option.
STEPS = [("Period", "2026-Q2"), ("Subject type", "consumer"), ("Channel", "email")]
# Charts with a table under them: statistic and column counted, and the chart axis that draws it.
TABLES = {"account_states": ("subjects", "y"), "marketing_volume": ("messages", "y"),
          "request_lead_times": ("requests", "y"), "heaviest_readers": ("accesses", "x")}
# Charts whose data must change at each step on the sample (the others may: titles always do).
MUST_CHANGE = [{"marketing_volume", "request_lead_times", "access_by_role_hour", "heaviest_readers"},
               {"subjects_by_type", "account_states", "retention_ages"},
               {"consent_by_month", "marketing_volume"}]
TRACE_KEYS = ("type", "name", "x", "y", "z")
START_TIMEOUT = 60

# For each cell of the open notebook: its plotly graphs (traces' data, title), its tables and how
# many outputs its model holds. Typed-array specs ({dtype, bdata}) are passed as they are.
READ_CELLS = """() => {
  const plain = v => {
    if (v === null || v === undefined) return null;
    if (ArrayBuffer.isView(v)) return Array.from(v);
    if (Array.isArray(v)) return v.map(plain);
    if (typeof v === 'object' && 'bdata' in v) return {dtype: v.dtype, bdata: v.bdata, shape: v.shape || null};
    return v;
  };
  const keys = %s;
  return window.jupyterapp.shell.currentWidget.content.widgets.map(cell => ({
    outputs: cell.model.type === 'code' ? cell.model.outputs.length : 0,
    errors: cell.model.type === 'code'
      ? cell.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue) : [],
    graphs: Array.from(cell.node.querySelectorAll('.js-plotly-plot')).map(gd => ({
      title: gd.layout && gd.layout.title ? gd.layout.title.text : null,
      traces: (gd.data || []).map(t => Object.fromEntries(keys.map(k => [k, plain(t[k] === undefined ? null : t[k])]))),
    })),
    tables: Array.from(cell.node.querySelectorAll('table.dataframe')).map(table => ({
      columns: Array.from(table.querySelectorAll('thead tr:first-child th')).map(th => th.innerText.trim()),
      rows: Array.from(table.querySelectorAll('tbody tr')).map(tr =>
        Array.from(tr.querySelectorAll('td')).map(td => td.innerText.trim())),
    })),
  }));
}""" % json.dumps(list(TRACE_KEYS))

KERNEL_IDLE = """() => {
  const session = window.jupyterapp && window.jupyterapp.shell.currentWidget
    && window.jupyterapp.shell.currentWidget.sessionContext && window.jupyterapp.shell.currentWidget.sessionContext.session;
  return !!(session && session.kernel && session.kernel.status === 'idle');
}"""

# Every code cell ran, or one failed (Run All stops there; _read then names the error).
ALL_RAN = """() => {
  const code = window.jupyterapp.shell.currentWidget.content.widgets.filter(cell => cell.model.type === 'code');
  const failed = code.some(cell => cell.model.outputs.toJSON().some(o => o.output_type === 'error'));
  return (failed || code.every(cell => cell.model.executionCount !== null))
    && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle';
}"""

# Every graph drawn with the titles expected, the filters' status line empty, the kernel idle.
REDRAWN = """titles => {
  const graphs = Array.from(document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot'));
  const status = document.querySelector('.jp-NotebookPanel .widget-hbox .widget-html');
  return graphs.length === titles.length && graphs.every((gd, i) => gd.layout && gd.layout.title
      && gd.layout.title.text === titles[i])
    && (!status || status.innerText.trim() === '')
    && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle';
}"""


def _decode(value):
    """Plot data as plain lists: typed-array specs decoded, NaN as None (as JSON gives it)."""
    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
        if value.get("shape"):
            array = array.reshape([int(n) for n in str(value["shape"]).split(",")])
        return _decode(array.tolist())
    if isinstance(value, (list, tuple)):
        return [_decode(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _traces(traces: list[dict]) -> list[dict]:
    return [{key: _decode(trace.get(key)) for key in TRACE_KEYS} for trace in traces]


def _numbers(value) -> list[float]:
    """Every number in (nested) plot data."""
    if isinstance(value, list):
        return [n for v in value for n in _numbers(v)]
    return [float(value)] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def _shown() -> list[tuple[int, str, str]]:
    """(cell index, "figures" or "stats", builder) of each explorer.show cell, in notebook order."""
    shown = []
    for index, (_kind, _tags, source) in enumerate(explore_notebook.CELLS):
        match = re.fullmatch(r"explorer\.show\((figures|stats)\.(\w+)\)", source.strip())
        if match:
            shown.append((index, match.group(1), match.group(2)))
    return shown


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def lab(tmp_path: Path):
    """JupyterLab serving a temporary folder that holds the generated explore notebook; stopped after."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        pytest.fail(f"The Jupyter kernel {KERNEL!r} is not installed: run `make` "
                    f"(python -m ipykernel install --sys-prefix --name {KERNEL}).")
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.is_file():
        pytest.fail(f"jupyter is not installed beside {sys.executable}: run `make`.")
    import nbformat

    root = tmp_path / "root"
    root.mkdir()
    nb = explore_notebook.build()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "regaudit (Python 3)", "language": "python"}
    nbformat.write(nb, root / NAME)
    # Every cell kept in the page (JupyterLab may leave cells out of view unrendered), and no user
    # settings, workspace or runtime files read from or written to the home folder.
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}), encoding="utf-8")
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), JUPYTER_CONFIG_DIR=str(tmp_path / "config"))
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    command = [str(jupyter), "lab", "--no-browser", f"--ServerApp.root_dir={root}", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--LabApp.user_settings_dir={tmp_path / 'settings'}", f"--LabApp.workspaces_dir={tmp_path / 'workspaces'}",
               "--expose-app-in-browser"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root unless told (CI containers run as root)
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"jupyter lab did not answer in {START_TIMEOUT} s:\n"
                                f"{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/lab/tree/{NAME}?token={token}"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def _params(session, filters: dict) -> dict:
    return session.params(filters["Period"], subject_type=filters["Subject type"], channel=filters["Channel"])


def _expected(filters_in_turn: list[dict]) -> list[tuple[list[dict], dict]]:
    """For each filter state: the ten charts as the figure builders draw them (name, title, traces)
    and the statistics of the tables under charts, computed from the bundled sample."""
    session = open_register(None, SAMPLE / "exports.yaml", "2026-Q3")
    expected = []
    for filters in filters_in_turn:
        params, charts = _params(session, filters), []
        for _index, module, name in _shown():
            if module == "figures":
                figure = json.loads(figures.FIGURES[name](session.con, params).to_json())
                charts.append({"name": name, "title": figure["layout"]["title"]["text"],
                               "traces": _traces(figure["data"])})
        expected.append((charts, {name: getattr(stats, name)(session.con, params) for name in TABLES}))
    return expected


def _read(page) -> tuple[list[dict], dict[str, dict]]:
    """The charts in the page (in notebook order, with their builder's name) and the tables by statistic."""
    cells = page.evaluate(READ_CELLS)
    assert len(cells) == len(explore_notebook.CELLS)
    errors = [e for cell in cells for e in cell["errors"]]
    assert not errors, errors
    charts, tables = [], {}
    for index, module, name in _shown():
        cell = cells[index]
        # One output per cell, redrawn in place: an update never adds an output.
        assert cell["outputs"] == 1, f"cell {index} ({module}.{name}) holds {cell['outputs']} outputs"
        if module == "figures":
            assert len(cell["graphs"]) == 1, f"cell {index} draws {len(cell['graphs'])} graphs"
            graph = cell["graphs"][0]
            charts.append({"name": name, "title": graph["title"], "traces": _traces(graph["traces"])})
        else:
            assert len(cell["tables"]) == 1, f"cell {index} shows {len(cell['tables'])} tables"
            tables[name] = cell["tables"][0]
    return charts, tables


def _column(table: dict, column: str) -> list[int]:
    position = table["columns"].index(column) - 1  # the first header is the index's
    return [int(row[position].replace(",", "")) for row in table["rows"]]


def _check(page, expected: tuple[list[dict], dict], filters: dict) -> list[dict]:
    """Charts in the page are what the builders draw for ``filters``, and each table matches its chart."""
    want_charts, want_tables = expected
    charts, tables = _read(page)
    assert [c["name"] for c in charts] == [e["name"] for e in want_charts] and len(charts) == len(figures.FIGURES)
    for chart, want in zip(charts, want_charts):
        assert chart["title"] == want["title"], f"{chart['name']}: title {chart['title']!r}, expected {want['title']!r}"
        assert chart["traces"] == want["traces"], f"{chart['name']}: the chart's data is not the filters' ({filters})"
    by_name = {c["name"]: c for c in charts}
    for name, (column, axis) in TABLES.items():
        shown = _column(tables[name], column)
        assert shown == want_tables[name][column].astype(int).tolist(), f"table {name} is not the filters' ({filters})"
        drawn = sum(_numbers([t[axis] for t in by_name[name]["traces"]]))
        assert drawn == sum(shown), f"chart {name} draws {drawn} {column}, its table lists {sum(shown)}"
    return charts


def _wait_redrawn(page, titles: list[str], what: str) -> None:
    """Wait until the charts show ``titles``; else fail saying what the page shows instead."""
    from playwright.sync_api import TimeoutError as PageTimeout

    try:
        page.wait_for_function(REDRAWN, arg=titles, polling=250, timeout=45_000)
    except PageTimeout:
        status = page.evaluate("(document.querySelector('.jp-NotebookPanel .widget-hbox .widget-html') || {}).innerText")
        shown = page.evaluate("Array.from(document.querySelectorAll('.jp-NotebookPanel .js-plotly-plot'))"
                              ".map(gd => gd.layout && gd.layout.title ? gd.layout.title.text : null)")
        pytest.fail(f"{what}: the charts were not redrawn (filters' status {status!r}); "
                    f"titles shown: {shown}, expected {titles}")


def test_each_filter_redraws_every_chart_in_place(lab: str, page):
    filters_in_turn = [{"Period": "2026-Q3", "Subject type": None, "Channel": None}]
    for label, option in STEPS:
        filters_in_turn.append({**filters_in_turn[-1], label: option})
    # The expected charts are computed while JupyterLab loads and runs the notebook (DuckDB and
    # the wait for the page leave the interpreter free), not after.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(_expected, filters_in_turn)
        page.goto(lab)
        page.wait_for_function(KERNEL_IDLE)
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(ALL_RAN, polling=250)
        expected = pending.result()
    _read(page)  # no cell failed
    _wait_redrawn(page, [c["title"] for c in expected[0][0]], "after Run All")
    before = _check(page, expected[0], filters_in_turn[0])

    for (label, option), must_change, want, filters in zip(STEPS, MUST_CHANGE, expected[1:], filters_in_turn[1:]):
        page.locator(".jp-NotebookPanel .widget-dropdown", has_text=label).locator("select").select_option(option)
        _wait_redrawn(page, [c["title"] for c in want[0]], f"after {label} = {option}")
        after = _check(page, want, filters)
        changed = {a["name"] for a, b in zip(after, before) if a["traces"] != b["traces"]}
        assert must_change <= changed, f"{label} = {option} left {sorted(must_change - changed)} as they were"
        assert all(a["title"] != b["title"] for a, b in zip(after, before)), "a chart's title kept the old filters"
        before = after
