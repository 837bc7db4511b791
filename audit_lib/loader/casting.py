"""SQL expressions that turn an export column into a canonical field, and say why a value fails."""

from __future__ import annotations

from dataclasses import dataclass

from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, TEXT, TIMESTAMP
from audit_lib.sql import ident, literal

TRUE_VALUES = ["true", "t", "1", "yes", "y", "kyllä", "k", "x", "on", "tosi"]
FALSE_VALUES = ["false", "f", "0", "no", "n", "ei", "off", "epätosi"]
# Finnish spreadsheet forms first; ISO forms are tried by a plain cast before these.
TIMESTAMP_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y klo %H.%M", "%d.%m.%Y %H.%M",
                     "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"]
_OFFSET = r"(Z|z|[+-]\d\d(:?\d\d)?)$"


@dataclass(frozen=True)
class CastSpec:
    """How to parse one column: target type, time zone, value map and text conventions."""

    target: str
    source_type: str
    timezone: str
    values: dict[str, str] | None = None
    timestamp_formats: tuple[str, ...] = tuple(TIMESTAMP_FORMATS)
    true_values: tuple[str, ...] = tuple(TRUE_VALUES)
    false_values: tuple[str, ...] = tuple(FALSE_VALUES)
    decimal_separator: str | None = None


def _text(column_sql: str) -> str:
    # Empty or blank text is a missing value in every export format.
    return f"NULLIF(TRIM(CAST({column_sql} AS VARCHAR)), '')"


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def cast_expression(column: str, spec: CastSpec) -> str:
    """SQL turning raw ``column`` into ``spec.target``; NULL when the value cannot be parsed."""
    col = ident(column)
    source = spec.source_type.upper()
    text = _text(col)
    if spec.target == TEXT:
        if spec.values:
            cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in spec.values.items())
            known = _list(list(spec.values.values()))
            return f"CASE {text} {cases} ELSE CASE WHEN list_contains({known}, {text}) THEN {text} END END"
        return text
    if spec.target == TIMESTAMP:
        zone = literal(spec.timezone)
        if source == "TIMESTAMP WITH TIME ZONE":
            return col
        if source.startswith("TIMESTAMP") or source == "DATE":
            return f"timezone({zone}, CAST({col} AS TIMESTAMP))"
        return (f"CASE WHEN {text} IS NULL THEN NULL "
                f"WHEN regexp_matches({text}, {literal(_OFFSET)}) THEN TRY_CAST({text} AS TIMESTAMPTZ) "
                f"ELSE timezone({zone}, coalesce(TRY_CAST({text} AS TIMESTAMP), "
                f"try_strptime({text}, {_list(spec.timestamp_formats)}))) END")
    if spec.target == BOOLEAN:
        if source == "BOOLEAN":
            return col
        lowered = f"lower({text})"
        return (f"CASE WHEN list_contains({_list([v.lower() for v in spec.true_values])}, {lowered}) THEN true "
                f"WHEN list_contains({_list([v.lower() for v in spec.false_values])}, {lowered}) THEN false END")
    if spec.target in (DECIMAL, INTEGER):
        if source != "VARCHAR":
            return f"TRY_CAST({col} AS {spec.target})"
        compact = f"regexp_replace({text}, '[\\s\\x{{00a0}}\\x{{202f}}€]', '', 'g')"
        if spec.decimal_separator == ",":
            number = f"replace(replace({compact}, '.', ''), ',', '.')"
        elif spec.decimal_separator == ".":
            number = f"replace({compact}, ',', '')"
        else:
            # Auto: the separator that comes last is the decimal one ("1.234,50" and "1,234.50").
            number = (f"CASE WHEN strpos({compact}, ',') > 0 AND (strpos({compact}, '.') = 0 OR "
                      f"strpos(reverse({compact}), ',') < strpos(reverse({compact}), '.')) "
                      f"THEN replace(replace({compact}, '.', ''), ',', '.') ELSE replace({compact}, ',', '') END")
        return f"TRY_CAST({number} AS {spec.target})"
    raise ValueError(f"no cast to {spec.target}")


# Stable reason codes of quarantined rows (the reader's own: column_count, bad_quoting, bad_encoding,
# line_too_long, bad_row; see readers.py).
REASON_CODES = {TIMESTAMP: "bad_date", BOOLEAN: "bad_boolean", DECIMAL: "bad_number", INTEGER: "bad_number",
                TEXT: "bad_value"}


def failure_reason(column: str, field: str, spec: CastSpec, typed_sql: str, required: bool,
                   key: bool = False) -> tuple[str, str]:
    """SQL giving why ``column`` fails as ``field`` on a row and its reason code (both NULL when it does not).

    ``typed_sql`` is the already computed typed value (a column reference), so nothing is cast twice.
    """
    text = _text(ident(column))
    kind = {TIMESTAMP: "date/time", BOOLEAN: "yes/no value", DECIMAL: "number", INTEGER: "whole number",
            TEXT: "value"}[spec.target]
    bad = f"{literal(f'unparseable {kind} in column {column}: ')} || {text}"
    if spec.target == TEXT and spec.values:
        bad = f"{literal(f'unknown value in column {column} (not in its values: map): ')} || {text}"
    missing = literal(f"missing {'key ' if key else ''}{field} (column {column})")
    missing_code = literal("missing_key" if key else "missing_value")
    # The cheap test first: a typed value present means the row is fine for this field.
    can_fail = not (spec.target == TEXT and not spec.values)
    if spec.target == TEXT and not spec.values:
        # Plain text is not copied into the stage (the role view trims it): test emptiness cheaply,
        # trimming only values that start with a blank.
        raw = f"CAST({ident(column)} AS VARCHAR)"
        empty = f"{raw} IS NULL OR {raw} = '' OR (ascii({raw}) = 32 AND trim({raw}) = '')"
        if not required:
            return "NULL::VARCHAR", "NULL::VARCHAR"
        return f"CASE WHEN {empty} THEN {missing} END", f"CASE WHEN {empty} THEN {missing_code} END"
    reason, code = f"CASE WHEN {typed_sql} IS NOT NULL THEN NULL", f"CASE WHEN {typed_sql} IS NOT NULL THEN NULL"
    if can_fail:
        reason += f" WHEN {text} IS NOT NULL THEN {bad}"
        code += f" WHEN {text} IS NOT NULL THEN {literal(REASON_CODES[spec.target])}"
    if required:
        reason += f" WHEN {text} IS NULL THEN {missing}"
        code += f" WHEN {text} IS NULL THEN {missing_code}"
    return reason + " END", code + " END"
