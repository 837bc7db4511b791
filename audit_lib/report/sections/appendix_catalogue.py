"""Appendix: every check the audit ran, with its family, provisions, method, inputs read and remediation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.framework import not_in_ground_truth
from audit_lib.report.sections.headings import titled_table
from audit_lib.report.templating import table

if TYPE_CHECKING:
    from markupsafe import Markup

    from audit_lib.audit import AuditResult
    from audit_lib.checks.spec import Check

_COLUMNS = ["check_id", "family", "legal_refs", "method", "remediation"]


def _method(check: "Check", lang: str, uncovered: set[str]) -> str:
    """How a check tests (SQL or Python), on which inputs, and whether the ground truth covers it."""
    needs = "; ".join(f"{role}({', '.join(fields)})" for role, fields in sorted(check.meta.needs.items()))
    worded = f"{text('method.sql' if check.sql else 'method.python', lang)}; {needs or 'register.yaml'}"
    return worded + ("; " + text("coverage.no_ground_truth", lang) if check.id in uncovered else "")


def catalogue_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """Appendix: every check with its family, provisions, method, inputs read and remediation."""
    import pandas as pd

    uncovered = not_in_ground_truth(r.check.id for r in result.results)
    rows = [{"check_id": check.meta.id, "family": text(f"family.{check.family}", lang),
             "legal_refs": "; ".join(check.meta.legal), "method": _method(check, lang, uncovered),
             "remediation": check.meta.remediation.get(lang)}
            for check in sorted((r.check for r in result.results), key=lambda c: (c.family, c.id))]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame.columns = [text(f"col.{c}", lang) for c in frame.columns]
    return titled_table(table(frame, "ra-catalogue"), "section.catalogue", lang, "section.catalogue.note")
