"""Counter-based pseudo-random numbers as DuckDB macros: a pure function of (seed, salt, row numbers).

Why not DuckDB's random() or hash(): random() depends on thread scheduling, and hash() is not
promised to stay the same across DuckDB releases. A fixed integer mixer (multiply, xor-shift,
multiply on 32 bits, as in MurmurHash3's finaliser but with one shift) gives the same numbers on
every machine and release, in any row order, so the sample is reproducible and any row can be
computed alone. One shift instead of three keeps the macro small: DuckDB expands a macro argument
once per use, and the bulk SQL calls these macros a few hundred times.

Each salt (a readable name such as 'reg_day') has its own stream constant, derived in Python from
the seed and bound as the variable ``rs_<salt>``; ``install`` finds the salts in the SQL it is given.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import duckdb

_MASK = 0xFFFFFFFF
_M1, _M2 = 0x85EBCA6B, 0xC2B2AE35
_SALT = re.compile(r"\b(?:rnd2?|pick2?|sod_between2?)\('([A-Za-z0-9_]+)'")

MACROS = (
    "CREATE OR REPLACE MACRO _mix(h) AS "
    "(xor((h * 2246822507::UBIGINT) & 4294967295::UBIGINT, ((h * 2246822507::UBIGINT) & 4294967295::UBIGINT) >> 15)"
    " * 3266489909::UBIGINT) & 4294967295::UBIGINT",
    "CREATE OR REPLACE MACRO _word(n) AS (CAST(n AS BIGINT)::UBIGINT & 4294967295::UBIGINT)",
    # Uniform in [0, 1) for row n of a stream given as a number (plants bind it as a parameter).
    "CREATE OR REPLACE MACRO rnd_s(stream, n) AS _mix(xor(CAST(stream AS UBIGINT), _word(n))) / 4294967296.0",
    # Uniform in [0, 1) for row n of a salt's stream.
    "CREATE OR REPLACE MACRO rnd(salt, n) AS rnd_s(getvariable('rs_' || salt), n)",
    # Uniform in [0, 1) for the pair (a, b), e.g. (customer, k-th order of that customer).
    "CREATE OR REPLACE MACRO rnd2(salt, a, b) AS "
    "_mix(xor(_mix(xor(CAST(getvariable('rs_' || salt) AS UBIGINT), _word(a))), _word(b))) / 4294967296.0",
    # Integers in [0, k).
    "CREATE OR REPLACE MACRO pick(salt, n, k) AS CAST(floor(rnd(salt, n) * k) AS BIGINT)",
    "CREATE OR REPLACE MACRO pick2(salt, a, b, k) AS CAST(floor(rnd2(salt, a, b) * k) AS BIGINT)",
    # A local wall-clock timestamp from a day number and a second of that day.
    "CREATE OR REPLACE MACRO at_day(day, sod) AS "
    "CAST(getvariable('epoch') + CAST(day AS INTEGER) AS TIMESTAMP) + to_seconds(CAST(sod AS BIGINT))",
    # A second of the day between two whole hours; the bulk keeps to 07-23 so that no local time
    # falls in the DST gap or the repeated hour (03:00-04:00 in Helsinki).
    "CREATE OR REPLACE MACRO sod_between(salt, n, h0, h1) AS h0 * 3600 + pick(salt, n, (h1 - h0) * 3600)",
    "CREATE OR REPLACE MACRO sod_between2(salt, a, b, h0, h1) AS h0 * 3600 + pick2(salt, a, b, (h1 - h0) * 3600)",
)


def _mix(h: int) -> int:
    h = (h * _M1) & _MASK
    h ^= h >> 15
    return (h * _M2) & _MASK


def stream(seed: int, salt: str) -> int:
    """The 32-bit stream constant of ``salt`` under ``seed`` (any integer seed, all 64 bits count)."""
    seed %= 1 << 64
    digest = int.from_bytes(hashlib.sha256(salt.encode("utf-8")).digest()[:4], "little")
    h = _mix((seed & _MASK) ^ 0x9E3779B9)
    h = _mix(h ^ (seed >> 32))
    return _mix(h ^ digest)


def salts_in(statements: Iterable[str]) -> set[str]:
    """The salts the SQL ``statements`` draw from."""
    return {salt for sql in statements for salt in _SALT.findall(sql)}


def install(con: "duckdb.DuckDBPyConnection", seed: int, statements: Iterable[str]) -> None:
    """Create the macros on ``con`` and bind the stream of every salt used in ``statements``."""
    for statement in MACROS:
        con.execute(statement)
    for salt in sorted(salts_in(statements)):
        # The variable name is built from a salt of this package's own SQL; the value is bound.
        con.execute(f"SET VARIABLE rs_{salt} = ?::UBIGINT", [stream(seed, salt)])
