"""Porting a check's SQL (written once, in DuckDB's dialect) to another engine's dialect when it is loaded.

A check is written in one SQL text, DuckDB's. For a second engine (Spark SQL) it is *ported* when it is
loaded: ``port(sql)`` parses the DuckDB text with sqlglot, applies the few transforms below, and
generates the Spark SQL. What cannot be ported mechanically is never guessed at: it is a *leftover*
(the construct and the reason), and a ported query with any leftover is not executable. A check whose
SQL has leftovers must become an ``error`` result carrying the reasons, never a pass.

Transforms (DuckDB → Spark SQL):

* ``$name`` parameters → Spark named parameters ``:name`` (``spark.sql(text, args={...})``); ``?``
  positional parameters stay ``?``.
* ``regexp_full_match(x, 'p')`` → ``x RLIKE '^(?:p)$'`` (a non-literal pattern is wrapped with
  ``concat``). Spark's ``$`` (Java) also matches before a final line break; an anchor that cannot is
  ``\\z``, which is what is generated (``'^(?:p)\\\\z'`` in Spark's escaped literal).
* ``to_years(n)``, ``to_months(n)``, ``to_weeks(n)``, ``to_days(n)`` and ``INTERVAL n YEAR|MONTH|WEEK|DAY``
  → ``make_interval(years, months, weeks, days)``: a calendar interval, added in the session time
  zone as DuckDB adds calendar units to a TIMESTAMPTZ (Spark's ``INTERVAL '4' DAY`` would be exactly
  96 hours, an hour off across a daylight-saving change). Hours, minutes and seconds are exact in both
  and stay ``INTERVAL`` literals.
* ``error(message)`` → ``raise_error(message)``.
* ``WITH x AS MATERIALIZED (...)`` → ``WITH x AS (...)`` (a planning hint: the result is the same).
* ``regexp_replace(s, p, r, 'g')`` stays (sqlglot drops the ``'g'``; Spark replaces every match).

Strictness. sqlglot passes through what it does not know (a function as ``exp.Anonymous``, an ASOF
join as a join "method"), and its "no warnings" verdict has passed queries that still failed on
Spark. So every function of the ported tree must be in ``SPARK_FUNCTIONS``, an explicit allow-list
of functions known to exist in Spark SQL with the same meaning as in DuckDB (for the arguments the
transforms admit), and the generated text must name the Spark function listed there; every cast's
type must be in ``SPARK_TYPES``. The loader's macros (``retention_due_at`` ...) are allowed: the Spark
backend defines them from the same bodies. Anything else is a leftover: an unknown function, ``ASOF JOIN``, ``* EXCLUDE``,
``regexp_replace`` without ``'g'`` (DuckDB replaces the first match only), one CTE name in two nested WITHs, an ``strftime`` format with
a specifier not mapped here, DuckDB's catalogue (``information_schema``, ``duckdb_tables()``), and any
statement that is not a query (DDL and DML are backend operations: ``Backend.register``, ``map_values``).

A ``<id>.spark.sql`` file beside a check's ``<id>.sql`` is the last resort for a check that cannot be
ported (an ASOF join, say): ``port_check(check)`` uses its text, as Spark SQL, for the check's query
instead of porting the DuckDB text (its header's ``population`` and ``shared`` SQL are still ported).
The file holds only the query (no header), written against the same relations and ``:name`` parameters,
and must return the same columns; the DuckDB text stays the reference.

Python checks build their SQL at run time: there is nothing to port when they load; a backend ports
each query it is given (``port`` is cached), and tests/test_portability.py ports the SQL the Python
checks run on the bundled sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from audit_lib.loader.declaration_tables import MACRO_SIGNATURES

if TYPE_CHECKING:
    from audit_lib.checks.spec import Check

DIALECTS = ("spark",)
SPARK_SUFFIX = ".spark.sql"


@dataclass(frozen=True)
class Leftover:
    """A construct the port could not carry over, and why."""

    construct: str
    reason: str

    def __str__(self) -> str:
        return f"{self.construct}: {self.reason}"


@dataclass(frozen=True)
class PortedQuery:
    """A query in the target dialect, and what could not be ported (then it must not run)."""

    source: str
    sql: str | None
    dialect: str = "spark"
    leftovers: tuple[Leftover, ...] = ()
    # Where the text came from: "ported" from the DuckDB text, or "override" (a <id>.spark.sql file).
    origin: str = "ported"

    @property
    def executable(self) -> bool:
        """True only for a port with no leftover."""
        return self.sql is not None and not self.leftovers

    @property
    def reason(self) -> str:
        """The leftovers in one sentence (for a check's ``error`` result)."""
        return "; ".join(str(item) for item in self.leftovers)


@dataclass(frozen=True)
class PortedCheck:
    """A check's SQL ported: its query, population and shared results (name -> port); none for a
    Python check (``dynamic``: its SQL is ported when it runs)."""

    check_id: str
    queries: dict[str, PortedQuery] = field(default_factory=dict)
    dynamic: bool = False

    @property
    def leftovers(self) -> list[tuple[str, Leftover]]:
        """(part, leftover) over every part."""
        return [(part, item) for part, query in self.queries.items() for item in query.leftovers]

    @property
    def executable(self) -> bool:
        """True when every part ported without leftover."""
        return all(query.executable for query in self.queries.values())

    @property
    def reason(self) -> str:
        """Why the check cannot run on the target engine ('' when it can)."""
        return "; ".join(f"{part}: {item}" for part, item in self.leftovers)


# sqlglot expression → the Spark function its generated text must call (None: syntax, not a call, e.g.
# CASE, CAST, AND). Only functions whose Spark meaning is DuckDB's for the forms the checks use: a new
# function is added here after checking Spark's documentation (https://spark.apache.org/docs/latest/
# api/sql/), never because sqlglot renders it. Spark 4.0 or later (LISTAGG, ANY_VALUE).
SPARK_FUNCTIONS: dict[str, str | None] = {
    # Syntax and predicates.
    "And": None, "Or": None, "Xor": None, "Case": None, "Cast": None, "TryCast": None, "Exists": None,
    "If": "IF", "Coalesce": "COALESCE", "Nullif": "NULLIF", "Greatest": "GREATEST", "Least": "LEAST",
    # Aggregates (nulls ignored in both).
    "Count": "COUNT", "Sum": "SUM", "Min": "MIN", "Max": "MAX", "Avg": "AVG", "AnyValue": "ANY_VALUE",
    "LogicalOr": "BOOL_OR", "LogicalAnd": "BOOL_AND", "ArgMax": "MAX_BY", "ArgMin": "MIN_BY",
    "BitwiseOrAgg": "BIT_OR", "BitwiseAndAgg": "BIT_AND",
    # string_agg(x, sep [ORDER BY ...]): Spark 4's LISTAGG(x, sep) WITHIN GROUP (ORDER BY ...).
    "GroupConcat": "LISTAGG",
    # Windows.
    "RowNumber": "ROW_NUMBER", "FirstValue": "FIRST_VALUE", "LastValue": "LAST_VALUE", "Lag": "LAG",
    "Lead": "LEAD", "Rank": "RANK", "DenseRank": "DENSE_RANK",
    # Text (lengths in characters in both; trim strips spaces in both).
    "Length": "LENGTH", "Lower": "LOWER", "Upper": "UPPER", "Trim": None, "Replace": "REPLACE",
    "Substring": "SUBSTRING", "ConcatWs": "CONCAT_WS", "Concat": "CONCAT", "Contains": "CONTAINS",
    "StartsWith": "STARTSWITH", "EndsWith": "ENDSWITH", "SplitPart": "SPLIT_PART", "Left": "LEFT",
    "Right": "RIGHT", "Lpad": "LPAD", "Rpad": "RPAD",
    # string_split(s, sep): sqlglot quotes sep as a literal regex (SPLIT(s, CONCAT('\\Q', sep, '\\E'))).
    "Split": "SPLIT",
    # Regular expressions: partial match in both (RE2 and Java agree on the classes, groups and
    # quantifiers the checks use); regexp_full_match is rewritten to RLIKE, see above.
    "RegexpLike": None, "RegexpReplace": "REGEXP_REPLACE",
    # Lists.
    "Array": "ARRAY", "ArrayContains": "ARRAY_CONTAINS", "ArrayFilter": "FILTER", "ArrayToString": "ARRAY_JOIN",
    "ArraySize": "SIZE", "Struct": "STRUCT", "Explode": "EXPLODE", "Unnest": None,
    # Numbers.
    "Abs": "ABS", "Round": "ROUND", "Floor": "FLOOR", "Ceil": "CEIL", "Mod": None, "BitCount": "BIT_COUNT",
    # Time: strftime's format is checked below; date_trunc in the session time zone in both.
    "TimeToStr": "DATE_FORMAT", "TimestampTrunc": "DATE_TRUNC", "CurrentDate": None,
    # year() of an instant in the session time zone, make_date(y, m, d) a calendar date, in both.
    "Year": "YEAR", "DateFromParts": "MAKE_DATE",
    # Made by the transforms above.
    "Anonymous:bit_count": "BIT_COUNT",
    "Anonymous:make_interval": "MAKE_INTERVAL", "Anonymous:raise_error": "RAISE_ERROR",
}
# The loader's macros (retention_due_at ...): a backend defines them as its own functions from the
# same bodies (audit_lib/backends/spark_backend.py define_functions), so a check may call them.
SPARK_FUNCTIONS.update({f"Anonymous:{name}": name.upper() for name in MACRO_SIGNATURES})
# Types a CAST may name, as sqlglot's DataType.Type: TIMESTAMPTZ is Spark's TIMESTAMP (local time zone);
# DuckDB's TIMESTAMP is Spark's TIMESTAMP_NTZ. Unsigned and 128-bit integers have no Spark type.
SPARK_TYPES = {"VARCHAR", "TEXT", "CHAR", "BOOLEAN", "BIGINT", "INT", "SMALLINT", "TINYINT", "DOUBLE", "FLOAT",
               "DECIMAL", "DATE", "TIMESTAMPTZ", "TIMESTAMP", "ARRAY", "STRUCT", "INTERVAL"}
# strftime specifiers with the same meaning in Spark's DATE_FORMAT, as sqlglot maps them.
STRFTIME_SPECIFIERS = {"%Y", "%m", "%d", "%H", "%M", "%S", "%%"}
# Relations of DuckDB's own catalogue: no other engine has them.
_DUCKDB_CATALOGUE = re.compile(r"^(information_schema|pg_catalog|duckdb_\w+|sqlite_\w+|pragma_\w+)$", re.I)
_INTERVAL_UNITS = {"YEAR": 0, "YEARS": 0, "MONTH": 1, "MONTHS": 1, "WEEK": 2, "WEEKS": 2, "DAY": 3, "DAYS": 3}
_TO_UNITS = {"to_years": 0, "to_months": 1, "to_weeks": 2, "to_days": 3}
_CALL = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def port(sql: str, dialect: str = "spark") -> PortedQuery:
    """``sql`` (DuckDB's dialect) in ``dialect``, with what could not be ported as leftovers."""
    if dialect not in DIALECTS:
        raise ValueError(f"unknown dialect {dialect!r}; one of {', '.join(DIALECTS)}")
    return _port(sql, dialect)


def port_expression(expression: str, dialect: str = "spark") -> PortedQuery:
    """One SQL expression (DuckDB's dialect) in ``dialect``: ``sql`` is the bare expression, so that
    the loader's own expressions (its casts, its macros' bodies) are written once, in DuckDB's SQL."""
    ported = port(f"SELECT {expression} AS value", dialect)
    if ported.sql is None:
        return PortedQuery(expression, None, dialect, ported.leftovers)
    bare = re.sub(r"(?is)^\s*SELECT\s+(.*)\s+AS\s+value\s*$", r"\1", ported.sql)
    return PortedQuery(expression, bare, dialect, ported.leftovers)


@lru_cache(maxsize=4096)
def _port(sql: str, dialect: str) -> PortedQuery:
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except SqlglotError as exc:
        return PortedQuery(sql, None, dialect, (Leftover("query", f"does not parse as DuckDB SQL: {exc}"),))
    if len(statements) != 1:
        return PortedQuery(sql, None, dialect, (Leftover("query", f"{len(statements)} statements, not one query"),))
    tree = statements[0]
    leftovers: list[Leftover] = []
    if not isinstance(tree, exp.Query):
        leftovers.append(Leftover(type(tree).__name__.upper(), "not a query: DDL and DML are backend operations "
                                  "(register, map_values), not check SQL"))
    tree = tree.transform(_transform, leftovers)
    leftovers += _unknown(tree)
    names = [cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)]
    for name in sorted({n for n in names if names.count(n) > 1}):
        leftovers.append(Leftover(f"WITH {name}", "one CTE name used twice (in nested WITHs): Spark lifts them to "
                                  "one WITH, where they clash; name each once"))
    try:
        text = tree.sql(dialect=dialect, unsupported_level=ErrorLevel.RAISE)
    except SqlglotError as exc:
        leftovers.append(Leftover("query", f"sqlglot cannot write it as {dialect}: {exc}"))
        text = None
    return PortedQuery(sql, text, dialect, tuple(dict.fromkeys(leftovers)))


def _snippet(node: exp.Expression, limit: int = 80) -> str:
    text = " ".join(node.sql(dialect="duckdb").split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _make_interval(slot: int, value: exp.Expression) -> exp.Expression:
    args: list[exp.Expression] = [exp.Literal.number(0) for _ in range(slot)] + [value]
    return exp.Anonymous(this="make_interval", expressions=args)


def _transform(node: exp.Expression, leftovers: list[Leftover]) -> exp.Expression:
    """One node rewritten for Spark (leftovers noted as found)."""
    if isinstance(node, exp.Placeholder) and node.name not in ("", "?") and not node.name.isidentifier():
        leftovers.append(Leftover(_snippet(node), "a parameter name Spark cannot bind"))
    if isinstance(node, exp.CTE) and node.args.get("materialized") is not None:
        node.set("materialized", None)
    if isinstance(node, exp.Join) and (node.args.get("method") or "").upper() in {"ASOF", "POSITIONAL"}:
        method = node.args["method"].upper()
        leftovers.append(Leftover(f"{method} JOIN {_snippet(node.this, 40)}", f"Spark SQL has no {method} JOIN: rewrite "
                                  "it (a window over a join) or write a .spark.sql beside the check"))
    if isinstance(node, exp.Star) and any(node.args.get(k) for k in ("except_", "except", "replace", "rename")):
        leftovers.append(Leftover("* EXCLUDE/REPLACE", "Apache Spark SQL has no star modifiers: name the columns"))
    if isinstance(node, exp.Table) and (_DUCKDB_CATALOGUE.match(node.name or "") or
                                        _DUCKDB_CATALOGUE.match(node.args.get("db") and node.db or "")):
        leftovers.append(Leftover(_snippet(node), "DuckDB's own catalogue: ask the backend (relations()) instead"))
    if isinstance(node, exp.RegexpFullMatch):
        if len([a for k, a in node.args.items() if a is not None and k not in ("this", "expression")]):
            leftovers.append(Leftover(_snippet(node), "regexp_full_match with options"))
            return node
        return exp.RegexpLike(this=node.this, expression=_anchored(node.expression))
    if isinstance(node, exp.RegexpReplace):
        modifiers = node.args.get("modifiers")
        replacement = node.args.get("replacement")
        if not (isinstance(modifiers, exp.Literal) and modifiers.is_string and set(modifiers.this) <= {"g"}
                and "g" in modifiers.this):
            leftovers.append(Leftover(_snippet(node), "DuckDB's regexp_replace replaces the first match only "
                                      "(Spark's every match): pass 'g' where every match is meant"))
        elif not (isinstance(replacement, exp.Literal) and replacement.is_string
                  and not set(replacement.this) & {"\\", "$"}):
            leftovers.append(Leftover(_snippet(node), "a replacement with group references (\\1 in DuckDB, $1 in "
                                      "Spark) or not a literal"))
        return node
    if isinstance(node, exp.ToDays):
        return _make_interval(3, node.this)
    if isinstance(node, exp.Anonymous) and node.name.lower() in _TO_UNITS and len(node.expressions) == 1:
        return _make_interval(_TO_UNITS[node.name.lower()], node.expressions[0])
    if isinstance(node, exp.Anonymous) and node.name.lower() == "error" and len(node.expressions) == 1:
        return exp.Anonymous(this="raise_error", expressions=list(node.expressions))
    if isinstance(node, exp.Interval):
        unit = (node.unit.name if node.unit is not None else "").upper()
        if unit in _INTERVAL_UNITS:
            value = node.this
            if isinstance(value, exp.Literal) and value.is_string and re.fullmatch(r"-?\d+", value.this.strip()):
                value = exp.Literal.number(int(value.this))
            return _make_interval(_INTERVAL_UNITS[unit], value)
        if unit not in {"HOUR", "HOURS", "MINUTE", "MINUTES", "SECOND", "SECONDS"}:
            leftovers.append(Leftover(_snippet(node), "an interval not in one unit (write INTERVAL n DAY, to_months(n), ...)"))
    if isinstance(node, exp.TimeToStr):
        fmt = node.args.get("format")
        specifiers = set(re.findall(r"%.", fmt.this)) if isinstance(fmt, exp.Literal) and fmt.is_string else None
        if specifiers is None or specifiers - STRFTIME_SPECIFIERS:
            leftovers.append(Leftover(_snippet(node), "strftime format not mapped to Spark's DATE_FORMAT (literal "
                                      f"formats of {' '.join(sorted(STRFTIME_SPECIFIERS))} only)"))
    return node


def _anchored(pattern: exp.Expression) -> exp.Expression:
    """``pattern`` as a whole-string match for Java's regex (``\\z``: the very end, not before a final newline)."""
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        return exp.Literal.string(f"^(?:{pattern.this})\\z")
    return exp.Concat(expressions=[exp.Literal.string("^(?:"), pattern, exp.Literal.string(")\\z")])


def _unknown(tree: exp.Expression) -> list[Leftover]:
    """Functions and types not in the allow-lists, and functions Spark's text does not name as listed."""
    found = []
    for node in tree.find_all(exp.Func):
        if isinstance(node, (exp.Binary, exp.Unary)) and not isinstance(node, (exp.And, exp.Or)):
            continue  # operators (a + b, NOT a) are not calls
        key = f"Anonymous:{node.name.lower()}" if isinstance(node, exp.Anonymous) else type(node).__name__
        name = node.name if isinstance(node, exp.Anonymous) else key
        if key not in SPARK_FUNCTIONS:
            found.append(Leftover(f"{name}()" if isinstance(node, exp.Anonymous) else _snippet(node, 60),
                                  "a function not known to exist in Spark SQL with the same meaning (not in "
                                  "SPARK_FUNCTIONS)"))
            continue
        expected = SPARK_FUNCTIONS[key]
        if expected is not None:
            try:
                called = _CALL.match(node.sql(dialect="spark"))
            except SqlglotError:
                called = None
            if not called or called.group(1).upper() != expected:
                found.append(Leftover(_snippet(node, 60), f"sqlglot no longer writes it as Spark's {expected}()"))
    for node in tree.find_all(exp.DataType):
        if node.this.name not in SPARK_TYPES:
            found.append(Leftover(f"type {node.sql(dialect='duckdb')}", "no Spark SQL type with the same meaning"))
    return found


def port_check(check: "Check", dialect: str = "spark") -> PortedCheck:
    """The check's SQL ported: its query (from ``<id>.spark.sql`` beside it when there is one), its
    population and its shared results. A Python check has none (``dynamic``)."""
    queries: dict[str, PortedQuery] = {}
    if check.sql is not None:
        override = spark_override(check)
        if override is not None and dialect == "spark":
            queries["query"] = _override(override)
        else:
            queries["query"] = port(check.sql, dialect)
    if check.meta.population:
        queries["population"] = port(check.meta.population, dialect)
    for name, sql in shared_sql(check).items():
        queries[f"shared:{name}"] = (port(sql, dialect) if sql is not None else PortedQuery(
            "", None, dialect, (Leftover(f"shared {name}", "no such shared result (audit_lib/checks/shared.py)"),)))
    return PortedCheck(check.id, queries, dynamic=check.sql is None)


def shared_sql(check: "Check") -> dict[str, str | None]:
    """The SQL of the shared results the check's header names: a mapping name -> SQL in the header, or
    names of ``audit_lib/checks/shared.py``'s ``SHARED_SQL`` (None for a name it does not define)."""
    shared = check.meta.shared
    if isinstance(shared, dict):
        return dict(shared)
    from audit_lib.checks import shared as definitions

    return {name: getattr(definitions, "SHARED_SQL", {}).get(name) for name in shared}


def spark_override(check: "Check") -> Path | None:
    """The ``<id>.spark.sql`` beside a SQL check, if there is one."""
    path = Path(check.source).with_name(check.id + SPARK_SUFFIX)
    return path if check.sql is not None and path.is_file() else None


def _override(path: Path) -> PortedQuery:
    text = path.read_text(encoding="utf-8").strip().rstrip(";")
    try:
        statements = [s for s in sqlglot.parse(text, read="spark") if s is not None]
    except SqlglotError as exc:
        return PortedQuery(text, None, "spark", (Leftover(path.name, f"does not parse as Spark SQL: {exc}"),), "override")
    if len(statements) != 1 or not isinstance(statements[0], exp.Query):
        return PortedQuery(text, None, "spark", (Leftover(path.name, "not one query"),), "override")
    return PortedQuery(text, text, "spark", (), "override")
