"""Fides interop, import side: a Fides dataset back into exports.yaml.

A dataset that ``regaudit fides export`` wrote carries regaudit's mapping in its ``meta``: the import
gives it back unchanged (roles, canonical fields, value maps, facts, states, options), with the
dataset's own columns, categories and keys read first, so that what was changed in Fides comes back
too. A dataset from elsewhere gives a skeleton: each collection an entry (its role when the
collection is named by one, else TODO), each field a column with its category. A category is the
register's category of the field's fideslang key, or of its nearest declared parent
(``user.contact.address.city`` -> the category declared as ``user.contact.address``); a key outside
the fideslang taxonomy, or one that register.yaml declares neither itself nor by a parent, is a
declaration error (exit code 3), every such field named with its line.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_lib.errors import DeclarationError, Problem, validation_message
from audit_lib.fides import MAPPING_META, MAPPING_VERSION, NOT_PERSONAL_KEY
from audit_lib.i18n import T_

if TYPE_CHECKING:
    from audit_lib.declaration.register import Register
    from audit_lib.declaration.yaml_source import YamlSource

_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}
# What names a preset entry's file and preset: kept whatever the preset gives.
_NAMING = ("file", "table", "preset")
# The settings of an entry in the order exports.yaml's own entries write them.
_ENTRY_ORDER = ("file", "table", "preset", "role", "format", "key", "subject", "set", "derive", "not_applicable", "snapshot",
                "on_unknown_value", "timezone", "max_reject_ratio", "options", "facts", "states")


@dataclass
class Dataset:
    """A Fides dataset as read: its mapping, the file it came from, and where in the file it is."""

    data: dict[str, Any]
    source: "YamlSource"
    at: tuple = ()  # the dataset's key path in the file (("dataset", 0) for a resource file)

    def line(self, *location: Any) -> int | None:
        """The line of ``location`` (a key path inside the dataset)."""
        return self.source.line_of(self.at + tuple(location))


@dataclass
class _Entry:
    """One entry of the exports.yaml being written: its settings, columns and the notes for a person."""

    settings: dict[str, Any]
    columns: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)  # column -> TODO notes for a person
    # TODO notes on the entry's own lines: "file", "role" or "columns" -> notes.
    entry_notes: dict[str, list[str]] = field(default_factory=dict)


def read_dataset(path: str | Path) -> Dataset:
    """Read a Fides dataset file (``dataset: [...]`` with one entry, or a bare dataset), validated by
    ``fideslang.models.Dataset``; the file's own mapping is kept (fideslang's model sorts collections
    and fields, and the file's order is the order a person wrote and expects back)."""
    from fideslang.models import Dataset as FidesDataset
    from pydantic import ValidationError

    from audit_lib.declaration.yaml_source import format_location, read_yaml

    source = read_yaml(path)  # regaudit's one YAML loader: bounded, duplicate keys refused
    data, at = source.data, ()
    if isinstance(data, dict) and isinstance(data.get("dataset"), list):
        if len(data["dataset"]) != 1:
            raise DeclarationError([Problem(str(source.path), "dataset", T_("{count} datasets in the file",
                                                                            count=len(data["dataset"])),
                                            line=source.line_of(("dataset",)),
                                            fix=T_("import one dataset at a time: keep one entry under dataset"))])
        data, at = data["dataset"][0], ("dataset", 0)
    try:
        FidesDataset.model_validate(data)
    except ValidationError as exc:
        raise DeclarationError([Problem(str(source.path), format_location(at + tuple(e["loc"])),
                                        validation_message(e), line=source.line_of(at + tuple(e["loc"])),
                                        fix=T_("correct the Fides dataset (fideslang rejects it)"))
                                for e in exc.errors()]) from exc
    return Dataset(data, source, at)


def _flatten(fields: list[dict[str, Any]], at: tuple, prefix: str = "") -> list[tuple[str, dict[str, Any], tuple]]:
    """(dotted column name, field, key path) of every leaf field, nested fields as ``parent.child``."""
    flat = []
    for index, item in enumerate(fields):
        name, where = prefix + str(item["name"]), at + (index,)
        if item.get("fields"):
            flat += _flatten(item["fields"], where + ("fields",), name + ".")
        else:
            flat.append((name, item, where))
    return flat


class _Categories:
    """Fideslang keys made categories of register.yaml, with the problems of those that are none."""

    def __init__(self, dataset: Dataset, register: "Register | None") -> None:
        self.dataset, self.register = dataset, register
        self.problems: list[Problem] = []

    def _problem(self, where: tuple, message: str, fix: str) -> None:
        from audit_lib.declaration.yaml_source import format_location

        self.problems.append(Problem(str(self.dataset.source.path), format_location(self.dataset.at + where),
                                     message, line=self.dataset.line(*where), fix=fix))

    def resolve(self, fides_key: str, recorded: str | None, where: tuple, column: str) -> tuple[str | None, list[str]]:
        """The register's category of ``fides_key`` (``recorded``, the id the export named, when it still
        has that key), else its nearest declared parent's, or None with a problem; without a register,
        the recorded id, else the key itself (a skeleton to complete). Also TODO notes for a person."""
        from audit_lib.declaration import taxonomy
        from audit_lib.presets.expand import resolve_category

        if fides_key not in taxonomy.keys("data_category"):
            self._problem(where, f"column {column!r}: {fides_key!r} is not a data category of the fideslang "
                          "taxonomy", taxonomy.unknown_key_fix("data_category", fides_key))
            return None, []
        if self.register is None:
            if recorded is not None:
                return recorded, []
            return fides_key, [f"TODO: {fides_key} is a fideslang key; name the category of register.yaml that has it"]
        declared = {c.id: c.fides_key for c in self.register.data_categories}
        if recorded is not None and declared.get(recorded) == fides_key:
            return recorded, []  # several categories may share a key: the one the export named
        found = resolve_category(fides_key, self.register)
        if found is None:
            self._problem(where, f"column {column!r}: register.yaml declares no category with fides_key "
                          f"{fides_key!r} nor one of its parents",
                          f"declare a category with `fides_key: {fides_key}` (or a parent of it) under "
                          "data_categories in register.yaml, or correct the dataset's key")
            return None, []
        sharing = [c for c, key in declared.items() if key == declared[found]]
        if len(sharing) > 1:
            return found, [f"TODO: {declared[found]} is the fides_key of {', '.join(sharing)}; pick one"]
        return found, []


def _column(name: str, item: dict[str, Any], where: tuple, recorded: dict[str, Any],
            categories: _Categories) -> tuple[dict[str, Any], list[str]]:
    """A column's spec from its Fides field and what the export recorded of it; and TODO notes."""
    spec = {k: v for k, v in recorded.items() if k != "category"}
    notes: list[str] = []
    fides_keys = list(item.get("data_categories") or [])
    personal = [(i, k) for i, k in enumerate(fides_keys) if k != NOT_PERSONAL_KEY]
    if not fides_keys:
        if not spec:
            notes.append("TODO: no data category in the dataset; map a field or category, or set not_personal")
        spec.pop("not_personal", None)
        return spec, notes
    if not personal:
        spec.setdefault("not_personal", "TODO: why")
        return spec, notes
    spec.pop("not_personal", None)
    found = []
    for i, key in personal:
        category, more = categories.resolve(key, recorded.get("category"), where + ("data_categories", i), name)
        found.append(category)
        notes += more if i == personal[0][0] else []
    chosen = [c for c in dict.fromkeys(found) if c is not None]
    if chosen:
        spec["category"] = chosen[0]
    if len(chosen) > 1:
        notes.append(f"TODO: the dataset also gives {', '.join(k for _, k in personal[1:])}; one category per column")
    return spec, notes


def _mapping(dataset: Dataset) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the dataset's ``meta`` recorded of regaudit's mapping: (exports.yaml's settings, per collection)."""
    meta = (dataset.data.get("meta") or {}).get(MAPPING_META)
    if meta is None:
        return {}, {}
    if not isinstance(meta, dict) or meta.get("version") != MAPPING_VERSION:
        raise DeclarationError([Problem(str(dataset.source.path), f"meta.{MAPPING_META}",
                                        T_("regaudit's mapping in the dataset's meta is not of version {version}",
                                           version=MAPPING_VERSION),
                                        line=dataset.line("meta", MAPPING_META),
                                        fix=T_("export it again with this regaudit (`regaudit fides export`)"))])
    return dict(meta.get("exports") or {}), dict(meta.get("collections") or {})


def _beyond_preset(settings: dict[str, Any], register: "Register | None") -> dict[str, Any]:
    """A preset entry's settings without those its preset gives as they are: the entry as a person
    writes it (the preset fills in the rest again when it is read)."""
    from pydantic import ValidationError

    from audit_lib.declaration.exports import Export
    from audit_lib.fides import entry_settings

    try:
        bare = Export.model_validate({k: settings[k] for k in _NAMING if k in settings},
                                     context={"register": register} if register is not None else None)
    except ValidationError:  # an unknown preset: every setting stays, and lint names the preset
        return settings
    given = entry_settings(bare)
    return {k: v for k, v in settings.items() if k in _NAMING or given.get(k) != v}


def _identity_subject(fields: list[tuple[str, dict[str, Any], tuple]], register: "Register | None") -> dict[str, str]:
    """For a collection the export did not write: identifier -> column, from the fields Fides marks as
    identities (``fides_meta.identity``) that name an identifier of register.yaml."""
    from audit_lib.fides import identity_type

    if register is None:
        return {}
    by_identity = {identity_type(n, i): n for n, i in register.identifier_map.items()}
    found = {}
    for name, item, _ in fields:
        identity = (item.get("fides_meta") or {}).get("identity")
        if identity in by_identity:
            found.setdefault(by_identity[identity], name)
    return found


def _entries(dataset: Dataset, register: "Register | None") -> tuple[list[_Entry], dict[str, Any], list[Problem]]:
    """The entries of the dataset's collections, exports.yaml's settings, and the category problems."""
    from audit_lib.declaration.exports import FORMAT_BY_SUFFIX
    from audit_lib.roles import ROLES

    top, recorded = _mapping(dataset)
    categories = _Categories(dataset, register)
    entries = []
    for index, collection in enumerate(dataset.data["collections"]):
        name = str(collection["name"])
        flat = _flatten(collection.get("fields") or [], ("collections", index, "fields"))
        known = recorded.get(name)
        if known is not None:
            settings = {k: v for k, v in known.items() if k not in ("columns", "preset_columns")}
            if "preset" in settings:
                settings = _beyond_preset(settings, register)
            columns_recorded, from_preset = dict(known.get("columns") or {}), set(known.get("preset_columns") or [])
        else:
            role = name if name in ROLES else "TODO"
            settings, columns_recorded, from_preset = {"file": name, "role": role}, {}, set()
            subject = _identity_subject(flat, register)
            if subject:
                settings["subject"] = subject
        entry = _Entry(settings)
        if known is None and not any(name.lower().endswith(suffix) for suffix in FORMAT_BY_SUFFIX):
            settings["file"] = f"{name}.csv"  # a file name exports.yaml can read the format of
            entry.entry_notes["file"] = [f"TODO: the export file of the Fides collection {name!r} (this name is a guess)"]
        if known is None and settings["role"] == "TODO":
            entry.entry_notes["role"] = [f"TODO: the canonical role of this file; one of: {', '.join(sorted(ROLES))}"]
        keys = [n for n, item, _ in flat if (item.get("fides_meta") or {}).get("primary_key")]
        if len(keys) == 1:
            entry.settings["key"] = keys[0]
        elif not keys and entry.settings.get("key") in {n for n, _, _ in flat}:
            entry.settings.pop("key")  # the key's column is there, no longer marked as the key in Fides
        for column, item, where in flat:
            spec, notes = _column(column, item, where, columns_recorded.get(column, {}), categories)
            if column in from_preset and spec == columns_recorded.get(column) and not notes:
                continue  # the preset gives it as it was: leave it to the preset, as the entry did
            entry.columns[column] = spec
            if notes:
                entry.notes[column] = notes
        if not flat:
            entry.entry_notes["columns"] = ["TODO: the dataset lists no fields"]
        entries.append(entry)
    return entries, top, categories.problems


def _scalar(value: Any) -> str:
    """A YAML scalar: bare where YAML reads it back as the same string, else quoted."""
    if isinstance(value, str):
        bare = _BARE.fullmatch(value) and value.lower() not in _YAML_WORDS
        return value if bare else json.dumps(value, ensure_ascii=False)
    return _flow(value)


def _flow(value: Any) -> str:
    """``value`` as YAML on one line (flow style)."""
    import yaml

    if isinstance(value, str):
        return _scalar(value)
    return yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, sort_keys=False,
                          width=1_000_000).strip().removesuffix("\n...").strip()


def _comment(notes: list[str]) -> str:
    return f"  # {'; '.join(notes)}" if notes else ""


def _block(key: str, value: Any, indent: str, note: str = "") -> list[str]:
    """``key: value`` as YAML lines: a list of mappings or a mapping of mappings one item a line (each in
    flow style), anything else on the key's line."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return [f"{indent}{key}:{note}"] + [f"{indent}  - {_flow(v)}" for v in value]
    nested = isinstance(value, dict) and bool(value) and (any(isinstance(v, dict) for v in value.values())
                                                          or len(_flow(value)) > 80)
    if nested:
        return [f"{indent}{key}:{note}"] + [f"{indent}  {_scalar(k)}: {_flow(v)}" for k, v in value.items()]
    return [f"{indent}{key}: {_scalar(value)}{note}"]


def _yaml(entries: list[_Entry], top: dict[str, Any], header: list[str]) -> str:
    """exports.yaml as text: exports.yaml's settings, then each entry block by block, TODOs as comments."""
    lines = [f"# {line}" if line else "#" for line in header]
    for key in ("schema_version", "register", "exports_dir", "timezone", "max_reject_ratio", "min_resolved_share"):
        if key in top:
            lines.append(f"{key}: {_scalar(top[key])}")
    lines.append("exports:")
    for entry in entries:
        settings = dict(entry.settings)
        ordered = [k for k in _ENTRY_ORDER if k in settings] + [k for k in settings if k not in _ENTRY_ORDER]
        for position, key in enumerate(ordered):
            note = _comment(entry.entry_notes.get(key, []))
            block = _block(key, settings[key], "    ", note)
            if position == 0:
                block[0] = "  - " + block[0][4:]
            lines += block
        if entry.columns or "columns" in entry.entry_notes:
            lines.append("    columns:" + (" {}" + _comment(entry.entry_notes["columns"]) if not entry.columns else ""))
        for column, spec in entry.columns.items():
            lines.append(f"      {_scalar(column)}: {_flow(spec)}{_comment(entry.notes.get(column, []))}")
    for key in ("ignore", "not_exported"):
        if key in top:
            lines += _block(key, top[key], "")
    return "\n".join(lines) + "\n"


def import_dataset(path: str | Path, register: "Register | None" = None, *,
                   register_path: str | Path | None = None, out: str | Path | None = None) -> str:
    """exports.yaml (YAML text) from the Fides dataset at ``path``: regaudit's own mapping as it was
    exported, or a skeleton to complete (see the module's docstring).

    ``register`` (register.yaml's model) turns fideslang keys into its categories; ``register_path``
    is the file the result names as its register, relative to the folder of ``out`` (where it will
    be written). Raises DeclarationError for an invalid dataset or for categories that are none.
    """
    dataset = read_dataset(path)
    entries, top, problems = _entries(dataset, register)
    if problems:
        raise DeclarationError(problems)
    top = {"schema_version": 1, "register": "register.yaml", "exports_dir": "exports", **top}
    if register_path is not None:
        folder = Path(out).resolve().parent if out is not None else Path.cwd()
        top["register"] = Path(os.path.relpath(Path(register_path).resolve(), folder)).as_posix()
    exported = bool(_mapping(dataset)[1])
    todo = any(entry.notes or entry.entry_notes for entry in entries)
    header = [f"exports.yaml imported from the Fides dataset {dataset.data['fides_key']!r} by `regaudit fides import`."]
    if exported:
        header.append("The mapping regaudit exported to it, with the dataset's columns, categories and keys.")
    if todo:
        header += ["Fill in every TODO: the canonical role of each file and, where checks need it, the canonical",
                   "field of each column (`field:`); then run `regaudit lint` on this file."]
    return _yaml(entries, top, header)


def write_import(path: str | Path, out: str | Path, register: "Register | None" = None,
                 register_path: str | Path | None = None) -> Path:
    """Write the exports.yaml of the Fides dataset at ``path`` to ``out`` atomically (``import_dataset``)."""
    from audit_lib.outputs import atomic_write_text

    return atomic_write_text(out, import_dataset(path, register, register_path=register_path, out=out))
