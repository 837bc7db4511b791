"""An entry expanded from a preset, fitted to one file's header: the preset's columns the file lacks dropped."""

from __future__ import annotations

from typing import Any

from audit_lib.loader.headers import folded


def narrowed(export, header: list[str]):
    """``export`` without the preset's columns that ``header`` lacks, and with the file's spelling of the
    others (another case, or a documented alias); ``export`` itself when nothing changes. The entry's own
    columns are never dropped, so a column it names that the file lacks is still the loader's error."""
    optional: frozenset[str] = export._preset_optional
    if not optional:
        return export
    in_file = {folded(name): name for name in header}
    rename, absent = {}, set()
    for column in optional:
        if column in header:
            continue
        # The file's own spelling: the column in another case, or one of its documented aliases.
        names = (column, *export._preset_aliases.get(column, ()))
        found = next((in_file[folded(name)] for name in names if folded(name) in in_file), None)
        if found is None:
            absent.add(column)
        else:
            rename[column] = found
    if not absent and not rename:
        return export
    data = export.model_dump(exclude={"preset"})
    new = lambda column: rename.get(column, column)  # noqa: E731 - the name a column has in this file
    data["columns"] = {new(c): spec for c, spec in data["columns"].items() if c not in absent}
    if data.get("subject"):
        data["subject"] = {k: new(c) for k, c in data["subject"].items() if c not in absent} or None
    if data.get("key") in absent:
        data["key"] = None
    elif data.get("key"):
        data["key"] = new(data["key"])
    data["facts"] = [_fact(fact, absent, new) for fact in data["facts"] if fact.get("when") not in absent]
    states: dict[str, Any] = {}
    for channel, state in data["states"].items():
        if state["column"] in absent:
            continue
        state["column"] = new(state["column"])
        if state.get("changed_at") in absent:
            state["changed_at"] = None
        elif state.get("changed_at"):
            state["changed_at"] = new(state["changed_at"])
        states[channel] = state
    data["states"] = states
    data["derive"] = {f: [new(c) for c in columns] for f, columns in data["derive"].items()}
    for spec in data["columns"].values():
        if spec.get("text_at"):
            spec["text_at"] = new(spec["text_at"])
    return type(export).model_validate(data)


def _fact(fact: dict[str, Any], absent: set[str], new) -> dict[str, Any]:
    """One fact without the absent columns, the others under the file's names."""
    fact["columns"] = {new(c): spec for c, spec in fact["columns"].items() if c not in absent}
    if fact.get("when"):
        fact["when"] = new(fact["when"])
    fact["derive"] = {f: [new(c) for c in columns] for f, columns in fact["derive"].items()}
    return fact
