"""Every file in the exports folder accounted for: read by an entry, ignored with a reason, or left out.

A file no entry of exports.yaml reads is data the mapping (and maybe the declaration) leaves out. It
is listed in inputs.csv and the manifest with its size and SHA-256, as status ``not_mapped`` (a
finding of ``inventory_unmapped_file``) or, when ``ignore:`` names it with a reason, ``ignored``.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.hashing import sha256_file
from audit_lib.loader.readers import relative_name
from audit_lib.sql import insert_rows
from audit_lib.vocabulary import COMPLETE_INPUT_STATUSES

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Declaration
    from audit_lib.loader.load import LoadReport

# Input statuses that leave the audit complete: a file that loaded, and files no entry reads (those
# are findings of inventory_unmapped_file, or ignored with a reason), not inputs that failed; and
# files ``regaudit check --only`` did not read because no selected check needs them (``skipped``).
COMPLETE_STATUSES = COMPLETE_INPUT_STATUSES
# Files that tools leave beside exports and that hold no register data.
_SYSTEM_FILES = (".DS_Store", "Thumbs.db", "desktop.ini")


@dataclass
class UnreadFile:
    """A file of the exports folder that no entry reads."""

    name: str
    path: Path
    status: str          # not_mapped | ignored
    reason: str | None


def unread_files(declaration: "Declaration", read: list[list[Path]]) -> list[UnreadFile]:
    """Files under exports_dir that no entry reads, sorted by name, each with its status."""
    root = declaration.exports_dir
    if not root.is_dir():
        return []
    taken = {path.resolve() for files in read for path in files}
    unread = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.resolve() in taken or path.name in _SYSTEM_FILES or not path.resolve().is_relative_to(root):
            continue
        name = relative_name(path, root)
        table = next((e.table for e in declaration.exports.exports if e.table and name.startswith(e.table + "/")), None)
        if table is not None:  # inside a lake table's folder, and not a part file: the format's own
            unread.append(UnreadFile(name, path, "ignored", f"not data of lake table {table}: a file of the table "
                                     "format's own (its name or folder starts with _ or .), which Spark does not read"))
            continue
        ignored = next((entry for entry in declaration.exports.ignore
                        if fnmatch.fnmatchcase(name, entry.file) or name == entry.file), None)
        unread.append(UnreadFile(name, path, "ignored" if ignored else "not_mapped",
                                 ignored.reason if ignored else None))
    return unread


def record(con: "duckdb.DuckDBPyConnection", report: "LoadReport", unread: list[UnreadFile]) -> None:
    """List the unread files in the load report's inputs and in the table ``unmapped_files``."""
    con.execute("CREATE OR REPLACE TABLE unmapped_files (file VARCHAR, status VARCHAR, reason VARCHAR, "
                "bytes BIGINT, sha256 VARCHAR)")
    listed = []
    for item in unread:
        digest, size = sha256_file(item.path), item.path.stat().st_size
        detail = (f"ignored: {item.reason}" if item.status == "ignored" else
                  "no entry of exports.yaml reads this file: map it, or list it under ignore: with a reason")
        report.inputs.append({"file": item.name, "role": None, "format": None, "sha256": digest, "bytes": size,
                              "rows_read": None, "rows_loaded": None, "rows_quarantined": None,
                              "status": item.status, "detail": detail, "detected": {}})
        listed.append((item.name, item.status, item.reason, size, digest))
    insert_rows(con, "unmapped_files", listed)
