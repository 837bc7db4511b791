"""Export an executed notebook to a self-contained HTML report without code and without CDN links."""

from __future__ import annotations

import os
import re
from pathlib import Path

from audit_lib.errors import ReportError
from audit_lib.i18n import T_
from audit_lib.outputs import atomic_write_text

TEMPLATES = Path(__file__).with_name("templates")
TEMPLATE_FILE = "regaudit.html.j2"
REMOVE_TAGS = ("remove-cell", "remove_cell")

# <script src="http…">, <link href="http…">, and CSS @import/url() to http(s): anything that would
# make the report fetch from the network when opened.
_EXTERNAL = re.compile(
    r"""<script[^>]*\bsrc\s*=\s*["']?(?:https?:)?//"""
    r"""|<link[^>]*\bhref\s*=\s*["']?(?:https?:)?//"""
    r"""|@import\s+(?:url\()?\s*["']?(?:https?:)?//"""
    r"""|\bimport\s*\(?\s*["'](?:https?:)?//""",
    re.IGNORECASE,
)


def external_references(html: str) -> list[str]:
    """Return the snippets of ``html`` that load a script, stylesheet or module from the network."""
    return [html[m.start(): m.start() + 160] for m in _EXTERNAL.finditer(html)]


def notebook_to_html(notebook: str | os.PathLike, html_path: str | os.PathLike, *,
                     title: str | None = None, lang: str = "en") -> Path:
    """Write ``notebook`` as HTML to ``html_path``: outputs only, print CSS, nothing from a CDN.

    Raises ReportError if the result would still reference a script or stylesheet URL, so that a
    template change upstream cannot silently make the evidence depend on the network.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = nbformat.read(os.fspath(notebook), as_version=4)
    # papermill gives its injected-parameters cell a random id, which nbconvert writes into the page;
    # numbered ids keep the HTML of the same audit identical byte for byte.
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    if title:
        nb.metadata["title"] = title
    # Cells tagged remove-cell are notes for whoever opens the notebook, not part of the evidence.
    config = Config({"TagRemovePreprocessor": {"enabled": True, "remove_cell_tags": list(REMOVE_TAGS)}})
    exporter = HTMLExporter(
        config=config,
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file=TEMPLATE_FILE,
        # No code in an evidence document; papermill's report mode only hides it in Jupyter.
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # Embed images rather than linking them beside the HTML.
        embed_images=True,
        language_code=lang,
    )
    body, _ = exporter.from_notebook_node(nb)
    leaks = external_references(body)
    if leaks:
        raise ReportError(T_("HTML export of {notebook}: the report would load from the network ({leak!r}); the "
                             "template in audit_lib/report/templates must drop it.", notebook=notebook, leak=leaks[0]))
    return atomic_write_text(html_path, body)
