"""Exploring a register between audits: DuckDB aggregates (stats), plotly figures of them (figures).

Every statistic is computed in DuckDB and returns a small DataFrame whose size depends on the
declaration and the calendar, never on the number of records; figures draw only those aggregates,
so a notebook of them stays the same size for a register of 2,000 or 1,000,000 subjects.
"""

from audit_lib.explore.session import Session, from_audit, open_register, params_for

__all__ = ["Session", "from_audit", "open_register", "params_for"]
