"""The report's sections on real audits of the bundled sample (tests/conftest.py): what each shows, in
which order, escaped and pseudonymous; the templates they come from; the framework they read."""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.errors import ReportError
from audit_lib.findings import FINDING_COLUMNS
from audit_lib.report import evidence, sections, templating
from audit_lib.report.diff import changes_frame
from audit_lib.report.labels import text

PACKAGE = Path(__file__).resolve().parents[1] / "audit_lib"
HOSTILE = "Oy <b>\"Ab\"</b> & 'co'"
MESSAGE = "<script>alert(1)</script> sent to maija.meikalainen@example.fi, +358 40 123 4567"


def _hostile(result):
    """``result`` with hostile text where register data reaches the report: the register's and the
    controller's names, a check's title, and the message of the first open finding of each family."""
    register = result.register
    name = register.register_info.name.model_copy(update={"en": HOSTILE, "fi": HOSTILE})
    register = register.model_copy(update={
        "register_info": register.register_info.model_copy(update={"name": name}),
        "controller": register.controller.model_copy(update={"name": HOSTILE})})
    checks = result.check_results.copy()
    checks.loc[checks.index[0], "title"] = HOSTILE
    findings = result.findings.copy()
    firsts = findings[findings["state"] == "open"].groupby("family").head(1).index
    findings.loc[firsts, "message"] = MESSAGE
    return dataclasses.replace(result, declaration=dataclasses.replace(result.declaration, register=register),
                               check_results=checks, findings=findings)


def _escaped(html: str) -> None:
    """No hostile text of :func:`_hostile` reaches ``html`` as markup, nor any contact detail."""
    assert "<script" not in html and "<b>" not in html and "example.fi" not in html and "123 4567" not in html


# --- the cover -------------------------------------------------------------------------------------------------

def test_cover_escapes_and_states_complete(sample_audit):
    html = sections.cover(_hostile(sample_audit))
    _escaped(html)
    assert "Oy &lt;b&gt;&quot;Ab&quot;&lt;/b&gt; &amp; &#x27;co&#x27;" in html
    assert "Complete: every check ran on every input." in html and "INCOMPLETE" not in html
    assert "2026-07-01 – 2026-10-01" in html and sample_audit.run_id in html and "2904785-7" in html
    statuses = sample_audit.check_results["status"]
    accepted = int((sample_audit.findings["state"] == "accepted").sum())
    assert accepted == 1
    assert (f"{len(statuses)} checks: {(statuses == 'pass').sum()} passed, {(statuses == 'fail').sum()} failed, "
            f"0 errors, 0 not run, {(statuses == 'not_tested').sum()} not tested (no record in scope). "
            f"{len(sample_audit.findings) - accepted} open findings, {accepted} accepted.") in html
    finnish = sections.cover(sample_audit, "fi")
    assert "Hyvinvoivin asiakasrekisteri" in finnish and "Valmis" in finnish


def test_cover_lists_the_reasons_it_is_incomplete(incomplete_audit):
    html = sections.cover(incomplete_audit)
    first = incomplete_audit.incomplete_reasons[0]
    assert first.startswith("input support_contacts.csv: rejected")
    assert html.index("INCOMPLETE") < html.index("input support_contacts.csv") < html.index(
        "Hyvinvoivin customer register")
    assert "KESKENERÄINEN" in sections.cover(incomplete_audit, "fi")
    many = dataclasses.replace(incomplete_audit, incomplete_reasons=[f"retention rule r{i}: <b>x</b>" for i in range(11)])
    html = sections.cover(many)
    assert html.count("<li>") == sections.COVER_REASONS + 1 and "… and 3 more" in html
    assert "retention rule r7" in html and "retention rule r8" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_finnish_report_gives_the_reasons_it_is_incomplete_in_finnish(incomplete_audit):
    from audit_lib.incomplete import retention_reason

    cover = sections.cover(incomplete_audit, "fi")
    assert "tarkastus access_shared_account: ajamatta (tarvitsee: staff_accounts" in cover
    assert "check access_shared_account" not in cover and "needs staff_accounts" not in cover
    not_run = sections.not_run_section(incomplete_audit, "fi")
    assert "<td>tarvitsee: staff_accounts" in not_run and "needs staff_accounts" not in not_run
    rule = retention_reason("r1", "orders", ["ordered_at"])
    other = dataclasses.replace(incomplete_audit, incomplete_reasons=[*incomplete_audit.incomplete_reasons, rule])
    assert "<li>säilytyssääntö r1: arvioimatta" in sections.not_run_section(other, "fi")
    assert f"<li>{rule}</li>" in sections.not_run_section(other)  # the English report as it was


# --- the checks and the findings --------------------------------------------------------------------------------

def test_check_results_table_orders_and_escapes(sample_audit, incomplete_audit):
    hostile = _hostile(sample_audit)
    html = sections.check_results_table(hostile.check_results)
    _escaped(html)
    assert "Oy &lt;b&gt;" in html
    checks = sample_audit.check_results
    fail = checks[checks["status"] == "fail"].sort_values("check_id")["check_id"].iloc[0]
    untested = checks[checks["status"] == "not_tested"]["check_id"].iloc[0]
    passed = checks[checks["status"] == "pass"]["check_id"].iloc[0]
    assert html.index(fail) < html.index(untested) < html.index(passed)
    assert "not tested: no record in scope" in html and "ei testattu" in sections.check_results_table(checks, "fi")
    # Checks not run come after the failures, before the passes.
    html = sections.check_results_table(incomplete_audit.check_results)
    assert html.index("consent_sent_after_withdrawal") < html.index("access_shared_account") < html.index(passed)


def test_top_findings_pseudonymous_and_redacted(sample_audit):
    hostile = _hostile(sample_audit)
    html = sections.top_findings_table(hostile.findings, zone="Europe/Helsinki")
    _escaped(html)
    assert "&lt;script&gt;" in html and "[e-mail]" in html and "[phone]" in html
    open_findings = sample_audit.findings[sample_audit.findings["state"] == "open"]
    assert f"The {sections.TOP_FINDINGS} most severe of {len(open_findings)} open findings" in html
    refs = re.findall(r"<td>(S-[0-9a-f]+)</td>", html)
    assert refs and set(refs) <= set(open_findings["subject_ref"])
    accepted = sample_audit.findings[sample_audit.findings["state"] == "accepted"]["record_ref"].iloc[0]
    assert accepted not in html
    # Most severe first: the critical findings before any high one.
    severities = re.findall(r"<td>(critical|high|medium|low)</td>", html)
    assert severities == sorted(severities, key=["critical", "high", "medium", "low"].index)


def test_redact_leaves_dates_and_ids():
    assert sections.redact("Order 2026-0001 on 2026-09-01 12:00, id 12345678") == \
        "Order 2026-0001 on 2026-09-01 12:00, id 12345678"
    assert sections.redact("a.b@c.fi 040 1234567") == "[e-mail] [phone]"


def test_notice_findings_show_their_kind_in_both_languages(sample_audit):
    notice = sample_audit.findings[sample_audit.findings["family"] == "notice"]
    assert set(notice["kind"]) == {"breach", "verify"}
    columns = ("kind", "severity", "check_id", "record_ref", "message")
    english = sections.findings_table(notice, "en", "ra-notice", columns)
    assert "<th>Kind</th>" in english and ">breach<" in english and ">verify<" in english
    finnish = sections.findings_table(notice, "fi", "ra-notice", columns)
    assert ">rikkomus<" in finnish and ">tarkistettava<" in finnish


# --- scope, what was not run ------------------------------------------------------------------------------------

def test_inputs_and_not_run_sections(incomplete_audit):
    html = sections.inputs_table(incomplete_audit.inputs)
    digest = incomplete_audit.inputs["sha256"].iloc[0]
    assert f"{digest[:12]}…" in html and digest not in html
    not_run = sections.not_run_section(incomplete_audit)
    for check_id in ("access_outside_validity", "access_shared_account", "access_unauthorised_role"):
        assert check_id in not_run
    assert "needs staff_accounts" in not_run
    assert "staff_accounts.csv" in not_run and "support_contacts.csv" in not_run  # error, rejected
    assert "notes.csv" not in not_run and "README.txt" not in not_run  # not mapped, ignored: no gap
    scope = sections.scope_section(incomplete_audit)
    assert "<h3>Inputs</h3>" in scope and "<h2>Inputs</h2>" not in scope and "notes.csv" in scope
    assert "Rows the loader could not read" in scope and "ra-quarantine" in scope


def test_not_run_section_when_complete(sample_audit):
    assert "Every check ran and every input was accepted." in sections.not_run_section(sample_audit)
    assert "The loader set no row aside." in sections.scope_section(sample_audit)


def test_other_reasons_for_being_incomplete_are_listed(sample_audit):
    other = dataclasses.replace(sample_audit, incomplete_reasons=["retention rule r1: not evaluated, <no> export"])
    html = sections.not_run_section(other)
    assert "Other parts of the audit that could not be evaluated:" in html
    assert "<li>retention rule r1: not evaluated, &lt;no&gt; export</li>" in html


# --- the summary, families, comparison, appendices --------------------------------------------------------------

def test_summary_parts(sample_audit):
    html = sections.severity_by_family(sample_audit.findings)
    assert "consent" in html and "quality" in html and "total" in html
    checks = sample_audit.check_results
    failed = int(checks.loc[checks["status"] == "fail", "population"].sum())
    counts_html = sections.status_counts(checks, "fi")
    assert "hylätty" in counts_html and f"<td>{failed}</td>" in counts_html  # records tested by failing checks
    summary = sections.summary_section(sample_audit)
    assert summary.index("Checks by outcome") < summary.index("Open findings by family") < summary.index(
        "By legal provision")


def test_provisions_are_read_through_the_framework(sample_audit):
    from audit_lib.frameworks import load_framework

    html = sections.provisions_section(sample_audit)
    assert "Provisions of the framework GDPR and Finnish data protection and marketing law" in html
    for provision in load_framework().provisions:
        assert f"<td>{provision.ref}</td>" in html
    assert "no check" in html  # the provisions no check can test from data are listed too
    frame, name = sections.load_framework_rows(sample_audit, "fi")
    assert name == load_framework().title_fi and len(frame) == len(load_framework().provisions)


def test_a_framework_file_that_does_not_load_is_a_clear_error(sample_audit, tmp_path, monkeypatch):
    import audit_lib.frameworks as frameworks

    (tmp_path / "gdpr_fi.yaml").write_text("id: gdpr_fi\ntitle: {en: X, fi: X}\nprovisions:\n"
                                           "  - {id: a, ref: 'not a citation', title: {en: A, fi: A}}\n",
                                           encoding="utf-8")
    monkeypatch.setattr(frameworks, "FRAMEWORKS_DIR", tmp_path)
    frameworks.read_framework.cache_clear()
    frameworks.load_framework.cache_clear()
    try:
        with pytest.raises(ReportError, match=r"gdpr_fi\.yaml: the framework file could not be loaded.*'a'"):
            sections.provisions_section(sample_audit)
        with pytest.raises(ReportError, match="could not be loaded"):
            sections.summary_section(dataclasses.replace(sample_audit, results=[]))
    finally:
        frameworks.read_framework.cache_clear()
        frameworks.load_framework.cache_clear()


def test_family_section_and_accepted_appendix(sample_audit):
    hostile = _hostile(sample_audit)
    html = sections.family_section(hostile, "consent")
    _escaped(html)
    assert "Checks: consent" in html and "consent_sent_after_withdrawal" in html and "access_bulk_read" not in html
    assert "&lt;script&gt;" in html and "[e-mail]" in html
    accepted = sample_audit.findings[sample_audit.findings["state"] == "accepted"].iloc[0]
    html = sections.accepted_section(sample_audit.findings, accepted_file=sample_audit.accepted_sha256)
    assert accepted["record_ref"] in html and accepted["accepted_by"] in html and sample_audit.accepted_sha256 in html
    assert "No finding was accepted" in sections.accepted_section(sample_audit.findings.iloc[:0])


def test_accepted_section_lists_acceptances_that_match_nothing():
    empty = pd.DataFrame(columns=FINDING_COLUMNS)
    html = sections.accepted_section(empty, "en", None, ["accepted.yaml:7", "accepted.yaml:<12>"])
    assert "match no finding" in html and "accepted.yaml:7" in html
    assert "accepted.yaml:&lt;12&gt;" in html  # escaped like every other value
    assert "match no finding" not in sections.accepted_section(empty, "en", None, [])


def test_comparison_by_fingerprint(sample_audit):
    findings = sample_audit.findings
    previous = findings.copy()
    first = previous.index[previous["state"] == "open"][0]
    previous.loc[first, "fingerprint"] = "gone"  # resolved since; and that finding is new now
    html = sections.comparison_section(findings, previous, "2026-Q2", period="2026-Q3")
    still = int((findings["state"] == "open").sum()) - 1
    assert "<th>New</th><td>1</td>" in html and f"<th>Still open</th><td>{still}</td>" in html
    assert "<th>Resolved</th><td>1</td>" in html and "2026-Q2" in html
    assert "<th>Accepted (listed in the appendix)</th><td>1</td>" in html
    changes = changes_frame(findings, previous, "2026-Q3")
    assert changes["change"].value_counts().to_dict() == {"still_open": still, "new": 1, "resolved": 1,
                                                           "accepted": 1}
    assert changes_frame(findings, None, "2026-Q3") is None
    assert "No report of the previous period (2026-Q2)" in sections.comparison_section(findings, None, "2026-Q2")


def test_a_check_that_tested_nothing_is_not_a_pass(sample_audit):
    checks = sample_audit.check_results
    untested = checks[checks["status"] == "not_tested"]
    assert len(untested) == 1 and not untested["population"].iloc[0]
    assert sections.counts(sample_audit)["not_tested"] == 1
    passed = dataclasses.replace(sample_audit, check_results=checks.assign(
        status=checks["status"].replace("not_tested", "pass")))
    assert sections.counts(passed)["not_tested"] == 0
    assert "not tested" not in sections.check_results_table(passed.check_results)


def test_catalogue_and_manifest_appendices(sample_audit):
    catalogue = sections.catalogue_section(sample_audit, "fi")
    assert all(r.check.id in catalogue for r in sample_audit.results)
    manifest = sections.manifest_section(sample_audit)
    for name, digest in sample_audit.declaration_hashes.items():
        assert f"<tr><th>{name} (SHA-256)</th><td><code>{digest}</code></td></tr>" in manifest
    assert f"<code>{sample_audit.accepted_sha256}</code>" in manifest and "frameworks/gdpr_fi.yaml" in manifest


def test_evidence_hashes_need_the_framework_file(sample_audit, tmp_path, monkeypatch):
    from audit_lib.report.manifest import sha256_file

    hashes = evidence.evidence_hashes(sample_audit)
    assert hashes == {"accepted.yaml": sample_audit.accepted_sha256,
                      "frameworks/gdpr_fi.yaml": sha256_file(evidence.FRAMEWORK_FILE)}
    assert "accepted.yaml" not in evidence.evidence_hashes(dataclasses.replace(sample_audit, accepted_sha256=None))
    monkeypatch.setattr(evidence, "FRAMEWORK_FILE", tmp_path / "gdpr_fi.yaml")
    with pytest.raises(ReportError, match="the framework file could not be read"):
        evidence.evidence_hashes(sample_audit)


def test_the_declaration_holds_the_record_of_the_audits_register(sample_audit):
    html = sections.declaration_section(_hostile(sample_audit), "fi")
    _escaped(html)
    assert html.index(f"<h3>{text('section.notice', 'fi')}</h3>") < html.index('<div class="ropa" lang="fi">')
    assert sample_audit.declaration_hashes["register.yaml"] in html
    assert "ei omaa sääntöä: taulun orders sääntö" in html  # exports.yaml names the tables holding a category


# --- the templates ----------------------------------------------------------------------------------------------

def test_templates_escape_every_value_and_mark_none_safe():
    """Autoescaping is on; a value is escaped as html.escape escapes it; no template marks a value safe."""
    for compact in (True, False):
        env = templating.environment(compact)
        assert env.autoescape is True
        assert env.from_string("<p>{{ v }}</p>").render(v="<a href='x'>\"&") == \
            "<p>&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;</p>"
    templates = sorted(templating.TEMPLATES.rglob("*.j2"))
    assert len(templates) > 10
    for path in templates:
        source = path.read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source, path
        assert "~" not in source, path  # a concatenation escapes its parts with markupsafe's own entities


def test_section_templates_lose_their_line_breaks():
    html = sections.heading("section.top", "en", "section.top.note", shown=1, total=2, zone="Europe/<Helsinki>")
    assert html == ('<h2>Top findings</h2><p class="ra-note">The 1 most severe of 2 open findings. Data subjects '
                    "appear only as keyed pseudonyms; the full list is in findings.csv. Times are local times in "
                    "Europe/&lt;Helsinki&gt;.</p>")
    assert sections.heading("section.top", "en", level=3) == "<h3>Top findings</h3>"


def test_the_sections_do_not_import_the_runtime():
    """runtime imports the sections (to show the families); the sections never import runtime."""
    imported = []
    for path in (PACKAGE / "report" / "sections").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    assert imported and not [name for name in imported if name.startswith("audit_lib.report.runtime")]
