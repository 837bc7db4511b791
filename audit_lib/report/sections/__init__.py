"""HTML of each report section (cover, scope, declaration, summary, families, comparison, what was not run,
appendices), one module each, rendered from the Jinja2 templates in audit_lib/report/templates/sections.

Every function takes the audit (``audit_lib.audit.AuditResult``) or its tables and returns the section
as ``markupsafe.Markup`` (an HTML string): every data value is escaped, by the templates' autoescaping
or by pandas' ``to_html(escape=True)``, because register data is untrusted text that ends up in a
document opened in a browser. The report notebook reads them from here (``sections.cover``, …).
"""

from __future__ import annotations

from audit_lib.report.sections.appendix_accepted import accepted_section
from audit_lib.report.sections.appendix_catalogue import catalogue_section
from audit_lib.report.sections.appendix_manifest import manifest_section
from audit_lib.report.sections.cells import input_status
from audit_lib.report.sections.checks import check_results_table
from audit_lib.report.sections.comparison import CHANGES_SHOWN, comparison_section
from audit_lib.report.sections.cover import COVER_REASONS, counts, cover
from audit_lib.report.sections.declaration import declaration_section
from audit_lib.report.sections.families import FAMILY_TOP_FINDINGS, families, family_section
from audit_lib.report.sections.findings_tables import TOP_FINDINGS, findings_table, sorted_findings, top_findings_table
from audit_lib.report.sections.framework import load_framework_rows, not_in_ground_truth
from audit_lib.report.sections.headings import heading
from audit_lib.report.sections.not_run import not_run_section
from audit_lib.report.sections.provisions import provisions_section
from audit_lib.report.sections.redaction import redact
from audit_lib.report.sections.scope import HASH_SHOWN, inputs_table, quarantine_summary, scope_section
from audit_lib.report.sections.summary import severity_by_family, status_counts, summary_section
from audit_lib.vocabulary import STATUSES

__all__ = ["CHANGES_SHOWN", "COVER_REASONS", "FAMILY_TOP_FINDINGS", "HASH_SHOWN", "STATUSES", "TOP_FINDINGS",
           "accepted_section", "catalogue_section", "check_results_table", "comparison_section", "counts", "cover",
           "declaration_section", "families", "family_section", "findings_table", "heading", "input_status",
           "inputs_table", "load_framework_rows", "manifest_section", "not_in_ground_truth", "not_run_section",
           "provisions_section", "quarantine_summary", "redact", "scope_section", "severity_by_family",
           "sorted_findings", "status_counts", "summary_section", "top_findings_table"]
