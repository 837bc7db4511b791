"""Reading a YAML file together with the line of every key, so errors can point at it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audit_lib.errors import DeclarationError, Problem

Location = tuple[str | int, ...]


@dataclass
class YamlSource:
    """A parsed YAML document, its path, its SHA-256 and the 1-based line of every key path."""

    path: Path
    data: Any
    sha256: str
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int | None:
        """Line of ``location``, or of the nearest enclosing key that has one."""
        location = tuple(location)
        while location:
            if location in self.lines:
                return self.lines[location]
            location = location[:-1]
        return self.lines.get((), 1)


def read_yaml(path: str | Path) -> YamlSource:
    """Parse ``path``; raise DeclarationError with the line of a syntax error."""
    import hashlib

    source_path = Path(path)
    if not source_path.is_file():
        raise DeclarationError([Problem(str(source_path), "", "file not found",
                                        fix="check the path (relative paths are resolved from the current folder)")])
    raw = source_path.read_bytes()
    text = raw.decode("utf-8-sig")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DeclarationError([Problem(str(source_path), "", f"YAML syntax error: {exc.problem}",
                                        line=mark.line + 1 if mark else None,
                                        fix="fix the indentation or quoting on that line")]) from exc
    lines: dict[Location, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlSource(source_path, data, hashlib.sha256(raw).hexdigest(), lines)


def _index(node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = location + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = location + (index,)
            lines[child] = item.start_mark.line + 1
            _index(item, child, lines)


def format_location(location: Location) -> str:
    """Render a key path as ``a.b[2].c``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
