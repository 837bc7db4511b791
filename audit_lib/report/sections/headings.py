"""A section's heading, with an optional note under it."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from audit_lib.report.templating import render


def heading(key: str, lang: str = "en", note: str | None = None, level: int = 2, **values: Any) -> Markup:
    """A section heading (label ``key``), with the note of label ``note``, filled with ``values``, below it."""
    return render("sections/heading.html.j2", key=key, lang=lang, note=note, level=level, values=values)


def titled_table(table: Markup, key: str, lang: str, note: str | None = None, level: int = 2,
                 **values: Any) -> Markup:
    """A heading as :func:`heading` makes it, then ``table``."""
    return render("sections/titled_table.html.j2", table=table, key=key, lang=lang, note=note, level=level,
                  values=values)
