"""HTML of each report section (cover, inputs, check results, top findings, what was not run).

Every function takes the audit's tables and returns an HTML string; every data value is escaped
(pandas ``to_html(escape=True)`` or ``html.escape``), because register data is untrusted text that
ends up in a document opened in a browser.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from audit_lib.report.labels import SEVERITIES, STATUSES, text

if TYPE_CHECKING:
    import pandas as pd

TOP_FINDINGS = 20
HASH_SHOWN = 12
# Messages are meant to name records and rules, not people; this is a last line of defence in case
# a message template interpolates a contact value (the report goes to a third party).
_EMAIL = re.compile(r"[^\s@<>()\"']+@[^\s@<>()\"']+\.[A-Za-z]{2,}")
# International (+358…, 00358…) or Finnish trunk-prefixed (040 …) numbers; dates and ids do not match.
_PHONE = re.compile(r"(?<![\w-])(?:(?:\+|00)\d[\d \-]{6,}\d|0\d{1,3}[ \-]?\d{5,8})(?![\w-])")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _refs(value: Any) -> str:
    """Legal references may arrive as a list, an array or text; show them as one line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return ", ".join(str(v) for v in value)
    except TypeError:
        return str(value)


def redact(message: Any) -> str:
    """Replace anything that looks like an e-mail address or phone number in ``message``."""
    if message is None:
        return ""
    return _PHONE.sub("[phone]", _EMAIL.sub("[e-mail]", str(message)))


def _table(frame: "pd.DataFrame", css: str) -> str:
    # escape=True is pandas' default; spelled out because this is a security property.
    return frame.to_html(index=False, escape=True, na_rep="", border=0, classes=["ra-table", css])


def _label(register: Any, lang: str) -> str:
    """The register's name in ``lang`` (the model has .fi/.en; a dict or text also works)."""
    # The pydantic model names the section register_info: `register` is taken by ABC.register.
    info = getattr(register, "register_info", None) or getattr(register, "register", None)
    name = getattr(info, "name", None)
    if name is None:
        return ""
    if isinstance(name, dict):
        return name.get(lang) or name.get("en") or next(iter(name.values()), "")
    return getattr(name, lang, None) or getattr(name, "en", None) or str(name)


def counts(result: Any) -> dict[str, int]:
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
        "open": int(len(findings) - accepted),
        "accepted": accepted,
    }


def cover(result: Any, lang: str = "en") -> str:
    """The cover: register, controller, business id, period, run id and whether the audit is complete."""
    register = result.register
    controller = getattr(register, "controller", None)
    period = result.period
    rows = [
        (text("cover.register", lang), _label(register, lang)),
        (text("cover.controller", lang), getattr(controller, "name", "")),
        (text("cover.business_id", lang), getattr(controller, "business_id", "")),
        (text("cover.period", lang), f"{period.label}: " + text(
            "cover.period_range", lang, start=period.start.date().isoformat(),
            end=period.end.date().isoformat())),
        (text("cover.run_id", lang), result.run_id),
    ]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    state = "complete" if result.complete else "incomplete"
    summary = text("cover.summary", lang, **counts(result))
    return (
        f'<section class="ra-cover"><h1>{_e(text("title", lang))}</h1>'
        f'<table class="ra-table ra-cover-table">{body}</table>'
        f'<p class="ra-status ra-{state}"><strong>{_e(text("cover.status", lang))}:</strong> '
        f'{_e(text("cover." + state, lang))}</p><p class="ra-summary">{_e(summary)}</p></section>'
    )


def heading(key: str, lang: str = "en", note: str | None = None, **values: Any) -> str:
    """A section heading, with an optional explanatory note below it."""
    out = f"<h2>{_e(text(key, lang))}</h2>"
    if note:
        out += f'<p class="ra-note">{_e(text(note, lang, **values))}</p>'
    return out


def inputs_table(inputs: "pd.DataFrame", lang: str = "en") -> str:
    """Inputs: file, role, format, row counts and the SHA-256 shortened to 12 characters."""
    frame = inputs.copy()
    frame["sha256"] = frame["sha256"].map(lambda h: (str(h)[:HASH_SHOWN] + "…") if h else "")
    columns = [c for c in ("file", "role", "format", "status", "rows_read", "rows_loaded",
                           "rows_quarantined", "sha256") if c in frame]
    frame = frame[columns]
    for column in ("rows_read", "rows_loaded", "rows_quarantined"):
        if column in frame:
            frame[column] = frame[column].map(lambda v: "" if v is None or v != v else int(v))
    frame.columns = [text(f"col.{c}", lang) for c in columns]
    return heading("section.inputs", lang, "section.inputs.note") + _table(frame, "ra-inputs")


def check_results_table(check_results: "pd.DataFrame", lang: str = "en") -> str:
    """Every check with its status, tested population and failures; failures and errors first."""
    import pandas as pd

    frame = check_results.copy()
    order = {s: i for i, s in enumerate(("error", "fail", "not_run", "pass"))}
    severity = {s: i for i, s in enumerate(SEVERITIES)}
    frame["_o"] = frame["status"].map(order).fillna(len(order))
    frame["_s"] = frame["severity"].map(severity).fillna(len(severity))
    frame = frame.sort_values(["_o", "_s", "check_id"], kind="stable")
    frame["legal_refs"] = frame["legal_refs"].map(_refs)
    frame["status"] = frame["status"].map(lambda s: text(f"status.{s}", lang))
    frame["severity"] = frame["severity"].map(lambda s: text(f"severity.{s}", lang))
    for column in ("population", "failures"):
        frame[column] = frame[column].map(lambda v: "" if v is None or pd.isna(v) else int(v))
    # Family is left out (the chart below groups by it) and so is the reason (only checks that did
    # not run have one; "What was not run" lists them): the table must fit an A4 page.
    columns = ["check_id", "severity", "status", "population", "failures", "title", "legal_refs"]
    frame = frame[columns]
    frame.columns = [text(f"col.{c}", lang) for c in columns]
    return heading("section.checks", lang) + _table(frame, "ra-checks")


def sorted_findings(findings: "pd.DataFrame") -> "pd.DataFrame":
    """Open findings, most severe first, in an order that does not change between runs."""
    frame = findings[findings["state"] != "accepted"].copy()
    frame["_s"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    keys = [k for k in ("_s", "check_id", "event_at", "fingerprint") if k in frame]
    return frame.sort_values(keys, kind="stable", na_position="last").drop(columns="_s")


def top_findings_table(findings: "pd.DataFrame", lang: str = "en", limit: int = TOP_FINDINGS) -> str:
    """The most severe open findings: pseudonymous subject reference only, never names or e-mails."""
    ordered = sorted_findings(findings)
    shown = ordered.head(limit).copy()
    shown["severity"] = shown["severity"].map(lambda s: text(f"severity.{s}", lang))
    shown["event_at"] = shown["event_at"].map(_when)
    shown["message"] = shown["message"].map(redact)
    # Findings about the declaration itself concern no data subject.
    shown["subject_ref"] = shown["subject_ref"].map(lambda v: v if isinstance(v, str) and v else "–")
    columns = ["severity", "check_id", "subject_ref", "record_ref", "event_at", "message"]
    shown = shown[columns]
    shown.columns = [text(f"col.{c}", lang) for c in columns]
    note = heading("section.top", lang, "section.top.note", shown=len(shown), total=len(ordered))
    return note + _table(shown, "ra-findings")


def _when(value: Any) -> str:
    """Event times to the minute: seconds add nothing to a supervisory reader."""
    if value is None or value != value:  # None or NaN/NaT
        return ""
    stamp = getattr(value, "strftime", None)
    return value.strftime("%Y-%m-%d %H:%M") if stamp else str(value)[:16]


def not_run_section(result: Any, lang: str = "en") -> str:
    """What was not run: checks in error or not run, inputs not loaded, rows quarantined, and every
    other reason the audit gives for being incomplete."""
    import pandas as pd

    out = heading("section.not_run", lang)
    checks = result.check_results
    missing = checks[checks["status"].isin(["error", "not_run"])].sort_values(["status", "check_id"])
    inputs = result.inputs
    rejected = inputs[inputs["status"] != "loaded"] if "status" in inputs else inputs.iloc[0:0]
    quarantined = pd.to_numeric(inputs["rows_quarantined"], errors="coerce").fillna(0) > 0 \
        if "rows_quarantined" in inputs else pd.Series(False, index=inputs.index)
    rejected = inputs[inputs.index.isin(rejected.index) | quarantined]
    # Reasons the audit states beyond checks and inputs (for example a retention rule no export
    # can evaluate); the AuditResult contract does not promise the attribute, hence getattr.
    others = [r for r in getattr(result, "incomplete_reasons", []) or []
              if not r.startswith(("input ", "check "))]
    if missing.empty and rejected.empty and not others and result.complete:
        return out + f'<p>{_e(text("not_run.none", lang))}</p>'
    if not missing.empty:
        frame = missing[["check_id", "status", "reason"]].copy()
        frame["status"] = frame["status"].map(lambda s: text(f"status.{s}", lang))
        frame.columns = [text(f"col.{c}", lang) for c in ("check_id", "status", "reason")]
        out += _table(frame, "ra-not-run")
    if not rejected.empty:
        columns = [c for c in ("file", "status", "rows_read", "rows_quarantined", "detail") if c in rejected]
        frame = rejected[columns].copy()
        frame.columns = [text(f"col.{c}", lang) for c in columns]
        out += f'<p>{_e(text("not_run.rejected", lang))}</p>' + _table(frame, "ra-rejected")
    if others:
        items = "".join(f"<li>{_e(r)}</li>" for r in others)
        out += f'<p>{_e(text("not_run.other", lang))}</p><ul class="ra-reasons">{items}</ul>'
    return out


def comparison_section(findings: "pd.DataFrame", previous: "str | pd.DataFrame | None",
                       previous_label: str, lang: str = "en") -> str:
    """Compare with the previous period's findings by fingerprint: new, still open, resolved.

    ``previous`` is that report's findings.parquet (path or frame), or None when there is none.
    """
    import pandas as pd

    out = heading("section.comparison", lang)
    if previous is None or (isinstance(previous, str) and not previous):
        return out + f'<p>{_e(text("comparison.none", lang, previous=previous_label))}</p>'
    before = pd.read_parquet(previous) if isinstance(previous, str) else previous
    now_open = set(findings.loc[findings["state"] != "accepted", "fingerprint"])
    before_open = set(before.loc[before["state"] != "accepted", "fingerprint"])
    rows = [(text("comparison.new", lang), len(now_open - before_open)),
            (text("comparison.still_open", lang), len(now_open & before_open)),
            (text("comparison.resolved", lang), len(before_open - now_open))]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    note = text("comparison.note", lang, previous=previous_label)
    return out + f'<p class="ra-note">{_e(note)}</p><table class="ra-table ra-cover-table">{body}</table>'


__all__ = ["STATUSES", "check_results_table", "comparison_section", "counts", "cover", "heading", "inputs_table",
           "not_run_section", "redact", "sorted_findings", "top_findings_table"]
