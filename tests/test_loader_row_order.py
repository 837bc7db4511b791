"""Every row of a large file keeps its own number: the stage follows the file's order, so the file and
row that findings and the quarantine cite are the row's own, for Parquet row groups and CSV chunks
that DuckDB reads in parallel."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from audit_lib.declaration import load_declaration
from audit_lib.loader import connect, load_exports

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"
ROWS = 300_000  # many Parquet row groups (10,000 rows each) and several CSV chunks: read in parallel


@pytest.fixture(scope="module")
def large_messages(tmp_path_factory):
    """The bundled sample with its marketing messages made large, message M0000000 on data row 1 and so
    on, written as Parquet in small row groups; and the same rows as CSV."""
    sample = shutil.copytree(SAMPLE, tmp_path_factory.mktemp("row_order") / "sample")
    target = sample / "exports" / "marketing_messages.parquet"
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT printf('M%07d', i) AS message_id, m.customer_id, m.channel, m.sent_at + to_seconds(i) "
        f"AS sent_at, m.campaign, m.has_opt_out, m.opened_at FROM range({ROWS}) r(i), "
        f"(SELECT * FROM read_parquet(?) LIMIT 1) m ORDER BY i) TO '{target}.new' (FORMAT parquet, ROW_GROUP_SIZE 10000)",
        [str(target)])
    Path(f"{target}.new").replace(target)
    csv_copy = sample / "exports" / "marketing_messages_copy.csv"
    con.execute(f"COPY (SELECT * FROM read_parquet('{target}')) TO '{csv_copy}' (HEADER)")
    return sample


def _numbering_errors(sample: Path, file: str) -> tuple[int, int]:
    declaration = load_declaration(None, sample / "exports.yaml")
    entry = next(e for e in declaration.exports.exports if e.file == "marketing_messages.parquet")
    entry.file = file
    entry.format = Path(file).suffix.lstrip(".")
    declaration.exports.exports = [e for e in declaration.exports.exports if e.role == "subjects"] + [entry]
    con = connect()
    report = load_exports(con, declaration)
    assert report.complete, report.problems
    return con.execute("SELECT count(*) FILTER (WHERE _source_row <> CAST(substr(message_id, 2) AS BIGINT) + 1 "
                       f"OR _source_file <> '{file}'), count(*) FROM marketing_messages").fetchone()


@pytest.mark.slow  # writes and loads 300,000 rows twice
@pytest.mark.parametrize("file", ["marketing_messages.parquet", "marketing_messages_copy.csv"])
def test_each_row_of_a_large_file_keeps_its_number(large_messages, file):
    wrong, rows = _numbering_errors(large_messages, file)
    assert rows == ROWS
    assert wrong == 0
