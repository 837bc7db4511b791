"""What an export entry asks of its file: the columns it names, constants and derived keys as SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.loader.casting import text_sql
from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, TEXT, TIMESTAMP
from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    from audit_lib.declaration import Declaration, Export

# A derived key: "D-" and the first 20 hex digits of the SHA-256 of the named columns' values as read
# (trimmed text, joined by the unit separator U+001F). The same values give the same key in every
# run and every monthly file, so findings keep their fingerprints across quarters.
DERIVED_PREFIX = "D-"
DERIVED_HEX = 20
_SEPARATOR = "\x1f"


def column_uses(declaration: "Declaration", export: "Export") -> dict[str, tuple[str | None, str | None]]:
    """Column -> (role, field) of its first use by the entry beyond ``columns:``: a field of a record,
    a derived key, a guard, an identifier, the time of free text, the key or the snapshot (field None
    where the column feeds no field)."""
    uses: dict[str, tuple[str | None, str | None]] = {}
    for plan in export.plans():
        for field_name, (column, _) in plan.fields.items():
            uses.setdefault(column, (plan.role, field_name))
        for field_name, names in plan.derive.items():
            for column in names:
                uses.setdefault(column, (plan.role, f"{field_name} (derived)"))
        if plan.when:
            uses.setdefault(plan.when, (plan.role, None))
    primary = export.roles[0] if export.roles else None
    for column in export.subject_columns(declaration.register.master_identifier).values():
        uses.setdefault(column, (primary, "subject_id"))
    others = [spec.text_at for spec in export.columns.values() if spec.text_at] + [export.key]
    if export.snapshot is not None:
        others.append(export.snapshot.column)
    for column in others:
        if column:
            uses.setdefault(column, (primary, None))
    return uses


def referenced_columns(declaration: "Declaration", export: "Export") -> list[str]:
    """Every file column the entry names: columns, facts, guards, states, identifiers, keys, snapshot."""
    return list(dict.fromkeys([*export.columns, *column_uses(declaration, export)]))


def constant_sql(value: object, type_: str) -> str:
    """A constant of ``set:`` as a typed SQL literal."""
    if type_ == BOOLEAN:
        return "true" if value is True or str(value).lower() in ("true", "yes", "1") else "false"
    if type_ in (DECIMAL, INTEGER):
        return f"CAST({literal(str(value))} AS {type_})"
    if type_ == TIMESTAMP:
        return f"CAST({literal(str(value))} AS TIMESTAMPTZ)"
    if type_ == TEXT:
        return literal(str(value).lower() if isinstance(value, bool) else str(value))
    raise ValueError(f"no constant of type {type_}")


def derived_key_sql(columns: tuple[str, ...]) -> str:
    """SQL of the key derived from ``columns`` (see DERIVED_PREFIX); NULL when every value is empty."""
    parts = [f"coalesce({text_sql(ident(c))}, '')" for c in columns]
    joined = f"concat_ws({literal(_SEPARATOR)}, {', '.join(parts)})"
    empty = " AND ".join(f"{text_sql(ident(c))} IS NULL" for c in columns)
    return (f"CASE WHEN {empty} THEN NULL ELSE {literal(DERIVED_PREFIX)} || "
            f"left(sha256({joined}), {DERIVED_HEX}) END")


def derived_key(values: list[object]) -> str:
    """The key derive_key_sql gives for a row with these values (for ground truth and tests)."""
    import hashlib

    texts = ["" if v is None else str(v).strip() for v in values]
    digest = hashlib.sha256(_SEPARATOR.join(texts).encode("utf-8")).hexdigest()
    return DERIVED_PREFIX + digest[:DERIVED_HEX]
