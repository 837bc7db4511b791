"""Shared intermediate results (CheckContext.shared): made once per audit, a failure made once too."""

import duckdb
import pytest

from audit_lib.checks.runner import CheckContext, SharedResultFailed


def _context() -> CheckContext:
    return CheckContext(con=duckdb.connect(), params={"limit": 3}, available={})


def test_a_shared_result_is_made_once_and_read_by_every_caller():
    context = _context()
    made = []

    def build(ctx: CheckContext, table: str) -> None:
        made.append(table)
        ctx.con.execute(f'CREATE TEMP TABLE "{table}" AS SELECT range AS n FROM range(5)')

    assert context.shared("numbers", build) == "shared_numbers"
    assert context.shared("numbers", build) == "shared_numbers"
    assert made == ["shared_numbers"]
    assert context.con.execute("SELECT count(*) FROM shared_numbers").fetchone()[0] == 5


def test_sql_definitions_bind_the_audit_parameters_and_may_not_differ():
    context = _context()
    table = context.shared("small", "SELECT range AS n FROM range(10) WHERE range < $limit")
    assert context.con.execute(f"SELECT max(n) FROM {table}").fetchone()[0] == 2
    with pytest.raises(ValueError, match="defined twice"):
        context.shared("small", "SELECT 1 AS n")


def test_a_failed_shared_result_is_not_made_again_and_every_reader_gets_its_reason():
    context = _context()
    attempts = []

    def build(ctx: CheckContext, table: str) -> None:
        attempts.append(table)
        raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 64.0 MiB")

    for _ in range(3):
        with pytest.raises(SharedResultFailed, match="shared result index could not be made .*Out of Memory"):
            context.shared("index", build)
    assert attempts == ["shared_index"]
    # A benchmark that repeats a check starts afresh.
    context.drop_shared()
    with pytest.raises(SharedResultFailed):
        context.shared("index", build)
    assert len(attempts) == 2
