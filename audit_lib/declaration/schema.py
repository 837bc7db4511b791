"""JSON Schemas of register.yaml and exports.yaml, generated from the models (for editors and CI)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from audit_lib.declaration.exports import ExportMap
from audit_lib.declaration.register import Register

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
# The schemas' identity: the same wherever a file is written or served (a URN, so that it does not
# pretend to be fetchable from a host), changed only with exports.yaml's and register.yaml's schema_version.
SCHEMA_ID = "urn:regaudit:schema:{name}:v1"
FILES = {"register.schema.json": Register, "exports.schema.json": ExportMap}
# Where a fideslang key goes, the schema lists the default taxonomy so that editors complete it.
_FIDES_FIELDS = {("DataCategory", "fides_key"): "data_category", ("SubjectType", "fides_key"): "data_subject",
                 ("Purpose", "fides_use"): "data_use"}


def _with_taxonomy(schema: dict[str, Any]) -> dict[str, Any]:
    from audit_lib.declaration import taxonomy

    for (model, field), kind in _FIDES_FIELDS.items():
        prop = schema.get("$defs", {}).get(model, {}).get("properties", {}).get(field)
        if prop is not None:
            prop["enum"] = sorted(taxonomy.keys(kind))
            prop["description"] = f"a key of the fideslang default {taxonomy.KINDS[kind]} taxonomy"
    return schema


# What pydantic reads as a datetime: ISO 8601 with or without an offset (a time without one is in the
# export's zone), or a date alone. JSON Schema's "date-time" format demands an offset: it would refuse
# `snapshot: {at: 2026-09-30T22:00:00}`, which the model and lint accept.
ISO_TIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|z|[+-]\d{2}(:?\d{2})?)?$"


def _naive_times(node: Any) -> Any:
    """``node`` with every ``format: date-time`` string made an ISO 8601 pattern that allows no offset."""
    if isinstance(node, dict):
        if node.get("format") == "date-time" and node.get("type") == "string":
            node.pop("format")
            node["pattern"] = ISO_TIME
        for value in node.values():
            _naive_times(value)
    elif isinstance(node, list):
        for value in node:
            _naive_times(value)
    return node


def build_schema(model: type[Register] | type[ExportMap]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of ``model``, with keys as written in YAML (aliases)."""
    schema = model.model_json_schema(by_alias=True, mode="validation")
    from audit_lib.declaration.schema_roles import add_export_rules, add_register_rules

    name = "register.yaml" if model is Register else "exports.yaml"
    ordered = {"$schema": DIALECT, "$id": SCHEMA_ID.format(name=name), "title": name,
               **{k: v for k, v in schema.items() if k != "title"}}
    ordered["description"] = (model.__doc__ or "").strip().splitlines()[0] + \
        " Generated from audit_lib/declaration by `regaudit schema`; do not edit by hand."
    # The roles, their fields and canonical values, from audit_lib/roles.py: as strict as `regaudit lint`.
    return (add_register_rules if model is Register else add_export_rules)(_naive_times(_with_taxonomy(ordered)))


def schema_text(model: type[Register] | type[ExportMap]) -> str:
    """The schema as the committed file holds it: stable key order, two-space indent, final newline."""
    return json.dumps(build_schema(model), indent=2, ensure_ascii=False) + "\n"


def write_schemas(out_dir: str | Path = SCHEMA_DIR) -> list[Path]:
    """Write register.schema.json and exports.schema.json into ``out_dir`` atomically."""
    from audit_lib.outputs import atomic_write_text

    target = Path(out_dir)
    written = [atomic_write_text(target / name, schema_text(model)) for name, model in FILES.items()]
    for path in written:
        path.chmod(0o644)  # committed files, read by editors: not the private mode of a temporary file
    return written


def stale_schemas(out_dir: str | Path = SCHEMA_DIR) -> list[str]:
    """Names of the schema files in ``out_dir`` that are missing or differ from the models."""
    target = Path(out_dir)
    return [name for name, model in FILES.items()
            if not (target / name).is_file() or (target / name).read_text(encoding="utf-8") != schema_text(model)]
