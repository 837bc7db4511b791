"""The one place where identifiers from users' files become SQL: quoting and parameter discovery."""

from __future__ import annotations

import re

_PARAMETER = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"'(?:[^']|'')*'")


def ident(name: str) -> str:
    """Quote ``name`` as a DuckDB identifier: any text, including quotes and SQL, stays a name."""
    if "\x00" in name:
        raise ValueError("an identifier cannot contain a NUL character")
    return '"' + name.replace('"', '""') + '"'


def parameters_in(sql: str) -> set[str]:
    """Names of the ``$name`` parameters a query uses (outside comments and string literals)."""
    stripped = _STRING.sub("''", _COMMENT.sub(" ", sql))
    return set(_PARAMETER.findall(stripped))


def bind(sql: str, values: dict[str, object]) -> dict[str, object]:
    """The subset of ``values`` that ``sql`` references; KeyError naming a parameter with no value."""
    names = parameters_in(sql)
    missing = names - values.keys()
    if missing:
        raise KeyError(f"no value for parameter(s) {', '.join('$' + n for n in sorted(missing))}")
    return {name: values[name] for name in names}


def literal(text: str) -> str:
    """Quote ``text`` as a SQL string literal, for the DDL (views) where DuckDB cannot bind values."""
    if "\x00" in text:
        raise ValueError("a string literal cannot contain a NUL character")
    return "'" + text.replace("'", "''") + "'"
