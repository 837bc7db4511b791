"""The YAML loader for every file a person gives regaudit: PyYAML's safe loader, bounded and strict about keys.

PyYAML's SafeLoader builds no Python objects from tags, but it accepts what a declaration never needs
and a hostile file uses: aliases that expand exponentially (the "billion laughs": nine aliases of
nine aliases of ... take a few hundred bytes and expand to a billion nodes), nesting deep enough to
exhaust Python's stack, a key written twice in one mapping (the later one silently wins), and values
its constructors fail on with a bare ValueError (``2026-02-30``). This loader refuses each with a
``RefusedYaml`` naming the line, and ``inspect`` reports every key written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from audit_lib.i18n import T_

# A declaration nests some 7 levels deep; 50 leaves room for any honest file and keeps every
# recursive walk (PyYAML's composer, the line index, pydantic) far from Python's stack limit.
MAX_DEPTH = 50
# Nodes that aliases may add to a document. Anchors that share a block of columns between exports
# add a few hundred; a billion-laughs document needs millions to hurt, and is refused long before.
MAX_ALIAS_NODES = 100_000
_MERGE_TAG = "tag:yaml.org,2002:merge"


class RefusedYaml(yaml.MarkedYAMLError):
    """A document this loader will not read (too deep, aliases expanding too far, an unreadable value)."""

    def __init__(self, problem: str, mark: yaml.Mark | None, fix: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.fix = fix


@dataclass(frozen=True)
class DuplicateKey:
    """A key written twice in one mapping: where the mapping is, the key, and its two lines (1-based)."""

    location: tuple[str | int, ...]
    key: Any
    first_line: int
    second_line: int


def _too_deep(mark: yaml.Mark | None) -> RefusedYaml:
    return RefusedYaml(T_("the document nests deeper than {depth} levels; no declaration needs that many",
                          depth=MAX_DEPTH),
                       mark, T_("flatten the structure (a declaration nests some 7 levels); if the file was "
                                "generated, check the program that wrote it"))


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses nesting deeper than MAX_DEPTH while composing, and reports values its
    constructors cannot read as RefusedYaml at the value's line instead of a bare Python exception."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        """Compose one node, counting how deep it is (PyYAML's composer recurses once per level)."""
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _too_deep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """Construct one node; a value PyYAML's constructors fail on becomes a RefusedYaml at its line."""
        try:
            return super().construct_object(node, deep)
        except yaml.YAMLError:
            raise
        # A scalar that the resolver took for a date, or an explicit tag such as !!int, reaches its
        # constructor as text it cannot convert: 2026-02-30, !!int abc, !!timestamp x.
        except (ValueError, TypeError, AttributeError, ArithmeticError) as exc:
            kind = node.tag.rsplit(":", 1)[-1]
            shown = node.value if isinstance(node, ScalarNode) else f"this {kind}"
            raise RefusedYaml(T_("{value!r} cannot be read as a {kind}: {error}", value=shown, kind=kind, error=exc),
                              node.start_mark, T_("correct the value, or quote it to keep it as text")) from None


def inspect(root: Node) -> list[DuplicateKey]:
    """Every key written twice in one mapping of ``root``; RefusedYaml if aliases expand the document by
    more than MAX_ALIAS_NODES nodes, refer to a node that contains them, or nest it deeper than MAX_DEPTH.

    Each distinct node is visited once (a shared node is measured, not walked again), so a document
    built to expand exponentially costs no more than its own size to refuse.
    """
    measured: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes when expanded, height)
    open_nodes: set[int] = set()
    added = 0
    duplicates: list[DuplicateKey] = []

    def visit(node: Node, location: tuple[str | int, ...], depth: int) -> tuple[int, int]:
        nonlocal added
        key = id(node)
        if key in open_nodes:
            raise RefusedYaml(T_("an alias refers to a node that contains it, so the document never ends"),
                              node.start_mark, T_("replace the alias by the values it should repeat"))
        if key in measured:  # an alias: the node is repeated in full wherever it is used
            size, height = measured[key]
            added += size
            if added > MAX_ALIAS_NODES:
                raise RefusedYaml(T_("aliases (*name) expand the document by more than {nodes:,} nodes; this "
                                     "anchor is repeated too often", nodes=MAX_ALIAS_NODES), node.start_mark,
                                  T_("write the repeated values out, or use fewer aliases; a document built to "
                                     "expand like this (a 'billion laughs') is an attack, not a declaration"))
            if depth + height - 1 > MAX_DEPTH:
                raise _too_deep(node.start_mark)
            return size, height
        if depth > MAX_DEPTH:
            raise _too_deep(node.start_mark)
        open_nodes.add(key)
        children: list[tuple[Node, tuple[str | int, ...]]] = []
        if isinstance(node, MappingNode):
            duplicates.extend(_duplicates(node, location))
            for key_node, value_node in node.value:
                children.append((key_node, location))
                children.append((value_node, location + (key_node.value,) if isinstance(key_node, ScalarNode)
                                 else location))
        elif isinstance(node, SequenceNode):
            children = [(item, location + (index,)) for index, item in enumerate(node.value)]
        size, height = 1, 1
        for child, child_location in children:
            child_size, child_height = visit(child, child_location, depth + 1)
            size, height = size + child_size, max(height, child_height + 1)
        open_nodes.discard(key)
        measured[key] = (size, height)
        return size, height

    visit(root, (), 1)
    return duplicates


def _duplicates(node: MappingNode, location: tuple[str | int, ...]) -> list[DuplicateKey]:
    """Keys written twice in ``node``, compared as YAML reads them (``1`` and ``01`` are the same key).

    Keys that a merge (``<<: *base``) brings in are not compared: overriding them is what a merge is for.
    """
    seen: dict[Any, Node] = {}
    found = []
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
            continue  # a non-scalar key cannot be a dict key at all; the constructor says so
        value = _key_value(key_node)
        if value in seen:
            found.append(DuplicateKey(location, key_node.value, seen[value].start_mark.line + 1,
                                      key_node.start_mark.line + 1))
        else:
            seen[value] = key_node
    return found


def _key_value(key_node: ScalarNode) -> Any:
    """The value YAML reads ``key_node`` as, or its tag and text when it cannot be read (reported later).

    A constructor of its own, so that a key that fails here leaves no state in the document's loader.
    """
    try:
        value = SafeConstructor().construct_object(key_node, deep=True)
        hash(value)
        return value
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, ArithmeticError):
        return (key_node.tag, key_node.value)
