"""The DuckDB backend: a thin adapter over a ``duckdb.DuckDBPyConnection`` (no behaviour of its own).

``query`` binds ``$name`` parameters exactly as ``CheckContext.query`` does (``audit_lib.sql.bind``: the
names the SQL uses, a KeyError for one without a value) and runs the SQL unchanged: DuckDB's dialect is
the checks' own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audit_lib.backends.base import (DEFAULT_BATCH_SIZE, Backend, Relation, ValueFunction, canonical_relations,
                                    distinct_values_sql, map_batches)
from audit_lib.sql import bind

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


class DuckDBBackend(Backend):
    """Checks on a DuckDB connection (the loader's views and ``decl_*`` tables)."""

    dialect = "duckdb"

    def __init__(self, con: "duckdb.DuckDBPyConnection") -> None:
        self.con = con

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        cursor = self.con.execute(sql, bind(sql, params or {}))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]

    def register(self, name: str, table: "pa.Table") -> None:
        self.con.register(name, table)

    def map_values(self, relation: str, column: str, function: ValueFunction,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> "pa.Table":
        sql = distinct_values_sql(relation, column, batch_size)
        reader = self.con.sql(sql).to_arrow_reader(batch_size)
        return map_batches(reader, function)

    def relations(self) -> dict[str, Relation]:
        canonical = canonical_relations()
        rows = self.con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' OR table_catalog = 'temp' ORDER BY table_name, ordinal_position").fetchall()
        columns: dict[str, dict[str, str]] = {}
        for table, name, data_type in rows:
            columns.setdefault(table, {})[name] = data_type
        return {table: Relation(table, canonical[table].kind if table in canonical else "other", cols)
                for table, cols in columns.items()}
