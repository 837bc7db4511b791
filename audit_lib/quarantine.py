"""The quarantine as it leaves an audit: one policy, one streaming writer, a summary counted in DuckDB.

Policy, the same for ``regaudit check --out`` and the report folder: every quarantined row is
written, with where it is and why it was set aside (file, row, line, column, reason code, reason; the
codes are ``audit_lib.vocabulary.QuarantineReason``);
a duplicate key only as its keyed pseudonym (``key_ref``: for a subjects export it is the subject's
reference ``S-…``, as the findings show it), never as the key; the row's raw text (names, e-mails,
phones, streets) and the values that failed (``value``) only on explicit request (``include_raw``: internal use, ``regaudit check
--include-raw``), and then for the rows the loader kept it for, the first ``RAW_ROWS_KEPT`` of
each file (audit_lib/loader/load.py). The loader words reasons without the values of the row, so
a reason is never a way round this policy.

The rows are read from DuckDB in batches and written as they come: a file of millions of
duplicate rows is never held in memory (DuckDB keeps it within its memory limit).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from audit_lib.loader.load import RAW_ROWS_KEPT

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from audit_lib.outputs import CsvDialect

QUARANTINE_FILE = "quarantine.csv"
COLUMNS = ["file", "row", "line", "column_name", "reason_code", "reason", "key_ref"]
RAW = "raw"
# The values that failed (``column: text``), apart from the reason: as personal as the raw text.
VALUE = "value"
BATCH_ROWS = 50_000
VECTOR_ROWS = 2048  # DuckDB hands results over in vectors of this many rows
SUMMARY_COLUMNS = ["file", "reason_code", "rows", "lines"]
# Lines of a file and reason the report shows as pointers (all the rows are in quarantine.csv).
LINES_SHOWN = 5

__all__ = ["BATCH_ROWS", "COLUMNS", "QUARANTINE_FILE", "RAW", "VALUE", "RAW_ROWS_KEPT", "batches", "columns", "frame",
           "summary", "write_quarantine"]


def columns(include_raw: bool = False) -> list[str]:
    """The columns of the quarantine as written: COLUMNS, and ``raw`` only when asked for."""
    return COLUMNS + ([VALUE, RAW] if include_raw else [])


def batches(con: "duckdb.DuckDBPyConnection", key: bytes, *, include_raw: bool = False,
            batch_rows: int | None = None, limit: int | None = None) -> Iterator["pd.DataFrame"]:
    """The quarantine in file and row order as DataFrames of about ``batch_rows`` rows (default
    BATCH_ROWS, read when called), by the policy of this module (``limit``: at most that many rows)."""
    from audit_lib.pseudonym import pseudonym

    raw = ", value, raw" if include_raw else ""
    bound = f" LIMIT {int(limit)}" if limit is not None else ""
    # A cursor of its own: the batches are read while the caller may query the connection.
    cursor = con.cursor()
    try:
        cursor.execute(f"SELECT file, row, line, column_name, reason_code, reason, key_value{raw} "
                       f"FROM quarantine ORDER BY file, row, line{bound}")
        vectors = max(1, (batch_rows or BATCH_ROWS) // VECTOR_ROWS)
        while len(part := cursor.fetch_df_chunk(vectors)):
            keys = {value: pseudonym(value, key) for value in part["key_value"].dropna().unique()}
            part["key_ref"] = part["key_value"].map(keys)
            yield part[columns(include_raw)]
    finally:
        cursor.close()


def frame(con: "duckdb.DuckDBPyConnection", key: bytes, *, include_raw: bool = False,
          limit: int | None = None) -> "pd.DataFrame":
    """The quarantine as one DataFrame by the policy of this module, for inspection (``limit`` rows at
    most); outputs stream it with ``write_quarantine`` instead."""
    import pandas as pd

    parts = list(batches(con, key, include_raw=include_raw, limit=limit))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns(include_raw))


def write_quarantine(con: "duckdb.DuckDBPyConnection", path: str | os.PathLike, key: bytes, *,
                     include_raw: bool = False, csv_dialect: "str | CsvDialect | None" = None) -> Path:
    """Write the quarantine to ``path`` as spreadsheet-safe CSV in ``csv_dialect`` (audit_lib/outputs.py),
    batch by batch, atomically."""
    from audit_lib.outputs import write_csv_batches

    return write_csv_batches(batches(con, key, include_raw=include_raw), path, columns(include_raw), csv_dialect)


def summary(con: "duckdb.DuckDBPyConnection") -> "pd.DataFrame":
    """Quarantined rows counted per file and reason code, with the first lines as pointers, counted by
    DuckDB (the rows themselves are never fetched)."""
    import pandas as pd

    rows = con.execute(
        f"SELECT file, coalesce(reason_code, '') AS reason_code, count(*) AS rows, "
        f"min(line, {LINES_SHOWN}) FILTER (WHERE line IS NOT NULL) AS first_lines "
        "FROM quarantine GROUP BY ALL ORDER BY file, reason_code").fetchall()
    records = []
    for file, code, count, first in rows:
        lines = [str(int(v)) for v in (first or [])]
        records.append({"file": file, "reason_code": code, "rows": int(count),
                        "lines": ", ".join(lines) + (" …" if count > len(lines) else "")})
    return pd.DataFrame(records, columns=SUMMARY_COLUMNS)
