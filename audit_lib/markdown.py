"""Escaping untrusted text for Markdown: register.yaml's values reach a document as text, never as markup.

One function for every Markdown file regaudit writes (today the Art. 30 record, ``ropa_<lang>.md``).
A value from the declaration must not become a heading, a list, a table column, emphasis, a link
or image (``[x](javascript:…)``, ``![x](…)``), an autolink (``<javascript:…>``), raw HTML
(``<script>``, ``<img onerror>``) or an extension's markup (attributes ``{: onclick=…}``).
Rendered, the escaped text reads exactly as written; the HTML version of the same record is
escaped with ``html.escape``.
"""

from __future__ import annotations

import re

__all__ = ["escape_markdown"]

# Line breaks of every kind: a value continues the line it is put on (no new heading, list or row).
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")
# Raw HTML and autolinks need "<"; entities "&": written as entities, they are text in every renderer.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# Inline markup of CommonMark and GFM (code, emphasis, links and images, strikethrough, table cells)
# and of common extensions (attribute lists): each is backslash-escaped, which CommonMark renders as the
# character itself. "(" and ")" need no escape once "[" and "]" have one.
_INLINE = re.compile(r"([\\`*_\[\]!|~{}])")
# What starts a block at the beginning of a line: a heading, quote, list item, setext underline,
# ordered item ("1." / "1)"), code fence.
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+(?=[.)]))")
# A URI scheme followed by its value (javascript:…, data:…, https://…): the colon is escaped, so that
# no scheme is read where text was meant (what makes a link at all is escaped above).
_SCHEME = re.compile(r"\b([A-Za-z][A-Za-z0-9+.\-]{1,31}):(?=\S)")


def escape_markdown(value: object) -> str:
    """``value`` as Markdown text that renders as written: on one line, without markup, HTML or links."""
    text = "" if value is None else str(value)
    text = _LINE_BREAKS.sub(" ", text)
    text = _INLINE.sub(r"\\\1", text)
    text = "".join(_ENTITIES.get(c, c) for c in text)
    text = _SCHEME.sub(r"\1\\:", text)
    match = _LINE_START.match(text)
    if match:
        lead, mark = match.groups()
        # "1." stays "1" plus an escaped "." (the number is not a list marker then).
        text = (lead + "\\" + mark + text[match.end():] if not mark[0].isdigit()
                else lead + mark + "\\" + text[match.end():])
    return text
