"""Which declared data categories the exports hold about each subject: for the inventory check and the
explore notebook's category matrix alike (one computation, two readers).

Read from the loader's contract only: ``export_columns`` (what each column maps to), ``export_files``
and each export's rows as read (``export_rows_NN``, whose ``_subject_id`` is the subject resolved
through the register's identifiers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.backends.base import relation_columns
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


def _holds_value(column: str, column_type: str | None) -> str:
    """A predicate true exactly when the cell holds a value (NULL or false otherwise): a typed value is
    never blank; text is blank when it is only spaces, and is trimmed without a cast."""
    if column_type in _NEVER_BLANK or (column_type or "").startswith("DECIMAL"):
        return f"{ident(column)} IS NOT NULL"
    if column_type == "VARCHAR":
        return f"trim({ident(column)}) <> ''"
    return f"{_text(column)} IS NOT NULL"


def _file_plans(con: "duckdb.DuckDBPyConnection") -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
    """Per loaded export file that names subjects: (file, view, subject expression, [(column, category,
    presence predicate)]) for its columns mapped to a category. A presence predicate is true exactly
    when the cell holds a value (``_holds_value``)."""
    if relation_columns(con, "export_files") is None:
        return []
    files = {file: (view, roles[0] if roles else None, has_subject) for file, view, roles, has_subject
             in con.execute("SELECT file, view, roles, has_subject FROM export_files").fetchall()}
    columns = con.execute("SELECT file, column_name, category, field FROM export_columns "
                          "WHERE in_file ORDER BY file, column_name").fetchall()
    by_file: dict[str, list[tuple]] = {}
    for row in columns:
        by_file.setdefault(row[0], []).append(row)
    plans = []
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
        types = relation_columns(con, view) or {}
        plans.append((file, view, subject, [
            (column, category, _holds_value(column, types.get(column))) for _, column, category, _ in categorised]))
    return plans


def present_sql(con: "duckdb.DuckDBPyConnection", only_subjects: str | None = None) -> str | None:
    """SQL of (subject_id, category_id, source, n) for every column mapped to a category, over the rows
    that loaded: n non-empty values of that column about that subject (n > 0); None when no such
    column can be tied to a subject. ``only_subjects``: SQL of the subject ids to keep (read first,
    so that the other rows are not grouped).

    One scan and one aggregation per export file: the rows grouped by subject, with one count per
    category column, then unpivoted.
    """
    parts = []
    for file, view, subject, columns in _file_plans(con):
        counts, entries = [], []
        for number, (column, category, holds) in enumerate(columns):
            counts.append(f"count(CASE WHEN {holds} THEN 1 END) AS n{number}")
            entries.append(f"{{'category_id': {literal(category)}, 'source': {literal(file + '#' + column)}, "
                           f"'n': n{number}}}")
        keep = f" AND {subject} IN ({only_subjects})" if only_subjects else ""
        parts.append(
            f"SELECT subject_id, c.category_id, c.source, c.n FROM ("
            f"SELECT subject_id, unnest([{', '.join(entries)}]) AS c FROM ("
            f"SELECT {subject} AS subject_id, {', '.join(counts)} FROM {ident(view)} "
            f"WHERE _loaded{keep} GROUP BY 1)) WHERE c.n > 0")
    return " UNION ALL ".join(parts) if parts else None


# Categories per mask column: bit i of mask k is category k * 63 + i, so any count of categories. 63 bits
# of a BIGINT, not 64 of a UBIGINT: every engine has signed 64-bit integers, and no mask is negative.
MASK_BITS = 63


def _row_bits(held: dict[int, list[str]]) -> str:
    """The aggregate of one mask: bit_or over the rows of each bit whose category any column holds."""
    if not held:
        return "0::BIGINT"
    terms = [f"CASE WHEN {' OR '.join(tests)} THEN {1 << bit}::BIGINT ELSE 0::BIGINT END"
             for bit, tests in held.items()]
    return f"bit_or({' | '.join(terms)})"


def masks_sql(con: "duckdb.DuckDBPyConnection") -> tuple[str, dict[str, int]] | None:
    """SQL of (subject_id, m0, m1, …): per subject, one bit per category held about it, over every loaded
    export file, and each category's bit number; None when no column can be tied to a subject.

    The same facts as ``present_sql`` without unpivoting them: one row per subject instead of one per
    (subject, column), which is what the inventory check needs until it has found a violation.
    """
    plans = _file_plans(con)
    categories = sorted({category for *_, columns in plans for _, category, _ in columns})
    bits = {category: number for number, category in enumerate(categories)}
    masks = max(bits.values(), default=-1) // MASK_BITS + 1
    parts = []
    for _, view, subject, columns in plans:
        # Per row, one bit per category any of its columns holds; per subject, one bit_or per mask: one
        # aggregate per mask, not one count per column (5 categories over 16 columns in a customer file).
        per_mask: list[dict[int, list[str]]] = [{} for _ in range(masks)]
        for _, category, holds in columns:
            mask, bit = divmod(bits[category], MASK_BITS)
            per_mask[mask].setdefault(bit, []).append(holds)
        exprs = [_row_bits(held) for held in per_mask]
        parts.append(f"SELECT {subject} AS subject_id, "
                     + ", ".join(f"{e} AS m{k}" for k, e in enumerate(exprs))
                     + f" FROM {ident(view)} WHERE _loaded GROUP BY 1")
    if not parts:
        return None
    merged = ", ".join(f"bit_or(m{k}) AS m{k}" for k in range(masks))
    return f"SELECT subject_id, {merged} FROM ({' UNION ALL '.join(parts)}) GROUP BY subject_id", bits
