"""Opening a register: its declaration validated, a DuckDB connection in its time zone, its exports loaded.

The one way an audit (audit_lib/audit.py), an exploring session (audit_lib/explore/session.py) and
a reveal (audit_lib/reveal.py) get at a register's data. What is opened is the loader's canonical
views, quarantine and inputs, and the register's ``decl_*`` tables and calendar; no check is run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Collection, Union

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Declaration
    from audit_lib.loader import LoadReport

# A declaration already validated: the object, or the path of its snapshot (audit_lib/declaration/snapshot.py).
Validated = Union["Declaration", str, os.PathLike]


@dataclass
class OpenedRegister:
    """A register ready to query: the validated declaration, the connection and what the loader did.

    Closes its connection as a context manager (``with open_register(...) as opened:``); whoever keeps
    the connection beyond (an audit, a session) leaves it open.
    """

    declaration: "Declaration"
    con: "duckdb.DuckDBPyConnection"
    load_report: "LoadReport"

    def close(self) -> None:
        """Close the DuckDB connection."""
        self.con.close()

    def __enter__(self) -> "OpenedRegister":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def read_declaration(register: str | Path | None = None, exports: str | Path = "exports.yaml", *,
                     allow_outside: "list[str | os.PathLike] | None" = None,
                     declaration: Validated | None = None) -> "Declaration":
    """The validated declaration: ``declaration`` when given (a Declaration, or the path of the snapshot
    ``regaudit run`` wrote, read without reading the YAML files again), else ``exports`` and its
    ``register`` read and validated (``allow_outside``: see ``audit_lib.declaration.load_declaration``).

    Raises DeclarationError when a file (or the snapshot) is invalid.
    """
    if declaration is None:
        from audit_lib.declaration import load_declaration

        return load_declaration(register, exports, allow_outside=allow_outside)
    if isinstance(declaration, (str, os.PathLike)):
        from audit_lib.declaration.snapshot import read_snapshot

        return read_snapshot(declaration)
    return declaration


def open_register(register: str | Path | None = None, exports: str | Path = "exports.yaml", *,
                  declaration: Validated | None = None, allow_outside: "list[str | os.PathLike] | None" = None,
                  memory_limit: str | None = None, only: "Collection[int] | None" = None) -> OpenedRegister:
    """Validate the declaration (``read_declaration``), connect DuckDB in the controller's time zone, load
    the exports and create the register's tables; never raises for one bad export file.

    ``memory_limit`` caps DuckDB's memory (default ``audit_lib.loader.DEFAULT_MEMORY_LIMIT``); ``only``:
    the indices of the entries of exports.yaml to load (``load_exports``; None: all). Raises
    DeclarationError for an invalid declaration; the connection is closed if loading fails.
    """
    from audit_lib.loader import connect, load_exports
    from audit_lib.loader.declaration_tables import create_declaration_tables

    validated = read_declaration(register, exports, allow_outside=allow_outside, declaration=declaration)
    con = connect(timezone=validated.register.controller.timezone, memory_limit=memory_limit)
    try:
        load_report = load_exports(con, validated, only=only)
        create_declaration_tables(con, validated.register, load_report.available)
    except BaseException:
        con.close()
        raise
    return OpenedRegister(validated, con, load_report)


__all__ = ["OpenedRegister", "Validated", "open_register", "read_declaration"]
