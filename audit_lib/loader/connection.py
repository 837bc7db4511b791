"""Opening the DuckDB connection an audit runs in, with its time zone and resource limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


def connect(database: str = ":memory:", *, timezone: str = "Europe/Helsinki", memory_limit: str | None = None,
            threads: int | None = None, temp_directory: str | None = None) -> "duckdb.DuckDBPyConnection":
    """A DuckDB connection whose session time zone is the controller's, so that calendar arithmetic
    ("end of the year", the local date a deadline ends on) is counted as the law counts it."""
    import duckdb

    con = duckdb.connect(database)
    settings = {"TimeZone": timezone, "memory_limit": memory_limit, "threads": threads,
                "temp_directory": temp_directory}
    for name, value in settings.items():
        if value is not None:
            # Setting names are this module's constants; values are bound.
            con.execute(f"SET {name} = $value", {"value": value})
    return con
