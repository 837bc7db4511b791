"""Plotly figures of an audit (check outcomes, findings by family and severity) that draw offline."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from audit_lib.report.labels import FAMILIES, SEVERITIES, STATUSES, text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

RENDERER_NAME = "regaudit_offline"
# Element ids of the figures drawn in this kernel: ra-figure-1, -2, … in display order.
_FIGURE_NUMBERS = itertools.count(1)
# plotly_mimetype keeps the figure live in JupyterLab; our HTML renderer is what nbconvert draws.
DEFAULT_RENDERERS = f"plotly_mimetype+{RENDERER_NAME}"

# Colours chosen to survive greyscale printing: lightness falls with severity.
SEVERITY_COLOURS = {"critical": "#67000d", "high": "#cb181d", "medium": "#fb6a4a", "low": "#fcbba1"}
STATUS_COLOURS = {"pass": "#1a9850", "fail": "#d73027", "error": "#7b3294", "not_run": "#969696",
                  "not_tested": "#fdae61"}


def _offline_renderer_class():
    """Build the renderer class lazily so that importing this module does not import plotly."""
    from plotly.io._base_renderers import NotebookRenderer

    class OfflineNotebookRenderer(NotebookRenderer):
        """plotly's ``notebook`` renderer without MathJax from a CDN, activated at most once.

        plotly's own ``notebook`` renderer adds ``<script src="https://cdnjs…/mathjax…">`` to every
        figure, so the exported HTML would need the network; our labels hold no TeX, so we drop it.
        plotly.js itself is embedded once by ``activate`` (``connected=False``).
        """

        def __init__(self) -> None:
            super().__init__(connected=False, config={"displaylogo": False, "responsive": True})
            self._activated = False

        def activate(self) -> None:
            # plotly activates pending renderers before the first figure, and we activate
            # explicitly in the set-up cell; embedding the 4 MB bundle twice would be waste.
            if not self._activated:
                super().activate()
                self._activated = True

        def to_mimebundle(self, fig_dict):
            from plotly.io import to_html

            # Numbered, not random, element ids: the same audit gives the same HTML byte for byte.
            # (A module-level counter: plotly copies renderer objects, so an attribute would not count.)
            html = to_html(
                div_id=f"ra-figure-{next(_FIGURE_NUMBERS)}",
                fig=fig_dict,
                config=self.config,
                include_plotlyjs=False,
                include_mathjax=False,
                full_html=False,
                default_width="100%",
                default_height=460,
                validate=False,
            )
            return {"text/html": html}

    return OfflineNotebookRenderer


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


def _layout(fig: "go.Figure", title: str) -> "go.Figure":
    fig.update_layout(
        title=title,
        template="plotly_white",
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


def family_chart(result: "object", family: str, lang: str = "en") -> "go.Figure":
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
            if row.status in ("error", "not_run"):
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
