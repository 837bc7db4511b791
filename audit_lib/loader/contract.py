"""The loader's second contract: one view per export of its rows as read, for checks that look beyond
the role views (free text, columns mapped only to a data category, residue after erasure).

``export_rows_NN`` (NN: the entry's place in exports.yaml; ``export_files`` names it per file) holds
every column of the file as the reader gave it (names as in the file, not trimmed or cast), and:

- ``_source_file``, ``_source_row``: the file (relative to exports_dir) and data row, equal to the role
  views' columns of the same names for the rows that loaded;
- ``_loaded``: false for a quarantined row (checks read loaded rows only, unless they say why);
- ``_subject_id``: the subject as resolved through the register's identifiers (NULL if the export
  names no subject);
- ``_snapshot_at``: when the export was taken, if declared (NULL otherwise);
- ``_record_key``: the key of the record the row is in the entry's own role (mapped or derived), as
  the role view gives it (NULL when the entry has no role or the role no key).

Checks use the role views, the derived ``consent_timeline`` and ``free_texts``, the ``decl_*``
tables, ``export_columns``, ``export_files``, ``subject_index`` / ``identities`` /
``identity_conflicts``, ``unmapped_files`` and these views, and nothing else of the loader
(tests/test_real_exports.py::test_checks_read_only_the_loader_contract enforces it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.loader.readers import CODE_COLUMN, FILE_COLUMN, RESERVED_PREFIX, ROW_COLUMN
from audit_lib.sql import ident

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Export

ROWS_PREFIX = "export_rows_"


def _create_files_table(con: "duckdb.DuckDBPyConnection") -> None:
    con.execute("CREATE TABLE IF NOT EXISTS export_files (file VARCHAR, view VARCHAR, roles VARCHAR[], "
                "has_subject BOOLEAN, has_snapshot BOOLEAN)")


def create_export_rows(con: "duckdb.DuckDBPyConnection", export: "Export", key: str, numbered_view: str,
                       subject_sql: str | None, snapshot_sql: str | None, key_sql: str | None = None) -> str:
    """Create ``export_rows_<key>`` over the export's numbered stage view and register it."""
    _create_files_table(con)
    view = f"{ROWS_PREFIX}{key}"
    described = con.execute(f"SELECT * FROM {ident(numbered_view)} LIMIT 0").description
    as_read = ", ".join(ident(d[0]) for d in described if not d[0].startswith(RESERVED_PREFIX))
    con.execute(
        f"CREATE VIEW {ident(view)} AS SELECT {as_read + ', ' if as_read else ''}"
        f"{ident(FILE_COLUMN)} AS _source_file, {ident(ROW_COLUMN)} AS _source_row, "
        f"{ident(CODE_COLUMN)} IS NULL AS _loaded, {subject_sql or 'NULL::VARCHAR'} AS _subject_id, "
        f"{snapshot_sql or 'NULL::TIMESTAMPTZ'} AS _snapshot_at, CAST({key_sql or 'NULL'} AS VARCHAR) AS _record_key "
        f"FROM {ident(numbered_view)}")
    con.execute("INSERT INTO export_files VALUES (?, ?, ?, ?, ?)",
                [export.file, view, export.roles, subject_sql is not None, snapshot_sql is not None])
    return view
