"""The declaration: findings about register.yaml, and the Art. 30 record it yields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.sections.findings_tables import findings_table, sorted_findings
from audit_lib.report.templating import render

if TYPE_CHECKING:
    from markupsafe import Markup

    from audit_lib.audit import AuditResult

NOTICE_COLUMNS = ("kind", "severity", "check_id", "record_ref", "message")


def declaration_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """The declaration: notice findings (register.yaml against GDPR Art. 13/14/30 and Finnish law)
    and the Art. 30 record of processing activities as register.yaml states it."""
    from audit_lib.ropa import ropa_html_section

    notice = sorted_findings(result.findings[result.findings["family"] == "notice"])
    # The record keeps its own scoped style: its tables are not the report's evidence tables.
    # exports.yaml says which tables hold each category, so (f) can name the rule that covers it.
    record = ropa_html_section(result.register, lang, heading_level=3,
                               source_sha256=result.declaration_hashes.get("register.yaml"),
                               exports=result.declaration.exports)
    return render("sections/declaration.html.j2", lang=lang, record=record,
                  notice=None if notice.empty else findings_table(notice, lang, "ra-notice", NOTICE_COLUMNS))
