"""Reading a YAML file together with the line of every key, so errors can point at it.

Every YAML file a person gives regaudit (register.yaml, exports.yaml, accepted.yaml, a Fides dataset,
a check's header, a framework) is read here: decoded by ``yaml_encoding``, parsed by the bounded,
duplicate-refusing loader of ``yaml_strict``, and every problem raised as a DeclarationError that
names the file, the line and the fix.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.reader import ReaderError

from audit_lib.declaration.yaml_encoding import decode_yaml
from audit_lib.declaration.yaml_strict import RefusedYaml, StrictLoader, inspect
from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_

Location = tuple[str | int, ...]
# Some 700 times the bundled register.yaml: far beyond any declaration, and a bound on what a
# mistaken path (a database dump named .yaml) makes regaudit read into memory.
MAX_BYTES = 10 * 1024 * 1024


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
    """Read and parse the YAML file ``path``; DeclarationError naming the file, line and fix otherwise."""
    source_path = Path(path)
    raw = _read_bytes(source_path)
    data, lines = parse_yaml(decode_yaml(raw, str(source_path)), str(source_path))
    return YamlSource(source_path, data, hashlib.sha256(raw).hexdigest(), lines)


def _read_bytes(path: Path) -> bytes:
    """The bytes of ``path``, at most MAX_BYTES of them; DeclarationError saying why not otherwise."""
    if not path.is_file():
        raise DeclarationError([Problem(str(path), "", T_("file not found"),
                                        fix=T_("check the path (relative paths are resolved from the current "
                                               "folder)"))])
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise DeclarationError([Problem(str(path), "", T_("cannot be read: {cause}", cause=exc.strerror or exc),
                                        fix=T_("check that the file is readable by the user running regaudit"))]
                               ) from None
    if len(raw) > MAX_BYTES:
        raise DeclarationError([Problem(str(path), "", T_("is larger than {size} MiB, far more than any declaration",
                                                          size=MAX_BYTES // (1024 * 1024)),
                                        fix=T_("check that the path names the YAML file you meant"))])
    return raw


def parse_yaml(text: str, file: str, *, first_line: int = 1) -> tuple[Any, dict[Location, int]]:
    """Parse the YAML ``text`` read from ``file`` into its data and the line of every key path.

    ``first_line`` is the line of ``file`` that the text starts on (a check's header starts below the
    top of its file). Raises DeclarationError: for a syntax error, a key written twice (both lines
    named), nesting or aliases beyond the bounds of ``yaml_strict``, or a value that cannot be read.
    The same text is parsed once per process (PyYAML's pure-Python parser is most of what opening a
    register costs); each caller gets its own copy to change.
    """
    # The file's name appears only in errors, which are raised again each time, never remembered.
    parsed = _PARSED.get((text, first_line))
    if parsed is None:
        parsed = _PARSED[(text, first_line)] = _parse(text, file, first_line)
        while len(_PARSED) > _PARSED_KEPT:
            del _PARSED[next(iter(_PARSED))]
    data, lines = parsed
    return copy.deepcopy(data), dict(lines)


# Texts parsed in this process (text, first line) -> (data, lines), the oldest dropped first.
_PARSED: dict[tuple[str, int], tuple[Any, dict[Location, int]]] = {}
_PARSED_KEPT = 256


def _parse(text: str, file: str, first_line: int) -> tuple[Any, dict[Location, int]]:
    """parse_yaml's work on a text not parsed before."""
    offset = first_line - 1
    loader = None
    try:
        loader = StrictLoader(text)  # checks every character first, so it can already fail here
        node = loader.get_single_node()
        if node is None:
            return None, {}
        duplicates = inspect(node)
        if duplicates:
            raise DeclarationError([
                Problem(file, format_location(d.location + (d.key,)),
                        T_("the key {key!r} is written twice in one mapping, on lines {first} and {second}; YAML "
                           "would silently keep only the second", key=d.key, first=d.first_line + offset,
                           second=d.second_line + offset),
                        line=d.second_line + offset, fix=T_("remove one of them, or merge what they say into one"))
                for d in duplicates])
        data = loader.construct_document(node)
    except RefusedYaml as exc:
        mark = exc.problem_mark
        raise DeclarationError([Problem(file, "", exc.problem or "", line=mark.line + 1 + offset if mark else None,
                                        fix=exc.fix)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise DeclarationError([Problem(file, "", T_("YAML syntax error: {problem}", problem=exc.problem),
                                        line=mark.line + 1 + offset if mark else None,
                                        fix=T_("fix the indentation or quoting on that line"))]) from None
    except ReaderError as exc:  # a character YAML does not allow (PyYAML gives its code point)
        raise DeclarationError([Problem(file, "", T_("the character U+{code:04X} is not allowed in YAML",
                                                     code=exc.character),
                                        line=text.count("\n", 0, exc.position) + 1 + offset,
                                        fix=T_("delete it (a control character can only be written as an escape "
                                               "in double quotes, such as \"\\t\")"))]) from None
    finally:
        if loader is not None:
            loader.dispose()
    lines: dict[Location, int] = {}
    _index(node, (), lines, offset)
    return data, lines


def _index(node: yaml.Node, location: Location, lines: dict[Location, int], offset: int) -> None:
    """Record the line of ``node`` and of every key path below it (bounded: ``inspect`` ran first)."""
    lines.setdefault(location, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = location + (key_node.value,)
            lines[child] = key_node.start_mark.line + 1 + offset
            _index(value_node, child, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = location + (index,)
            lines[child] = item.start_mark.line + 1 + offset
            _index(item, child, lines, offset)


def format_location(location: Location) -> str:
    """Render a key path as ``a.b[2].c``."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
