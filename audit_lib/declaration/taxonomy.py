"""The fideslang default taxonomy: which category, use and subject keys exist, and near matches."""

from __future__ import annotations

import difflib
from functools import lru_cache

KINDS = {"data_category": "data category", "data_use": "data use", "data_subject": "data subject"}


@lru_cache(maxsize=None)
def keys(kind: str) -> frozenset[str]:
    """All fides keys of ``kind`` ('data_category', 'data_use' or 'data_subject')."""
    from fideslang.default_taxonomy import DEFAULT_TAXONOMY

    return frozenset(item.fides_key for item in getattr(DEFAULT_TAXONOMY, kind))


def closest(kind: str, key: str, count: int = 3) -> list[str]:
    """The valid keys of ``kind`` nearest to ``key``, best first."""
    candidates = sorted(keys(kind))
    found = difflib.get_close_matches(key, candidates, n=count, cutoff=0.5)
    if not found:
        # Fall back to keys sharing the last dotted part ("email" -> "user.contact.email").
        leaf = key.rsplit(".", 1)[-1]
        found = [c for c in candidates if c.rsplit(".", 1)[-1] == leaf][:count]
    return found


def unknown_key_fix(kind: str, key: str) -> str:
    """A sentence telling how to fix an unknown key of ``kind``."""
    suggestions = closest(kind, key)
    label = KINDS[kind]
    if suggestions:
        return f"use a fideslang {label} key, for example " + " or ".join(repr(s) for s in suggestions)
    return f"use a key of the fideslang default {label} taxonomy"
