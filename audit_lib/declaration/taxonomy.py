"""The fideslang default taxonomy: which category, use and subject keys exist, and near matches."""

from __future__ import annotations

import difflib
from functools import lru_cache

from audit_lib.i18n import T_, Text

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


def _either(choices: list[str]) -> str:
    """``'a' or 'b' or 'c'``, each "or" in the reader's language."""
    shown: str = repr(choices[0])
    for choice in choices[1:]:
        shown = T_("{choices} or {last}", choices=shown, last=repr(choice))
    return shown


def unknown_key_fix(kind: str, key: str) -> Text:
    """A sentence telling how to fix an unknown key of ``kind`` (a ``T_`` text)."""
    suggestions = closest(kind, key)
    if suggestions:
        examples = _either(suggestions)
        return {"data_category": T_("use a fideslang data category key, for example {examples}", examples=examples),
                "data_use": T_("use a fideslang data use key, for example {examples}", examples=examples),
                "data_subject": T_("use a fideslang data subject key, for example {examples}",
                                   examples=examples)}[kind]
    return {"data_category": T_("use a key of the fideslang default data category taxonomy"),
            "data_use": T_("use a key of the fideslang default data use taxonomy"),
            "data_subject": T_("use a key of the fideslang default data subject taxonomy")}[kind]
