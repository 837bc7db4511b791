"""Which declared data categories the exports hold about each subject: for the inventory check and the
explore notebook's category matrix alike (one computation, two readers).

Read from the loader's contract only: ``export_columns`` (what each column maps to), ``export_files``
and each export's rows as read (``export_rows_NN``, whose ``_subject_id`` is the subject resolved
through the register's identifiers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.sql import ident, literal

if TYPE_CHECKING:
    import duckdb

# The field that names whose record a row of a role is; services belong to their provider.
SUBJECT_FIELDS = {"services": "provider_id"}

# Column types whose non-NULL values are never empty text: ``x IS NOT NULL`` says the same as
# ``NULLIF(trim(CAST(x AS VARCHAR)), '') IS NOT NULL`` without casting every value to text.
_NEVER_BLANK = ("BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
                "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE",
                "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS")


def _text(column: str) -> str:
    return f"NULLIF(trim(CAST({ident(column)} AS VARCHAR)), '')"


def present_sql(con: "duckdb.DuckDBPyConnection") -> str | None:
    """SQL of (subject_id, category_id, source, n) for every column mapped to a category, over the rows
    that loaded: n non-empty values of that column about that subject (n > 0); None when no such
    column can be tied to a subject.

    One scan and one aggregation per export file: the rows grouped by subject, with one count per
    category column, then unpivoted.
    """
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'export_files'"
                       ).fetchone()[0]:
        return None
    files = {file: (view, roles[0] if roles else None, has_subject) for file, view, roles, has_subject
             in con.execute("SELECT file, view, roles, has_subject FROM export_files").fetchall()}
    columns = con.execute("SELECT file, column_name, category, field FROM export_columns "
                          "WHERE in_file ORDER BY file, column_name").fetchall()
    by_file: dict[str, list[tuple]] = {}
    for row in columns:
        by_file.setdefault(row[0], []).append(row)
    parts = []
    for file, rows in by_file.items():
        if file not in files:
            continue  # a file that did not load
        view, role, has_subject = files[file]
        subject_field = SUBJECT_FIELDS.get(role, "subject_id")
        if subject_field == "subject_id":
            if not has_subject:
                continue  # rows that name no subject
            subject = "_subject_id"
        else:
            column = next((r[1] for r in rows if r[3] == subject_field), None)
            if column is None:
                continue
            subject = _text(column)
        categorised = [r for r in rows if r[2] is not None]
        if not categorised:
            continue
        types = {r[0]: r[1] for r in con.execute(f"DESCRIBE SELECT * FROM {ident(view)}").fetchall()}
        counts, entries = [], []
        for number, (_, column, category, _) in enumerate(categorised):
            value = ident(column) if types.get(column) in _NEVER_BLANK else _text(column)
            counts.append(f"count({value}) AS n{number}")
            entries.append(f"{{'category_id': {literal(category)}, 'source': {literal(file + '#' + column)}, "
                           f"'n': n{number}}}")
        parts.append(
            f"SELECT subject_id, c.category_id, c.source, c.n FROM ("
            f"SELECT subject_id, unnest([{', '.join(entries)}]) AS c FROM ("
            f"SELECT {subject} AS subject_id, {', '.join(counts)} FROM {ident(view)} "
            f"WHERE _loaded GROUP BY 1)) WHERE c.n > 0")
    return " UNION ALL ".join(parts) if parts else None
