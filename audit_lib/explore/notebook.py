"""The explore notebook: its cells (this module generates it), running it, exporting it to HTML.

``build()`` is the notebook's source; ``python -m audit_lib.explore.notebook`` writes it to
notebooks/explore_register.ipynb and executes it there, so that nbval has current outputs to compare
(tests/test_explore_nbval.py). Running it reuses the report's runner (kernel choice, audit_lib on
the kernel's path, a failing cell named) and its offline HTML export (no code, nothing from a CDN,
cells tagged remove-cell dropped: the filter widgets, which need a live kernel).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_lib.explore.words import PROSE
from audit_lib.resources import NOTEBOOKS

if TYPE_CHECKING:
    import nbformat

NOTEBOOK = NOTEBOOKS / "explore_register.ipynb"
TITLE = PROSE["title"]  # English; the notebook's headings and notes are in its `lang` (explore/words.py)
# Outputs not worth committing: plotly.js (4 MB, cell "setup") and figures, which nbval ignores.
STRIP_OUTPUT_TAGS = {"setup", "nbval-ignore-output"}
FIGURE = "nbval-ignore-output"  # figures differ from run to run (element ids): nbval skips them

INTRO = """\
# Exploring the register

Register statistics to explore between audits. Run it as it stands (the defaults load the bundled \
sample, wherever the notebook is run from), open it with `regaudit explore`, or run it with papermill \
(`papermill --help-notebook` lists the parameters). Every cell calls `audit_lib.explore`: the \
statistics are DuckDB aggregates (`stats`), the charts draw only those aggregates (`figures`), so this \
notebook stays the same size whatever the register's size. In JupyterLab the filters below redraw \
every chart and table in place; the charts also render without them (exported HTML, papermill). \
The parameter `lang` (`en` or `fi`) sets the language of the headings, notes, charts, tables and \
filters. This note is removed from the exported HTML (cell tag `remove-cell`)."""

# Typed, with the help after each value: `papermill --help-notebook` reads both (no "=" in the help).
PARAMETERS = """\
# Parameters (papermill replaces them). None: the bundled sample, found through audit_lib, not the
# current folder; a path given is taken from the folder the kernel runs in.
from typing import Optional

register: Optional[str] = None  # register.yaml; None: the one exports.yaml names
exports: Optional[str] = None  # exports.yaml; None: the bundled sample's (data_samples/hyvinvoivin)
period: str = "2026-Q3"  # the period event charts cover; states (accounts, consent, retention) are as of its end
subject_type: Optional[str] = None  # a subject type of register.yaml, e.g. "consumer"; None: all
channel: Optional[str] = None  # a marketing channel, e.g. "email"; None: all
lang: str = "en"  # language of the headings, charts, tables and filters: en or fi"""

SETUP = """\
# plotly.js is embedded here, once, so that the exported HTML draws offline (not compared by nbval).
from audit_lib import notebook_defaults
from audit_lib.explore import figures, open_register, stats, words
from audit_lib.explore.widgets import Explorer

renderers = figures.use_offline_renderer()"""

LOAD = """\
session = open_register(register, notebook_defaults.exports_file(exports), period)
explorer = Explorer(session, subject_type=subject_type, channel=channel, lang=lang)"""

CATEGORIES = """\
matrix = stats.category_matrix(session.con, explorer.params)
words.labelled(matrix[matrix["declared"] != matrix["present"]].reset_index(drop=True), lang)"""


def _prose(name: str, level: int = 0) -> str:
    """The source of a cell that shows the heading or note ``name`` of explore/words.py in ``lang``."""
    if name not in PROSE:
        raise KeyError(f"no heading or note {name!r} in audit_lib/explore/words.PROSE")
    return f'words.prose("{name}", lang, level={level})' if level else f'words.prose("{name}", lang)'


# (cell type, tags, source), in the notebook's order. Each chart is drawn with explorer.show, so the
# filters redraw it; a table under a chart shows the statistic the chart draws. Headings and notes are
# cells of their own too, showing the words of explore/words.py in the notebook's `lang` (a Markdown
# cell could not follow the parameter); they come after the parameters for that reason.
CELLS: list[tuple[str, list[str], str]] = [
    ("markdown", ["remove-cell"], INTRO),
    ("code", ["parameters"], PARAMETERS),
    ("code", ["setup", FIGURE], SETUP),
    ("code", ["load"], LOAD),
    ("code", ["title"], _prose("title", 1)),
    ("code", ["note"], _prose("overview")),
    ("code", ["overview"], "words.labelled(stats.register_overview(session.con), lang)"),
    ("code", ["controls", "remove-cell", FIGURE],
     "# Filters (JupyterLab): changing one redraws every chart and table below.\nexplorer.controls()"),
    ("code", ["heading"], _prose("subjects", 2)),
    ("code", ["chart-subjects-by-type", FIGURE], "explorer.show(figures.subjects_by_type)"),
    ("code", ["chart-registrations", FIGURE], "explorer.show(figures.registrations_by_month)"),
    ("code", ["note"], _prose("inactive")),
    ("code", ["chart-accounts", FIGURE], "explorer.show(figures.account_states)"),
    ("code", ["accounts"], "explorer.show(stats.account_states)"),
    ("code", ["heading"], _prose("consent", 2)),
    ("code", ["chart-consent", FIGURE], "explorer.show(figures.consent_by_month)"),
    ("code", ["chart-marketing", FIGURE], "explorer.show(figures.marketing_volume)"),
    ("code", ["marketing"], "explorer.show(stats.marketing_volume)"),
    ("code", ["heading"], _prose("retention", 2)),
    ("code", ["chart-retention", FIGURE], "explorer.show(figures.retention_ages)"),
    ("code", ["heading"], _prose("requests", 2)),
    ("code", ["chart-requests", FIGURE], "explorer.show(figures.request_lead_times)"),
    ("code", ["requests"], "explorer.show(stats.request_lead_times)"),
    ("code", ["heading"], _prose("access", 2)),
    ("code", ["chart-access", FIGURE], "explorer.show(figures.access_by_role_hour)"),
    ("code", ["chart-readers", FIGURE], "explorer.show(figures.heaviest_readers)"),
    ("code", ["readers"], "explorer.show(stats.heaviest_readers)"),
    ("code", ["heading"], _prose("categories", 2)),
    ("code", ["chart-categories", FIGURE], "explorer.show(figures.category_matrix)"),
    ("code", ["note"], _prose("mismatches")),
    ("code", ["categories"], CATEGORIES),
]


def build() -> "nbformat.NotebookNode":
    """The explore notebook without outputs, as committed before it is executed."""
    import nbformat
    from nbformat import v4

    cells = []
    for index, (kind, tags, source) in enumerate(CELLS):
        make = v4.new_code_cell if kind == "code" else v4.new_markdown_cell
        # Numbered ids, not random ones: regenerating the notebook changes only what changed.
        cells.append(make(source, metadata={"tags": list(tags)}, id=f"explore-{index:02d}"))
    nb = v4.new_notebook(cells=cells, metadata={
        "title": TITLE,
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def execute(output: str | os.PathLike, parameters: dict[str, Any] | None = None, *,
            notebook: str | os.PathLike = NOTEBOOK, kernel: str | None = None) -> Path:
    """Execute the explore notebook into ``output`` with ``parameters`` (default: its own defaults,
    the bundled sample); a failing cell raises ReportError naming the cell."""
    from audit_lib.report.pipeline import execute_notebook, kernel_name

    return execute_notebook(Path(notebook).resolve(), Path(output), dict(parameters or {}), kernel or kernel_name())


def to_html(executed: str | os.PathLike, html: str | os.PathLike, lang: str = "en") -> Path:
    """Export an executed explore notebook to self-contained HTML without code or filter widgets, its
    title in ``lang`` (the notebook's)."""
    from audit_lib.explore.words import t
    from audit_lib.report.render import notebook_to_html

    return notebook_to_html(executed, html, title=t(TITLE, lang), lang=lang)


def refresh(notebook: str | os.PathLike = NOTEBOOK) -> Path:
    """Write ``build()`` to ``notebook``, executed with its defaults, with the outputs nbval compares."""
    from audit_lib.report.committed import refresh as refresh_committed

    return refresh_committed(notebook, strip_tags=STRIP_OUTPUT_TAGS, source=build())


if __name__ == "__main__":
    print(refresh(sys.argv[1] if len(sys.argv) > 1 else NOTEBOOK))
