"""Results read provision by provision, through the framework mapping (audit_lib/frameworks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.cells import STATUS_ORDER
from audit_lib.report.sections.framework import load_framework_rows, not_in_ground_truth
from audit_lib.report.templating import render, table

if TYPE_CHECKING:
    from markupsafe import Markup

    from audit_lib.audit import AuditResult


def provisions_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """Results read provision by provision from the framework mapping, with the provisions no check
    tests, so coverage stays honest; a column names the checks the end-to-end ground truth does not
    cover, when the audit ran any. ReportError when the framework file does not load."""
    import pandas as pd

    checks = result.check_results.set_index("check_id")
    uncovered = not_in_ground_truth(checks.index)
    open_findings = result.findings[result.findings["state"] != "accepted"]
    per_check = open_findings.groupby("check_id").size()
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    requirements, name = load_framework_rows(result, lang)
    rows = []
    for requirement in requirements.itertuples(index=False):
        known = [c for c in requirement.checks if c in checks.index]
        if known:
            worst = min((checks.loc[c, "status"] for c in known), key=lambda s: order.get(s, 99))
            outcome = text(f"status.{worst}", lang)
        else:
            outcome = text("provisions.untested", lang)
        rows.append({"provision": requirement.provision, "title": requirement.title, "checks": len(known),
                     "status": outcome, "findings": int(sum(per_check.get(c, 0) for c in known)),
                     "no_ground_truth": ", ".join(c for c in known if c in uncovered)})
    columns = ["provision", "title", "checks", "status", "findings"] + (["no_ground_truth"] if uncovered else [])
    frame = pd.DataFrame(rows, columns=columns)
    frame.columns = [text(f"col.{c}", lang) for c in frame.columns]
    return render("sections/provisions.html.j2", lang=lang, framework=name, table=table(frame, "ra-provisions"))
