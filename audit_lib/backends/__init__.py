"""Engines the checks run on (``Backend``), and porting the checks' DuckDB SQL to another dialect.

Not wired into the runner yet: see base.py (the seam), duckdb_backend.py, port.py.
"""

from audit_lib.backends.base import Backend, Relation, canonical_relations
from audit_lib.backends.duckdb_backend import DuckDBBackend
from audit_lib.backends.port import Leftover, PortedCheck, PortedQuery, port, port_check

__all__ = ["Backend", "DuckDBBackend", "Leftover", "PortedCheck", "PortedQuery", "Relation", "canonical_relations",
           "port", "port_check"]
