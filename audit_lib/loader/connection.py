"""Opening the DuckDB connection an audit runs in, with its time zone and resource limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


# DuckDB's own default is 80% of the machine's memory; an audit keeps to this and spills beyond it
# (a 10-million-subject register fits in it on a 24 GB machine). $REGAUDIT_MEMORY_LIMIT overrides it.
DEFAULT_MEMORY_LIMIT = "4GB"
MEMORY_LIMIT_ENV = "REGAUDIT_MEMORY_LIMIT"


def default_memory_limit() -> str:
    """The memory limit an audit uses when none is given: $REGAUDIT_MEMORY_LIMIT or DEFAULT_MEMORY_LIMIT."""
    import os

    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def default_temp_directory() -> str:
    """A fresh folder name under the system's temporary folder for DuckDB to spill into.

    DuckDB creates it when it first spills and removes it when the connection closes. (Its own
    default for an in-memory database is ``.tmp`` in the working directory: the user's folder.) The
    name carries this process's pid and host (``regaudit-spill-<pid>-<host>-…``), so that a later
    run can tell a killed run's leftover from a live one's and remove it (audit_lib/stale.py).
    """
    import uuid

    from audit_lib.stale import temp_path

    return temp_path("spill", uuid.uuid4().hex[:8])


def connect(database: str = ":memory:", *, timezone: str = "Europe/Helsinki", memory_limit: str | None = None,
            threads: int | None = None, temp_directory: str | None = None) -> "duckdb.DuckDBPyConnection":
    """A DuckDB connection whose session time zone is the controller's, so that calendar arithmetic
    ("end of the year", the local date a deadline ends on) is counted as the law counts it.

    ``memory_limit`` None means ``default_memory_limit()``; ``temp_directory`` None a fresh folder
    under the system's temporary folder (``default_temp_directory()``), where DuckDB spills.
    """
    import duckdb

    con = duckdb.connect(database)
    # No progress bar: DuckDB draws it on standard error for any statement over two seconds, in the
    # middle of regaudit's own progress lines and in logs.
    settings = {"TimeZone": timezone, "memory_limit": memory_limit or default_memory_limit(), "threads": threads,
                "temp_directory": temp_directory or default_temp_directory(), "enable_progress_bar": False}
    for name, value in settings.items():
        if value is not None:
            # Setting names are this module's constants; values are bound.
            con.execute(f"SET {name} = $value", {"value": value})
    return con
