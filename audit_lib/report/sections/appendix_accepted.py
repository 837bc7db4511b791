"""Appendix: the findings accepted as risks, and the acceptances that cover no finding any more."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.sections.findings_tables import findings_table, sorted_findings
from audit_lib.report.templating import render

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

_COLUMNS = ("severity", "check_id", "record_ref", "accepted_reason", "accepted_by", "accepted_until")


def accepted_section(findings: "pd.DataFrame", lang: str = "en", accepted_file: str | None = None,
                     unmatched: list[str] | None = None) -> "Markup":
    """Appendix: findings accepted as risks, listed apart with reason, approver and expiry, and the
    acceptances (``accepted.yaml:<line>``) that cover no finding any more."""
    accepted = findings[findings["state"] == "accepted"]
    shown = None
    if not accepted.empty:
        shown = findings_table(sorted_findings(accepted.assign(state="open")), lang, "ra-accepted", _COLUMNS)
    return render("sections/accepted.html.j2", lang=lang, accepted_file=accepted_file, findings=shown,
                  unmatched=", ".join(unmatched) if unmatched else None)
