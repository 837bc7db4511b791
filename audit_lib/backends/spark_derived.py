"""The relations the loader derives from role views, made again on Spark once lake rows joined those views.

Shipped from DuckDB they hold only what the DuckDB loader read. Each is made again from the loader's
own SQL: the functions that write them (identity.create_subject_index, load._create_consent_timeline,
declaration_tables._create_retention_items and RETENTION_DUE) are given a connection that records their
statements, and each ``CREATE VIEW name AS query`` is ported to Spark SQL (port.py) and defined as a
view over the new role views. Only the relations whose roles changed are made again.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from audit_lib.roles import DERIVED_SOURCES, ROLES

if TYPE_CHECKING:
    from audit_lib.backends.spark_backend import SparkBackend
    from audit_lib.declaration import Declaration
    from audit_lib.loader import LoadReport

_VIEW = re.compile(r"^\s*CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\w+)\s+AS\s+(.*?);?\s*$", re.I | re.S)


class _Recorder:
    """A stand-in for a DuckDB connection that keeps the statements it is given, in order."""

    def __init__(self) -> None:
        """No statement yet."""
        self.statements: list[str] = []

    def execute(self, sql: str, parameters: Any = None) -> "_Recorder":
        """Keep ``sql`` (the loader's view statements take no parameters)."""
        if parameters:
            raise ValueError(f"a derived relation's statement with parameters cannot be made again: {sql[:80]}")
        self.statements.append(sql)
        return self


def _define(backend: "SparkBackend", statements: list[str]) -> None:
    """Define each recorded ``CREATE VIEW`` as a Spark view, its query ported from DuckDB's dialect."""
    for statement in statements:
        found = _VIEW.match(statement)
        if found is None:
            raise ValueError(f"not a view the Spark loader can make again: {statement.strip()[:80]}")
        backend.view(found.group(1), backend.frame(found.group(2)))


def rebuild_derived(backend: "SparkBackend", declaration: "Declaration", report: "LoadReport",
                    roles: set[str]) -> None:
    """Make again, on ``backend``, the derived relations built from ``roles`` (whose views changed)."""
    from audit_lib.loader.declaration_tables import RETENTION_DUE, _create_retention_items
    from audit_lib.loader.identity import create_subject_index
    from audit_lib.loader.load import _create_consent_timeline

    recorder = _Recorder()
    if roles & set(DERIVED_SOURCES["consent_timeline"]):
        _create_consent_timeline(recorder, report)
    if any("subject_id" in ROLES[role].field_names for role in roles):
        create_subject_index(recorder, report.available)
    if any(rule.role in roles for rule in declaration.register.retention.rules):
        _create_retention_items(recorder, declaration.register, report.available)
        recorder.execute(RETENTION_DUE)
    _define(backend, recorder.statements)
