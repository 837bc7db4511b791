"""The summary: checks by outcome with the records tested, open findings by family and severity, provisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.cells import family_order
from audit_lib.report.sections.provisions import provisions_section
from audit_lib.report.templating import render, table
from audit_lib.vocabulary import SEVERITIES, STATUSES

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

    from audit_lib.audit import AuditResult


def status_counts(check_results: "pd.DataFrame", lang: str = "en") -> "Markup":
    """One line per status: how many checks passed, failed, broke or could not run, and records tested."""
    import pandas as pd

    population = pd.to_numeric(check_results["population"], errors="coerce")
    rows = []
    for status in STATUSES:
        mask = check_results["status"] == status
        tested = population[mask].dropna()
        rows.append({"status": text(f"status.{status}", lang), "checks": int(mask.sum()),
                     "population": int(tested.sum()) if len(tested) else ""})
    frame = pd.DataFrame(rows)
    frame.columns = [text(f"col.{c}", lang) for c in frame.columns]
    return table(frame, "ra-status-counts")


def severity_by_family(findings: "pd.DataFrame", lang: str = "en") -> "Markup":
    """Open findings counted by family (rows) and severity (columns), with totals."""
    import pandas as pd

    open_findings = findings[findings["state"] != "accepted"]
    counted = pd.crosstab(open_findings["family"], open_findings["severity"]).reindex(
        index=family_order(open_findings["family"]), columns=list(SEVERITIES), fill_value=0)
    counted["total"] = counted.sum(axis=1)
    counted.loc["total"] = counted.sum(axis=0)
    counted = counted.reset_index().rename(columns={"index": "family", "row_0": "family"})
    counted.columns = ["family"] + list(counted.columns[1:])
    counted["family"] = counted["family"].map(
        lambda f: text("col.total", lang) if f == "total" else text(f"family.{f}", lang))
    counted.columns = ([text("col.family", lang)] + [text(f"severity.{s}", lang) for s in SEVERITIES]
                       + [text("col.total", lang)])
    return table(counted, "ra-severity")


def summary_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """The summary: checks by status with records tested, open findings by family and severity, and
    findings by legal provision; the full check table follows in its own cell."""
    return render("sections/summary.html.j2", lang=lang, status_counts=status_counts(result.check_results, lang),
                  severity=severity_by_family(result.findings, lang), provisions=provisions_section(result, lang))
