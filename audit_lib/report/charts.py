"""Plotly figures of an audit (check outcomes, findings by family and severity) that draw offline."""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING

from audit_lib.report import plotlyjs
from audit_lib.report.labels import text
from audit_lib.vocabulary import FAMILIES, INCOMPLETE_STATUSES, SEVERITIES, STATUSES, Severity, Status

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from audit_lib.audit import AuditResult

RENDERER_NAME = "regaudit_offline"
# Element ids of the figures drawn in this kernel: ra-figure-1, -2, … in display order.
_FIGURE_NUMBERS = itertools.count(1)
# plotly_mimetype keeps the figure live in JupyterLab; our HTML renderer is what nbconvert draws.
DEFAULT_RENDERERS = f"plotly_mimetype+{RENDERER_NAME}"
# The trace types the plotly.js embedded in this kernel's notebook can draw: None before activation,
# plotlyjs.TRACE_TYPES with the partial bundle, ALL_TRACES once plotly's full bundle is in the page.
# (Module-level, like the figure numbers: plotly copies renderer objects.)
ALL_TRACES = "all"
# The display id of the output that holds plotly.js (set-up cell), by which it is replaced.
BUNDLE_DISPLAY_ID = "regaudit-plotlyjs"
_EMBEDDED: dict[str, object] = {"traces": None}

# Colours chosen to survive greyscale printing: lightness falls with severity.
SEVERITY_COLOURS = {Severity.CRITICAL: "#67000d", Severity.HIGH: "#cb181d", Severity.MEDIUM: "#fb6a4a",
                    Severity.LOW: "#fcbba1"}
STATUS_COLOURS = {Status.PASS: "#1a9850", Status.FAIL: "#d73027", Status.ERROR: "#7b3294", Status.NOT_RUN: "#969696",
                  Status.NOT_TESTED: "#fdae61"}


def _offline_renderer_class():
    """Build the renderer class lazily so that importing this module does not import plotly."""
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        """plotly's ``notebook`` renderer without MathJax from a CDN, activated at most once, and with
        plotly.js's partial bundle (bar, pie, scatter: audit_lib/report/plotlyjs.py) instead of the full one.

        plotly's own ``notebook`` renderer adds ``<script src="https://cdnjs…/mathjax…">`` to every
        figure, so the exported HTML would need the network; our labels hold no TeX, so we drop it.
        plotly.js itself is embedded once by ``activate``, inline (no CDN): the vendored basic bundle
        (1.2 MB) where it is the version the installed plotly writes for, else plotly's full one (4.8 MB).
        The first figure with a trace type the basic bundle lacks (a heatmap of the explorer) replaces
        that output with plotly's full bundle (``update_display``, which papermill applies to the set-up
        cell), rather than silently not drawing: still one bundle in the page, before every figure.
        """

        def __init__(self) -> None:
            super().__init__(connected=False, config={"displaylogo": False, "responsive": True})
            self._activated = False

        def activate(self) -> None:
            """Embed plotly.js once (plotly activates pending renderers before the first figure, and the
            set-up cell activates explicitly: embedding the bundle twice would be waste)."""
            if not self._activated:
                _embed_bundle(type(self).__name__)
                self._activated = True

        def to_mimebundle(self, fig_dict):
            """The figure as HTML that draws with the embedded bundle (the full one fetched in if needed)."""
            html = _figure_html(fig_dict, self.config)
            _full_bundle_if_needed(fig_dict)
            return {"text/html": html}

    return OfflineNotebookRenderer


def _embed_bundle(renderer: str) -> None:
    """Display plotly.js (the vendored partial bundle, or plotly's full one for another plotly version)
    as the output that later figures draw with; ValueError outside IPython."""
    from plotly.io import _base_renderers

    if not _base_renderers.ipython_display:
        raise ValueError(f"The {renderer} class requires ipython but it is not installed")
    if plotlyjs.matches_installed_plotly():
        script, traces = plotlyjs.bundle_js(), plotlyjs.TRACE_TYPES
    else:
        from plotly.offline import get_plotlyjs

        script, traces = get_plotlyjs(), ALL_TRACES
    _base_renderers.ipython_display.display({"text/html": _bundle_html(script)}, raw=True,
                                            display_id=BUNDLE_DISPLAY_ID)
    _EMBEDDED["traces"] = traces


def _figure_html(fig_dict: dict, config: dict) -> str:
    """A figure's ``<div>`` and the script that draws it, without plotly.js or MathJax."""
    from plotly.io import to_html

    # Numbered, not random, element ids: the same audit gives the same HTML byte for byte.
    # (A module-level counter: plotly copies renderer objects, so an attribute would not count.)
    return to_html(div_id=f"ra-figure-{next(_FIGURE_NUMBERS)}", fig=fig_dict, config=config, include_plotlyjs=False,
                   include_mathjax=False, full_html=False, default_width="100%", default_height=460, validate=False)


def _bundle_html(script: str) -> str:
    """plotly.js as plotly's own ``activate`` writes it, with ``script`` in place of get_plotlyjs()."""
    from plotly.io import _base_renderers

    return f"""\
        <script>
        {_base_renderers._window_plotly_config}
        {_base_renderers._mathjax_config}
        </script>
        <script>{script}</script>
        """


def _full_bundle_if_needed(fig_dict) -> None:
    """The first time a figure needs a trace type that the embedded partial bundle cannot draw (it
    would draw nothing), replace the partial bundle's output with plotly's full plotly.js."""
    embedded = _EMBEDDED["traces"]
    if embedded is None or embedded == ALL_TRACES or not plotlyjs.missing_trace_types(fig_dict, embedded):
        return
    from plotly.io import _base_renderers
    from plotly.offline import get_plotlyjs

    _base_renderers.ipython_display.update_display({"text/html": _bundle_html(get_plotlyjs())}, raw=True,
                                                   display_id=BUNDLE_DISPLAY_ID)
    _EMBEDDED["traces"] = ALL_TRACES


def use_offline_renderer(activate: bool = True) -> str:
    """Make figures display as plotly's mimetype plus offline HTML, embedding plotly.js once.

    Returns the renderer string set as plotly's default. Under papermill plotly's default renderer
    writes only the plotly mimetype, which nbconvert's HTML does not draw (architecture, Known traps).
    """
    import plotly.io as pio

    if RENDERER_NAME not in pio.renderers:
        pio.renderers[RENDERER_NAME] = _offline_renderer_class()()
    pio.renderers.default = DEFAULT_RENDERERS
    if activate:
        try:
            pio.renderers[RENDERER_NAME].activate()
        except ValueError:
            # Outside IPython (plain Python, tests) there is nothing to activate into.
            pass
    return DEFAULT_RENDERERS


# Parts of plotly_white's layout for subplots the report never draws (3D, maps, polar, ternary) and for
# colour scales (our bars are coloured one by one).
_UNUSED_TEMPLATE_LAYOUT = ("scene", "geo", "polar", "ternary", "colorscale", "coloraxis")


@functools.cache
def _template() -> dict:
    """plotly_white without its defaults for the trace types plotly.js's partial bundle cannot draw
    anyway, nor for subplots the report has none of: plotly writes the template into every figure,
    and the full one (7 kB) was most of a figure's bytes. Bars and their axes look the same."""
    import plotly.io as pio

    template = pio.templates["plotly_white"].to_plotly_json()
    data = {kind: traces for kind, traces in template["data"].items() if kind in plotlyjs.TRACE_TYPES}
    layout = {key: value for key, value in template["layout"].items() if key not in _UNUSED_TEMPLATE_LAYOUT}
    return {"data": data, "layout": layout}


def _layout(fig: "go.Figure", title: str) -> "go.Figure":
    """``fig`` with the report's title, size, margins, legend, font and (slimmed) template."""
    # Assigned, not updated: update_layout would merge it into the default template the figure has.
    fig.layout.template = _template()
    fig.update_layout(
        title=title,
        height=420,
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
        legend={"orientation": "h", "y": -0.18, "traceorder": "normal"},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12},
    )
    return fig


def _stacked_by_family(frame: "pd.DataFrame", column: str, levels, label_prefix: str, colours: dict,
                       lang: str) -> tuple["go.Figure", list[str]]:
    """Bars of rows per family (known families first, in their order), one stacked trace per level
    of ``column``; returns the figure and the families drawn."""
    import plotly.graph_objects as go

    present = set(frame["family"])
    families = [f for f in FAMILIES if f in present] + sorted(present - set(FAMILIES))
    fig = go.Figure()
    for level in levels:
        counts = frame[frame[column] == level].groupby("family").size().reindex(families, fill_value=0)
        fig.add_bar(name=text(f"{label_prefix}.{level}", lang), x=[text(f"family.{f}", lang) for f in families],
                    y=counts.tolist(), marker_color=colours[level])
    return fig, families


def check_status_chart(check_results: "pd.DataFrame", lang: str = "en") -> "go.Figure":
    """Stacked bars: number of checks per family, split by status (pass, fail, error, not run)."""
    fig, _ = _stacked_by_family(check_results, "status", STATUSES, "status", STATUS_COLOURS, lang)
    fig.update_layout(barmode="stack", yaxis_title=text("chart.checks", lang))
    return _layout(fig, text("chart.check_status", lang))


def findings_chart(findings: "pd.DataFrame", lang: str = "en") -> "go.Figure":
    """Stacked bars: open findings per family, split by severity; accepted findings are left out."""
    open_findings = findings[findings["state"] != "accepted"] if "state" in findings else findings
    fig, families = _stacked_by_family(open_findings, "severity", SEVERITIES, "severity", SEVERITY_COLOURS, lang)
    if not families:
        fig.add_annotation(text=text("chart.no_findings", lang), showarrow=False, x=0.5, y=0.5,
                           xref="paper", yref="paper", font={"size": 16})
        fig.update_xaxes(visible=False)
        fig.update_yaxes(visible=False)
        fig.update_layout(showlegend=False)
        return _layout(fig, text("chart.findings_by_family", lang)).update_layout(height=200)
    fig.update_layout(barmode="stack", yaxis_title=text("chart.findings", lang))
    return _layout(fig, text("chart.findings_by_family", lang))


def family_chart(result: "AuditResult", family: str, lang: str = "en") -> "go.Figure":
    """Horizontal bars, one per check of ``family``: its failures, coloured by the check's severity;
    the label says the records tested, or that the check did not run."""
    import pandas as pd
    import plotly.graph_objects as go

    checks = result.check_results[result.check_results["family"] == family].sort_values("check_id", ascending=False)
    fig = go.Figure()
    for severity in SEVERITIES:
        part = checks[checks["severity"] == severity]
        if part.empty:
            continue
        labels = []
        for row in part.itertuples(index=False):
            if row.status in INCOMPLETE_STATUSES:
                labels.append(text(f"status.{row.status}", lang))
            else:
                tested = "" if row.population is None or pd.isna(row.population) else int(row.population)
                labels.append(text("chart.failures_of", lang, failures=int(row.failures), tested=tested))
        fig.add_bar(name=text(f"severity.{severity}", lang), orientation="h", y=part["check_id"].tolist(),
                    x=part["failures"].astype(int).tolist(), text=labels, textposition="outside",
                    cliponaxis=False, marker_color=SEVERITY_COLOURS[severity])
    height = max(220, 90 + 34 * len(checks))
    fig.update_layout(barmode="overlay", xaxis_title=text("chart.failures", lang), bargap=0.35,
                      # In the order of the family's table (check id), top to bottom.
                      yaxis={"automargin": True, "categoryorder": "array",
                             "categoryarray": checks["check_id"].tolist()})
    fig = _layout(fig, text("chart.family", lang, family=text(f"family.{family}", lang)))
    return fig.update_layout(height=height, margin={"l": 20, "r": 90, "t": 80, "b": 50},
                             legend={"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0,
                                     "yanchor": "bottom"})
