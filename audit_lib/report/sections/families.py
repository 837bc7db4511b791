"""One section per check family: its checks (status, tested, failures) and its most severe open findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.cells import count, family_order, status_texts
from audit_lib.report.sections.findings_tables import findings_table, sorted_findings
from audit_lib.report.templating import render, table
from audit_lib.report.times import zone_of

if TYPE_CHECKING:
    from markupsafe import Markup

    from audit_lib.audit import AuditResult

FAMILY_TOP_FINDINGS = 10
_COLUMNS = ["check_id", "title", "severity", "status", "population", "failures"]


def families(result: "AuditResult") -> list[str]:
    """The families the catalogue has checks in, in report order."""
    return family_order(result.check_results["family"])


def family_section(result: "AuditResult", family: str, lang: str = "en", limit: int = FAMILY_TOP_FINDINGS) -> "Markup":
    """A family's checks (status, tested, failures) and its most severe open findings."""
    checks = result.check_results[result.check_results["family"] == family].copy()
    checks["status"] = status_texts(checks, lang)
    checks["severity"] = checks["severity"].map(lambda s: text(f"severity.{s}", lang))
    for column in ("population", "failures"):
        checks[column] = checks[column].map(count)
    checks = checks.sort_values("check_id")[_COLUMNS]
    checks.columns = [text(f"col.{c}", lang) for c in _COLUMNS]
    findings = sorted_findings(result.findings[result.findings["family"] == family])
    zone = zone_of(result)
    return render("sections/family.html.j2", lang=lang, family=text(f"family.{family}", lang),
                  checks=table(checks, "ra-family-checks"), shown=min(limit, len(findings)), total=len(findings),
                  zone=zone, findings=None if findings.empty else findings_table(findings.head(limit), lang, zone=zone))
