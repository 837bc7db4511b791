"""HTML of each report section (cover, inputs, check results, top findings, what was not run).

Every function takes the audit's tables and returns an HTML string; every data value is escaped
(pandas ``to_html(escape=True)`` or ``html.escape``), because register data is untrusted text that
ends up in a document opened in a browser.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from audit_lib.i18n import FRAMEWORK, language, translate
from audit_lib.report.labels import FAMILIES, SEVERITIES, STATUSES, text
from audit_lib.report.times import DEFAULT_ZONE, event_time, zone_of

if TYPE_CHECKING:
    import pandas as pd

TOP_FINDINGS = 20
FAMILY_TOP_FINDINGS = 10
COVER_REASONS = 8
CHANGES_SHOWN = 25
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
        "not_tested": int(statuses.get("not_tested", 0)),
        "open": int(len(findings) - accepted),
        "accepted": accepted,
    }


def _family_order(values: Any) -> list[str]:
    """Families in the report's fixed order, then any new family (added by a check file) by name."""
    present = {v for v in values if isinstance(v, str)}
    return [f for f in FAMILIES if f in present] + sorted(present - set(FAMILIES))


def cover(result: Any, lang: str = "en", previous: Any = None, *, started_at: Any = None,
          auditor: str | None = None, approver: str | None = None, signing_key: str | None = None) -> str:
    """The cover page: title, whether the audit is complete (and if not, why, in its first lines),
    register, controller, business id, period, run id, when the run started (in the register's zone,
    with offset and zone name), the auditor and the approver ("not named" when absent), the signature,
    and the counts; with the previous period's findings (``previous``), a warning when they were made
    with another pseudonym key (report/diff.py).

    ``started_at`` is an aware datetime or ISO 8601 text (None: no start row); ``signing_key`` the
    fingerprint of the OpenPGP key that signs manifest.json (None: the report is not signed).
    """
    from audit_lib.report.diff import compare_keys
    from audit_lib.report.times import parse_instant, zoned_iso

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
    if started_at is not None:
        rows.append((text("cover.started", lang), zoned_iso(parse_instant(started_at), zone_of(result))))
    not_named = text("cover.not_named", lang)
    rows += [(text("cover.auditor", lang), auditor or not_named),
             (text("cover.approver", lang), approver or not_named),
             (text("cover.signature", lang), text("cover.signed", lang, fingerprint=signing_key)
              if signing_key else text("cover.unsigned", lang))]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
    state = "complete" if result.complete else "incomplete"
    keys = compare_keys(previous, getattr(result, "key_fingerprint", None))
    summary = text("cover.summary", lang, **counts(result))
    reasons = ""
    if not result.complete:
        listed = list(getattr(result, "incomplete_reasons", []) or [])
        items = "".join(f"<li>{_e(r)}</li>" for r in listed[:COVER_REASONS])
        if len(listed) > COVER_REASONS:
            items += f"<li>{_e(text('cover.more_reasons', lang, n=len(listed) - COVER_REASONS))}</li>"
        reasons = f'<ul class="ra-reasons">{items}</ul>' if items else ""
    return (
        f'<section class="ra-cover"><p class="ra-kicker">{_e(text("cover.kicker", lang))}</p>'
        f'<h1>{_e(text("title", lang))}</h1>'
        f'<div class="ra-status ra-{state}"><p><strong>{_e(text("cover.status", lang))}:</strong> '
        f'{_e(text("cover." + state, lang))}</p>{reasons}</div>'
        f'<table class="ra-table ra-cover-table">{body}</table>'
        f'<p class="ra-summary">{_e(summary)}</p>{_key_warning(keys, period.previous().label, lang)}'
        f'<p class="ra-note">{_e(text("cover.contents", lang))}</p></section>'
    )


def _key_warning(keys: Any, previous_label: str, lang: str) -> str:
    """The warning that the previous period's report was made with another pseudonym key ("" if not)."""
    warning = keys.warning(previous_label, lang)
    return f'<div class="ra-status ra-incomplete ra-key-changed"><p>{_e(warning)}</p></div>' if warning else ""


def heading(key: str, lang: str = "en", note: str | None = None, level: int = 2, **values: Any) -> str:
    """A section heading, with an optional explanatory note below it."""
    out = f"<h{level}>{_e(text(key, lang))}</h{level}>"
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
    if "status" in frame:
        frame["status"] = frame["status"].map(lambda s: input_status(s, lang))
    frame.columns = [text(f"col.{c}", lang) for c in columns]
    return heading("section.inputs", lang, "section.inputs.note") + _table(frame, "ra-inputs")


def input_status(status: Any, lang: str = "en") -> str:
    """An input file's status (loaded, rejected, …) as the report words it; another status as it is."""
    return text(f"input.{status}", lang) if isinstance(status, str) else ""


def _status_texts(checks: "pd.DataFrame", lang: str) -> list[str]:
    """Each check's status as the report words it; a check not run because its inputs are declared not
    exported says so."""
    declared = checks["out_of_scope"] if "out_of_scope" in checks else [False] * len(checks)

    def word(status: str, out: bool) -> str:
        return "status.not_run_not_exported" if status == "not_run" and out else f"status.{status}"

    return [text(word(status, bool(out)), lang) for status, out in zip(checks["status"], declared)]


def check_results_table(check_results: "pd.DataFrame", lang: str = "en") -> str:
    """Every check with its status, tested population and failures; failures and errors first."""
    import pandas as pd

    frame = check_results.copy()
    order = {s: i for i, s in enumerate(("error", "fail", "not_run", "not_tested", "pass"))}
    severity = {s: i for i, s in enumerate(SEVERITIES)}
    frame["_o"] = frame["status"].map(order).fillna(len(order))
    frame["_s"] = frame["severity"].map(severity).fillna(len(severity))
    frame = frame.sort_values(["_o", "_s", "check_id"], kind="stable")
    frame["legal_refs"] = frame["legal_refs"].map(_refs)
    frame["status"] = _status_texts(frame, lang)
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
    """Open findings, most severe first, in an order that does not change between runs (ties keep
    the findings table's own order, which does not depend on the pseudonym key)."""
    frame = findings[findings["state"] != "accepted"].copy()
    frame["_s"] = frame["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    keys = [k for k in ("_s", "check_id", "event_at") if k in frame]
    return frame.sort_values(keys, kind="stable", na_position="last").drop(columns="_s")


def top_findings_table(findings: "pd.DataFrame", lang: str = "en", limit: int = TOP_FINDINGS,
                       zone: str | None = None) -> str:
    """The most severe open findings: pseudonymous subject reference only, never names or e-mails.

    Event times are shown with their UTC offset in ``zone``, the register's time zone (the zone
    audit_lib.findings wrote them in; None: its default), which the column heading names."""
    ordered = sorted_findings(findings)
    shown = ordered.head(limit).copy()
    shown["severity"] = shown["severity"].map(lambda s: text(f"severity.{s}", lang))
    zone = zone or DEFAULT_ZONE
    shown["event_at"] = shown["event_at"].map(lambda value: event_time(value, zone))
    shown["message"] = shown["message"].map(redact)
    # Findings about the declaration itself concern no data subject.
    shown["subject_ref"] = shown["subject_ref"].map(lambda v: v if isinstance(v, str) and v else "–")
    columns = ["severity", "check_id", "subject_ref", "record_ref", "event_at", "message"]
    shown = shown[columns]
    shown.columns = [_column(c, lang, zone) for c in columns]
    note = heading("section.top", lang, "section.top.note", shown=len(shown), total=len(ordered), zone=zone)
    return note + _table(shown, "ra-findings")


def _column(name: str, lang: str, zone: str) -> str:
    """A findings table's column heading; the event time's names the zone its times are in."""
    return text("col.event_at_in", lang, zone=zone) if name == "event_at" else text(f"col.{name}", lang)


def not_run_section(result: Any, lang: str = "en") -> str:
    """What was not run: checks in error or not run, inputs not loaded, rows quarantined, and every
    other reason the audit gives for being incomplete."""
    import pandas as pd

    from audit_lib.loader.folder import COMPLETE_STATUSES

    out = heading("section.not_run", lang)
    checks = result.check_results
    missing = checks[checks["status"].isin(["error", "not_run"])].sort_values(["status", "check_id"])
    inputs = result.inputs
    rejected = inputs[~inputs["status"].isin(COMPLETE_STATUSES)] if "status" in inputs else inputs.iloc[0:0]
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
        if "status" in frame:
            frame["status"] = frame["status"].map(lambda s: input_status(s, lang))
        frame.columns = [text(f"col.{c}", lang) for c in columns]
        out += f'<p>{_e(text("not_run.rejected", lang))}</p>' + _table(frame, "ra-rejected")
    if others:
        items = "".join(f"<li>{_e(r)}</li>" for r in others)
        out += f'<p>{_e(text("not_run.other", lang))}</p><ul class="ra-reasons">{items}</ul>'
    return out


def scope_section(result: Any, lang: str = "en") -> str:
    """Scope and inputs: the period, every input file with its hash and row counts, and the rows
    quarantined per file and reason (counts only: quarantined rows are raw register data)."""
    out = heading("section.scope", lang, "section.scope.note", period=result.period.label)
    out += inputs_table(result.inputs, lang).replace(f"<h2>{_e(text('section.inputs', lang))}</h2>",
                                                      f"<h3>{_e(text('section.inputs', lang))}</h3>")
    out += f"<h3>{_e(text('section.quarantine', lang))}</h3>"
    quarantine = quarantine_summary(result)
    if quarantine.empty:
        return out + f'<p>{_e(text("quarantine.none", lang))}</p>'
    quarantine.columns = [text(f"col.{c}", lang) for c in quarantine.columns]
    return out + f'<p class="ra-note">{_e(text("quarantine.note", lang))}</p>' + _table(quarantine, "ra-quarantine")


def quarantine_summary(result: Any) -> "pd.DataFrame":
    """Quarantined rows counted per file and reason code, with the first lines as pointers (counted in
    DuckDB by audit_lib/quarantine.py: a file of millions of quarantined rows is never fetched)."""
    from audit_lib.quarantine import summary

    return summary(result.con)


def findings_table(findings: "pd.DataFrame", lang: str = "en", css: str = "ra-findings",
                   columns: tuple[str, ...] = ("severity", "check_id", "subject_ref", "record_ref", "event_at",
                                               "message"), zone: str | None = None) -> str:
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
    shown.columns = [_column(c, lang, zone) for c in columns]
    return _table(shown, css)


def declaration_section(result: Any, lang: str = "en") -> str:
    """The declaration: notice findings (register.yaml against GDPR Art. 13/14/30 and Finnish law)
    and the Art. 30 record of processing activities as register.yaml states it."""
    from audit_lib.ropa import ropa_html_section

    out = heading("section.declaration", lang, "section.declaration.note")
    notice = sorted_findings(result.findings[result.findings["family"] == "notice"])
    out += f"<h3>{_e(text('section.notice', lang))}</h3>"
    if notice.empty:
        out += f'<p>{_e(text("notice.none", lang))}</p>'
    else:
        out += findings_table(notice, lang, "ra-notice", ("kind", "severity", "check_id", "record_ref", "message"))
    sha = dict(result.declaration_hashes).get("register.yaml")
    # The record keeps its own scoped style: its tables are not the report's evidence tables.
    # exports.yaml says which tables hold each category, so (f) can name the rule that covers it.
    exports = getattr(getattr(result, "declaration", None), "exports", None)
    return out + ropa_html_section(result.register, lang, heading_level=3, source_sha256=sha, exports=exports)


def status_counts(check_results: "pd.DataFrame", lang: str = "en") -> str:
    """One line per status: how many checks passed, failed, broke or could not run, and records tested."""
    import pandas as pd

    population = pd.to_numeric(check_results["population"], errors="coerce")
    rows = []
    for status in STATUSES:
        mask = check_results["status"] == status
        tested = population[mask].dropna()
        rows.append({"status": text(f"status.{status}", lang), "checks": int(mask.sum()),
                     "population": int(tested.sum()) if len(tested) else ""})
    frame = pd.DataFrame(rows)
    frame.columns = [text(f"col.{c}", lang) for c in frame.columns]
    return _table(frame, "ra-status-counts")


def severity_by_family(findings: "pd.DataFrame", lang: str = "en") -> str:
    """Open findings counted by family (rows) and severity (columns), with totals."""
    import pandas as pd

    open_findings = findings[findings["state"] != "accepted"]
    families = _family_order(open_findings["family"])
    table = pd.crosstab(open_findings["family"], open_findings["severity"]).reindex(
        index=families, columns=list(SEVERITIES), fill_value=0)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table = table.reset_index().rename(columns={"index": "family", "row_0": "family"})
    table.columns = ["family"] + list(table.columns[1:])
    table["family"] = table["family"].map(lambda f: text("col.total", lang) if f == "total" else text(f"family.{f}", lang))
    table.columns = [text("col.family", lang)] + [text(f"severity.{s}", lang) for s in SEVERITIES] + [text("col.total", lang)]
    return _table(table, "ra-severity")


def _split_refs(value: Any) -> list[str]:
    return [part.strip() for part in _refs(value).split(";") if part.strip()]


def load_framework_rows(result: Any, lang: str | None = None) -> "tuple[pd.DataFrame, str] | None":
    """Requirements of the GDPR/Finnish-law framework (audit_lib/frameworks/gdpr_fi.yaml), if that
    module exists, as rows of provision, title and the ids of this audit's checks whose legal: headers
    cite it, in ``lang`` (default: the audit's; a title whole, with the reason a provision cannot be
    tested from data); None when it does not (or its shape is not one this report understands, in
    which case the report groups by legal_refs)."""
    import pandas as pd

    try:
        from audit_lib.frameworks import framework_for, load_framework  # type: ignore[import-not-found]

        checks = tuple(r.check for r in getattr(result, "results", None) or ())
        framework = framework_for(checks) if checks else load_framework()
    except Exception:  # noqa: BLE001 - a missing or unreadable framework falls back to legal_refs
        return None
    lang = lang or getattr(result, "lang", "en")
    provisions = getattr(framework, "provisions", None) or getattr(framework, "requirements", None)
    if not provisions:
        return None
    rows = []
    for item in provisions:
        provision = getattr(item, "ref", None) or getattr(item, "id", None)
        title = getattr(item, f"title_{lang}", None) or getattr(item, "title_en", None) or getattr(item, "title", "")
        if not getattr(item, "testable_from_data", True) and getattr(item, "reason", None):
            # The framework file states its reasons in English; the catalog has them in Finnish.
            title = f"{title} ({translate(item.reason, language(lang), FRAMEWORK)})"
        if provision is None:
            return None
        rows.append({"provision": str(provision), "title": str(title or ""),
                     "checks": [str(c) for c in (getattr(item, "checks", None) or ())]})
    name = getattr(framework, f"title_{lang}", None) or getattr(framework, "id", None) or "gdpr_fi"
    return pd.DataFrame(rows), str(name)


def not_in_ground_truth(check_ids: Any) -> set[str]:
    """The ids of ``check_ids`` that no bundled sample plants a violation of, so that the end-to-end
    ground truth does not hold them to one (audit_lib/sample/ground_truth.py)."""
    from audit_lib.sample.ground_truth import ground_truth_checks

    covered = ground_truth_checks()
    return {str(c) for c in check_ids if str(c) not in covered}


def provisions_section(result: Any, lang: str = "en") -> str:
    """Results read provision by provision: from the framework mapping when it exists (with the
    provisions no check tests, so coverage stays honest), else from the checks' legal references.
    A column names the checks the end-to-end ground truth does not cover, when the audit ran any."""
    import pandas as pd

    checks = result.check_results.set_index("check_id")
    uncovered = not_in_ground_truth(checks.index)
    open_findings = result.findings[result.findings["state"] != "accepted"]
    per_check = open_findings.groupby("check_id").size()
    order = {s: i for i, s in enumerate(("error", "fail", "not_run", "not_tested", "pass"))}
    framework = load_framework_rows(result, lang)
    if framework is not None:
        requirements, name = framework
        note = text("provisions.framework_note", lang, framework=name)
    else:
        rows: dict[str, list[str]] = {}
        for check_id, refs in zip(result.check_results["check_id"], result.check_results["legal_refs"]):
            for ref in _split_refs(refs):
                rows.setdefault(ref, []).append(check_id)
        requirements = pd.DataFrame([{"provision": k, "title": "", "checks": v} for k, v in sorted(rows.items())])
        note = text("provisions.refs_note", lang)
    table = []
    for requirement in requirements.itertuples(index=False):
        known = [c for c in requirement.checks if c in checks.index]
        statuses = [checks.loc[c, "status"] for c in known]
        if not known:
            outcome = text("provisions.untested", lang)
        else:
            worst = min(statuses, key=lambda s: order.get(s, 99))
            outcome = text(f"status.{worst}", lang)
        table.append({"provision": requirement.provision, "title": requirement.title,
                      "checks": len(known), "status": outcome,
                      "findings": int(sum(per_check.get(c, 0) for c in known)),
                      "no_ground_truth": ", ".join(c for c in known if c in uncovered)})
    columns = ["provision", "title", "checks", "status", "findings"] + (["no_ground_truth"] if uncovered else [])
    frame = pd.DataFrame(table, columns=columns)
    if framework is None:
        frame = frame.drop(columns="title")
    frame.columns = [text(f"col.{c}", lang) if c != "checks" else text("col.checks", lang) for c in frame.columns]
    return (f"<h3>{_e(text('section.provisions', lang))}</h3>"
            f'<p class="ra-note">{_e(note)}</p>' + _table(frame, "ra-provisions"))


def summary_section(result: Any, lang: str = "en") -> str:
    """The summary: checks by status with records tested, open findings by family and severity, and
    findings by legal provision; the full check table follows in its own cell."""
    out = heading("section.summary", lang, "section.summary.note")
    out += f"<h3>{_e(text('section.status_counts', lang))}</h3>" + status_counts(result.check_results, lang)
    out += f"<h3>{_e(text('section.severity', lang))}</h3>" + severity_by_family(result.findings, lang)
    return out + provisions_section(result, lang)


def families(result: Any) -> list[str]:
    """The families the catalogue has checks in, in report order."""
    return _family_order(result.check_results["family"])


def family_section(result: Any, family: str, lang: str = "en", limit: int = FAMILY_TOP_FINDINGS) -> str:
    """A family's checks (status, tested, failures) and its most severe open findings."""
    import pandas as pd

    checks = result.check_results[result.check_results["family"] == family].copy()
    out = f'<h2 class="ra-family">{_e(text("section.family", lang, family=text(f"family.{family}", lang)))}</h2>'
    checks["status"] = _status_texts(checks, lang)
    checks["severity"] = checks["severity"].map(lambda s: text(f"severity.{s}", lang))
    for column in ("population", "failures"):
        checks[column] = checks[column].map(lambda v: "" if v is None or pd.isna(v) else int(v))
    columns = ["check_id", "title", "severity", "status", "population", "failures"]
    checks = checks.sort_values("check_id")[columns]
    checks.columns = [text(f"col.{c}", lang) for c in columns]
    out += _table(checks, "ra-family-checks")
    findings = sorted_findings(result.findings[result.findings["family"] == family])
    if findings.empty:
        return out + f'<p>{_e(text("family.none", lang))}</p>'
    zone = zone_of(result)
    out += f'<p class="ra-note">{_e(text("family.top", lang, shown=min(limit, len(findings)), total=len(findings), zone=zone))}</p>'
    return out + findings_table(findings.head(limit), lang, zone=zone)


def comparison_section(findings: "pd.DataFrame", previous: "str | pd.DataFrame | None",
                       previous_label: str, lang: str = "en", period: str = "",
                       key_fingerprint: str | None = None) -> str:
    """Changes since the previous period, by fingerprint: counts of new, still open, resolved (and
    accepted), then the new and the resolved findings themselves (the full list is changes.csv).
    Not compared, and said so, when the previous report was made with another pseudonym key than
    ``key_fingerprint`` names (AuditResult.key_fingerprint)."""
    from audit_lib.report.diff import CHANGE_KINDS, changes_frame, compare_keys

    out = heading("section.comparison", lang)
    keys = compare_keys(previous, key_fingerprint)
    if not keys.comparable:
        return out + f'<p class="ra-note ra-key-changed">{_e(keys.warning(previous_label, lang))}</p>'
    if keys.state == "unrecorded":
        out += f'<p class="ra-note">{_e(text("comparison.key_unknown", lang, previous=previous_label))}</p>'
    changes = changes_frame(findings, previous, period or "", key_fingerprint)
    if changes is None:
        return out + f'<p>{_e(text("comparison.none", lang, previous=previous_label))}</p>'
    counted = changes["change"].value_counts()
    rows = [(text(f"comparison.{kind}", lang), int(counted.get(kind, 0))) for kind in CHANGE_KINDS]
    body = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    note = text("comparison.note", lang, previous=previous_label)
    out += f'<p class="ra-note">{_e(note)}</p><table class="ra-table ra-cover-table">{body}</table>'
    columns = ("severity", "check_id", "subject_ref", "record_ref", "first_seen")
    for kind in ("new", "resolved"):
        part = changes[changes["change"] == kind]
        if part.empty:
            continue
        part = sorted_findings(part.assign(state="open"))
        out += (f"<h3>{_e(text(f'comparison.{kind}', lang))}</h3>"
                f'<p class="ra-note">{_e(text("comparison.listed", lang, shown=min(CHANGES_SHOWN, len(part)), total=len(part)))}</p>'
                + findings_table(part.head(CHANGES_SHOWN), lang, "ra-changes", columns))
    return out


def accepted_section(findings: "pd.DataFrame", lang: str = "en", accepted_file: str | None = None,
                     unmatched: list[str] | None = None) -> str:
    """Appendix: findings accepted as risks, listed apart with reason, approver and expiry, and the
    acceptances (``accepted.yaml:<line>``) that cover no finding any more."""
    out = heading("section.accepted", lang, "section.accepted.note")
    accepted = findings[findings["state"] == "accepted"]
    if accepted_file:
        out += f'<p class="ra-note">{_e(text("accepted.file", lang, sha=accepted_file))}</p>'
    if unmatched:
        out += f'<p class="ra-note">{_e(text("accepted.unmatched", lang, entries=", ".join(unmatched)))}</p>'
    if accepted.empty:
        return out + f'<p>{_e(text("accepted.none", lang))}</p>'
    ordered = sorted_findings(accepted.assign(state="open"))
    return out + findings_table(ordered, lang, "ra-accepted", (
        "severity", "check_id", "record_ref", "accepted_reason", "accepted_by", "accepted_until"))


def catalogue_section(result: Any, lang: str = "en") -> str:
    """Appendix: every check with its family, provisions, method, inputs read and remediation."""
    import pandas as pd

    rows = []
    uncovered = not_in_ground_truth(r.check.id for r in result.results)
    for check_result in sorted(result.results, key=lambda r: (r.check.family, r.check.id)):
        check = check_result.check
        meta = check.meta
        needs = "; ".join(f"{role}({', '.join(fields)})" for role, fields in sorted(meta.needs.items())) or "register.yaml"
        method = text("method.sql" if check.sql else "method.python", lang)
        if check.id in uncovered:
            needs += "; " + text("coverage.no_ground_truth", lang)
        rows.append({"check_id": meta.id, "family": text(f"family.{check.family}", lang),
                     "legal_refs": "; ".join(meta.legal), "method": f"{method}; {needs}",
                     "remediation": meta.remediation.get(lang)})
    frame = pd.DataFrame(rows, columns=["check_id", "family", "legal_refs", "method", "remediation"])
    frame.columns = [text(f"col.{c}", lang) for c in frame.columns]
    return heading("section.catalogue", lang, "section.catalogue.note") + _table(frame, "ra-catalogue")


def manifest_section(result: Any, lang: str = "en") -> str:
    """Appendix: what manifest.json records, with the hashes known while the notebook runs."""
    from audit_lib.report.runtime import evidence_hashes
    from audit_lib.report.manifest import package_versions

    rows = [(f"{name} (SHA-256)", digest) for name, digest in sorted(dict(result.declaration_hashes).items())]
    for name, digest in evidence_hashes(result).items():
        rows.append((f"{name} (SHA-256)", digest))
    from audit_lib.report.runtime import catalogue_of

    rows.append((text("manifest.catalogue", lang), catalogue_of(result)))
    rows.append((text("manifest.language", lang), lang))
    rows.append((text("manifest.packages", lang),
                 ", ".join(f"{k} {v}" for k, v in package_versions().items() if v)))
    body = "".join(f"<tr><th>{_e(k)}</th><td><code>{_e(v)}</code></td></tr>" for k, v in rows)
    return (heading("section.manifest", lang, "section.manifest.note")
            + f'<table class="ra-table ra-manifest">{body}</table>')


__all__ = ["STATUSES", "accepted_section", "catalogue_section", "check_results_table", "comparison_section",
           "counts", "cover", "declaration_section", "families", "family_section", "findings_table", "heading",
           "input_status", "inputs_table", "manifest_section", "not_in_ground_truth", "not_run_section",
           "provisions_section", "quarantine_summary",
           "redact", "scope_section", "severity_by_family", "sorted_findings", "status_counts",
           "summary_section", "top_findings_table"]
