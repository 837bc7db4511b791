"""What was not run: checks in error or not run, inputs not loaded or with rows quarantined, other reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.i18n import localise
from audit_lib.report.labels import text
from audit_lib.report.sections.cells import input_status
from audit_lib.report.templating import render, table
from audit_lib.vocabulary import INCOMPLETE_STATUSES

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

    from audit_lib.audit import AuditResult

_INPUT_COLUMNS = ("file", "status", "rows_read", "rows_quarantined", "detail")


def _not_loaded(inputs: "pd.DataFrame") -> "pd.DataFrame":
    """The input files not loaded, or loaded with rows quarantined."""
    import pandas as pd

    from audit_lib.loader.folder import COMPLETE_STATUSES

    rejected = ~inputs["status"].isin(COMPLETE_STATUSES)
    quarantined = pd.to_numeric(inputs["rows_quarantined"], errors="coerce").fillna(0) > 0
    return inputs[rejected | quarantined]


def _checks_table(missing: "pd.DataFrame", lang: str, said: dict[str, object]) -> "Markup":
    """The checks in error or not run, with the reason each gives, in ``lang``: a table holds plain
    (English) text, so a reason is shown from the check's own ``T_`` text (``said``, by check id)
    when that is the text the table holds, else as it is."""
    frame = missing[["check_id", "status", "reason"]].copy()
    frame["status"] = frame["status"].map(lambda s: text(f"status.{s}", lang))
    frame["reason"] = [localise(said[check_id], lang) if check_id in said and str(said[check_id]) == reason
                       else reason for check_id, reason in zip(frame["check_id"], frame["reason"])]
    frame.columns = [text(f"col.{c}", lang) for c in ("check_id", "status", "reason")]
    return table(frame, "ra-not-run")


def _inputs_table(rejected: "pd.DataFrame", lang: str) -> "Markup":
    """The input files not loaded or with rows quarantined: status, rows read and set aside, detail."""
    columns = [c for c in _INPUT_COLUMNS if c in rejected]
    frame = rejected[columns].copy()
    frame["status"] = frame["status"].map(lambda s: input_status(s, lang))
    frame.columns = [text(f"col.{c}", lang) for c in columns]
    return table(frame, "ra-rejected")


def _reasons_said(result: "AuditResult") -> dict[str, object]:
    """Each check's reason as it gave it (a ``T_`` text, which has its Finnish), by check id."""
    return {r.check.id: r.reason for r in result.results if r.reason is not None}


def not_run_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """What was not run: checks in error or not run, inputs not loaded, rows quarantined, and every
    other reason the audit gives for being incomplete."""
    checks = result.check_results
    missing = checks[checks["status"].isin(INCOMPLETE_STATUSES)].sort_values(["status", "check_id"])
    rejected = _not_loaded(result.inputs)
    # Reasons beyond checks and inputs (for example a retention rule no export can evaluate).
    others = [localise(r, lang) for r in result.incomplete_reasons if not r.startswith(("input ", "check "))]
    nothing = missing.empty and rejected.empty and not others and result.complete
    return render("sections/not_run.html.j2", lang=lang, nothing=nothing, others=others,
                  checks=None if missing.empty else _checks_table(missing, lang, _reasons_said(result)),
                  inputs=None if rejected.empty else _inputs_table(rejected, lang))
