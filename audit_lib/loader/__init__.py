"""The loader: export files into DuckDB as raw tables, quarantine, and one canonical view per role."""

from audit_lib.loader.connection import connect
from audit_lib.loader.load import INPUT_COLUMNS, QUARANTINE_COLUMNS, LoadReport, load_exports

__all__ = ["INPUT_COLUMNS", "QUARANTINE_COLUMNS", "LoadReport", "connect", "load_exports"]
