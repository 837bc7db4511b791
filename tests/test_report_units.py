"""The report's parts besides the sections (tests/test_report_sections.py): charts on the bundled sample's audit,
the plotly.js bundle, the manifest, the PDF, the kernel lookup, run ids and the pseudonym key."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.errors import RegauditError, ReportError
from audit_lib.report import charts, labels, manifest, pdf, pipeline, plotlyjs, render, runtime
from audit_lib.vocabulary import FAMILIES


def test_charts_count_by_status_and_severity(sample_audit):
    checks = sample_audit.check_results
    fig = charts.check_status_chart(checks)
    by_name = {trace.name: dict(zip(trace.x, trace.y)) for trace in fig.data}
    assert sum(sum(v.values()) for v in by_name.values()) == len(checks)
    failed = checks[checks["status"] == "fail"].groupby("family").size()
    assert by_name["fail"] == {labels.text(f"family.{f}"): int(failed.get(f, 0)) for f in FAMILIES}
    fig = charts.findings_chart(sample_audit.findings, "fi")
    open_findings = int((sample_audit.findings["state"] == "open").sum())
    assert sum(sum(trace.y) for trace in fig.data) == open_findings == len(sample_audit.findings) - 1  # not the accepted
    assert {trace.name for trace in fig.data} == {"kriittinen", "korkea", "keskitaso", "matala"}
    empty = charts.findings_chart(sample_audit.findings.iloc[0:0])
    assert empty.layout.annotations[0].text == "No open findings"
    consent = checks[checks["family"] == "consent"]
    assert sum(sum(trace.x) for trace in charts.family_chart(sample_audit, "consent").data) == consent["failures"].sum()


def test_offline_renderer_has_no_cdn(sample_audit):
    import plotly.io as pio

    assert charts.use_offline_renderer(activate=False) == "plotly_mimetype+regaudit_offline"
    bundle = pio.renderers[charts.RENDERER_NAME].to_mimebundle(charts.check_status_chart(sample_audit.check_results).to_dict())
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


def test_report_charts_use_only_the_bundles_trace_types(sample_audit):
    figures = [charts.check_status_chart(sample_audit.check_results), charts.findings_chart(sample_audit.findings),
               charts.findings_chart(sample_audit.findings.iloc[0:0])]
    figures += [charts.family_chart(sample_audit, family) for family in sorted(set(sample_audit.check_results["family"]))]
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


@pytest.mark.slow
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


def test_exit_code_of_a_report(tmp_path):
    (tmp_path / runtime.SUMMARY).write_text(json.dumps({"complete": True, "open_by_severity": {"medium": 2}}))
    assert pipeline.exit_code(tmp_path, "low") == 1 and pipeline.exit_code(tmp_path, "high") == 0
    assert pipeline.exit_code(tmp_path, "none") == 0
    (tmp_path / runtime.SUMMARY).write_text(json.dumps({"complete": False, "open_by_severity": {}}))
    assert pipeline.exit_code(tmp_path, "low") == 2


@pytest.mark.slow  # starts Chromium
def test_severity_words_print_whole_in_the_findings_tables(tmp_path):
    """Every severity, in both languages, prints whole in its column of the findings tables (the
    longest is "kriittinen"): no word split across lines beside long ids and messages."""
    import subprocess

    from audit_lib.report.sections.findings_tables import findings_table
    from audit_lib.vocabulary import SEVERITIES

    css = (Path(pipeline.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    findings = pd.DataFrame({"severity": list(SEVERITIES), "check_id": "consent_email_sms_without_optin",
                             "subject_ref": "subjects/S-0123456789abcdef", "record_ref": "marketing_messages/M-000123",
                             "event_at": pd.Timestamp("2026-08-14 09:30", tz="UTC"), "state": "open",
                             "message": "A marketing message was sent by e-mail without consent to the channel " * 3})
    tables = [str(findings_table(findings, lang)) for lang in ("en", "fi")]
    page = tmp_path / "findings.html"
    page.write_text(f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><style>{css}</style></head>'
                    f'<body><main><div class="jp-RenderedHTMLCommon">{"".join(tables)}</div></main></body></html>',
                    encoding="utf-8")
    printed = pdf.html_to_pdf(page, tmp_path / "findings.pdf")
    words = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout.split()
    severities = [labels.text(f"severity.{s}", lang) for lang in ("en", "fi") for s in SEVERITIES]
    assert "kriittinen" in severities
    assert [s for s in severities if s not in words] == []
