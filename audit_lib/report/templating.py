"""The Jinja2 templates of the report's sections and of the Art. 30 record, rendered with every value escaped.

Autoescaping is on for every template. A value is escaped as ``html.escape`` escapes it (``&#x27;`` for a
quote, as the report always wrote it), by the environment's ``finalize``; only a fragment that is already
HTML passes unchanged: a template's own output (``Markup``) and a pandas table (:func:`table`, whose cells
pandas escapes). Templates under ``sections/`` are written one element per line for reading, while the
report has no white space between its elements: their line breaks, and the indentation after each, are
dropped from the template's text (never from a value) when it is compiled. In the other templates (the
Art. 30 record) a line is a line of the output.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from jinja2.ext import Extension
from jinja2.lexer import Token
from markupsafe import Markup

from audit_lib.report.labels import text

if TYPE_CHECKING:
    import jinja2
    import pandas as pd
    from jinja2.lexer import TokenStream

TEMPLATES = Path(__file__).with_name("templates")
COMPACT = "sections/"  # the folder of the templates whose line breaks are layout only
_LINE_BREAK = re.compile(r"\n[ \t]*")


class _Compact(Extension):
    """Drop the line breaks, and the indentation after them, from a template's text (not from its tags or values)."""

    def filter_stream(self, stream: "TokenStream") -> Iterator[Token]:
        """The template's tokens, its text without line breaks."""
        for token in stream:
            if token.type == "data":
                token = Token(token.lineno, token.type, _LINE_BREAK.sub("", token.value))
            yield token


def escape(value: Any) -> Markup:
    """``value`` as HTML text: HTML already (``__html__``) as it is, None as nothing, anything else escaped."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape("" if value is None else str(value)))


@functools.cache
def environment(compact: bool = False) -> "jinja2.Environment":
    """The environment of the report's templates (audit_lib/report/templates), autoescaping; ``compact``:
    the one of the templates under ``sections/``, whose line breaks are dropped (else a line of a template
    is a line of its output, block tags on lines of their own leaving none)."""
    import jinja2

    options = {"extensions": [_Compact]} if compact else {"trim_blocks": True, "lstrip_blocks": True}
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, finalize=escape,
                             undefined=jinja2.StrictUndefined, **options)
    env.globals["text"] = text
    return env


def render(template: str, **context: Any) -> Markup:
    """Template ``template`` (a path under audit_lib/report/templates) rendered with ``context``."""
    return Markup(environment(template.startswith(COMPACT)).get_template(template).render(**context))


def table(frame: "pd.DataFrame", css: str) -> Markup:
    """``frame`` as an HTML table of the classes ``ra-table`` and ``css``, every cell escaped by pandas."""
    # escape=True is pandas' default; spelled out because this is what makes the table safe HTML.
    return Markup(frame.to_html(index=False, escape=True, na_rep="", border=0, classes=["ra-table", css]))


__all__ = ["COMPACT", "TEMPLATES", "environment", "escape", "render", "table"]
