"""What the audit's evidence was judged by besides the declaration: the check catalogue's version and the
hashes of the accepted-risks file and of the framework mapping (for the manifest and its appendix)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import ReportError
from audit_lib.i18n import T_

if TYPE_CHECKING:
    from audit_lib.audit import AuditResult

# The framework mapping the report reads provision by provision (audit_lib/frameworks).
FRAMEWORK_FILE = Path(__file__).resolve().parents[1] / "frameworks" / "gdpr_fi.yaml"


def catalogue_of(result: "AuditResult") -> str:
    """The catalogue version that judged the data (audit.catalogue_version of the checks run)."""
    from audit_lib.audit import catalogue_version

    return catalogue_version(tuple(r.check for r in result.results))


def evidence_hashes(result: "AuditResult") -> dict[str, str]:
    """SHA-256 of the files besides register.yaml and exports.yaml that shaped the report: the
    accepted-risks file (when the audit used one) and the framework mapping; ReportError when the
    framework file cannot be read."""
    from audit_lib.report.manifest import sha256_file

    hashes: dict[str, str] = {}
    if result.accepted_sha256:
        hashes["accepted.yaml"] = result.accepted_sha256
    try:
        hashes[f"frameworks/{FRAMEWORK_FILE.name}"] = sha256_file(FRAMEWORK_FILE)
    except OSError as exc:
        raise ReportError(T_("{file}: the framework file could not be read ({reason}); reinstall regaudit, or "
                             "restore the file", file=FRAMEWORK_FILE, reason=exc.strerror or exc)) from exc
    return hashes
