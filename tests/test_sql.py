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
