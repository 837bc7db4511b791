"""SQL reading amounts and counts exactly: the decimal separator told or unambiguous, nothing rounded to fit.

Text is read by a small grammar, after blanks (space, NBSP, narrow NBSP) and the euro sign are dropped:

- with ``decimal_separator`` declared, the other of ',' and '.' may only group thousands (digits in
  threes: ``1.234,50`` with ','); a value where it stands elsewhere (``1.5`` with ',') reads as a
  number only the other way round, so it is ``ambiguous_number``, not 15;
- without one, the separator that comes last is the decimal one (``1.234,50``, ``1,234.50``), one
  kind repeated groups thousands (``1.234.567``), and a single separator before exactly three digits
  (``1.234``, ``12,345``) may be either: ``ambiguous_number``;
- machine notation with an exponent (``1.5E3``) is read as such; nothing else is a number (no
  ``1_000``, no ``0x10``, which DuckDB's cast alone would take).

The value is then compared exactly (in DECIMAL(38,18)) with the field's type: more decimals than
it holds (``12,345`` or ``0,005`` as an amount, ``2.5`` as a count) are ``precision_loss``, never
rounded. Typed columns (Parquet decimals, JSON and XLSX numbers) are compared the same way; a
binary float is taken as the decimal it is written as (0.30000000000000004 is 0.30).
"""

from __future__ import annotations

import re

from audit_lib.sql import literal
from audit_lib.vocabulary import QuarantineReason

AMBIGUOUS_NUMBER = QuarantineReason.AMBIGUOUS_NUMBER
PRECISION_LOSS = QuarantineReason.PRECISION_LOSS
BAD_NUMBER = QuarantineReason.BAD_NUMBER

_BLANKS = r"[\s\x{00a0}\x{202f}€]"
# Exact to 18 decimals, 20 integer digits: wider than any field, so comparing in it loses nothing.
_WIDE = "DECIMAL(38,18)"
_SIGN = "[-+]?"
_EXPONENT = r"[-+]?(\d+\.?\d*|\.\d+)[eE][-+]?\d+"
_AMBIGUOUS = _SIGN + r"[1-9]\d{0,2}[.,]\d{3}"
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                  "UBIGINT", "UHUGEINT"}
_FLOAT_TYPES = {"FLOAT", "REAL", "DOUBLE"}
# A binary float is taken at the decimal it stands for when it lies this close to it (relative).
_FLOAT_TOLERANCE = "1e-9"


def _grouped(separator: str) -> str:
    """RE2 for an integer part: plain digits, or digits in threes split by ``separator`` (escaped)."""
    return rf"(\d+|\d{{1,3}}({separator}\d{{3}})+)"


def _shape(target: str) -> tuple[int, int]:
    """(integer digits, decimals) that ``target`` (DECIMAL(p,s) or BIGINT) holds."""
    found = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", target)
    if found:
        precision, scale = int(found.group(1)), int(found.group(2))
        return precision - scale, scale
    return 18, 0


def _full(value_sql: str, pattern: str) -> str:
    return f"regexp_full_match({value_sql}, {literal(pattern)})"


def _compact(text_sql: str) -> str:
    return f"regexp_replace({text_sql}, {literal(_BLANKS)}, '', 'g')"


def _normalised(compact: str, decimal_separator: str | None) -> str:
    """SQL of ``compact`` as a plain number with '.' decimals, NULL when it is no number under the
    export's separators (or, without one declared, when it can be read two ways)."""
    comma_decimal = _SIGN + _grouped(r"\.") + r"?,\d*"
    dot_decimal = _SIGN + _grouped(",") + r"?\.\d*"
    comma_decimal_number = f"replace(replace({compact}, '.', ''), ',', '.')"
    dot_decimal_number = f"replace({compact}, ',', '')"
    if decimal_separator == ",":
        cases = [(_SIGN + _grouped(r"\.") + r"?(,\d*)?", comma_decimal_number)]
    elif decimal_separator == ".":
        cases = [(_SIGN + _grouped(",") + r"?(\.\d*)?", dot_decimal_number)]
    else:
        grouped_integer = _SIGN + r"(\d+|\d{1,3}((\.\d{3})+|(,\d{3})+))"
        cases = [(comma_decimal, comma_decimal_number), (dot_decimal, dot_decimal_number),
                 (grouped_integer, f"replace(replace({compact}, '.', ''), ',', '')")]
    whens = " ".join(f"WHEN {_full(compact, pattern)} THEN {number}" for pattern, number in cases)
    ambiguous = f"WHEN {_full(compact, _AMBIGUOUS)} THEN NULL " if decimal_separator is None else ""
    return f"CASE {ambiguous}{whens} WHEN {_full(compact, _EXPONENT)} THEN {compact} END"


def number_sql(column_sql: str, text_sql: str, target: str, source_type: str,
               decimal_separator: str | None) -> str:
    """SQL giving ``column_sql`` as ``target`` (DECIMAL(p,s) or BIGINT) exactly, NULL when it is no
    number, is ambiguous or does not fit without rounding; ``text_sql`` is its trimmed text."""
    digits, scale = _shape(target)
    source = source_type.upper()
    if source != "VARCHAR":
        return _typed_number_sql(column_sql, target, source, scale)
    # Most values have a plain form that needs no grammar: one test, one cast.
    separator = {",": ",", ".": r"\."}.get(decimal_separator or "", "[.,]")
    fast = "-?" + rf"\d{{1,{digits}}}" + (rf"({separator}\d{{1,{scale}}})?" if scale else "")
    wide = f"TRY_CAST({_normalised(_compact(text_sql), decimal_separator)} AS {_WIDE})"
    exact = f"CASE WHEN {wide} = round({wide}, {scale}) THEN TRY_CAST({wide} AS {target}) END"
    return (f"CASE WHEN {text_sql} IS NULL THEN NULL WHEN {_full(text_sql, fast)} "
            f"THEN TRY_CAST(replace({text_sql}, ',', '.') AS {target}) ELSE {exact} END")


def _typed_number_sql(column_sql: str, target: str, source: str, scale: int) -> str:
    found = re.fullmatch(r"DECIMAL\((\d+),\s*(\d+)\)", source)
    if found and int(found.group(2)) > scale:
        return f"CASE WHEN {column_sql} = round({column_sql}, {scale}) THEN TRY_CAST({column_sql} AS {target}) END"
    if source in _FLOAT_TYPES:
        rounded = f"round({column_sql}, {scale})"
        return (f"CASE WHEN abs({column_sql} - {rounded}) <= {_FLOAT_TOLERANCE} * greatest(1, abs({column_sql})) "
                f"THEN TRY_CAST({rounded} AS {target}) END")
    return f"TRY_CAST({column_sql} AS {target})"


def failures(column: str, column_sql: str, text_sql: str, field: str, target: str, source_type: str,
             decimal_separator: str | None) -> list[tuple[str, str, str]]:
    """Why a number of ``column`` failed, most specific first, as (SQL condition, SQL reason, code); for
    rows whose typed value is NULL and text is not (the generic ``bad_number`` comes after these)."""
    digits, scale = _shape(target)
    source = source_type.upper()
    fraction = (f"more decimals than {field} keeps ({scale}) in column {column}, not rounded" if scale
                else f"a fraction in the whole-number column {column}, not rounded")
    if source != "VARCHAR":
        if not (source in _FLOAT_TYPES or source.startswith("DECIMAL")):
            return []
        fits_rounded = f"TRY_CAST(round({column_sql}, {scale}) AS {target}) IS NOT NULL"
        return [(fits_rounded, literal(fraction), PRECISION_LOSS)]
    compact = _compact(text_sql)
    if decimal_separator is None:
        ambiguous = _full(compact, _AMBIGUOUS)
        why = (f"ambiguous number in column {column}: one '.' or ',' before three digits may group thousands or "
               "mark decimals; declare options.decimal_separator in exports.yaml")
    else:
        other = "." if decimal_separator == "," else ","
        declared = _full(compact, _SIGN + _grouped(re.escape(other)) + rf"?({re.escape(decimal_separator)}\d*)?")
        swapped = _full(compact, _SIGN + _grouped(re.escape(decimal_separator)) + rf"?({re.escape(other)}\d*)?")
        ambiguous = f"(NOT {declared} AND {swapped})"
        why = (f"number in column {column} with '{other}' where this export's thousands separator cannot stand "
               f"(decimal_separator '{decimal_separator}' in exports.yaml), so it may be a decimal separator")
    wide = f"TRY_CAST({_normalised(compact, decimal_separator)} AS {_WIDE})"
    too_large = f"number too large for {field} (at most {digits} digits before the decimals) in column {column}"
    return [(ambiguous, literal(why), AMBIGUOUS_NUMBER),
            (f"{wide} <> round({wide}, {scale})", literal(fraction), PRECISION_LOSS),
            (f"{wide} IS NOT NULL", literal(too_large), BAD_NUMBER)]
