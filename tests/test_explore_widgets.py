"""The explore filters publish each redraw under the display id of the output it replaces.

An IPython shell records what is published (as a kernel would send it): every figure and table the
Explorer shows carries a display id, and a filter change only updates those ids, a figure first
with a line of text (so that JupyterLab replaces plotly's renderer, which ignores a second draw).
tests/test_explore_browser.py checks the same in a real JupyterLab.
"""

from __future__ import annotations

import pytest
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell

from audit_lib.explore import figures, open_register, stats
from audit_lib.explore.widgets import REDRAWING, Explorer
from audit_lib.resources import SAMPLE

PLOTLY = "application/vnd.plotly.v1+json"


class Recorder(DisplayPublisher):
    """Keeps every display_data / update_display_data the shell would send."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.sent: list[dict] = []

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):
        self.sent.append({"data": data, "display_id": (transient or {}).get("display_id"), "update": update})


@pytest.fixture
def sent():
    """The shell's published messages, with the explore notebook's plotly renderers in force."""
    import plotly.io as pio

    default = pio.renderers.default
    shell = InteractiveShell.instance()
    recorder = Recorder(shell=shell)
    previous, shell.display_pub = shell.display_pub, recorder
    try:
        figures.use_offline_renderer()
        yield recorder.sent
    finally:
        shell.display_pub = previous
        pio.renderers.default = default
        InteractiveShell.clear_instance()


def test_filters_update_the_outputs_shown_and_add_none(sent):
    explorer = Explorer(open_register(None, SAMPLE / "exports.yaml", "2026-Q3"))
    sent.clear()  # plotly.js, embedded once when the renderer is activated
    explorer.show(figures.request_lead_times)
    explorer.show(stats.request_lead_times)
    shown = list(sent)
    assert [m["update"] for m in shown] == [False, False]
    figure_id, table_id = (m["display_id"] for m in shown)
    assert figure_id and table_id and figure_id != table_id
    assert PLOTLY in shown[0]["data"] and "text/html" in shown[0]["data"]
    assert "2026-07-01" in shown[0]["data"][PLOTLY]["layout"]["title"]["text"]
    assert "text/html" in shown[1]["data"]

    sent.clear()
    explorer.set_filters(period="2026-Q2", subject_type="consumer")
    # Only updates, each under an id shown before: nothing new is displayed.
    assert all(m["update"] for m in sent)
    assert [m["display_id"] for m in sent] == [figure_id, figure_id, table_id]
    placeholder, figure, table = (m["data"] for m in sent)
    assert placeholder == REDRAWING
    title = figure[PLOTLY]["layout"]["title"]["text"]
    assert "2026-04-01" in title and "type consumer" in title
    expected = stats.request_lead_times(explorer.session.con, explorer.params)
    assert expected.to_html() in table["text/html"]
    assert expected.to_html() != stats.request_lead_times(
        explorer.session.con, explorer.session.params("2026-Q3")).to_html()
