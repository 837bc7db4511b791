"""Running checks: bind parameters, skip what lacks inputs, turn a broken check into an ``error`` result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from audit_lib.checks.spec import Check, CheckResult, Status
from audit_lib.sql import bind

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Declaration


@dataclass
class CheckContext:
    """What a check may use: the connection (canonical views and decl_* tables), parameters, declaration."""

    con: "duckdb.DuckDBPyConnection"
    params: dict[str, Any]
    available: dict[str, set[str]]
    declaration: "Declaration | None" = None
    extra: dict[str, Any] = field(default_factory=dict)

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run ``sql`` with its ``$parameters`` bound; rows as dicts."""
        cursor = self.con.execute(sql, bind(sql, self.params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def missing_inputs(check: Check, available: dict[str, set[str]]) -> list[str]:
    """``role.field`` names the check needs that no loaded export provides."""
    missing = []
    for role, fields in check.meta.needs.items():
        if role not in available:
            missing.append(f"{role} (no export is mapped to it or it failed to load)")
            continue
        missing += [f"{role}.{f}" for f in fields if f not in available[role]]
    return missing


def run_check(check: Check, context: CheckContext) -> CheckResult:
    """Run one check; never raises for a failure of the check itself."""
    started = time.perf_counter()
    missing = missing_inputs(check, context.available)
    if missing:
        return CheckResult(check, Status.NOT_RUN, reason="needs " + ", ".join(missing))
    try:
        population = _population(check, context)
        rows = context.query(check.sql) if check.sql is not None else list(check.function(context))
        if rows and "record_ref" not in rows[0]:
            raise ValueError("the check's rows have no record_ref column")
    except Exception as exc:  # a broken check is a result, not a crashed audit
        return CheckResult(check, Status.ERROR, reason=f"{type(exc).__name__}: {exc}".strip(),
                           duration_s=time.perf_counter() - started)
    status = Status.FAIL if rows else Status.PASS
    return CheckResult(check, status, population=population, rows=rows, duration_s=time.perf_counter() - started)


def _population(check: Check, context: CheckContext) -> int | None:
    if check.population_function is not None:
        return int(check.population_function(context))
    if check.meta.population:
        return int(context.query(check.meta.population)[0].popitem()[1])
    return None


def run_checks(checks: Iterable[Check], context: CheckContext,
               progress: Callable[[Check], None] | None = None) -> list[CheckResult]:
    """Run every check in order; ``progress`` is told which check starts."""
    results = []
    for check in checks:
        if progress:
            progress(check)
        results.append(run_check(check, context))
    return results
