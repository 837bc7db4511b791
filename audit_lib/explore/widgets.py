"""Interactive filters for the explore notebook: ipywidgets that redraw figures already displayed.

Each figure or table is displayed as an ordinary output with a display id, so it renders in
nbconvert's HTML and under papermill without any widget manager; the filter widgets, when a live
kernel and JupyterLab are there, replace those outputs in place. Nothing waits for input.

A plotly figure is displayed as its mime bundle, not as the figure: plotly's own display hook
(``_ipython_display_``) publishes the figure without the display id, so an update would add a
new output (in JupyterLab's log console, from a widget's callback) and leave the chart as it was.
And JupyterLab hands an updated output of the same mimetype to the renderer already there, which
plotly's renderer ignores once it has drawn a graph; so a figure is redrawn in two updates, a line
of text first (another mimetype: JupyterLab replaces the renderer), then the new figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from audit_lib.explore.session import Session

ALL = "(all)"
ALL_TIME = "all"
# Quarters offered in the period filter, counted back from the notebook's period.
QUARTERS_BACK = 11
# Shown for an instant in place of a figure being redrawn (see the module docstring).
REDRAWING = {"text/plain": "redrawing…"}


@dataclass
class _Shown:
    builder: Callable[..., Any]
    handle: Any  # IPython.display.DisplayHandle


def displayable(obj: Any) -> tuple[tuple[Any], dict[str, Any]]:
    """What ``display`` takes to show ``obj`` under a display id: a plotly figure as its mime bundle
    (plotly's default renderers, so the same outputs as displaying the figure) with ``raw=True``;
    anything else (a DataFrame) as itself, which IPython formats and keeps the id for."""
    from plotly.basedatatypes import BaseFigure

    if isinstance(obj, BaseFigure):
        return (obj._repr_mimebundle_(),), {"raw": True}
    return (obj,), {}


class Explorer:
    """A session with the filters in force (period, subject type, channel) and what it has shown."""

    def __init__(self, session: "Session", *, period: str | None = None, subject_type: str | None = None,
                 channel: str | None = None, lang: str = "en") -> None:
        from audit_lib.vocabulary import LANGUAGES

        if lang not in LANGUAGES:  # the notebook's parameter: say so in the cell that took it
            raise ValueError(f"lang {lang!r}: use {' or '.join(LANGUAGES)}")
        self.session = session
        self.lang = lang  # of the figures, tables and filters (audit_lib/explore/words.py)
        self.period = period or session.period.label
        self.subject_type = subject_type or None
        self.channel = channel or None
        self._shown: list[_Shown] = []
        self._controls: Any = None

    @property
    def params(self) -> dict[str, Any]:
        """The params of the filters in force (see ``audit_lib.explore.params_for``)."""
        return self.session.params(self.period, subject_type=self.subject_type, channel=self.channel,
                                   lang=self.lang)

    def build(self, builder: Callable[..., Any]) -> Any:
        """Call a figure builder or statistic with this session's connection and the filters' params; a
        statistic's table comes with its headings and words in the notebook's language."""
        import pandas as pd

        from audit_lib.explore.words import labelled

        built = builder(self.session.con, self.params)
        return labelled(built, self.lang) if isinstance(built, pd.DataFrame) else built

    def show(self, builder: Callable[..., Any]) -> None:
        """Display ``builder(con, params)`` (a figure or a table) as an output the filters redraw."""
        from IPython.display import DisplayHandle

        handle = DisplayHandle()
        args, kwargs = displayable(self.build(builder))
        handle.display(*args, **kwargs)
        self._shown.append(_Shown(builder, handle))

    def period_options(self) -> list[str]:
        """The notebook's period, the quarters before it, and ``all``."""
        from audit_lib.periods import parse_period

        current = parse_period(self.session.period.label, self.session.timezone)
        options = [current.label]
        for _ in range(QUARTERS_BACK):
            current = current.previous()
            options.append(current.label)
        return options + [ALL_TIME]

    def set_filters(self, *, period: str | None = None, subject_type: str | None = None,
                    channel: str | None = None) -> None:
        """Change the filters (``"(all)"`` or None for no subject type or channel) and redraw."""
        if period is not None:
            self.period = period
        self.subject_type = None if subject_type in (None, ALL) else subject_type
        self.channel = None if channel in (None, ALL) else channel
        self.refresh()

    def refresh(self) -> None:
        """Redraw every output shown so far with the filters in force."""
        for shown in self._shown:
            args, kwargs = displayable(self.build(shown.builder))
            if kwargs.get("raw"):  # a figure: make JupyterLab replace plotly's renderer
                shown.handle.update(REDRAWING, raw=True)
            shown.handle.update(*args, **kwargs)

    def controls(self) -> Any:
        """The filter widgets (period, subject type, channel); changing one redraws the outputs."""
        import html

        import ipywidgets as widgets

        from audit_lib.explore import words

        def say(message: str) -> str:
            return words.t(message, self.lang)

        every = [(say(words.ALL_OPTION), ALL)]  # (label, value): the label in the notebook's language
        periods = [(say(words.ALL_TIME_OPTION) if p == ALL_TIME else p, p) for p in self.period_options()]
        period = widgets.Dropdown(options=periods, value=self.period, description=say(words.FILTER_PERIOD))
        subject_type = widgets.Dropdown(options=every + [(s, s) for s in self.session.subject_types],
                                        value=self.subject_type or ALL, description=say(words.FILTER_TYPE))
        channel = widgets.Dropdown(options=every + [(c, c) for c in self.session.channels],
                                   value=self.channel or ALL, description=say(words.FILTER_CHANNEL))
        status = widgets.HTML()

        def changed(_change: Any) -> None:
            status.value = f"<i>{html.escape(say(words.UPDATING))}</i>"
            try:
                self.set_filters(period=period.value, subject_type=subject_type.value, channel=channel.value)
                status.value = ""
            except Exception as exc:  # shown beside the filters; the outputs keep their last state
                reason = html.escape(f"{type(exc).__name__}: {exc}")
                status.value = f"<b>{html.escape(say(words.FILTER_ERROR))}</b> {reason}"

        for control in (period, subject_type, channel):
            control.observe(changed, names="value")
        self._controls = widgets.HBox([period, subject_type, channel, status])
        return self._controls
