"""The rules of the JSON Schemas that depend on the canonical roles, generated from audit_lib/roles.py.

``regaudit lint`` refuses an unknown role, a field its role does not have and a value outside a
field's canonical vocabulary; these rules let an editor (and check-jsonschema) refuse the same while
the file is written: the role names as an enum, per role the names of its fields (``if role is X
then the fields are X's``), and per vocabulary field its values, letter case aside as lint reads
them. What needs register.yaml (the subject_types ids, the categories and identifiers it declares)
or a vendor preset's expansion is left to lint.
"""

from __future__ import annotations

import re
from typing import Any

from audit_lib.roles import ROLES, TIMESTAMP, Role


def role_names() -> list[str]:
    """The canonical roles, sorted: the values of every ``role`` key."""
    return sorted(ROLES)


def _any_case(value: str) -> str:
    """``value`` as a regular expression matching it in any letter case (JSON Schema has no /i flag)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in value)


def canonical(values: tuple[str, ...], where: str) -> dict[str, Any]:
    """A string that is one of ``values``, letter case aside: the enum for completion, a pattern for the rest."""
    pattern = "^(?:" + "|".join(_any_case(v) for v in values) + ")$"
    return {"anyOf": [{"enum": list(values)}, {"type": "string", "pattern": pattern}],
            "description": f"a canonical value of {where}: {', '.join(values)} (letter case aside)"}


def _vocabularies(role: Role) -> dict[str, tuple[str, ...]]:
    """Field -> its closed vocabulary (a list register.yaml declares is not closed here)."""
    return {f.name: f.vocabulary for f in role.fields if isinstance(f.vocabulary, tuple)}


def _field_names(role: Role) -> dict[str, Any]:
    return {"enum": role.field_names, "description": f"a field of the role {role.name}"}


def _value_map(values: tuple[str, ...], where: str) -> dict[str, Any]:
    """``values:`` (export value -> canonical value) of a field with a vocabulary."""
    return {"anyOf": [{"type": "object", "additionalProperties": canonical(values, where)}, {"type": "null"}]}


def _mapped_field(role: Role) -> dict[str, Any]:
    """A column spec object ({field, values}) whose field is one of ``role``'s, its values canonical."""
    rule: dict[str, Any] = {"properties": {"field": {"anyOf": [_field_names(role), {"type": "null"}]}}}
    vocabularies = [{"if": {"properties": {"field": {"const": name}}, "required": ["field"]},
                     "then": {"properties": {"values": _value_map(values, f"{role.name}.{name}")}}}
                    for name, values in _vocabularies(role).items()]
    if vocabularies:  # an empty allOf is no valid schema
        rule["allOf"] = vocabularies
    return rule


def _given_fields(role: Role, columns: dict[str, Any]) -> dict[str, Any]:
    """The properties of an entry or a fact that name fields of ``role``."""
    names = _field_names(role)
    constants = {name: canonical(values, f"{role.name}.{name}") for name, values in _vocabularies(role).items()}
    return {"columns": columns,
            "set": {"propertyNames": names, "properties": constants},
            "derive": {"propertyNames": names},
            "not_applicable": {"propertyNames": names}}


def _by_role(columns) -> list[dict[str, Any]]:
    """One ``if role is X then ...`` per role, ``columns(role)`` the rule of its columns."""
    return [{"if": {"properties": {"role": {"const": role.name}}, "required": ["role"]},
             "then": {"properties": _given_fields(role, columns(role))}} for role in ROLES.values()]


def _role_property(prop: dict[str, Any], optional: bool) -> None:
    """Make ``prop`` (a ``role`` property as pydantic wrote it) an enum of the roles."""
    names = {"enum": role_names()}
    kept = {k: v for k, v in prop.items() if k in ("default", "description", "title")}
    prop.clear()
    prop.update(kept)
    if optional:
        prop["anyOf"] = [names, {"type": "null"}]
    else:
        prop.update(names)


def add_export_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """exports.schema.json with the role rules: roles, fields per role, canonical values, not_exported's roles."""
    defs = schema["$defs"]
    export, fact = defs["Export"], defs["Fact"]
    _role_property(export["properties"]["role"], optional=True)
    _role_property(fact["properties"]["role"], optional=False)
    export["allOf"] = _by_role(lambda role: {"additionalProperties": _mapped_field(role)})
    # A fact's column is a field's name, or {field, values}.
    fact["allOf"] = _by_role(lambda role: {"additionalProperties": {
        "if": {"type": "string"}, "then": _field_names(role), "else": _mapped_field(role)}})
    # A state's key is its channel, its values map to the state's words (lint reads them as a plan of
    # consent_states: the channel a constant, the column the state).
    states = ROLES["consent_states"]
    channel, state = states.field("channel").vocabulary, states.field("state").vocabulary
    export["properties"]["states"]["propertyNames"] = canonical(channel, "consent_states.channel")
    values = defs["ConsentState"]["properties"]["values"]
    values["anyOf"] = _value_map(state, "consent_states.state")["anyOf"]
    schema["properties"]["not_exported"]["propertyNames"] = {"enum": role_names()}
    return schema


def add_register_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """register.schema.json with the role rules: the tables retention rules, access roles and erasure name."""
    defs = schema["$defs"]
    rule = defs["RetentionRule"]
    rule["properties"]["role"].update(enum=role_names())
    rule["allOf"] = []
    for role in ROLES.values():
        times = [f.name for f in role.fields if f.type == TIMESTAMP]
        start = {"enum": times, "description": f"a time field of {role.name}"} if times else {"not": {}}
        rule["allOf"].append({"if": {"properties": {"role": {"const": role.name}}, "required": ["role"]},
                              "then": {"properties": {"start": {"anyOf": [start, {"type": "array", "items": start}]}}}})
    defs["AccessRole"]["properties"]["may_access"]["items"] = {"enum": role_names()}
    kept = defs["Erasure"]["properties"]["kept_after_erasure"]
    kept["propertyNames"] = {"enum": role_names()}
    kept["properties"] = {role.name: {"type": "array", "items": _field_names(role)} for role in ROLES.values()}
    return schema
