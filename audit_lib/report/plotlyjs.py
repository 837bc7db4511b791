"""The plotly.js the report embeds: a vendored partial bundle (bar, pie, scatter), not plotly's full one.

plotly's own offline renderer inlines the full plotly.js (4.8 MB, 47 trace types): 91 % of a report.
The report draws bar charts only, so it inlines plotly.js's published *basic* partial bundle instead,
from the npm package ``plotly.js-basic-dist-min`` (assets/plotly-basic.min.js, MIT licence beside it
as assets/plotly-basic.LICENSE.txt). It must be the plotly.js version that the installed plotly (the
Python package, which writes the figure JSON) bundles itself: ``plotly.offline.get_plotlyjs_version()``.

To update it when plotly is upgraded (tests/test_report_units.py fails until it is)::

    python -c "import plotly.offline; print(plotly.offline.get_plotlyjs_version())"   # e.g. 4.1.1
    npm pack plotly.js-basic-dist-min@4.1.1 && tar xzf plotly.js-basic-dist-min-4.1.1.tgz
    cp package/plotly-basic.min.js audit_lib/report/assets/
    cp package/LICENSE audit_lib/report/assets/plotly-basic.LICENSE.txt

then set ``VERSION``, ``SHA256`` and (from the package's README) ``TRACE_TYPES`` below.

A figure whose traces the bundle does not have would silently not draw; ``missing_trace_types`` says
which, and the renderer (charts.py) then embeds plotly's full bundle as well rather than lose a chart.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping

ASSETS = Path(__file__).with_name("assets")
PACKAGE = "plotly.js-basic-dist-min"
VERSION = "4.1.1"
FILE = ASSETS / "plotly-basic.min.js"
LICENSE_FILE = ASSETS / "plotly-basic.LICENSE.txt"
# sha256 of plotly-basic.min.js as it is in the npm package (its tarball's sha1: 27ea39207030c3e2f5c2d64d9b1366ca59cab97e).
SHA256 = "99784e3abfb07b142a15e521a439e6d9addceadb3f79553fd24c72774f0649ba"
# The trace types of the basic bundle: "Contains trace modules `bar`, `pie` and `scatter`" (the npm
# package's README); the bundle registers exactly these (``moduleType:"trace",name:"…"`` in its text,
# which tests/test_report_units.py checks).
TRACE_TYPES = frozenset({"bar", "pie", "scatter"})
# The first line of the bundle's licence header, by which a page shows that it embeds this bundle.
BANNER = f"plotly.js (basic - minified) v{VERSION}"


@functools.cache
def bundle_js() -> str:
    """The bundle's text (read once; the same bytes every time, so the same audit gives the same HTML)."""
    return FILE.read_text(encoding="utf-8")


def matches_installed_plotly() -> bool:
    """Whether the bundle is the plotly.js version that the installed plotly writes its figures for."""
    from plotly.offline import get_plotlyjs_version

    return get_plotlyjs_version() == VERSION


def trace_types(fig: Any) -> set[str]:
    """The trace types a figure (a plotly Figure or its dict) draws; a trace without a type is a scatter."""
    if hasattr(fig, "to_plotly_json"):
        fig = fig.to_plotly_json()
    data: Iterable[Mapping[str, Any]] = fig.get("data", []) if isinstance(fig, Mapping) else []
    return {trace.get("type") or "scatter" for trace in data}


def missing_trace_types(fig: Any, available: Iterable[str] = TRACE_TYPES) -> set[str]:
    """The trace types of ``fig`` that the bundle cannot draw (empty when it draws them all)."""
    return trace_types(fig) - set(available)


def file_sha256() -> str:
    """sha256 of the vendored file, to compare with ``SHA256``."""
    return hashlib.sha256(FILE.read_bytes()).hexdigest()
