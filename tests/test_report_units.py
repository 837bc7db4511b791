"""The report's parts on a small fake AuditResult: sections, charts, manifest, PDF and kernel lookup."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from audit_lib.errors import RegauditError, ReportError
from audit_lib.findings import FINDING_COLUMNS, RESULT_COLUMNS
from audit_lib.periods import parse_period
from audit_lib.report import charts, labels, manifest, pdf, pipeline, plotlyjs, render, runtime, sections


def _finding(i: int, severity: str, family: str, check_id: str, **extra) -> dict:
    row = dict.fromkeys(FINDING_COLUMNS)
    row.update(run_id="r1", period="2026-Q3", check_id=check_id, family=family, severity=severity,
               legal_refs="GDPR Art. 5", record_ref=f"R{i}", subject_ref=f"S-{i:016x}",
               event_at=f"2026-08-{i + 1:02d} 10:00", message=f"Record R{i} broke the rule.",
               evidence="{}", fingerprint=f"{i:024x}", state="open")
    row.update(extra)
    return row


@pytest.fixture
def result() -> SimpleNamespace:
    """A fake AuditResult with the contract's attributes and hostile text in it."""
    checks = pd.DataFrame([
        dict(check_id="consent_a", family="consent", title="Marketing <b>without</b> consent", severity="high",
             legal_refs="GDPR Art. 6(1)(a)", status="fail", population=10, failures=2, reason=None, duration_s=0.1),
        dict(check_id="access_b", family="access", title="Shared accounts", severity="critical",
             legal_refs="GDPR Art. 32", status="not_run", population=None, failures=0,
             reason="needs staff_accounts", duration_s=0.0),
        dict(check_id="quality_c", family="quality", title="Bad e-mails", severity="low", legal_refs="",
             status="pass", population=5, failures=0, reason=None, duration_s=0.0),
    ], columns=RESULT_COLUMNS)
    checks["population"] = checks["population"].astype("Int64")
    findings = pd.DataFrame([
        _finding(0, "low", "quality", "quality_c"),
        _finding(1, "high", "consent", "consent_a",
                 message="<script>alert(1)</script> sent to maija.meikalainen@example.fi, +358 40 123 4567"),
        _finding(2, "high", "consent", "consent_a", state="accepted", accepted_reason="legacy"),
    ], columns=FINDING_COLUMNS)
    inputs = pd.DataFrame([
        dict(file="customers.csv", role="subjects", format="csv", sha256="ab" * 32, bytes=10, rows_read=3,
             rows_loaded=2, rows_quarantined=1, status="loaded", detail=None),
        dict(file="staff.csv", role="staff_accounts", format="csv", sha256=None, bytes=None, rows_read=0,
             rows_loaded=0, rows_quarantined=0, status="error", detail="no such file"),
    ])
    register = SimpleNamespace(
        register_info=SimpleNamespace(name=SimpleNamespace(fi="Asiakasrekisteri", en="Customer <register>")),
        controller=SimpleNamespace(name="Oy & Ab", business_id="1234567-8"),
    )
    return SimpleNamespace(period=parse_period("2026-Q3"), run_id="run-1", register=register,
                           check_results=checks, findings=findings, inputs=inputs, complete=False,
                           declaration_hashes={"register.yaml": "a" * 64, "exports.yaml": "b" * 64},
                           incomplete_reasons=["retention rule r1: not evaluated, no export provides x"])


def test_cover_escapes_and_states_incomplete(result):
    html = sections.cover(result)
    assert "Customer &lt;register&gt;" in html and "Oy &amp; Ab" in html and "1234567-8" in html
    assert "INCOMPLETE" in html and "2026-07-01" in html and "run-1" in html
    assert ("3 checks: 1 passed, 1 failed, 0 errors, 1 not run, 0 not tested (no record in scope). 2 open "
            "findings, 1 accepted.") in html
    assert "Asiakasrekisteri" in sections.cover(result, "fi") and "KESKENERÄINEN" in sections.cover(result, "fi")


def test_check_results_table_orders_and_escapes(result):
    html = sections.check_results_table(result.check_results)
    assert "&lt;b&gt;without&lt;/b&gt;" in html and "<b>without" not in html
    assert html.index("consent_a") < html.index("access_b") < html.index("quality_c")  # fail, not run, pass


def test_top_findings_pseudonymous_and_redacted(result):
    html = sections.top_findings_table(result.findings)
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "example.fi" not in html and "123 4567" not in html and "[e-mail]" in html and "[phone]" in html
    assert "S-0000000000000001" in html
    assert "R2" not in html  # accepted findings are not among the open ones
    assert html.index("R1") < html.index("R0")  # high before low
    assert "The 2 most severe of 2 open findings" in html


def test_redact_leaves_dates_and_ids():
    assert sections.redact("Order 2026-0001 on 2026-09-01 12:00, id 12345678") == \
        "Order 2026-0001 on 2026-09-01 12:00, id 12345678"
    assert sections.redact("a.b@c.fi 040 1234567") == "[e-mail] [phone]"


def test_inputs_and_not_run_sections(result):
    html = sections.inputs_table(result.inputs)
    assert "abababababab…" in html and "ab" * 32 not in html
    not_run = sections.not_run_section(result)
    assert "access_b" in not_run and "needs staff_accounts" in not_run
    assert "staff.csv" in not_run and "customers.csv" in not_run  # error, and quarantined rows
    assert "retention rule r1" in not_run


def test_not_run_section_when_complete(result):
    result.check_results = result.check_results[result.check_results["status"] != "not_run"]
    result.inputs = result.inputs.iloc[:1].assign(rows_quarantined=0)
    result.complete, result.incomplete_reasons = True, []
    assert "Every check ran" in sections.not_run_section(result)


def test_comparison_by_fingerprint(result):
    previous = result.findings.copy()
    previous.loc[0, "fingerprint"] = "gone"  # resolved since; and finding 0 is new now
    html = sections.comparison_section(result.findings, previous, "2026-Q2", period="2026-Q3")
    assert "<th>New</th><td>1</td>" in html and "<th>Still open</th><td>1</td>" in html
    assert "<th>Resolved</th><td>1</td>" in html and "2026-Q2" in html
    assert "<th>Accepted (listed in the appendix)</th><td>1</td>" in html
    from audit_lib.report.diff import changes_frame

    changes = changes_frame(result.findings, previous, "2026-Q3")
    assert dict(zip(changes["record_ref"], changes["change"])) == {"R0": "new", "R1": "still_open", "R2": "accepted"} \
        or sorted(changes["change"]) == ["accepted", "new", "resolved", "still_open"]
    assert sorted(changes["change"]) == ["accepted", "new", "resolved", "still_open"]
    assert changes_frame(result.findings, None, "2026-Q3") is None
    assert "No report of the previous period (2026-Q2)" in sections.comparison_section(result.findings, None, "2026-Q2")


def test_charts_count_by_status_and_severity(result):
    fig = charts.check_status_chart(result.check_results)
    by_name = {trace.name: list(trace.y) for trace in fig.data}
    assert sum(sum(v) for v in by_name.values()) == 3 and by_name["fail"] == [1, 0, 0]
    fig = charts.findings_chart(result.findings, "fi")
    assert sum(sum(trace.y) for trace in fig.data) == 2  # the accepted one is left out
    assert {trace.name for trace in fig.data} == {"kriittinen", "korkea", "keskitaso", "matala"}
    empty = charts.findings_chart(result.findings.iloc[0:0])
    assert empty.layout.annotations[0].text == "No open findings"


def test_offline_renderer_has_no_cdn(result):
    import plotly.io as pio

    assert charts.use_offline_renderer(activate=False) == "plotly_mimetype+regaudit_offline"
    bundle = pio.renderers[charts.RENDERER_NAME].to_mimebundle(charts.check_status_chart(result.check_results).to_dict())
    assert "Plotly.newPlot" in bundle["text/html"]
    assert render.external_references(bundle["text/html"]) == []
    assert "mathjax" not in bundle["text/html"].lower()


def test_vendored_bundle_is_the_installed_plotly_version():
    """The partial bundle is the plotly.js that the installed plotly writes its figures for, as npm
    published it; when plotly is upgraded, re-vendor it (audit_lib/report/plotlyjs.py says how)."""
    from plotly.offline import get_plotlyjs_version

    assert plotlyjs.matches_installed_plotly(), (get_plotlyjs_version(), plotlyjs.VERSION)
    assert plotlyjs.file_sha256() == plotlyjs.SHA256
    assert plotlyjs.bundle_js().startswith(f"/**\n* {plotlyjs.BANNER}\n")
    assert "MIT License" in plotlyjs.LICENSE_FILE.read_text(encoding="utf-8")


def test_bundle_trace_list_is_what_the_bundle_registers():
    import re

    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', plotlyjs.bundle_js()))
    assert registered == plotlyjs.TRACE_TYPES


def test_trace_types_of_a_figure():
    import plotly.graph_objects as go

    fig = go.Figure([go.Bar(y=[1]), go.Scatter(y=[1]), go.Heatmap(z=[[1]])])
    assert plotlyjs.trace_types(fig) == {"bar", "scatter", "heatmap"}
    assert plotlyjs.trace_types({"data": [{"y": [1]}]}) == {"scatter"}  # plotly.js's default type
    assert plotlyjs.missing_trace_types(fig.to_dict()) == {"heatmap"}


def test_report_charts_use_only_the_bundles_trace_types(result):
    figures = [charts.check_status_chart(result.check_results), charts.findings_chart(result.findings),
               charts.findings_chart(result.findings.iloc[0:0])]
    figures += [charts.family_chart(result, family) for family in sorted(set(result.check_results["family"]))]
    for fig in figures:
        assert plotlyjs.missing_trace_types(fig) == set()
        # Not the full plotly_white (7 kB of defaults for 24 trace types in every figure), but its
        # defaults for bars and cartesian axes as they were.
        template = fig.to_dict()["layout"]["template"]
        assert set(template["data"]) <= plotlyjs.TRACE_TYPES
    import plotly.io as pio

    white = pio.templates["plotly_white"].to_plotly_json()
    template = figures[0].to_dict()["layout"]["template"]
    assert template["data"]["bar"] == white["data"]["bar"]
    assert {k: template["layout"][k] for k in ("xaxis", "yaxis", "plot_bgcolor", "colorway", "font")} == \
        {k: white["layout"][k] for k in ("xaxis", "yaxis", "plot_bgcolor", "colorway", "font")}


def test_renderer_embeds_the_partial_bundle_once_and_the_full_one_for_other_traces(monkeypatch):
    """activate writes the basic bundle once; the first figure it cannot draw replaces that output with
    plotly's full bundle (one bundle in the page still); figures add no bundle of their own."""
    import plotly.graph_objects as go
    from plotly.io import _base_renderers
    from plotly.offline import get_plotlyjs

    shown, updated = [], []
    monkeypatch.setattr(_base_renderers.ipython_display, "display",
                        lambda data, raw, display_id: shown.append((data["text/html"], display_id)))
    monkeypatch.setattr(_base_renderers.ipython_display, "update_display",
                        lambda data, raw, display_id: updated.append((data["text/html"], display_id)))
    monkeypatch.setitem(charts._EMBEDDED, "traces", None)
    renderer = charts._offline_renderer_class()()
    renderer.activate()
    renderer.activate()
    assert len(shown) == 1 and shown[0][1] == charts.BUNDLE_DISPLAY_ID
    assert shown[0][0].count(plotlyjs.bundle_js()) == 1
    assert "plotly.js v" not in shown[0][0] and render.external_references(shown[0][0]) == []
    bar = renderer.to_mimebundle(go.Figure(go.Bar(y=[1])).to_dict())["text/html"]
    assert updated == [] and plotlyjs.BANNER not in bar and "Plotly.newPlot" in bar
    heatmap = renderer.to_mimebundle(go.Figure(go.Heatmap(z=[[1]])).to_dict())["text/html"]
    assert "plotly.js v" not in heatmap and "Plotly.newPlot" in heatmap
    assert len(updated) == 1 and updated[0][1] == charts.BUNDLE_DISPLAY_ID
    assert get_plotlyjs() in updated[0][0] and plotlyjs.bundle_js() not in updated[0][0]
    renderer.to_mimebundle(go.Figure(go.Heatmap(z=[[2]])).to_dict())
    assert len(updated) == 1


def test_renderer_falls_back_to_plotlys_bundle_for_another_plotly_version(monkeypatch):
    from plotly.io import _base_renderers
    from plotly.offline import get_plotlyjs

    shown = []
    monkeypatch.setattr(_base_renderers.ipython_display, "display",
                        lambda data, raw, display_id: shown.append(data["text/html"]))
    monkeypatch.setitem(charts._EMBEDDED, "traces", None)
    monkeypatch.setattr(plotlyjs, "VERSION", "0.0.0")
    charts._offline_renderer_class()().activate()
    assert get_plotlyjs() in shown[0] and plotlyjs.bundle_js() not in shown[0]
    assert charts._EMBEDDED["traces"] == charts.ALL_TRACES


def test_external_references_detects_cdn_links():
    assert render.external_references('<script src="https://cdn.example/x.js"></script>')
    assert render.external_references("<link rel='stylesheet' href='//cdn.example/x.css'>")
    assert render.external_references("<style>@import url(https://fonts.example/x.css);</style>")
    assert not render.external_references('<script>var u = "https://example.fi";</script><a href="https://x">x</a>')


def test_manifest_round_trip(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.json").write_text("[]")
    (tmp_path / ".hidden.tmp").write_text("partial")
    now = datetime.now(timezone.utc)
    manifest.write_manifest(tmp_path, run_id="r", period="2026-Q3", parameters={"lang": "en"},
                            inputs=pd.DataFrame([{"file": "a", "sha256": "0", "rows_read": 1}]),
                            declaration_hashes={"register.yaml": "1"}, started_at=now, finished_at=now)
    data = json.loads((tmp_path / "manifest.json").read_text())
    assert [o["file"] for o in data["outputs"]] == ["a.csv", "sub/b.json"]
    assert data["inputs"] == [{"file": "a", "sha256": "0", "rows_read": 1}]
    assert manifest.verify_manifest(tmp_path) == []
    (tmp_path / "a.csv").write_text("tampered")
    assert manifest.verify_manifest(tmp_path) == ["a.csv: SHA-256 differs from the manifest"]


def test_package_versions_include_missing_as_none():
    versions = manifest.package_versions(("pandas", "no-such-package-regaudit"))
    assert versions["pandas"] and versions["no-such-package-regaudit"] is None


def test_missing_chromium_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(pdf.BROWSER_ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReportError, match="Chromium was not found"):
        pdf.find_browser()
    monkeypatch.setenv(pdf.BROWSER_ENV, "/nonexistent/chromium")
    with pytest.raises(ReportError, match="REGAUDIT_CHROMIUM"):
        pdf.find_browser()


def test_chromium_command_is_offline(tmp_path):
    command = pdf.chromium_command("chromium", tmp_path / "p")
    for flag in ("--headless", "--disable-background-networking", "--remote-debugging-pipe",
                 "--disable-quic", "--disable-component-update", "--disable-sync", "--no-first-run"):
        assert flag in command
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in command
    assert not any(arg.startswith("--remote-debugging-port") for arg in command)


def test_footer_template_numbers_pages_and_escapes():
    footer = pdf.footer_template("Report <b> & co", "fi")
    assert '<span class="pageNumber"></span>' in footer and '<span class="totalPages"></span>' in footer
    assert "Sivu" in footer and "Report &lt;b&gt; &amp; co" in footer and "font-size" in footer


def test_pdf_prints_page_numbers(tmp_path):
    html = tmp_path / "r.html"
    html.write_text("<html><body>" + "<p>line</p>" * 300 + "</body></html>", encoding="utf-8")
    out = pdf.html_to_pdf(html, tmp_path / "r.pdf", footer="Audit 2026-Q3", lang="en")
    import subprocess

    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.count("Audit 2026-Q3")
    assert pages > 1 and f"Page {pages} / {pages}" in text and "Page 1 / " in text


def test_kernel_name_is_installed(monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    assert pipeline.kernel_name() in KernelSpecManager().find_kernel_specs()
    monkeypatch.setenv(pipeline.KERNEL_ENV, "no-such-kernel")
    with pytest.raises(ReportError, match="no-such-kernel"):
        pipeline.kernel_name()


def test_run_report_rejects_bad_arguments(tmp_path):
    sample = pipeline.DEMO_SAMPLE
    with pytest.raises(RegauditError, match="Period"):
        pipeline.run_report(sample / "register.yaml", sample / "exports.yaml", "2026-Q5", tmp_path)
    with pytest.raises(ReportError, match="language"):
        pipeline.run_report(sample / "register.yaml", sample / "exports.yaml", "2026-Q3", tmp_path, lang="sv")
    assert list(tmp_path.iterdir()) == []


def test_notebook_key_creates_only_the_demo_key(tmp_path, monkeypatch):
    monkeypatch.delenv("REGAUDIT_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("REGAUDIT_PSEUDONYM_KEY_FILE", raising=False)
    demo = tmp_path / ".regaudit" / runtime.DEMO_KEY_NAME
    assert len(runtime.notebook_key(demo)) == 64 and demo.is_file()
    with pytest.raises(RegauditError, match="No pseudonym key"):
        runtime.notebook_key(tmp_path / "other.key")


def test_run_id_format():
    run_id = runtime.new_run_id("2026-Q3", datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc))
    assert run_id.startswith("2026-Q3-20261125T120000Z-") and len(run_id) == len("2026-Q3-20261125T120000Z-") + 6


def test_labels_fall_back_for_unknown_keys():
    assert labels.text("family.newfamily", "fi") == "newfamily"
    assert labels.text("status.not_run", "fi") == "ajamatta"


def test_demo_paths_are_in_the_repository():
    root = Path(__file__).resolve().parents[1]
    assert pipeline.NOTEBOOK == root / "notebooks" / "quarterly_audit.ipynb" and pipeline.NOTEBOOK.is_file()
    assert pipeline.demo_key() == root / ".regaudit" / "demo-pseudonym.key"


def test_summary_parts(result, monkeypatch):
    html = sections.severity_by_family(result.findings)
    assert "consent" in html and "quality" in html and "total" in html
    counts_html = sections.status_counts(result.check_results, "fi")
    assert "hylätty" in counts_html and "<td>10</td>" in counts_html  # records tested by the failing check
    result.lang = "en"
    # Without the framework mapping, provisions come from the checks' legal references.
    monkeypatch.setattr(sections, "load_framework_rows", lambda _result, _lang=None: None)
    provisions = sections.provisions_section(result)
    assert "GDPR Art. 6(1)(a)" in provisions and "GDPR Art. 32" in provisions and "legal references" in provisions
    # With one, every provision is listed, also those no check tests.
    frame = pd.DataFrame([{"provision": "GDPR Art. 32", "title": "Security", "checks": ["access_b"]},
                          {"provision": "GDPR Art. 30", "title": "Record", "checks": []}])
    monkeypatch.setattr(sections, "load_framework_rows", lambda _result, _lang=None: (frame, "GDPR-FI"))
    provisions = sections.provisions_section(result)
    assert "GDPR-FI" in provisions and "no check" in provisions and "not run" in provisions


def test_family_section_and_accepted_appendix(result):
    html = sections.family_section(result, "consent")
    assert "Checks: consent" in html and "consent_a" in html and "access_b" not in html
    assert "&lt;script&gt;" in html and "<script>" not in html and "[e-mail]" in html
    accepted = sections.accepted_section(result.findings, accepted_file="f" * 64)
    assert "legacy" in accepted and "R2" in accepted and "f" * 64 in accepted
    assert "No finding was accepted" in sections.accepted_section(result.findings.iloc[:2])
    fig = charts.family_chart(result, "consent")
    assert sum(sum(trace.x) for trace in fig.data) == 2


def test_cover_lists_the_reasons_it_is_incomplete(result):
    html = sections.cover(result)
    assert html.index("INCOMPLETE") < html.index("retention rule r1") < html.index("Customer &lt;register&gt;")


def test_exit_code_of_a_report(tmp_path):
    (tmp_path / runtime.SUMMARY).write_text(json.dumps({"complete": True, "open_by_severity": {"medium": 2}}))
    assert pipeline.exit_code(tmp_path, "low") == 1 and pipeline.exit_code(tmp_path, "high") == 0
    assert pipeline.exit_code(tmp_path, "none") == 0
    (tmp_path / runtime.SUMMARY).write_text(json.dumps({"complete": False, "open_by_severity": {}}))
    assert pipeline.exit_code(tmp_path, "low") == 2


def test_accepted_section_lists_acceptances_that_match_nothing():
    import pandas as pd

    from audit_lib.findings import FINDING_COLUMNS
    from audit_lib.report.sections import accepted_section

    empty = pd.DataFrame(columns=FINDING_COLUMNS)
    html = accepted_section(empty, "en", None, ["accepted.yaml:7", "accepted.yaml:<12>"])
    assert "match no finding" in html and "accepted.yaml:7" in html
    assert "accepted.yaml:&lt;12&gt;" in html  # escaped like every other value
    assert "match no finding" not in accepted_section(empty, "en", None, [])


def test_a_check_that_tested_nothing_is_not_a_pass(result):
    checks = result.check_results.copy()
    first = checks.index[checks["status"] == "pass"][0]
    checks["tested_nothing"] = checks["tested_nothing"].astype(object)
    checks.loc[first, ["status", "population", "tested_nothing"]] = ["not_tested", 0, True]
    html = sections.check_results_table(checks)
    assert "not tested: no record in scope" in html
    assert "ei testattu" in sections.check_results_table(checks, "fi")
    assert "not tested" not in sections.check_results_table(result.check_results.assign(
        status=result.check_results["status"].replace("not_tested", "pass")))
    counts = sections.counts(SimpleNamespace(check_results=checks, findings=result.findings))
    assert counts["not_tested"] == int((checks["status"] == "not_tested").sum()) >= 1


def test_notice_findings_show_their_kind_in_both_languages():
    notice = pd.DataFrame([
        _finding(0, "high", "notice", "notice_lawful_basis_missing", kind="breach", record_ref="register.yaml#x"),
        _finding(1, "low", "notice", "notice_transfers_not_stated", kind="verify", record_ref="register.yaml#y"),
    ], columns=FINDING_COLUMNS)
    columns = ("kind", "severity", "check_id", "record_ref", "message")
    english = sections.findings_table(notice, "en", "ra-notice", columns)
    assert "<th>Kind</th>" in english and ">breach<" in english and ">verify<" in english
    finnish = sections.findings_table(notice, "fi", "ra-notice", columns)
    assert ">rikkomus<" in finnish and ">tarkistettava<" in finnish
