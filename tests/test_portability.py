"""Every check's SQL ports to Spark SQL (audit_lib/backends/port.py), no Spark needed; and the DuckDB backend
is a thin adapter over the connection.

The SQL checks are ported as they load (query, population, shared results); the Python checks' SQL is
what they run on the bundled sample, recorded. A check not in KNOWN_UNPORTABLE must port without a
leftover, so a new check that Spark cannot run fails here when it lands; an entry that ports cleanly
again fails too (take it off the list).
"""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from typing import Any

import pyarrow as pa
import pytest
from checkkit import KEY, SAMPLE

from audit_lib.audit import run_audit
from audit_lib.backends import DuckDBBackend, canonical_relations
from audit_lib.backends.port import port, port_check
from audit_lib.backends.base import relation_columns
from audit_lib.backends.port import SPARK_FUNCTIONS, shared_sql
from audit_lib.backends.spark_backend import _CREATE_AS, _DROP
from audit_lib.loader.declaration_tables import MACRO_SIGNATURES
from audit_lib.checks.registry import catalogue
from audit_lib.checks.runner import CheckContext
from audit_lib.roles import DERIVED_RELATIONS, ROLES
from audit_lib.sql import bind

# Checks known to need a <id>.spark.sql or a rewrite before they run on Spark: id -> why. Empty: every check
# ports (consent_sent_after_withdrawal through its .spark.sql). A check that lands unportable goes here
# with its reason, and is an ``error`` on Spark until it ports.
KNOWN_UNPORTABLE: dict[str, str] = {}


@lru_cache(maxsize=1)
def _sample():
    return run_audit(None, SAMPLE / "exports.yaml", "2026-Q3", pseudonym_key=KEY, checks=())


def _params(result) -> dict[str, Any]:
    period = result.period
    return {"period_start": period.start, "period_end": period.end, "as_of": period.as_of}


class _Recording:
    """A connection that notes every SQL text it is given (the checks use it as DuckDB's)."""

    def __init__(self, con) -> None:
        self._con = con
        self.statements: list[str] = []

    paused = False

    def execute(self, sql, *args, **kwargs):
        # As the Spark connection takes them: a CREATE TEMP TABLE's query is what is ported, a DROP is
        # the backend's own (audit_lib/backends/spark_backend.py SparkConnection).
        created = _CREATE_AS.match(sql)
        if not self.paused and not _DROP.match(sql):
            self.statements.append(created.group(2) if created else sql)
        return self._con.execute(sql, *args, **kwargs)

    def columns(self, relation):
        """Column types as relation_columns gives them (a backend's catalogue, not SQL to port)."""
        return relation_columns(self._con, relation)

    def __getattr__(self, name):
        return getattr(self._con, name)


class _RecordingContext(CheckContext):
    """A check context that records the query of a shared result a check asks for (its SELECT), not the
    CREATE TABLE the context wraps it in: making the table is the backend's part."""

    def shared(self, name, build=None):
        args = (name,) if build is None else (name, build)
        if build is None:
            from audit_lib.checks import shared as definitions

            build = getattr(definitions, "SHARED_SQL", {}).get(name)
        if isinstance(build, str) and name not in self._shared:
            self.con.statements.append(build)
            self.con.paused = True
            try:
                return super().shared(*args)
            finally:
                self.con.paused = False
        return super().shared(*args)


@lru_cache(maxsize=1)
def _python_check_sql() -> dict[str, tuple[str, ...]]:
    """check id -> the SQL the Python check ran on the sample (find and population)."""
    result = _sample()
    recording = _Recording(result.con)
    context = _RecordingContext(con=recording, params=_params(result), available=result.load_report.available,
                           declaration=result.declaration)
    recorded: dict[str, tuple[str, ...]] = {}
    for check in catalogue():
        if check.sql is not None:
            continue
        try:
            recording.paused = True  # the runner's (ported from the header)
            for name, sql in shared_sql(check).items():
                context.shared(name, sql) if isinstance(check.meta.shared, dict) else context.shared(name)
            recording.paused = False
            recording.statements.clear()
            list(check.function(context))
            if check.population_function is not None:
                check.population_function(context)
            recorded[check.id] = tuple(dict.fromkeys(recording.statements))
        finally:
            context.drop_shared()
    return recorded


def _leftovers(check) -> list[str]:
    if check.sql is not None:
        return [f"{part}: {item}" for part, item in port_check(check).leftovers]
    found = [f"{sql[:60]!r}: {item}" for sql in _python_check_sql()[check.id] for item in port(sql).leftovers]
    found += [f"{part}: {item}" for part, item in port_check(check).leftovers]  # population/shared in its header
    return found


ALL = [check.id for check in catalogue()]


@pytest.mark.parametrize("check_id", ALL)
def test_check_ports_to_spark(check_id):
    check = next(c for c in catalogue() if c.id == check_id)
    leftovers = _leftovers(check)
    if check_id in KNOWN_UNPORTABLE:
        assert leftovers, f"{check_id} ports cleanly now: take it off KNOWN_UNPORTABLE"
    else:
        assert not leftovers, f"{check_id} does not port to Spark SQL:\n  " + "\n  ".join(leftovers)


def test_shared_results_port_to_spark():
    from audit_lib.checks.shared import SHARED_SQL

    assert SHARED_SQL
    for name, sql in SHARED_SQL.items():
        assert port(sql).executable, (name, port(sql).reason)


def test_known_unportable_names_checks():
    assert set(KNOWN_UNPORTABLE) <= set(ALL)


def test_python_checks_ran_sql_on_the_sample():
    # The recording saw SQL for the Python checks that read the relations (the notice checks read the
    # declaration only): guards against a recording that silently records nothing.
    recorded = _python_check_sql()
    assert recorded["consent_email_sms_without_optin"] and recorded["inventory_pii_in_free_text"]


# --- transforms: DuckDB SQL -> Spark SQL, expected text written by hand -------------------------------------------

@pytest.mark.parametrize("duckdb_sql, spark_sql", [
    ("SELECT a FROM t WHERE b >= $period_start AND b < $period_end",
     "SELECT a FROM t WHERE b >= :period_start AND b < :period_end"),
    ("SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = ?"),
    ("SELECT regexp_full_match(s, '[0-9]{5}') FROM t", "SELECT s RLIKE '^(?:[0-9]{5})\\\\z' FROM t"),
    ("SELECT regexp_full_match(s, '[a-z]+\\.fi') FROM t", "SELECT s RLIKE '^(?:[a-z]+\\\\.fi)\\\\z' FROM t"),
    ("SELECT regexp_full_match(s, p) FROM t", "SELECT s RLIKE CONCAT('^(?:', p, ')\\\\z') FROM t"),
    ("SELECT ts + to_months(m) + to_days(d) FROM t", "SELECT ts + MAKE_INTERVAL(0, m) + MAKE_INTERVAL(0, 0, 0, d) FROM t"),
    ("SELECT to_years(1), to_weeks(2) FROM t", "SELECT MAKE_INTERVAL(1), MAKE_INTERVAL(0, 0, 2) FROM t"),
    ("SELECT $as_of - INTERVAL 4 DAY, ts + INTERVAL 2 HOUR FROM t",
     "SELECT :as_of - MAKE_INTERVAL(0, 0, 0, 4), ts + INTERVAL '2' HOUR FROM t"),
    ("SELECT CASE WHEN n IS NULL THEN error('no threshold') ELSE n END FROM t",
     "SELECT CASE WHEN n IS NULL THEN RAISE_ERROR('no threshold') ELSE n END FROM t"),
    ("WITH c AS MATERIALIZED (SELECT 1 AS x) SELECT x FROM c", "WITH c AS (SELECT 1 AS x) SELECT x FROM c"),
    ("SELECT regexp_replace(s, '[0-9]', '', 'g') FROM t", "SELECT REGEXP_REPLACE(s, '[0-9]', '') FROM t"),
    ("SELECT strftime(ts, '%Y-%m-%d %H:%M') FROM t", "SELECT DATE_FORMAT(ts, 'yyyy-MM-dd HH:mm') FROM t"),
    ("SELECT 'subjects/' || s FROM t ORDER BY s", "SELECT 'subjects/' || s FROM t ORDER BY s NULLS LAST"),
])
def test_transform(duckdb_sql, spark_sql):
    ported = port(duckdb_sql)
    assert ported.leftovers == ()
    assert ported.executable
    assert ported.sql == spark_sql


# --- strictness: what is not known to mean the same in Spark is a leftover, never passed through ------------------

@pytest.mark.parametrize("duckdb_sql, construct", [
    ("SELECT my_macro(a) FROM t", "my_macro()"),                       # unknown to sqlglot: Anonymous
    ("SELECT levenshtein(a, b) FROM t", "LEVENSHTEIN"),               # known to sqlglot, not allow-listed
    ("SELECT a FROM t ASOF JOIN u ON t.k = u.k AND t.at >= u.at", "ASOF JOIN"),
    ("SELECT regexp_replace(s, '[0-9]', '') FROM t", "REGEXP_REPLACE"),  # first match only in DuckDB
    ("SELECT regexp_replace(s, '([0-9])', '\\1', 'g') FROM t", "REGEXP_REPLACE"),
    ("SELECT CAST(n AS UBIGINT) FROM t", "UBIGINT"),
    ("SELECT strftime(ts, '%d.%m.%Y %Z') FROM t", "STRFTIME"),
    ("SELECT * EXCLUDE (a) FROM t", "EXCLUDE"),
    ("SELECT count(*) FROM information_schema.tables", "information_schema"),
    ("SELECT count(*) FROM duckdb_tables()", "duckdb_tables"),
    ("CREATE TEMP TABLE x AS SELECT 1", "CREATE"),
    ("SELECT regexp_full_match(s, 'a', 'i') FROM t", "REGEXP_FULL_MATCH"),
    ("SELECT 1; SELECT 2", "query"),
    ("SELECT FROM WHERE", "query"),
])
def test_strict_leftover(duckdb_sql, construct):
    ported = port(duckdb_sql)
    assert not ported.executable
    assert any(construct.lower() in item.construct.lower() for item in ported.leftovers), ported.leftovers
    assert all(item.reason for item in ported.leftovers)


def test_allow_list_is_explicit():
    # Anonymous functions are allowed only by name (the two the transforms make, bit_count, and the loader's
    # macros, which the Spark backend defines from the same bodies).
    assert {k for k in SPARK_FUNCTIONS if k.startswith("Anonymous:")} == {
        "Anonymous:make_interval", "Anonymous:raise_error", "Anonymous:bit_count",
        *(f"Anonymous:{name}" for name in MACRO_SIGNATURES)}


def test_unknown_dialect():
    with pytest.raises(ValueError):
        port("SELECT 1", dialect="oracle")


def test_spark_sql_override(tmp_path):
    check = next(c for c in catalogue() if c.id == "consent_sent_after_withdrawal")
    source = tmp_path / check.source.name
    source.write_text(check.source.read_text(encoding="utf-8"), encoding="utf-8")
    moved = dataclasses.replace(check, source=source)
    assert not port_check(moved).executable  # the ASOF join
    (tmp_path / f"{check.id}.spark.sql").write_text("SELECT 'x' AS record_ref FROM marketing_messages "
                                                    "WHERE sent_at >= :period_start;\n", encoding="utf-8")
    ported = port_check(moved)
    assert ported.executable
    assert ported.queries["query"].origin == "override"
    assert ported.queries["query"].sql == "SELECT 'x' AS record_ref FROM marketing_messages WHERE sent_at >= :period_start"
    assert ported.queries["population"].origin == "ported"
    (tmp_path / f"{check.id}.spark.sql").write_text("DROP TABLE marketing_messages", encoding="utf-8")
    assert not port_check(moved).executable


def test_python_check_is_dynamic():
    check = next(c for c in catalogue() if c.sql is None)
    assert port_check(check).dynamic


# --- the DuckDB backend: a thin adapter -------------------------------------------------------------------------

SOME_SQL_CHECKS = ["consent_message_without_opt_out", "quality_invalid_postal_code", "rights_request_late",
                   "access_bulk_read", "inventory_undeclared_column"]


@pytest.mark.parametrize("check_id", SOME_SQL_CHECKS)
def test_duckdb_backend_runs_checks_as_the_connection(check_id):
    result = _sample()
    check = next(c for c in catalogue() if c.id == check_id)
    backend = DuckDBBackend(result.con)
    params = _params(result)
    context = CheckContext(con=result.con, params=params, available=result.load_report.available,
                           declaration=result.declaration)
    try:
        for name, sql in shared_sql(check).items():  # as the runner makes them
            context.shared(name, sql) if isinstance(check.meta.shared, dict) else context.shared(name)
        for sql in filter(None, [check.sql, check.meta.population]):
            cursor = result.con.execute(sql, bind(sql, params))
            names = [d[0] for d in cursor.description]
            expected = [dict(zip(names, row)) for row in cursor.fetchall()]
            assert backend.query(sql, params) == expected
        assert backend.query(check.sql, params), f"{check_id} finds nothing on the sample: pick a check that does"
    finally:
        context.drop_shared()


def test_duckdb_backend_missing_parameter():
    backend = DuckDBBackend(_sample().con)
    with pytest.raises(KeyError, match=r"\$as_of"):
        backend.query("SELECT $as_of AS x", {})


def test_duckdb_backend_register_and_map_values():
    import duckdb

    backend = DuckDBBackend(duckdb.connect())
    backend.register("phones", pa.table({"phone": ["040 1", "050 2", "040 1", None, "09 3"]}))
    assert backend.query("SELECT count(*) AS n FROM phones WHERE phone = $p", {"p": "040 1", "unused": 1}) == [{"n": 2}]
    batches = []

    def digits(values: pa.Array) -> list[str]:
        batches.append(len(values))
        return ["".join(ch for ch in v.as_py() if ch.isdigit()) for v in values]

    mapped = backend.map_values("phones", "phone", digits, batch_size=2)
    assert mapped.column_names == ["value", "result"]
    assert mapped.to_pylist() == [{"value": "040 1", "result": "0401"}, {"value": "050 2", "result": "0502"},
                                  {"value": "09 3", "result": "093"}]
    assert batches == [2, 1]
    with pytest.raises(ValueError):
        backend.map_values("phones", "phone", lambda values: [], batch_size=2)


def test_duckdb_backend_relations_follow_roles():
    relations = DuckDBBackend(_sample().con).relations()
    duckdb_names = {"TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE"}
    for name, role in ROLES.items():
        if name not in relations:
            continue
        assert relations[name].kind == "role"
        for f in role.fields:
            assert relations[name].columns[f.name] == duckdb_names.get(f.type, f.type), (name, f.name)
    assert {name for name in DERIVED_RELATIONS if name in relations} == {
        name for name, r in relations.items() if r.kind == "derived"}
    assert set(canonical_relations()) == set(ROLES) | set(DERIVED_RELATIONS)
