"""What an export entry asks of its file: the columns it names, constants and derived keys as SQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

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


def referenced_columns(declaration: "Declaration", export: "Export") -> list[str]:
    """Every file column the entry names: columns, facts, guards, states, identifiers, keys, snapshot."""
    names: list[str] = list(export.columns)
    for plan in export.plans():
        names += [column for column, _ in plan.fields.values()]
        names += [column for columns in plan.derive.values() for column in columns]
        if plan.when:
            names.append(plan.when)
    names += list(export.subject_columns(declaration.register.master_identifier).values())
    names += [spec.text_at for spec in export.columns.values() if spec.text_at]
    if export.key:
        names.append(export.key)
    if export.snapshot is not None and export.snapshot.column:
        names.append(export.snapshot.column)
    return list(dict.fromkeys(names))


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
    parts = [f"coalesce(NULLIF(TRIM(CAST({ident(c)} AS VARCHAR)), ''), '')" for c in columns]
    joined = f"concat_ws({literal(_SEPARATOR)}, {', '.join(parts)})"
    empty = " AND ".join(f"NULLIF(TRIM(CAST({ident(c)} AS VARCHAR)), '') IS NULL" for c in columns)
    return (f"CASE WHEN {empty} THEN NULL ELSE {literal(DERIVED_PREFIX)} || "
            f"left(sha256({joined}), {DERIVED_HEX}) END")


def derived_key(values: list[object]) -> str:
    """The key derive_key_sql gives for a row with these values (for ground truth and tests)."""
    import hashlib

    texts = ["" if v is None else str(v).strip() for v in values]
    digest = hashlib.sha256(_SEPARATOR.join(texts).encode("utf-8")).hexdigest()
    return DERIVED_PREFIX + digest[:DERIVED_HEX]
