"""Engines the checks run on (``Backend``), and porting the checks' DuckDB SQL to another dialect.

base.py is the seam, duckdb_backend.py the default engine, spark_backend.py the second (imported only
when asked for: pyspark is an extra), port.py the DuckDB → Spark SQL port. This package's own module
is light (the CLI reads ``ENGINES`` at start-up): the rest loads on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# The engines ``--engine`` takes; the first is the default.
ENGINES = ("duckdb", "spark")

_LAZY = {"Backend": "base", "Relation": "base", "canonical_relations": "base", "relation_columns": "base",
         "DuckDBBackend": "duckdb_backend", "Leftover": "port", "PortedCheck": "port", "PortedQuery": "port",
         "port_check": "port"}
# ``port`` (the function) is imported from audit_lib.backends.port: once that module is loaded, the
# package's attribute of that name is the module.


def check_engine(engine: str) -> None:
    """Raise ValueError for an engine regaudit does not have."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"audit_lib.backends.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'audit_lib.backends' has no attribute {name!r}")


__all__ = ["ENGINES", "check_engine", *_LAZY]
