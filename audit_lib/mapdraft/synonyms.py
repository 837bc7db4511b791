"""The name table of `regaudit map` (synonyms.yaml): column and file names, folded, and what they mean."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

_SEPARATORS = re.compile(r"[\s\-_.()\[\]/]+")


def fold(name: str) -> str:
    """A name as the table holds it: lower case, each run of separators one underscore ('Sent (UTC)' -> sent_utc)."""
    return _SEPARATORS.sub("_", name.strip().lower()).strip("_")


@dataclass(frozen=True)
class Concept:
    """What a column name means: the field it gives per role, its category's fideslang key, its identifier."""

    name: str
    kind: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    category: dict[str, str] = field(default_factory=dict)
    identifier: str | None = None
    free_text: bool = False
    state: str | None = None
    changed_of: bool = False

    def field_in(self, role: str | None) -> str | None:
        """The canonical field this concept gives in ``role`` (None if the role has no such field)."""
        from audit_lib.roles import ROLES

        if role is None or role not in ROLES:
            return None
        name = self.fields.get(role) or self.fields.get("*")
        return name if name in ROLES[role].field_names else None

    def category_in(self, role: str | None) -> str | None:
        """The fideslang key of this concept's category in ``role`` (any role's "*" when none is named)."""
        return (self.category.get(role) if role else None) or self.category.get("*")


@dataclass(frozen=True)
class Table:
    """The whole table: concepts by folded name, role and channel words of file names."""

    concepts: dict[str, Concept]
    roles: dict[str, str]
    channels: dict[str, str]


@lru_cache(maxsize=1)
def table() -> Table:
    """synonyms.yaml, read once."""
    data = yaml.safe_load((Path(__file__).with_name("synonyms.yaml")).read_text(encoding="utf-8"))
    concepts: dict[str, Concept] = {}
    for name, spec in data["concepts"].items():
        category = spec.get("category")
        concept = Concept(name, spec.get("kind"), dict(spec.get("fields") or {}),
                          {"*": category} if isinstance(category, str) else dict(category or {}),
                          spec.get("identifier"), bool(spec.get("free_text")), spec.get("state"),
                          bool(spec.get("changed_of")))
        for word in spec["names"]:
            if fold(word) in concepts:
                raise ValueError(f"synonyms.yaml: {word!r} means both {concepts[fold(word)].name} and {name}")
            concepts[fold(word)] = concept
    roles = {fold(word): role for role, words in data["roles"].items() for word in words}
    channels = {fold(word): channel for channel, words in data["channels"].items() for word in words}
    return Table(concepts, roles, channels)


def by_kind(kind: str) -> Concept | None:
    """The concept a content kind means by itself (an e-mail column is e-mail whatever its name)."""
    names = {"email": "email", "phone": "phone", "hetu": "hetu", "iban": "iban", "postal_code": "postal_code"}
    wanted = names.get(kind)
    return next((c for c in table().concepts.values() if c.name == wanted), None) if wanted else None
