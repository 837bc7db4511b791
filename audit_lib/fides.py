"""Fides interop: the export map as a Fides dataset, the purposes as a Fides system, and back.

`export_dataset` turns exports.yaml into a Fides dataset (one collection per export file, one field per
column, ``data_categories`` = the fideslang keys of the mapped categories); `export_system` turns the
purposes of register.yaml into a Fides system with one privacy declaration per purpose. Both are
validated with fideslang's own models before anything is written. `import_dataset` reads a Fides
dataset back into an exports.yaml skeleton whose roles (and fields) a person fills in.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_lib.errors import DeclarationError, Problem

if TYPE_CHECKING:
    from audit_lib.declaration import Declaration
    from audit_lib.declaration.register import Register

DATASET_FILE, SYSTEM_FILE = "dataset.yml", "system.yml"
NOT_PERSONAL_KEY = "system.operations"
_LEGAL_BASIS = {"consent": "Consent", "contract": "Contract", "legal_obligation": "Legal obligations",
                "vital_interests": "Vital interests", "public_task": "Public interest",
                "legitimate_interests": "Legitimate interests"}
_BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


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
        raise DeclarationError([Problem(what, ".".join(map(str, e["loc"])), f"fideslang rejects it: {e['msg']}",
                                        fix="correct the declaration's fideslang keys (see `regaudit lint`)")
                                for e in exc.errors()]) from exc
    return data


def _system_key(register: "Register") -> str:
    return fides_key(register.controller.trade_name or register.controller.name)


def export_dataset(declaration: "Declaration") -> dict[str, Any]:
    """The export map as a Fides dataset (a dict validated by ``fideslang.models.Dataset``)."""
    from fideslang.models import Dataset

    register, exports = declaration.register, declaration.exports
    keys = {c.id: c.fides_key for c in register.data_categories}
    collections = []
    for export in exports.exports:
        fields = []
        for column, spec in export.columns.items():
            item: dict[str, Any] = {"name": column}
            if spec.category is not None:
                item["data_categories"] = [keys[spec.category]]
            elif spec.not_personal is not None:
                item["data_categories"] = [NOT_PERSONAL_KEY]
            notes = [f"canonical field {spec.field}"] if spec.field else []
            if spec.not_personal:
                notes.append(f"not personal: {spec.not_personal}")
            if notes:
                item["description"] = "; ".join(notes)
            if export.key == column:
                item["fides_meta"] = {"primary_key": True}
            fields.append(item)
        collections.append({"name": export.file, "description": f"regaudit role {export.role}", "fields": fields})
    dataset = {
        "fides_key": f"{_system_key(register)}_exports",
        "name": f"{register.register_info.name.en}: exports",
        "description": f"Export files of {register.register_info.name.en}, mapped by regaudit's exports.yaml",
        "data_subjects": sorted({s.fides_key for s in register.subject_types}),
        "collections": collections,
    }
    return _validated(Dataset, dataset, "Fides dataset")


def export_system(register: "Register", dataset_key: str | None = None) -> dict[str, Any]:
    """The purposes as a Fides system with one privacy declaration per purpose (validated by ``System``)."""
    from fideslang.models import System

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


def _scalar(value: str) -> str:
    return value if _BARE.fullmatch(value) and value.lower() not in _YAML_WORDS else json.dumps(value,
                                                                                               ensure_ascii=False)


def _flatten(fields: list[dict[str, Any]], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    flat = []
    for item in fields:
        name = prefix + str(item["name"])
        if item.get("fields"):
            flat += _flatten(item["fields"], name + ".")
        else:
            flat.append((name, item))
    return flat


def read_dataset(path: str | Path) -> dict[str, Any]:
    """Read a Fides dataset file (``dataset: [...]`` or a bare dataset), validated by ``fideslang.models.Dataset``.

    The file's own mapping is returned (fideslang's model sorts collections and fields; the file's
    order is the order a person wrote and expects back).
    """
    from fideslang.models import Dataset
    from pydantic import ValidationError

    from audit_lib.declaration.yaml_source import read_yaml

    source = Path(path)
    if not source.is_file():
        raise DeclarationError([Problem(str(source), "", "file not found", fix="check the path")])
    data = read_yaml(source).data  # regaudit's one YAML loader: bounded, duplicate keys refused
    if isinstance(data, dict) and isinstance(data.get("dataset"), list):
        if len(data["dataset"]) != 1:
            raise DeclarationError([Problem(str(source), "dataset", f"{len(data['dataset'])} datasets in the file",
                                            fix="import one dataset at a time: keep one entry under dataset")])
        data = data["dataset"][0]
    try:
        Dataset.model_validate(data)
        return data
    except ValidationError as exc:
        raise DeclarationError([Problem(str(source), ".".join(map(str, e["loc"])), e["msg"],
                                        fix="correct the Fides dataset (fideslang rejects it)")
                                for e in exc.errors()]) from exc


def import_dataset(path: str | Path, register: "Register | None" = None) -> str:
    """An exports.yaml skeleton (YAML text) from the Fides dataset at ``path``.

    Categories are the ids of ``register``'s categories with the field's fideslang key; where none (or
    no register) matches, the fideslang key is kept and the line marked TODO. Every role is TODO.
    """
    from audit_lib.roles import ROLES

    dataset = read_dataset(path)
    by_key: dict[str, list[str]] = {}
    for category in (register.data_categories if register is not None else []):
        by_key.setdefault(category.fides_key, []).append(category.id)
    lines = [
        f"# exports.yaml skeleton imported from the Fides dataset {dataset['fides_key']!r} by `regaudit fides import`.",
        "# Fill in every TODO: the canonical role of each file and, where checks need it, the canonical field",
        "# of each column (`field:`); then run `regaudit lint` on this file.",
        "schema_version: 1",
        "register: register.yaml",
        "exports_dir: exports",
        "exports:",
    ]
    roles = ", ".join(sorted(ROLES))
    for collection in dataset["collections"]:
        lines.append(f"  - file: {_scalar(str(collection['name']))}")
        lines.append(f"    role: TODO  # one of: {roles}")
        flat = _flatten(collection.get("fields") or [])
        keys = [name for name, item in flat if (item.get("fides_meta") or {}).get("primary_key")]
        if len(keys) == 1:
            lines.append(f"    key: {_scalar(keys[0])}")
        lines.append("    columns:")
        if not flat:
            lines[-1] += " {}  # TODO: the dataset lists no fields"
        for name, item in flat:
            fides_keys = list(item.get("data_categories") or [])
            personal = [k for k in fides_keys if k != NOT_PERSONAL_KEY]
            spec, notes = "{}", []
            if not fides_keys:
                notes.append("TODO: no data category in the dataset; map a field or category, or set not_personal")
            elif not personal:
                spec = '{not_personal: "TODO: why"}'
            else:
                first, rest = personal[0], personal[1:]
                ids = by_key.get(first, [])
                spec = f"{{category: {_scalar(ids[0] if ids else first)}}}"
                if not ids:
                    notes.append(f"TODO: no category of register.yaml has fides_key {first}; declare one")
                elif len(ids) > 1:
                    notes.append(f"TODO: {first} is the fides_key of {', '.join(ids)}; pick one")
                if rest:
                    notes.append(f"TODO: the dataset also gives {', '.join(rest)}; one category per column")
            lines.append(f"      {_scalar(name)}: {spec}" + (f"  # {'; '.join(notes)}" if notes else ""))
    return "\n".join(lines) + "\n"


def write_import(path: str | Path, out: str | Path, register: "Register | None" = None) -> Path:
    """Write the exports.yaml skeleton of the Fides dataset at ``path`` to ``out`` atomically."""
    from audit_lib.outputs import atomic_write_text

    return atomic_write_text(out, import_dataset(path, register))
