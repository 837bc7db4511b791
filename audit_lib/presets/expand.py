"""A preset made an ordinary exports.yaml entry: merged with the entry's own values, resolved to the register."""

from __future__ import annotations

from typing import Any

from audit_lib.presets.catalogue import find_preset

# Mappings of an entry that merge key by key with the preset's (the entry's value for a key wins).
_MERGED = ("set", "derive", "not_applicable", "states", "options")
# Values the entry gives whole, replacing the preset's.
_REPLACED = ("role", "key", "subject", "facts")


def resolve_category(fides_key: str | None, register) -> str | None:
    """The register's category for ``fides_key``: the one declared with that key, else with its nearest
    declared parent (``user.contact.address.city`` -> ``user.contact.address``); None if neither."""
    if not fides_key or register is None:
        return None
    by_key: dict[str, str] = {}
    for category in register.data_categories:
        by_key.setdefault(category.fides_key, category.id)  # the first declared wins a shared key
    parts = fides_key.split(".")
    while parts:
        found = by_key.get(".".join(parts))
        if found is not None:
            return found
        parts.pop()
    return None


def expand_entry(entry: dict[str, Any], register=None) -> tuple[dict[str, Any], frozenset[str], dict[str, list[str]]]:
    """``entry`` (naming ``preset:``) with the preset's role, key, subject, constants, facts, states, options
    and columns filled in where the entry gives none; plus the columns the preset (not the entry) names,
    which a file may lack, and the preset's aliases of them. With ``register``, a column's fideslang key
    becomes the register's category (see resolve_category), identifiers it does not declare are left out
    of the preset's subject, and a column left with nothing to say is dropped (an undeclared column)."""
    preset = find_preset(entry["preset"])
    result: dict[str, Any] = dict(entry)
    identifiers = set(register.identifier_map) if register is not None else None
    for name in _REPLACED:
        ours = getattr(preset, name)
        if name in entry or not ours:
            continue
        if name == "subject":
            ours = {k: v for k, v in ours.items() if identifiers is None or k in identifiers}
        elif name == "facts":
            ours = [fact.model_dump(exclude_defaults=True) for fact in ours]
        result[name] = ours
    for name in _MERGED:
        ours = _plain(getattr(preset, name))
        if ours:
            result[name] = {**ours, **(entry.get(name) or {})}
    own_columns = dict(entry.get("columns") or {})
    columns: dict[str, Any] = {}
    for column, spec in preset.columns.items():
        if column in own_columns:
            continue
        mapped = {k: v for k, v in (("field", spec.field), ("values", spec.values), ("not_personal", spec.not_personal))
                  if v is not None}
        if spec.free_text:
            mapped["free_text"] = True
        category = resolve_category(spec.fides_key, register)
        if category is not None:
            mapped["category"] = category
        if mapped or register is None:
            columns[column] = mapped
    columns.update(own_columns)  # the entry's own columns replace the preset's, in the entry's order last
    result["columns"] = columns
    named = set(preset.columns) | set(preset.subject.values()) | {s.column for s in preset.states.values()} | {
        s.changed_at for s in preset.states.values() if s.changed_at} | {
        c for fact in preset.facts for c in [*fact.columns, *([fact.when] if fact.when else [])]}
    optional = frozenset(named - set(own_columns))
    aliases = {column: list(spec.aliases) for column, spec in preset.columns.items() if spec.aliases}
    return result, optional, aliases


def _plain(value: Any) -> dict[str, Any]:
    """A preset's mapping (options, states, constants) as the plain data an entry would give."""
    if hasattr(value, "model_dump"):
        return value.model_dump(exclude_none=True, exclude_defaults=True)
    return {k: v.model_dump(exclude_none=True) if hasattr(v, "model_dump") else v for k, v in value.items()}
