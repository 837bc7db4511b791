"""Appendix: what manifest.json records, with the hashes known while the report's notebook runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.evidence import catalogue_of, evidence_hashes
from audit_lib.report.labels import text
from audit_lib.report.templating import render

if TYPE_CHECKING:
    from markupsafe import Markup

    from audit_lib.audit import AuditResult


def manifest_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """Appendix: what manifest.json records, with the hashes known while the notebook runs."""
    from audit_lib.report.manifest import package_versions

    hashes = sorted(result.declaration_hashes.items()) + list(evidence_hashes(result).items())
    rows = [(f"{name} (SHA-256)", digest) for name, digest in hashes]
    rows += [(text("manifest.catalogue", lang), catalogue_of(result)),
             (text("manifest.language", lang), lang),
             (text("manifest.packages", lang), ", ".join(f"{k} {v}" for k, v in package_versions().items() if v))]
    return render("sections/manifest.html.j2", lang=lang, rows=rows)
