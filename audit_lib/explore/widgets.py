"""Interactive filters for the explore notebook: ipywidgets that redraw figures already displayed.

Each figure or table is displayed as an ordinary output (with a display id), so it renders in
nbconvert's HTML and under papermill without any widget manager; the filter widgets, when a live
kernel and JupyterLab are there, only replace those outputs in place. Nothing waits for input.
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


@dataclass
class _Shown:
    builder: Callable[..., Any]
    handle: Any


class Explorer:
    """A session with the filters in force (period, subject type, channel) and what it has shown."""

    def __init__(self, session: "Session", *, period: str | None = None, subject_type: str | None = None,
                 channel: str | None = None) -> None:
        self.session = session
        self.period = period or session.period.label
        self.subject_type = subject_type or None
        self.channel = channel or None
        self._shown: list[_Shown] = []
        self._controls: Any = None

    @property
    def params(self) -> dict[str, Any]:
        """The params of the filters in force (see ``audit_lib.explore.params_for``)."""
        return self.session.params(self.period, subject_type=self.subject_type, channel=self.channel)

    def build(self, builder: Callable[..., Any]) -> Any:
        """Call a figure builder or statistic with this session's connection and the filters' params."""
        return builder(self.session.con, self.params)

    def show(self, builder: Callable[..., Any]) -> None:
        """Display ``builder(con, params)`` (a figure or a table) as an output the filters redraw."""
        from IPython.display import display

        handle = display(self.build(builder), display_id=True)
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
            if shown.handle is not None:
                shown.handle.update(self.build(shown.builder))

    def controls(self) -> Any:
        """The filter widgets (period, subject type, channel); changing one redraws the outputs."""
        import ipywidgets as widgets

        period = widgets.Dropdown(options=self.period_options(), value=self.period, description="Period")
        subject_type = widgets.Dropdown(options=[ALL] + self.session.subject_types,
                                        value=self.subject_type or ALL, description="Subject type")
        channel = widgets.Dropdown(options=[ALL] + self.session.channels, value=self.channel or ALL,
                                   description="Channel")
        status = widgets.HTML()

        def changed(_change: Any) -> None:
            status.value = "<i>updating…</i>"
            try:
                self.set_filters(period=period.value, subject_type=subject_type.value, channel=channel.value)
                status.value = ""
            except Exception as exc:  # shown beside the filters; the outputs keep their last state
                status.value = f"<b>error:</b> {type(exc).__name__}: {exc}"

        for control in (period, subject_type, channel):
            control.observe(changed, names="value")
        self._controls = widgets.HBox([period, subject_type, channel, status])
        return self._controls
