"""Hostile register.yaml text reaches the Art. 30 Markdown as text: no heading, raw HTML, link, image or
table cell of its own, in two Markdown renderers (markdown-it-py, CommonMark with HTML allowed, and
mistune), while the text itself reads as written."""

from __future__ import annotations

import html
import re

import pytest
import yaml

from audit_lib.markdown import escape_markdown
from checkkit import SAMPLE

PLANTS = {
    "name": "Shop\n# Injected heading\n\n<script>alert(1)</script>",
    "controller": "[click](javascript:alert(1)) <img src=x onerror=alert(2)> <javascript:alert(3)>",
    "measure": "![pixel](http://evil.example/p.png) | extra cell | {: onclick=\"alert(4)\"} **bold** `code`",
}


def _render(markdown: str) -> list[str]:
    import mistune
    from markdown_it import MarkdownIt

    commonmark = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")
    return [commonmark.render(markdown), mistune.html(markdown)]


@pytest.fixture(scope="module")
def record(tmp_path_factory) -> str:
    from audit_lib.declaration import load_register
    from audit_lib.ropa import write_ropa

    root = tmp_path_factory.mktemp("ropa")
    register = yaml.safe_load((SAMPLE / "register.yaml").read_text(encoding="utf-8"))
    register["register"]["name"]["en"] = PLANTS["name"]
    register["controller"]["name"] = PLANTS["controller"]
    register["security_measures"][0]["en"] = PLANTS["measure"]
    (root / "register.yaml").write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    written = write_ropa(load_register(root / "register.yaml")[0], root / "out", ("en",))
    return next(p for p in written if p.suffix == ".md").read_text(encoding="utf-8")


def test_no_markup_from_the_register_in_the_rendered_record(record):
    for rendered in _render(record):
        # No element from the register, and no event handler inside any tag (as text, "onerror" may stay).
        assert not re.search(r"<script|<img|<a\b|<[^>]*\s(?:href|src|on\w+)=", rendered, flags=re.I), rendered
        # One title and the seven points (a)-(g): no heading of the register's own.
        assert len(re.findall(r"<h1", rendered)) == 1 and len(re.findall(r"<h2", rendered)) == 7
        assert "Injected heading</h" not in rendered
        # Every table row still has two cells: a "|" in a value is no column of its own.
        assert all(len(re.findall(r"<t[dh]\b", row)) == 2 for row in re.findall(r"<tr>.*?</tr>", rendered, re.S))


def test_the_values_read_as_written(record):
    text = [html.unescape(re.sub(r"<[^>]+>", "", rendered)) for rendered in _render(record)]
    for rendered in text:
        assert "<script>alert(1)</script>" in rendered
        assert "[click](javascript:alert(1)) <img src=x onerror=alert(2)>" in rendered
        assert "**bold** `code`" in rendered


@pytest.mark.parametrize("value", ["# h", "1. item", "- item", "> quote", "+ x", "=== x", "a\r\nb", "a\u2028b"])
def test_a_value_never_starts_a_block(value):
    for rendered in _render(f"| | |\n|---|---|\n| x | {escape_markdown(value)} |\n\n{escape_markdown(value)}\n"):
        assert not re.search(r"<h\d|<ol|<ul|<blockquote|<hr", rendered), (value, rendered)
