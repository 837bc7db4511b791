"""Fides interop, export side: the export map as a Fides dataset, the purposes as a Fides system.

`export_dataset` turns exports.yaml into a Fides dataset (one collection per export entry, named by its
role; one field per column, ``data_categories`` = the fideslang keys of the mapped categories; keys,
identities and references in ``fides_meta``; regaudit's whole mapping in the dataset's ``meta``);
`export_system` turns the purposes of register.yaml into a Fides system with one privacy declaration per
purpose. Both are validated with fideslang's own models before anything is written. The way back is
audit_lib/fides_import.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_

if TYPE_CHECKING:
    from audit_lib.declaration import Declaration
    from audit_lib.declaration.exports import ExportMap
    from audit_lib.declaration.register import Register

DATASET_FILE, SYSTEM_FILE = "dataset.yml", "system.yml"
NOT_PERSONAL_KEY = "system.operations"
# The key of the dataset's ``meta`` that holds regaudit's mapping, and the version of its layout.
MAPPING_META, MAPPING_VERSION = "regaudit", 1
# Fides' own identities for e-mail and phone: of an identifier (by its normalise) or a subjects field.
_FIDES_IDENTITIES = {"email": "email", "phone": "phone_number"}
_LEGAL_BASIS = {"consent": "Consent", "contract": "Contract", "legal_obligation": "Legal obligations",
                "vital_interests": "Vital interests", "public_task": "Public interest",
                "legitimate_interests": "Legitimate interests"}


def fides_key(text: str) -> str:
    """A valid Fides key from ``text`` ('Hyvinvoivin asiakasrekisteri' -> 'hyvinvoivin_asiakasrekisteri')."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_]+", "_", ascii_text.lower()).strip("_") or "regaudit"


def _validated(model: Any, data: dict[str, Any], what: str) -> dict[str, Any]:
    from pydantic import ValidationError

    try:
        model.model_validate(data)
    except ValidationError as exc:  # a bug of ours or a declaration fideslang rejects: say which
        raise DeclarationError([Problem(what, ".".join(map(str, e["loc"])),
                                        T_("fideslang rejects it: {error}", error=e["msg"]),
                                        fix=T_("correct the declaration's fideslang keys (see `regaudit lint`)"))
                                for e in exc.errors()]) from exc
    return data


def _system_key(register: "Register") -> str:
    return fides_key(register.controller.trade_name or register.controller.name)


def collection_names(exports: "ExportMap") -> list[str]:
    """The Fides collection of each export entry, named by its role (its first, for an entry of facts
    only): the role alone when one entry feeds it, else ``<role>_<file>`` for each of those entries."""
    from collections import Counter

    roles = [export.roles[0] if export.roles else "export" for export in exports.exports]
    shared = Counter(roles)
    names: list[str] = []
    for role, export in zip(roles, exports.exports):
        name = role if shared[role] == 1 else f"{role}_{fides_key(export.file)}"
        while name in names:  # two globs that make one key: keep the collections apart
            name += "_"
        names.append(name)
    return names


def identity_type(name: str, identifier: Any) -> str:
    """The Fides identity an identifier of register.yaml is: Fides' own ``email`` and ``phone_number``
    for e-mail and phone identifiers, else a custom identity named as the identifier."""
    return _FIDES_IDENTITIES.get(identifier.normalise, name)


def entry_settings(export: Any) -> dict[str, Any]:
    """An entry's settings besides its columns, as the dataset's ``meta`` keeps them (plain JSON; defaults
    and a format its file name tells left out)."""
    from audit_lib.declaration.exports import FORMAT_BY_SUFFIX

    settings = export.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude={"columns"})
    inferred = next((FORMAT_BY_SUFFIX[s] for s in sorted(FORMAT_BY_SUFFIX, key=len, reverse=True)
                     if export.file.lower().endswith(s)), None)
    if settings.get("format") == inferred:
        settings.pop("format")
    if settings.get("table") is not None:  # a lake table: its file (a glob of its parts) and format follow from it
        settings.pop("file", None)
        settings.pop("format", None)
    return settings


def _mapping_meta(declaration: "Declaration", names: list[str]) -> dict[str, Any]:
    """regaudit's own mapping, kept in the dataset's ``meta`` (which Fides stores as it is): the
    settings of exports.yaml, and per collection its file, role, subject, facts, states and options,
    and each column's canonical field, value map and category id. Categories and keys are also the
    dataset's own (``data_categories``, ``fides_meta``), which an import reads first."""
    exports = declaration.exports
    top = exports.model_dump(mode="json", by_alias=True, exclude_defaults=True, exclude={"exports"})
    top.setdefault("register", exports.register_file)
    collections = {}
    for name, export in zip(names, exports.exports):
        entry = entry_settings(export)
        entry["columns"] = {column: spec.model_dump(mode="json", exclude_defaults=True)
                            for column, spec in export.columns.items()}
        from_preset = sorted(set(export.columns) & export._preset_optional)
        if from_preset:
            entry["preset_columns"] = from_preset  # filled in by the preset, not written in the entry
        collections[name] = entry
    return {MAPPING_META: {"version": MAPPING_VERSION, "exports": top, "collections": collections}}


@dataclass(frozen=True)
class _DatasetKeys:
    """What the fields of every collection are described with: the dataset's key, the fideslang key of
    each category id, the Fides identity of each identifier, the master identifier and its column."""

    dataset: str
    categories: dict[str, str]
    identities: dict[str, str]
    master: str | None
    master_at: str | None


def export_dataset(declaration: "Declaration") -> dict[str, Any]:
    """The export map as a Fides dataset (a dict validated by ``fideslang.models.Dataset``).

    One collection per export entry, named by its role (``collection_names``), one field per column
    with the fideslang key of its category (``system.operations`` for a column declared not personal);
    the entry's key is the field's ``fides_meta.primary_key``; a column that names the subject by an
    identifier of register.yaml other than the master one is a Fides identity (``fides_meta.identity``),
    as are the master register's own id, e-mail and phone columns, and a column naming the subject by
    the master id references the master register's id column (``fides_meta.references``), so that
    Fides can walk from an identity to every collection. regaudit's whole mapping is kept in the
    dataset's ``meta`` so that ``regaudit fides import`` gives it back unchanged.
    """
    from fideslang.models import Dataset

    register, exports = declaration.register, declaration.exports
    names = collection_names(exports)
    keys = _dataset_keys(register, exports, names)
    collections = [_collection(name, export, keys) for name, export in zip(names, exports.exports)]
    dataset = {
        "fides_key": keys.dataset,
        "name": f"{register.register_info.name.en}: exports",
        "description": f"Export files of {register.register_info.name.en}, mapped by regaudit's exports.yaml",
        "meta": _mapping_meta(declaration, names),
        "data_subjects": sorted({s.fides_key for s in register.subject_types}),
        "collections": collections,
    }
    return _validated(Dataset, dataset, "Fides dataset")


def _dataset_keys(register: "Register", exports: "ExportMap", names: list[str]) -> _DatasetKeys:
    """The keys the dataset's fields refer to; the master id's column is ``<collection>.<column>`` of
    the first subjects entry that maps it."""
    master = register.master_identifier
    master_at = next((f"{name}.{column}" for name, export in zip(names, exports.exports) if export.role == "subjects"
                      for column in [export.subject_columns(master).get(master)] if column in export.columns), None)
    return _DatasetKeys(dataset=f"{_system_key(register)}_exports",
                        categories={c.id: c.fides_key for c in register.data_categories},
                        identities={name: identity_type(name, identifier)
                                    for name, identifier in register.identifier_map.items()},
                        master=master, master_at=master_at)


def _collection(name: str, export: Any, keys: _DatasetKeys) -> dict[str, Any]:
    """One export entry as a Fides collection: a field per column, described by the entry's roles and file."""
    subject = export.subject_columns(keys.master)
    fields = [_field(column, spec, export, subject, keys) for column, spec in export.columns.items()]
    role = ", ".join(export.roles) or "none"
    return {"name": name, "description": f"regaudit role {role}: {export.file}", "fields": fields}


def _field(column: str, spec: Any, export: Any, subject: dict[str, str], keys: _DatasetKeys) -> dict[str, Any]:
    """One column as a Fides field: its category's fideslang key, a description of its canonical field
    or why it is not personal, and its ``fides_meta``."""
    item: dict[str, Any] = {"name": column}
    if spec.category is not None:
        item["data_categories"] = [keys.categories[spec.category]]
    elif spec.not_personal is not None:
        item["data_categories"] = [NOT_PERSONAL_KEY]
    notes = [f"canonical field {spec.field}"] if spec.field else []
    if spec.not_personal:
        notes.append(f"not personal: {spec.not_personal}")
    if notes:
        item["description"] = "; ".join(notes)
    meta = _field_meta(column, spec, export, subject, keys)
    if meta:
        item["fides_meta"] = meta
    return item


def _field_meta(column: str, spec: Any, export: Any, subject: dict[str, str], keys: _DatasetKeys) -> dict[str, Any]:
    """A column's ``fides_meta``: primary key, identity, and the reference to the master register's id."""
    own = export.role == "subjects"
    meta: dict[str, Any] = {}
    if export.key == column:
        meta["primary_key"] = True
    identity = next((keys.identities[i] for i, c in subject.items() if c == column and (own or i != keys.master)),
                    None)
    if identity is None and own and spec.field in _FIDES_IDENTITIES:
        identity = _FIDES_IDENTITIES[spec.field]
    if identity is not None:
        meta["identity"] = identity
    if not own and subject.get(keys.master) == column and keys.master_at is not None:
        meta["references"] = [{"dataset": keys.dataset, "field": keys.master_at, "direction": "from"}]
    return meta


def export_system(register: "Register", dataset_key: str | None = None) -> dict[str, Any]:
    """The purposes as a Fides system with one privacy declaration per purpose (validated by ``System``)."""
    from fideslang.models import System

    declarations = _privacy_declarations(register, dataset_key)
    controller = register.controller
    address = controller.address
    system: dict[str, Any] = {
        "fides_key": _system_key(register),
        "name": register.register_info.name.en,
        "description": register.register_info.collection_basis.en if register.register_info.collection_basis
        else register.register_info.name.en,
        "system_type": "Service",
        "legal_name": controller.name,
        "legal_address": f"{address.street}, {address.postal_code} {address.city}, {address.country}",
        "responsibility": ["Controller"],
        "uses_profiling": bool(register.profiling.collected),
        "does_international_transfers": bool(register.disclosures.transfers_outside_eea),
        "uses_cookies": any(c.fides_key.startswith("user.device.cookie") for c in register.data_categories),
        "privacy_declarations": declarations,
    }
    if register.dpo is not None and (register.dpo.email or register.dpo.phone):
        system["dpo"] = register.dpo.email or register.dpo.phone
    if register.disclosures.transfers_outside_eea and register.disclosures.transfer_safeguards:
        system["legal_basis_for_transfers"] = [register.disclosures.transfer_safeguards]
    if register.security_measures:
        system["data_security_practices"] = "; ".join(m.en for m in register.security_measures)
    if dataset_key:
        system["dataset_references"] = [dataset_key]
    return _validated(System, system, "Fides system")


def _privacy_declarations(register: "Register", dataset_key: str | None) -> list[dict[str, Any]]:
    """One Fides privacy declaration per purpose: its use, categories, subjects, legal bases and dataset."""
    keys = {c.id: c.fides_key for c in register.data_categories}
    special = set(register.special_categories.revealed_by)
    special |= {c.id for c in register.data_categories
                if c.fides_key.startswith(("user.health_and_medical", "user.biometric"))}
    condition = (register.special_categories.art9_condition or "").lower()
    declarations = []
    for purpose in register.purposes:
        subjects = sorted({s.fides_key for s in register.subject_types if set(s.categories) & set(purpose.categories)})
        declaration: dict[str, Any] = {
            "name": purpose.label.en,
            "data_use": purpose.fides_use,
            "data_categories": sorted({keys[c] for c in purpose.categories}),
            "data_subjects": subjects,
            "processes_special_category_data": bool(special & set(purpose.categories)),
        }
        if purpose.lawful_basis:
            declaration["legal_basis_for_processing"] = _LEGAL_BASIS[purpose.lawful_basis]
        if declaration["processes_special_category_data"] and ("9(2)(a)" in condition or "consent" in condition):
            declaration["special_category_legal_basis"] = "Explicit consent"
        if dataset_key:
            declaration["dataset_references"] = [dataset_key]
        declarations.append(declaration)
    return declarations


def _dump(top: str, item: dict[str, Any]) -> str:
    import yaml

    return yaml.safe_dump({top: [item]}, allow_unicode=True, sort_keys=False, width=110)


def write_fides(declaration: "Declaration", out_dir: str | Path) -> list[Path]:
    """Write ``dataset.yml`` and ``system.yml`` (Fides resource files) into ``out_dir`` atomically."""
    from audit_lib.outputs import atomic_write_text

    target = Path(out_dir)
    dataset = export_dataset(declaration)
    system = export_system(declaration.register, dataset["fides_key"])
    header = "# Written by `regaudit fides export` from {}; validated with fideslang's models.\n"
    return [
        atomic_write_text(target / DATASET_FILE, header.format(declaration.exports_source.path.name)
                          + _dump("dataset", dataset)),
        atomic_write_text(target / SYSTEM_FILE, header.format(declaration.register_source.path.name)
                          + _dump("system", system)),
    ]


def read_dataset(path: str | Path) -> dict[str, Any]:
    """The Fides dataset in the file ``path``, validated by fideslang (audit_lib/fides_import.py reads it)."""
    from audit_lib.fides_import import read_dataset as read

    return read(path).data
