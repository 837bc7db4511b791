"""The backend seam: what the checks ask of an engine, whichever runs them (DuckDB, or Spark).

A backend runs a check's SQL (``query``), takes in a table made in Python (``register``), runs Python
logic over a column's distinct values (``map_values``: phone numbers, identifiers, free text, in Arrow
batches, so that an engine with its data elsewhere sends each distinct value once), and says which
relations it holds (``relations``). The relations and their column types are the loader's contract,
``audit_lib/roles.py``: one relation per role (``ROLES``) and the derived relations (``DERIVED_RELATIONS``),
besides the declaration's ``decl_*`` tables.

The runner gives checks a connection: DuckDB's own, or ``SparkConnection`` (spark_backend.py), which
answers the same calls (``execute``, ``register``) through a ``SparkBackend``. ``relation_columns``
asks either for a relation's column types.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Sequence

from audit_lib.roles import DERIVED_RELATIONS, DERIVED_SOURCES, ROLES

if TYPE_CHECKING:
    import pyarrow as pa

# map_values: a function from a batch of distinct values to one result per value, in order.
ValueFunction = Callable[["pa.Array"], "pa.Array | Sequence[Any]"]
DEFAULT_BATCH_SIZE = 10_000


@dataclass(frozen=True)
class Relation:
    """A relation a backend provides: its name, kind (``role``, ``derived`` or ``other``), and column
    name -> type (DuckDB's type names, as roles.py writes them)."""

    name: str
    kind: str
    columns: dict[str, str] = field(default_factory=dict)


def canonical_relations() -> dict[str, Relation]:
    """The relations the loader's contract defines: each role with its fields' types, and each derived
    relation (its columns are the loader's; none is declared in roles.py)."""
    relations = {name: Relation(name, "role", {f.name: f.type for f in role.fields}) for name, role in ROLES.items()}
    relations.update({name: Relation(name, "derived") for name in DERIVED_RELATIONS})
    return relations


def derived_from(name: str) -> tuple[str, ...]:
    """The roles a derived relation is built from (``()`` for a role or any other relation)."""
    return DERIVED_SOURCES.get(name, ())


class Backend(ABC):
    """An engine the checks run on."""

    #: The SQL dialect of ``query`` (check SQL is DuckDB's and is ported to it: audit_lib/backends/port.py).
    dialect: str = "duckdb"

    @abstractmethod
    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run ``sql`` with its ``$name`` parameters bound from ``params``; rows as dicts, in order."""

    @abstractmethod
    def register(self, name: str, table: "pa.Table") -> None:
        """Make ``table`` (Arrow) readable as relation ``name`` until the backend closes (or it is
        registered again)."""

    @abstractmethod
    def map_values(self, relation: str, column: str, function: ValueFunction,
                   batch_size: int = DEFAULT_BATCH_SIZE) -> "pa.Table":
        """Each distinct non-NULL value of ``relation.column`` and ``function``'s result for it: an Arrow
        table of columns ``value`` and ``result``. ``function`` is given the values in Arrow batches of at
        most ``batch_size`` and returns one result per value, in order."""

    @abstractmethod
    def relations(self) -> dict[str, Relation]:
        """The relations the backend holds now (roles, derived relations, ``decl_*`` and any other),
        with their column types."""


def relation_columns(con: Any, relation: str) -> dict[str, str] | None:
    """Column name -> type (DuckDB's type names) of ``relation`` on ``con``, a DuckDB connection or an
    engine's look-alike with a ``columns`` method; None when there is no such relation."""
    if hasattr(con, "columns"):
        return con.columns(relation)
    from audit_lib.sql import ident

    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? UNION ALL "
                         "SELECT count(*) FROM duckdb_views() WHERE view_name = ?", [relation, relation]).fetchall()
    if not sum(row[0] for row in exists):
        return None
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE SELECT * FROM {ident(relation)}").fetchall()}


def distinct_values_sql(relation: str, column: str, batch_size: int = DEFAULT_BATCH_SIZE) -> str:
    """The query of ``map_values``: each distinct non-NULL value of ``relation.column``, in order (DuckDB's
    dialect; an engine ports it). Raises ValueError for a batch size below 1."""
    from audit_lib.sql import ident

    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    return (f"SELECT DISTINCT {ident(column)} AS value FROM {ident(relation)} "
            f"WHERE {ident(column)} IS NOT NULL ORDER BY 1")


def map_batches(batches, function: ValueFunction) -> "pa.Table":
    """``function`` over each batch's first column: the (value, result) table ``map_values`` returns."""
    import pyarrow as pa

    values, results = [], []
    for batch in batches:
        column = batch.column(0)
        out = function(column)
        out = out if isinstance(out, (pa.Array, pa.ChunkedArray)) else pa.array(list(out))
        if len(out) != len(column):
            raise ValueError(f"map_values: the function returned {len(out)} results for {len(column)} values")
        values.append(column)
        results.append(out)
    if not values:
        return pa.table({"value": pa.array([], pa.string()), "result": pa.array([], pa.null())})
    return pa.table({"value": pa.chunked_array(values), "result": pa.chunked_array(results)})
