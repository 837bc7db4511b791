"""SQL expressions that turn an export column into a canonical field, and say why a value fails."""

from __future__ import annotations

from dataclasses import dataclass

from audit_lib.declaration.exports import PLAUSIBLE_YEARS
from audit_lib.loader import numbers
from audit_lib.loader.timezones import instant_sql
from audit_lib.roles import BOOLEAN, DECIMAL, INTEGER, TEXT, TIMESTAMP
from audit_lib.sql import ident, literal
from audit_lib.vocabulary import QuarantineReason

TRUE_VALUES = ["true", "t", "1", "yes", "y", "kyllä", "k", "x", "on", "tosi"]
FALSE_VALUES = ["false", "f", "0", "no", "n", "ei", "off", "epätosi"]
# Finnish spreadsheet forms first; ISO forms are tried by a plain cast before these.
TIMESTAMP_FORMATS = ["%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y klo %H.%M", "%d.%m.%Y %H.%M",
                     "%d.%m.%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y"]
# A time of day followed by an offset or a zone name: read as an instant (TIMESTAMPTZ). The time
# is required: "2026-07-01" would otherwise end in the "offset" -01 and be read in the session's
# zone, not the export's; and a trailing word must not reach DuckDB's naive cast, which drops it
# ("10:00 EST", "10:00 PM" as 10:00).
_OFFSET = r"\d:\d\d(:\d\d(\.\d+)?)?(\s?(Z|z|[+-]\d\d(:?\d\d)?)|\s+[A-Za-z][\w/+-]*)$"
# The name a parsed timestamp is bound to inside one expression (see _timestamp_sql).
_BOUND = "regaudit_parsed"
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
    # The first and last year a date or time may fall in (options.plausible_years).
    years: tuple[int, int] = PLAUSIBLE_YEARS

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

    Only for the plain forms that the loader's own cast reads the same way: ISO timestamps with a
    four-digit year (tried first by cast_expression too; the plausible years are tested on what the
    reader gives), plain numbers with no more decimals than the field keeps (not where ',' is the
    decimal separator: there "1.50" is no such number), and the reader's booleans that the export's
    true/false values give the same meaning. A value further down that the reader cannot cast makes
    the loader read the file again with its own casts (see load.py), so the outcome never depends on it.
    """
    if spec.values or spec.vocabulary:
        return None
    if spec.target == TIMESTAMP:
        return NativeCast("TIMESTAMP", r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?)?")
    if spec.target == DECIMAL and spec.decimal_separator != ",":
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
        return _timestamp_sql(col, spec)
    if spec.target == BOOLEAN:
        if source == "BOOLEAN":
            return col
        lowered = f"lower({text})"
        return (f"CASE WHEN list_contains({_list([v.lower() for v in spec.true_values])}, {lowered}) THEN true "
                f"WHEN list_contains({_list([v.lower() for v in spec.false_values])}, {lowered}) THEN false END")
    if spec.target in (DECIMAL, INTEGER):
        return numbers.number_sql(col, text, spec.target, source, spec.decimal_separator)
    raise ValueError(f"no cast to {spec.target}")


def _window_sql(value_sql: str, years: tuple[int, int], zoned: bool) -> str:
    """SQL true where timestamp ``value_sql`` falls in ``years`` (naive: local years; with a zone: UTC's)."""
    kind, zone = ("TIMESTAMPTZ", "+00") if zoned else ("TIMESTAMP", "")
    first, last = years
    return (f"{value_sql} BETWEEN {kind} '{first:04d}-01-01 00:00:00{zone}' "
            f"AND {kind} '{last:04d}-12-31 23:59:59.999999{zone}'")


def _local_text_sql(text: str, spec: CastSpec) -> str:
    """The naive timestamp of a text: ISO first, then the export's formats.

    DuckDB's ISO cast is given only a text that begins and ends with a digit: it drops a word
    after the time. Neither is given a text without a digit: both take the word "epoch" as
    1970-01-01 (and the cast "infinity"), whatever the format says.
    """
    iso = (f"CASE WHEN left({text}, 1) BETWEEN '0' AND '9' AND right({text}, 1) BETWEEN '0' AND '9' "
           f"THEN TRY_CAST({text} AS TIMESTAMP) END")
    return (f"CASE WHEN regexp_matches({text}, '[0-9]') THEN coalesce({iso}, try_strptime({text}, "
            f"{_list(spec.timestamp_formats)})) END")


def _timestamp_sql(col: str, spec: CastSpec) -> str:
    """``col`` as an instant, NULL unless it parses and falls in the plausible years.

    Every path is tested, whatever reads the value: typed columns (Parquet, the CSV reader's own
    cast), ISO text with or without an offset, and the export's formats. DuckDB takes one to four
    digits for %Y and for an ISO year ("05.01.19" is the 5th of January of the year 19), so the
    window, whose years have four digits (checked in exports.py), is what refuses a short year.
    """
    source = spec.source_type.upper()
    if source == "TIMESTAMP WITH TIME ZONE":
        return f"CASE WHEN {_window_sql(col, spec.years, True)} THEN {col} END"
    if source.startswith("TIMESTAMP") or source == "DATE":
        local = f"CAST({col} AS TIMESTAMP)"
        return f"CASE WHEN {_window_sql(local, spec.years, False)} THEN {instant_sql(local, spec.timezone)} END"
    text = text_sql(col)
    # The parsed value is bound once (a one-element list and a lambda: DuckDB's let): the window and
    # instant_sql name it a dozen times, and DuckDB would parse the text again for each.
    zoned = (f"list_transform([TRY_CAST({text} AS TIMESTAMPTZ)], lambda {_BOUND}: CASE WHEN "
             f"{_window_sql(_BOUND, spec.years, True)} THEN {_BOUND} END)[1]")
    local = (f"list_transform([{_local_text_sql(text, spec)}], lambda {_BOUND}: CASE WHEN "
             f"{_window_sql(_BOUND, spec.years, False)} THEN {instant_sql(_BOUND, spec.timezone)} END)[1]")
    # A text with an offset or zone name that is no instant may still match one of the export's
    # formats (one with %p, say): the naive reading follows.
    return (f"CASE WHEN {text} IS NULL THEN NULL WHEN regexp_matches({text}, {literal(_OFFSET)}) "
            f"THEN coalesce({zoned}, {local}) ELSE {local} END")


def _parsed_year_sql(col: str, spec: CastSpec) -> str:
    """SQL of the year ``col`` reads as, plausible or not (NULL when it does not parse at all)."""
    source = spec.source_type.upper()
    if source == "TIMESTAMP WITH TIME ZONE" or source.startswith("TIMESTAMP") or source == "DATE":
        return f"year({col})"
    text = text_sql(col)
    local = f"year({_local_text_sql(text, spec)})"
    return (f"CASE WHEN regexp_matches({text}, {literal(_OFFSET)}) THEN coalesce(year(TRY_CAST({text} AS "
            f"TIMESTAMPTZ)), {local}) ELSE {local} END")


def _year_failures(column: str, spec: CastSpec, text: str) -> list[tuple[str, str, str]]:
    """(condition, reason, code) of a date or time that parses but lies outside the plausible years."""
    year = _parsed_year_sql(ident(column), spec)
    first, last = spec.years
    short = (f"year before 1000 in column {column}, most likely a two-digit year read as written (regaudit "
             "never guesses the century); export four-digit years")
    outside = (f"implausible year in column {column}: outside the plausible years {first}-{last} (if it is "
               "meant, widen options.plausible_years in exports.yaml)")
    reason = f"CASE WHEN {year} < 1000 THEN {literal(short)} ELSE {literal(outside)} END"
    return [(f"{year} IS NOT NULL", reason, IMPLAUSIBLE_YEAR)]


# Stable reason codes of quarantined rows (all of them: audit_lib/vocabulary.QuarantineReason): a value
# that does not parse, per type; a date or time outside the plausible years (implausible_year); a
# number that cannot be told apart or would be rounded (numbers.py: ambiguous_number, precision_loss).
REASON_CODES = {TIMESTAMP: QuarantineReason.BAD_DATE, BOOLEAN: QuarantineReason.BAD_BOOLEAN,
                DECIMAL: numbers.BAD_NUMBER, INTEGER: numbers.BAD_NUMBER, TEXT: QuarantineReason.BAD_VALUE}
IMPLAUSIBLE_YEAR = QuarantineReason.IMPLAUSIBLE_YEAR


def failure_reason(column: str, field: str, spec: CastSpec, typed_sql: str, required: bool,
                   key: bool = False) -> tuple[str, str]:
    """SQL giving why ``column`` fails as ``field`` on a row and its reason code (both NULL when it does not).

    ``typed_sql`` is the already computed typed value (a column reference), so nothing is cast twice.
    """
    text = text_sql(ident(column))
    kind = {TIMESTAMP: "date/time", BOOLEAN: "yes/no value", DECIMAL: "number", INTEGER: "whole number",
            TEXT: "value"}[spec.target]
    # Reasons carry no value of the row (it may be a name in a shifted column): load.py keeps the
    # failing value apart, in the quarantine's ``value``, written only on explicit request.
    bad = literal(f"unparseable {kind} in column {column}")
    if spec.target == TEXT and spec.closed:
        allowed = f"the canonical values of {field}: {', '.join(spec.vocabulary)}" if spec.vocabulary else ""
        where = " or ".join(part for part in ("its values: map" if spec.values else "", allowed) if part)
        bad = literal(f"unknown value in column {column} (not in {where})")
    missing = literal(f"missing {'key ' if key else ''}{field} (column {column})")
    missing_code = literal(QuarantineReason.MISSING_KEY if key else QuarantineReason.MISSING_VALUE)
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
    # The specific failures first (a year outside the window, an ambiguous or rounded number), then
    # the generic one; worded only for the rows that fail (see load.py).
    specific: list[tuple[str, str, str]] = []
    if spec.target == TIMESTAMP:
        specific = _year_failures(column, spec, text)
    elif spec.target in (DECIMAL, INTEGER):
        specific = numbers.failures(column, ident(column), text, field, spec.target, spec.source_type,
                                    spec.decimal_separator)
    for condition, why, failure_code in specific:
        reason += f" WHEN {text} IS NOT NULL AND {condition} THEN {why}"
        code += f" WHEN {text} IS NOT NULL AND {condition} THEN {literal(failure_code)}"
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
