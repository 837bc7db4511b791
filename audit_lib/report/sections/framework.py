"""The framework the report reads provision by provision (audit_lib/frameworks/gdpr_fi.yaml), and which
checks the end-to-end ground truth covers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from audit_lib.errors import RegauditError, ReportError
from audit_lib.i18n import FRAMEWORK, T_, language, translate

if TYPE_CHECKING:
    import pandas as pd

    from audit_lib.audit import AuditResult
    from audit_lib.frameworks import Framework, Provision


def audit_framework(result: "AuditResult") -> "Framework":
    """The framework with each provision's checks from the headers of the checks this audit ran (the
    bundled catalogue's when it ran none); ReportError naming the file when the framework does not load."""
    from audit_lib.frameworks import DEFAULT, FRAMEWORKS_DIR, framework_for, load_framework

    checks = tuple(r.check for r in result.results)
    try:
        return framework_for(checks) if checks else load_framework()
    # What reading a framework raises: an unreadable or missing file, a malformed entry, a bad citation.
    except (OSError, LookupError, TypeError, ValueError, RegauditError) as exc:
        path = FRAMEWORKS_DIR / f"{DEFAULT}.yaml"
        raise ReportError(T_("{file}: the framework file could not be loaded, so the report cannot be read provision "
                             "by provision: {exc}. Fix the file (its provisions, their titles and references) and "
                             "run the report again.", file=path, exc=exc)) from exc


def _title(provision: "Provision", lang: str) -> str:
    """A provision's title in ``lang``, whole, with the reason it cannot be tested from data if it cannot."""
    title = provision.title_fi if lang == "fi" else provision.title_en
    if not provision.testable_from_data and provision.reason:
        # The framework file states its reasons in English; the catalog has them in Finnish.
        title = f"{title} ({translate(provision.reason, lang, FRAMEWORK)})"
    return title


def load_framework_rows(result: "AuditResult", lang: str | None = None) -> "tuple[pd.DataFrame, str]":
    """The provisions of the GDPR/Finnish-law framework (audit_lib/frameworks/gdpr_fi.yaml) as rows of
    provision, title and the ids of this audit's checks whose legal: headers cite it, in ``lang``
    (default: the audit's; a title whole, with the reason a provision cannot be tested from data), and
    the framework's title. ReportError when the framework file does not load."""
    import pandas as pd

    lang = language(lang or result.lang)
    framework = audit_framework(result)
    rows = [{"provision": provision.ref, "title": _title(provision, lang), "checks": list(provision.checks)}
            for provision in framework.provisions]
    return pd.DataFrame(rows), framework.title_fi if lang == "fi" else framework.title_en


def not_in_ground_truth(check_ids: Iterable[object]) -> set[str]:
    """The ids of ``check_ids`` that no bundled sample plants a violation of, so that the end-to-end
    ground truth does not hold them to one (audit_lib/sample/ground_truth.py)."""
    from audit_lib.sample.ground_truth import ground_truth_checks

    covered = ground_truth_checks()
    return {str(c) for c in check_ids if str(c) not in covered}
