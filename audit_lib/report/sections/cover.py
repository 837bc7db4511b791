"""The cover page: whether the audit is complete (and why not), what was audited, when, by whom, and the counts."""

from __future__ import annotations

import os
from datetime import datetime
from typing import TYPE_CHECKING

from audit_lib.i18n import localise
from audit_lib.report.labels import text
from audit_lib.report.templating import render
from audit_lib.report.times import zone_of

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

    from audit_lib.audit import AuditResult

COVER_REASONS = 8


def counts(result: "AuditResult") -> dict[str, int]:
    """Numbers the cover states: checks by status, open and accepted findings."""
    statuses = result.check_results["status"].value_counts()
    findings = result.findings
    accepted = int((findings["state"] == "accepted").sum()) if len(findings) else 0
    return {
        "checks": int(len(result.check_results)),
        "passed": int(statuses.get("pass", 0)),
        "failed": int(statuses.get("fail", 0)),
        "errors": int(statuses.get("error", 0)),
        "not_run": int(statuses.get("not_run", 0)),
        "not_tested": int(statuses.get("not_tested", 0)),
        "open": int(len(findings) - accepted),
        "accepted": accepted,
    }


def _rows(result: "AuditResult", lang: str, started_at: "datetime | str | None", auditor: str | None,
          approver: str | None, signing_key: str | None) -> list[tuple[str, str | None]]:
    """The cover table: register, controller, business id, period, run id, start, auditor, approver, signature."""
    from audit_lib.report.times import parse_instant, zoned_iso

    register, period = result.register, result.period
    name = register.register_info.name
    rows = [
        (text("cover.register", lang), name.get(lang) or name.en),
        (text("cover.controller", lang), register.controller.name),
        (text("cover.business_id", lang), register.controller.business_id),
        (text("cover.period", lang), f"{period.label}: " + text(
            "cover.period_range", lang, start=period.start.date().isoformat(), end=period.end.date().isoformat())),
        (text("cover.run_id", lang), result.run_id),
    ]
    if started_at is not None:
        rows.append((text("cover.started", lang), zoned_iso(parse_instant(started_at), zone_of(result))))
    not_named = text("cover.not_named", lang)
    return rows + [(text("cover.auditor", lang), auditor or not_named),
                   (text("cover.approver", lang), approver or not_named),
                   (text("cover.signature", lang), text("cover.signed", lang, fingerprint=signing_key)
                    if signing_key else text("cover.unsigned", lang))]


def _reasons(result: "AuditResult", lang: str) -> list[str]:
    """The first reasons the audit is incomplete, and how many more there are (none when it is complete)."""
    listed = [] if result.complete else [localise(r, lang) for r in result.incomplete_reasons]
    shown = listed[:COVER_REASONS]
    if len(listed) > COVER_REASONS:
        shown.append(text("cover.more_reasons", lang, n=len(listed) - COVER_REASONS))
    return shown


def cover(result: "AuditResult", lang: str = "en", previous: "str | os.PathLike | pd.DataFrame | None" = None, *,
          started_at: "datetime | str | None" = None, auditor: str | None = None, approver: str | None = None,
          signing_key: str | None = None) -> "Markup":
    """The cover page: title, whether the audit is complete (and if not, why, in its first lines),
    register, controller, business id, period, run id, when the run started (in the register's zone,
    with offset and zone name), the auditor and the approver ("not named" when absent), the signature,
    and the counts; with the previous period's findings (``previous``), a warning when they were made
    with another pseudonym key (report/diff.py).

    ``started_at`` is an aware datetime or ISO 8601 text (None: no start row); ``signing_key`` the
    fingerprint of the OpenPGP key that signs manifest.json (None: the report is not signed).
    """
    from audit_lib.report.diff import compare_keys

    state = "complete" if result.complete else "incomplete"
    keys = compare_keys(previous, result.key_fingerprint)
    return render("sections/cover.html.j2", lang=lang, state=state, status=text(f"cover.{state}", lang),
                  reasons=_reasons(result, lang), rows=_rows(result, lang, started_at, auditor, approver, signing_key),
                  summary=text("cover.summary", lang, **counts(result)),
                  key_warning=keys.warning(result.period.previous().label, lang))
