"""SQL expressions that turn an export column into a canonical field, and say why a value fails."""

from __future__ import annotations

from dataclasses import dataclass

from audit_lib.loader.timezones import instant_sql
from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, TEXT, TIMESTAMP
from audit_lib.sql import ident, literal

TRUE_VALUES = ["true", "t", "1", "yes", "y", "kyllä", "k", "x", "on", "tosi"]
FALSE_VALUES = ["false", "f", "0", "no", "n", "ei", "off", "epätosi"]
# Finnish spreadsheet forms first; ISO forms are tried by a plain cast before these.
TIMESTAMP_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y klo %H.%M", "%d.%m.%Y %H.%M",
                     "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"]
_OFFSET = r"(Z|z|[+-]\d\d(:?\d\d)?)$"
# What DuckDB's CSV reader takes as a boolean (any letter case).
READER_TRUE = ("true", "t", "1", "yes", "y")
READER_FALSE = ("false", "f", "0", "no", "n")


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
    vocabulary: tuple[str, ...] | None = None

    @property
    def closed(self) -> bool:
        """True if only some text values load: a value map or a canonical vocabulary applies."""
        return bool(self.values) or self.vocabulary is not None


@dataclass(frozen=True)
class NativeCast:
    """A cast DuckDB's CSV reader can make itself, with the result ``cast_expression`` would give, for
    values matching ``pattern`` (RE2, whole value)."""

    reader_type: str
    pattern: str


def native_cast(spec: CastSpec) -> NativeCast | None:
    """How the CSV reader may cast a text column to ``spec.target`` itself (faster), or None.

    Only for the plain forms that the loader's own cast reads the same way: ISO timestamps (tried
    first by cast_expression too), plain numbers, and the reader's booleans that the export's
    true/false values give the same meaning. A value further down that the reader cannot cast makes
    the loader read the file again with its own casts (see load.py), so the outcome never depends on it.
    """
    if spec.values or spec.vocabulary:
        return None
    if spec.target == TIMESTAMP:
        return NativeCast("TIMESTAMP", r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?")
    if spec.target == DECIMAL:
        return NativeCast(DECIMAL, r"-?\d{1,12}(\.\d{1,2})?")
    if spec.target == INTEGER:
        return NativeCast(INTEGER, r"-?\d{1,18}")
    if spec.target == BOOLEAN:
        # Only if every value the reader takes means the same here: it would take them unasked.
        true = {v.lower() for v in spec.true_values}
        false = {v.lower() for v in spec.false_values}
        if set(READER_TRUE) <= true - false and set(READER_FALSE) <= false - true:
            return NativeCast("BOOLEAN", "(?i)(" + "|".join(READER_TRUE + READER_FALSE) + ")")
    return None


def text_sql(column_sql: str) -> str:
    """``column_sql`` as trimmed text, NULL when empty: empty or blank text is a missing value in every
    export format."""
    return f"NULLIF(TRIM(CAST({column_sql} AS VARCHAR)), '')"


def _list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(literal(v) for v in values) + "]"


def cast_expression(column: str, spec: CastSpec) -> str:
    """SQL turning raw ``column`` into ``spec.target``; NULL when the value cannot be parsed."""
    col = ident(column)
    source = spec.source_type.upper()
    text = text_sql(col)
    if spec.target == TEXT:
        if spec.closed:
            # Export words and canonical values are matched without regard to letter case.
            lowered = f"lower({text})"
            known = sorted({v.lower() for v in (spec.values or {}).values()} | set(spec.vocabulary or ()))
            canonical = f"CASE WHEN list_contains({_list(known)}, {lowered}) THEN {lowered} END"
            if spec.values:
                cases = " ".join(f"WHEN {literal(k.lower())} THEN {literal(v)}" for k, v in spec.values.items())
                mapped = f"CASE {lowered} {cases} ELSE {canonical} END"
            else:
                mapped = canonical
            if spec.vocabulary is not None:
                return f"CASE WHEN list_contains({_list(list(spec.vocabulary))}, {mapped}) THEN {mapped} END"
            return mapped
        return text
    if spec.target == TIMESTAMP:
        if source == "TIMESTAMP WITH TIME ZONE":
            return col
        if source.startswith("TIMESTAMP") or source == "DATE":
            return instant_sql(f"CAST({col} AS TIMESTAMP)", spec.timezone)
        local = f"coalesce(TRY_CAST({text} AS TIMESTAMP), try_strptime({text}, {_list(spec.timestamp_formats)}))"
        return (f"CASE WHEN {text} IS NULL THEN NULL "
                f"WHEN regexp_matches({text}, {literal(_OFFSET)}) THEN TRY_CAST({text} AS TIMESTAMPTZ) "
                f"ELSE {instant_sql(local, spec.timezone)} END")
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
    text = text_sql(ident(column))
    kind = {TIMESTAMP: "date/time", BOOLEAN: "yes/no value", DECIMAL: "number", INTEGER: "whole number",
            TEXT: "value"}[spec.target]
    bad = f"{literal(f'unparseable {kind} in column {column}: ')} || {text}"
    if spec.target == TEXT and spec.closed:
        allowed = f"the canonical values of {field}: {', '.join(spec.vocabulary)}" if spec.vocabulary else ""
        where = " or ".join(part for part in ("its values: map" if spec.values else "", allowed) if part)
        bad = f"{literal(f'unknown value in column {column} (not in {where}): ')} || {text}"
    missing = literal(f"missing {'key ' if key else ''}{field} (column {column})")
    missing_code = literal("missing_key" if key else "missing_value")
    # The cheap test first: a typed value present means the row is fine for this field.
    can_fail = not (spec.target == TEXT and not spec.closed)
    if spec.target == TEXT and not spec.closed:
        # Plain text is not copied into the stage (the role view trims it): test emptiness cheaply,
        # trimming only values that sort before "!" (empty, or starting with a blank or control byte).
        raw = f"CAST({ident(column)} AS VARCHAR)"
        empty = f"{raw} IS NULL OR ({raw} < '!' AND trim({raw}) = '')"
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


def passes_sql(column: str, spec: CastSpec, typed_sql: str, required: bool) -> str | None:
    """A cheap SQL test that is true only where ``column`` certainly passes as its field (None when
    it cannot fail): the loader words a code only for the rows that fail it (see load.py)."""
    if spec.target == TEXT and not spec.closed:
        # Non-empty and not starting with a blank or control byte: trimming cannot empty it.
        return f"CAST({ident(column)} AS VARCHAR) >= '!'" if required else None
    if required:
        return f"{typed_sql} IS NOT NULL"
    return f"({typed_sql} IS NOT NULL OR {ident(column)} IS NULL)"
