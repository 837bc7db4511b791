"""The TODOs a draft mapping still holds: `regaudit lint` refuses a mapping until a person has decided each."""

from __future__ import annotations

import re
from typing import Any

from audit_lib.errors import Problem
from audit_lib.i18n import T_

# A value that is TODO, or starts with it ("TODO: why", as `fides import` writes); upper case only, so
# that a column's own name or text ("Todo list") is never taken for one. Keys are never TODOs.
_TODO = re.compile(r"TODO\b")


def _walk(node: Any, location: tuple) -> list[tuple[tuple, str]]:
    if isinstance(node, dict):
        return [hit for key, value in node.items() for hit in _walk(value, (*location, key))]
    if isinstance(node, list):
        return [hit for index, item in enumerate(node) for hit in _walk(item, (*location, index))]
    if isinstance(node, str) and _TODO.match(node.strip()):
        return [(location, node)]
    return []


def todo_problems(source) -> list[Problem]:
    """One problem per TODO value in a parsed YAML source (``YamlSource``), with its line."""
    from audit_lib.declaration.yaml_source import format_location

    problems = []
    for location, value in _walk(source.data, ()):
        problems.append(Problem(str(source.path), format_location(location),
                                T_("still {value!r}: a decision the draft left to a person", value=value),
                                line=source.line_of(location),
                                fix=T_("replace it with the mapping (the comment beside it says what is needed)")))
    return problems
