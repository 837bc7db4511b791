"""Proving an export's keys unique cheaply before grouping them: key order, then sorted hashes.

Exports are usually written in key order. Streaming the keys once (through Arrow) and stopping at
the first step out of order costs far less than grouping millions of keys; the stage keeps file
order (preserve_insertion_order), so a plain scan gives it. Text keys are compared as the role
view has them, trimmed: the raw keys' order stands for the trimmed ones only when no key starts or
ends with a byte outside printable ASCII (which trimming could remove), checked on the same
stream. Otherwise 64-bit hashes of the keys are sorted, which is cheaper than grouping the keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb
    import pyarrow as pa


def strictly_ordered(con: "duckdb.DuckDBPyConnection", keys_sql: str, text: bool) -> bool:
    """True if the keys ``keys_sql`` gives, in file order, rise (or fall) strictly, so none repeats;
    with ``text``, only if also no key has an edge byte trimming could remove."""
    import pyarrow.compute as pc

    rising = falling = True
    last = None
    # Closed even when left early: an unfinished result would block the connection.
    with con.sql(keys_sql).to_arrow_reader(1 << 20) as batches:
        for batch in batches:
            keys = batch.column(0)
            if len(keys) == 0:
                continue
            if text and not _printable_edges(keys):
                return False
            if last is not None:
                rising = rising and pc.less(last, keys[0]).as_py()
                falling = falling and pc.greater(last, keys[0]).as_py()
            if rising:
                rising = pc.all(pc.less(keys[:-1], keys[1:])).as_py() is not False
            if falling:
                falling = pc.all(pc.greater(keys[:-1], keys[1:])).as_py() is not False
            if not (rising or falling):
                return False
            last = keys[-1]
    return True


def _printable_edges(keys: "pa.Array") -> bool:
    """True if every key is non-empty and its first and last bytes are printable ASCII ("!".."~").

    Read from the Arrow buffers (offsets and bytes) with numpy: no string is copied.
    """
    import numpy as np
    import pyarrow as pa

    if keys.null_count or not (pa.types.is_string(keys.type) or pa.types.is_large_string(keys.type)):
        return False
    _, offsets_buffer, data_buffer = keys.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int64 if pa.types.is_large_string(keys.type) else np.int32)
    offsets = offsets[keys.offset:keys.offset + len(keys) + 1]
    starts, ends = offsets[:-1], offsets[1:]
    if data_buffer is None or (ends <= starts).any():
        return False
    data = np.frombuffer(data_buffer, dtype=np.uint8)
    first, last = data[starts], data[ends - 1]
    return bool(((first >= 0x21) & (first <= 0x7E) & (last >= 0x21) & (last <= 0x7E)).all())


def repeated_hashes(con: "duckdb.DuckDBPyConnection", key_sql: str, table_sql: str, where_sql: str) -> int:
    """How many keys share their 64-bit hash with the key before them once sorted: 0 proves the
    keys unique; otherwise a key repeats, or (rarely) two keys share a hash."""
    return con.execute(
        f"SELECT count(*) FROM (SELECT h, lag(h) OVER (ORDER BY h) AS previous FROM "
        f"(SELECT hash({key_sql}) AS h FROM {table_sql} WHERE {where_sql})) WHERE h = previous").fetchall()[0][0]
