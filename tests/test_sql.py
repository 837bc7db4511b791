"""The one quoting place: identifiers and literals from users' files cannot change a query."""

import duckdb
import pytest

from audit_lib.sql import bind, ident, literal, parameters_in


def test_hostile_identifier_stays_a_name():
    con = duckdb.connect()
    name = 'x"; DROP TABLE t; --'
    con.execute("CREATE TABLE t (a INT)")
    con.execute(f"CREATE TABLE {ident(name)} ({ident('=HYPERLINK(1)')} INT)")
    assert {r[0] for r in con.execute("SHOW TABLES").fetchall()} == {"t", name}


def test_literal_escapes_quotes():
    con = duckdb.connect()
    assert con.execute(f"SELECT {literal(chr(39) + '; DROP TABLE x; --')}").fetchone()[0] == "'; DROP TABLE x; --"


def test_parameters_ignore_comments_and_strings():
    sql = "SELECT '$not' -- $nor\n/* $neither */ WHERE a > $period_start AND b < $as_of"
    assert parameters_in(sql) == {"period_start", "as_of"}
    assert bind(sql, {"period_start": 1, "as_of": 2, "extra": 3}) == {"period_start": 1, "as_of": 2}
    with pytest.raises(KeyError, match=r"\$as_of"):
        bind(sql, {"period_start": 1})


def test_insert_rows_binds_a_few_rows_and_streams_many_with_the_same_result():
    """Up to a few rows go as bound values, more as one Arrow table: the table holds the same rows either
    way, NULLs, dates and booleans included, and a table's name is quoted, never spliced."""
    from datetime import date

    import duckdb

    from audit_lib.sql import insert_rows

    con = duckdb.connect()
    rows = [(f"file {n}.csv", n, None if n % 3 else "ignored", date(2026, 1, 1 + n % 28), n % 2 == 0)
            for n in range(40)]
    few, many = 'few "rows"', "many; DROP TABLE x"
    for name in (few, many):
        con.execute(f"CREATE TABLE {ident(name)} (file VARCHAR, n BIGINT, reason VARCHAR, day DATE, even BOOLEAN)")
    insert_rows(con, few, rows[:5])
    insert_rows(con, many, rows)
    insert_rows(con, many, [])
    assert con.execute(f"SELECT * FROM {ident(few)} ORDER BY n").fetchall() == rows[:5]
    assert con.execute(f"SELECT * FROM {ident(many)} ORDER BY n").fetchall() == rows
    with pytest.raises(ValueError, match="different widths"):
        insert_rows(con, few, [rows[0], rows[1][:2]])
