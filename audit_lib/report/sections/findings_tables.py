"""Findings as the report lists them: open ones most severe first, pseudonymous, messages redacted."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.headings import titled_table
from audit_lib.report.sections.redaction import redact
from audit_lib.report.templating import table
from audit_lib.report.times import DEFAULT_ZONE, event_time
from audit_lib.vocabulary import SEVERITIES

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

TOP_FINDINGS = 20
FINDINGS_COLUMNS = ("severity", "check_id", "subject_ref", "record_ref", "event_at", "message")


def sorted_findings(findings: "pd.DataFrame") -> "pd.DataFrame":
    """Open findings, most severe first, in an order that does not change between runs (ties keep
    the findings table's own order, which does not depend on the pseudonym key)."""
    frame = findings[findings["state"] != "accepted"].copy()
    frame["_s"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    keys = [k for k in ("_s", "check_id", "event_at") if k in frame]
    return frame.sort_values(keys, kind="stable", na_position="last").drop(columns="_s")


def column_heading(name: str, lang: str, zone: str) -> str:
    """A findings table's column heading; the event time's names the zone its times are in."""
    if name != "event_at":
        return text(f"col.{name}", lang)
    # A zero-width space after each "/" lets a narrow column break "Europe/Helsinki" there, not inside
    # a word (CSS has no break opportunity at a slash).
    return text("col.event_at_in", lang, zone=zone.replace("/", "/\u200b"))


def findings_table(findings: "pd.DataFrame", lang: str = "en", css: str = "ra-findings",
                   columns: tuple[str, ...] = FINDINGS_COLUMNS, zone: str | None = None) -> "Markup":
    """Findings as an escaped table: pseudonymous subject reference only; messages redacted; event
    times to the minute with their UTC offset in ``zone`` (the register's; None: its default)."""
    zone = zone or DEFAULT_ZONE
    shown = findings.copy()
    if "severity" in shown:
        shown["severity"] = shown["severity"].map(lambda s: text(f"severity.{s}", lang))
    if "kind" in columns:
        shown["kind"] = shown["kind"].map(lambda k: text(f"kind.{k}", lang))
    if "event_at" in shown:
        shown["event_at"] = shown["event_at"].map(lambda value: event_time(value, zone))
    if "message" in shown:
        shown["message"] = shown["message"].map(redact)
    if "subject_ref" in shown:
        # Findings about the declaration itself concern no data subject.
        shown["subject_ref"] = shown["subject_ref"].map(lambda v: v if isinstance(v, str) and v else "–")
    shown = shown[list(columns)]
    shown.columns = [column_heading(c, lang, zone) for c in columns]
    return table(shown, css)


def top_findings_table(findings: "pd.DataFrame", lang: str = "en", limit: int = TOP_FINDINGS,
                       zone: str | None = None) -> "Markup":
    """The most severe open findings: pseudonymous subject reference only, never names or e-mails.

    Event times are shown with their UTC offset in ``zone``, the register's time zone (the zone
    audit_lib.findings wrote them in; None: its default), which the column heading names."""
    ordered = sorted_findings(findings)
    shown = ordered.head(limit)
    zone = zone or DEFAULT_ZONE
    return titled_table(findings_table(shown, lang, zone=zone), "section.top", lang, "section.top.note",
                        shown=len(shown), total=len(ordered), zone=zone)
