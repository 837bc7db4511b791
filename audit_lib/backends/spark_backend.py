"""The Spark backend: the checks' SQL, ported to Spark SQL, on a ``SparkSession`` (``local[N]`` or a cluster).

What it holds: the relations the loader made (role views, derived relations, ``decl_*`` tables), each
given to Spark as an Arrow table by ``ship`` (or read by Spark itself from a lake table), and the
functions the loader defines as DuckDB macros (``retention_due_at`` ...), defined here as Spark SQL
functions from the same expressions, ported (``define_functions``).

Results come back through Arrow (``DataFrame.toArrow``), never pandas and never ``collect()``: Spark's
``collect`` turns a TIMESTAMP into a naive datetime in the Python process's zone. Times come back as
DuckDB gives them: aware, in the register's zone, with the fold of an autumn hour set.

``SparkConnection`` lets a check written against a DuckDB connection (``context.con.execute(sql,
params).fetchall()``) run unchanged: it ports each statement, and the two statements a check may
issue besides a query (``CREATE [OR REPLACE] TEMP TABLE x AS query``, ``DROP TABLE IF EXISTS x``)
become a cached temporary view and its removal. Any other statement is refused, so a check that
needs more fails as an ``error`` result, with the reason.
"""

from __future__ import annotations

import os
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any, Sequence
from zoneinfo import ZoneInfo

from audit_lib.backends.base import (DEFAULT_BATCH_SIZE, Backend, Relation, ValueFunction, canonical_relations,
                                    distinct_values_sql, map_batches)
from audit_lib.backends.port import port, port_expression
from audit_lib.errors import RegauditError
from audit_lib.i18n import T_
from audit_lib.sql import bind, ident

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

DEFAULT_MASTER = "local[2]"
# Where the relations are staged as Parquet for Spark: on a cluster, a folder every executor reads.
STAGING_ENV = "REGAUDIT_SPARK_STAGING"
INSTALL_HINT = T_("install the spark extra (pip install 'regaudit[spark]') and Java 17 (apt-get install "
                  "openjdk-17-jre-headless)")

_CREATE_AS = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?TEMP(?:ORARY)?\s+TABLE\s+(\"(?:[^\"]|\"\")+\"|\w+)\s+AS\s+(.*)$",
                        re.I | re.S)
# A named parameter of Spark SQL (:name), not a cast (::type) nor a time ('12:00').
_SPARK_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_DROP = re.compile(r"^\s*DROP\s+(?:TABLE|VIEW)\s+IF\s+EXISTS\s+(\"(?:[^\"]|\"\")+\"|\w+)\s*;?\s*$", re.I)


class EngineUnavailable(RegauditError):
    """The engine asked for cannot start here (Spark without pyspark or Java, a master that does not answer)."""


class PortError(RegauditError):
    """A statement could not be ported to the engine: the check that gave it becomes an ``error``."""


def spark_session(timezone: str, master: str | None = None, app_name: str = "regaudit") -> "SparkSession":
    """A Spark session in ``timezone`` on ``master`` (default: $SPARK_MASTER, else the session ``spark-submit``
    started or one already active, else ``local[2]``). Raises EngineUnavailable with the fix when Spark cannot start."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise EngineUnavailable(T_("--engine spark: pyspark is not installed ({error}); {hint}", error=exc,
                                   hint=INSTALL_HINT)) from None
    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        # A session already running (spark-submit, a notebook on a cluster, a test's): used as it is
        # configured, in the register's zone.
        active.conf.set("spark.sql.session.timeZone", timezone)
        return active
    builder = SparkSession.builder.appName(app_name)
    chosen = master or os.environ.get("SPARK_MASTER")
    if not chosen and "spark.master" not in os.environ.get("PYSPARK_SUBMIT_ARGS", "") \
            and not os.environ.get("SPARK_ENV_LOADED"):
        chosen = DEFAULT_MASTER
    if chosen:
        builder = builder.master(chosen)
    # Only a master known to be local gets the one-machine settings (spark-submit's may be a cluster).
    local = bool(chosen) and chosen.startswith("local")
    builder = (builder.config("spark.sql.session.timeZone", timezone)
               .config("spark.sql.ansi.enabled", "true")
               # Arrow batches, not pandas, carry the results and the per-value map.
               .config("spark.sql.execution.arrow.pyspark.enabled", "true"))
    if local:
        # One machine: few shuffle partitions, no web UI to bind a port for.
        builder = (builder.config("spark.sql.shuffle.partitions", "4").config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false"))
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # Java missing, a master that does not answer
        raise EngineUnavailable(T_("--engine spark: Spark did not start on {master}: {error}; {hint}",
                                   master=chosen or T_("the spark-submit master"),
                                   error=str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                                   hint=INSTALL_HINT)) from None
    session.conf.set("spark.sql.session.timeZone", timezone)
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkBackend(Backend):
    """Checks on a Spark session: each query ported from DuckDB's dialect and run with its parameters bound."""

    dialect = "spark"

    def __init__(self, session: "SparkSession", timezone: str) -> None:
        self.session = session
        self.zone = ZoneInfo(timezone)
        self._views: set[str] = set()
        # A check's DuckDB text -> its <id>.spark.sql, which stands for it here (use_overrides).
        self.overrides: dict[str, Any] = {}
        # Folders of shipped relations (ship), removed at close.
        self.scratch: list[Any] = []

    def use_overrides(self, checks: Sequence[Any]) -> None:
        """Run the ``<id>.spark.sql`` beside a check instead of porting its DuckDB text; a broken one makes
        the check an ``error`` (PortError when it runs), never a silent fall back to the port."""
        from audit_lib.backends.port import port_check, spark_override

        for check in checks:
            if spark_override(check) is not None:
                self.overrides[check.sql] = port_check(check).queries["query"]

    def frame(self, sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> "DataFrame":
        """The DataFrame of ``sql`` (DuckDB's dialect, ported) with ``params`` bound: a dict for ``$name``
        parameters, a sequence for ``?``."""
        ported = self.overrides.get(sql) or port(sql, "spark")
        if not ported.executable:
            raise PortError(T_("not portable to Spark SQL: {reason}", reason=ported.reason))
        if isinstance(params, dict):
            names = (set(_SPARK_PARAMETER.findall(ported.sql)) if ported.origin == "override"
                     else set(bind(sql, params)))
            missing = names - set(params)
            if missing:
                raise KeyError(f"no value for parameter(s) {', '.join(sorted(missing))}")
            # An aware time is bound as the instant it is (the checks' parameters are all aware).
            args: Any = {name: params[name] for name in sorted(names)}
        else:
            args = list(params or [])
        return self.session.sql(ported.sql, args=args or None)

    def query(self, sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> list[dict[str, Any]]:
        return self.rows(self.frame(sql, params))

    def rows(self, frame: "DataFrame") -> list[dict[str, Any]]:
        """The rows of ``frame`` as dicts, in order, with times aware in the register's zone (as DuckDB's)."""
        table = frame.toArrow()
        return [{name: self._value(value) for name, value in row.items()} for row in table.to_pylist()]

    def register(self, name: str, table: "pa.Table") -> None:
        from pyspark.sql.pandas.types import from_arrow_schema

        ready = _spark_ready(table)
        # A zone-less time (DuckDB's TIMESTAMP) stays zone-less (TIMESTAMP_NTZ): read as the session's
        # local time it would move, or fail on the hour the autumn fold repeats.
        schema = from_arrow_schema(ready.schema, prefer_timestamp_ntz=True)
        self.session.createDataFrame(ready, schema=schema).createOrReplaceTempView(name)
        self._views.add(name)

    def read_parquet(self, name: str, path: str) -> None:
        """The Parquet file (or folder) ``path`` readable as relation ``name``; zone-less times stay zone-less."""
        self.session.read.option("inferTimestampNTZ", "true").parquet(path).createOrReplaceTempView(name)
        self._views.add(name)

    def view(self, name: str, frame: "DataFrame") -> None:
        """``frame`` readable as relation ``name`` (a temporary view, dropped at close)."""
        frame.createOrReplaceTempView(name)
        self._views.add(name)

    def create_view(self, name: str, sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> None:
        """``name`` as the cached result of ``sql`` (a check's ``CREATE TEMP TABLE name AS ...``)."""
        frame = self.frame(sql, params).localCheckpoint()
        frame.createOrReplaceTempView(name)
        self._views.add(name)

    def drop(self, name: str) -> None:
        """Forget the temporary view ``name`` (no error when there is none)."""
        self.session.catalog.dropTempView(name)
        self._views.discard(name)

    def map_values(self, relation: str, column: str, function: ValueFunction,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> "pa.Table":
        sql = distinct_values_sql(relation, column, batch_size)
        values = self.frame(sql).toArrow()
        return map_batches(values.to_batches(max_chunksize=batch_size), function)

    def relations(self) -> dict[str, Relation]:
        canonical = canonical_relations()
        found = {}
        for table in self.session.catalog.listTables():
            if not table.isTemporary:
                continue
            columns = {f.name: f.dataType.simpleString() for f in self.session.table(ident_spark(table.name)).schema}
            found[table.name] = Relation(table.name, canonical[table.name].kind if table.name in canonical else "other",
                                         columns)
        return found

    def close(self) -> None:
        """Drop the views this backend made (the session stays: ``spark-submit`` or the caller owns it)."""
        import shutil

        for name in list(self._views):
            self.drop(name)
        for folder in self.scratch:
            shutil.rmtree(folder, ignore_errors=True)
        self.scratch.clear()

    def _value(self, value: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(self.zone)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, dict):
            return {key: self._value(item) for key, item in value.items()}
        return value


def ident_spark(name: str) -> str:
    """``name`` quoted as a Spark SQL identifier."""
    return "`" + name.replace("`", "``") + "`"


def _spark_ready(table: "pa.Table") -> "pa.Table":
    """``table`` with the Arrow types Spark cannot take in turned into ones it can, values unchanged:
    unsigned and 128-bit integers become decimals or signed integers, NULL-typed columns strings."""
    import pyarrow as pa

    columns, fields = [], []
    for field, column in zip(table.schema, table.columns):
        kind = field.type
        target = None
        if pa.types.is_null(kind):
            target = pa.string()
        elif pa.types.is_unsigned_integer(kind):
            target = pa.int64() if kind.bit_width < 64 else pa.decimal128(20, 0)
        elif pa.types.is_decimal(kind) and kind.precision > 38:
            target = pa.decimal128(38, min(kind.scale, 38))
        if column.num_chunks == 0:  # an empty relation: Spark needs one (empty) chunk of each column
            column = pa.chunked_array([pa.array([], kind)], kind)
        if target is not None:
            column = column.cast(target)
            field = pa.field(field.name, target, field.nullable)
        columns.append(column)
        fields.append(field)
    return pa.Table.from_arrays(columns, schema=pa.schema(fields))


class SparkCursor:
    """The part of a DuckDB cursor checks use: ``description``, ``fetchall``, ``fetchone``."""

    def __init__(self, names: list[str], rows: list[tuple]) -> None:
        self.description = [(name, None, None, None, None, None, None) for name in names]
        self._rows = rows
        self._next = 0

    def fetchall(self) -> list[tuple]:
        """Every row not fetched yet."""
        rows, self._next = self._rows[self._next:], len(self._rows)
        return rows

    def fetchone(self) -> tuple | None:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]


class SparkConnection:
    """A DuckDB-connection look-alike over a SparkBackend, for checks that execute SQL themselves."""

    def __init__(self, backend: SparkBackend) -> None:
        self.backend = backend

    def execute(self, sql: str, params: dict[str, Any] | Sequence[Any] | None = None) -> SparkCursor:
        """Run one statement (a query, ``CREATE TEMP TABLE x AS query`` or ``DROP TABLE IF EXISTS x``)."""
        created = _CREATE_AS.match(sql)
        if created:
            self.backend.create_view(_unquote(created.group(1)), created.group(2), params)
            return SparkCursor([], [])
        dropped = _DROP.match(sql)
        if dropped:
            self.backend.drop(_unquote(dropped.group(1)))
            return SparkCursor([], [])
        frame = self.backend.frame(sql, params)
        names = list(frame.columns)
        rows = self.backend.rows(frame)
        return SparkCursor(names, [tuple(row[name] for name in names) for row in rows])

    def register(self, name: str, data: Any) -> None:
        """A pandas DataFrame or Arrow table readable as ``name``."""
        import pyarrow as pa

        table = data if isinstance(data, pa.Table) else pa.Table.from_pandas(data, preserve_index=False)
        self.backend.register(name, table)

    def unregister(self, name: str) -> None:
        """Forget ``name``."""
        self.backend.drop(name)

    def columns(self, relation: str) -> dict[str, str] | None:
        """Column name -> type of ``relation``, in DuckDB's type names (``relation_columns``); None when
        Spark holds no such relation."""
        if not self.backend.session.catalog.tableExists(relation):
            return None
        return {f.name: duckdb_type(f.dataType.simpleString())
                for f in self.backend.session.table(ident_spark(relation)).schema}


# Spark's type names -> DuckDB's, for code that asks a relation's column types (relation_columns).
_DUCKDB_TYPES = {"boolean": "BOOLEAN", "tinyint": "TINYINT", "smallint": "SMALLINT", "int": "INTEGER",
                 "bigint": "BIGINT", "float": "FLOAT", "double": "DOUBLE", "date": "DATE",
                 "timestamp": "TIMESTAMP WITH TIME ZONE", "timestamp_ntz": "TIMESTAMP", "string": "VARCHAR"}


def duckdb_type(spark_type: str) -> str:
    """DuckDB's name for the Spark type ``spark_type`` (``simpleString`` form); a decimal keeps its
    precision and scale; a type with no DuckDB name is returned upper-cased."""
    if spark_type.startswith("decimal"):
        return spark_type.upper()
    return _DUCKDB_TYPES.get(spark_type, spark_type.upper())


def _unquote(name: str) -> str:
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


# The loader's staging (raw rows before typing, the CSV reader's scans and rejects): no check reads them
# (loader/contract.py lists what checks read), so they stay in DuckDB.
_LOADER_STAGING = re.compile(r"^(stg|rejects|scans)_")


def ship(con: "duckdb.DuckDBPyConnection", backend: SparkBackend, names: Sequence[str] | None = None,
         staging: "str | os.PathLike[str] | None" = None) -> list[str]:
    """Give Spark the relations of ``con`` the checks read (default: every table and view of the main
    schema but the loader's staging); returns their names. The loader's relations reach Spark with the
    values and types the checks read in DuckDB.

    Each relation with rows goes through a Parquet file in a new folder inside ``staging`` (default: the
    system's temporary folder; $REGAUDIT_SPARK_STAGING for ``spark_connection``), removed when the backend
    closes, which Spark reads as a table: the data stays off the driver's heap and is read in parallel.
    On a cluster ``staging`` must be a folder every executor reads (a shared mount). An empty relation
    goes as an Arrow table (Spark cannot read DuckDB's empty Parquet files).
    """
    import tempfile
    from pathlib import Path

    if names is None:
        names = [row[0] for row in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()
                 if not _LOADER_STAGING.match(row[0])]
    if staging is not None:
        Path(staging).mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="regaudit-spark-", dir=staging))
    backend.scratch.append(folder)
    for number, name in enumerate(names):
        if not con.execute(f"SELECT EXISTS (SELECT 1 FROM {ident(name)})").fetchall()[0][0]:
            backend.register(name, con.sql(f"SELECT * FROM {ident(name)}").to_arrow_table())
            continue
        path = folder / f"{number:04d}.parquet"
        con.execute(f"COPY (SELECT * FROM {ident(name)}) TO '{path.as_posix()}' (FORMAT parquet)")
        backend.read_parquet(name, str(path))
    return list(names)


def define_functions(backend: SparkBackend, financial_period_ends: str = "12-31") -> list[str]:
    """The loader's macros (loader/declaration_tables.py ``RETENTION_MACROS``) as Spark SQL functions,
    their bodies ported from the same DuckDB text, their types from ``MACRO_SIGNATURES``; returns their
    names."""
    from audit_lib.loader.declaration_tables import MACRO_SIGNATURES, macro_definitions

    defined = []
    for name, (arguments, body) in macro_definitions(financial_period_ends).items():
        types, returns = MACRO_SIGNATURES[name]
        if tuple(arguments) != tuple(types):
            raise PortError(T_("macro {name}: its arguments {arguments} are not those of MACRO_SIGNATURES {types}",
                               name=name, arguments=arguments, types=list(types)))
        ported = port_expression(body, "spark")
        if not ported.executable:
            raise PortError(T_("macro {name} does not port to Spark SQL: {reason}", name=name, reason=ported.reason))
        expression = ported.sql
        signature = ", ".join(f"{argument} {kind}" for argument, kind in types.items())
        backend.session.sql(f"CREATE OR REPLACE TEMPORARY FUNCTION {name}({signature}) RETURNS {returns} "
                            f"RETURN {expression}")
        defined.append(name)
    return defined


def spark_connection(con: "duckdb.DuckDBPyConnection", timezone: str, financial_period_ends: str = "12-31",
                     master: str | None = None, checks: Sequence[Any] = (), lake: Any = None) -> SparkConnection:
    """A Spark session in the register's zone holding what the loader made on ``con`` (every relation,
    shipped) and the loader's functions: the connection the checks are given on ``--engine spark``.

    ``lake``: the Spark loader of the lake tables the DuckDB loader left to Spark (spark_loader.py), or
    None. It reads them before the relations are shipped (what it records in DuckDB ships with them)
    and adds their rows to the shipped relations after."""
    backend = SparkBackend(spark_session(timezone, master), timezone)
    define_functions(backend, financial_period_ends)
    backend.use_overrides(checks)
    if lake is not None:
        lake.stage(backend)
    ship(con, backend, staging=os.environ.get(STAGING_ENV) or None)
    if lake is not None:
        lake.publish(backend)
    return SparkConnection(backend)
