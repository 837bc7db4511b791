"""The check catalogue: one file per check under ``<family>/``, run over the canonical views."""

from audit_lib.checks.registry import catalogue, discover
from audit_lib.checks.runner import CheckContext, run_check, run_checks
from audit_lib.checks.spec import Check, CheckMeta, CheckResult, Status

__all__ = ["Check", "CheckContext", "CheckMeta", "CheckResult", "Status", "catalogue", "discover", "run_check",
           "run_checks"]
