"""End to end: the report of the bundled sample (copied to a temporary folder), and its folder inspected.

The report is the session's (tests/conftest.py): 2026-Q2 (no PDF), then 2026-Q3 into the same reports
folder, so that the Q3 report compares itself with Q2. One more Q3 run, of this module's own, shows that
the audit is reproducible; the failure cases make their own runs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from audit_lib.errors import ReportError
from audit_lib.report import manifest, pipeline, plotlyjs, render
from reportkit import REPORT_KEY, written_folder

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
PERIOD = "2026-Q3"
PREVIOUS = "2026-Q2"
EXPECTED = {"quarterly_audit.ipynb", "report.html", "report.pdf", "findings.csv", "findings.parquet",
            "findings.json", "check_results.csv", "check_results.parquet", "inputs.csv", "quarantine.csv", "changes.csv", "audit.json",
            "manifest.json"}
FINDINGS_FILES = ("findings.csv", "findings.parquet", "findings.json", "changes.csv")
# Outputs that carry the time they were made (papermill's cell timings, the PDF's creation date).
# audit.json and check_results.csv hold each check's run time; report.html shows the run's start on its cover.
TIMED_OUTPUTS = {"quarterly_audit.ipynb", "report.pdf", "report.html", "audit.json", "check_results.csv", "check_results.parquet"}
MAX_HTML_BYTES = 6_000_000
# The issue's target: plotly.js's basic partial bundle (1.19 MB) instead of the full one (4.8 MB), and
# none of JupyterLab's application CSS (0.24 MB; regaudit.html.j2): 1.36 MB for the bundled sample.
MAX_SAMPLE_HTML_BYTES = 1_500_000
# The saturated status colours of the check chart (charts.STATUS_COLOURS: pass, fail, error) as RGB;
# text and table rules are grey, so only a drawn chart puts these on a page.
CHART_RGB = [(0x1a, 0x98, 0x50), (0xd7, 0x30, 0x27), (0x7b, 0x32, 0x94)]


@pytest.fixture(scope="module")
def workspace(sample_report) -> Path:
    """The copy of the sample the session's report read, and its pseudonym key, in a temporary folder."""
    assert sample_report.key_file.read_bytes().strip() == KEY
    return sample_report.root


@pytest.fixture
def own_sample(tmp_path) -> Path:
    """A copy of the sample and a pseudonym key of a test's own, for a run that is not the session's."""
    shutil.copytree(SAMPLE, tmp_path / "own" / "sample")
    (tmp_path / "own" / "pseudonym.key").write_text(REPORT_KEY + "\n", encoding="utf-8")
    return tmp_path / "own"


@pytest.fixture(scope="module")
def report(sample_report) -> dict:
    """The session's reports folder: 2026-Q2, then 2026-Q3 (with its PDF, signed)."""
    return {"folder": sample_report.folder, "out": sample_report.out}


@pytest.fixture(scope="module")
def rerun(sample_report, tmp_path_factory) -> Path:
    """The same 2026-Q3 audit once more, without its PDF (a timed output, compared by nothing but presence),
    into a reports folder of its own that holds a copy of the session's 2026-Q2 report to compare with."""
    out = tmp_path_factory.mktemp("rerun") / "reports"
    shutil.copytree(sample_report.previous, out / PREVIOUS)
    folder = written_folder(sample_report.run(out, "--no-pdf"))
    assert folder == (out / PERIOD).resolve()
    return folder


def test_folder_layout(report):
    folder = report["folder"]
    assert folder == (report["out"] / PERIOD).resolve()
    present = {p.name for p in folder.iterdir()}
    assert EXPECTED <= present, EXPECTED - present
    assert pipeline.KERNEL_LOG not in present  # the kernel's chatter is not evidence


def test_no_temporary_folder_left(report):
    assert sorted(p.name for p in report["out"].iterdir()) == [PREVIOUS, PERIOD]
    assert not [p for p in report["folder"].rglob(".*")]


def test_html_has_no_code_and_draws_plotly(report):
    html = (report["folder"] / "report.html").read_text(encoding="utf-8")
    # The stylesheet names these classes; no element may carry them.
    assert not re.search(r'class="[^"]*\b(?:jp-InputArea|jp-Cell-inputWrapper|jp-InputPrompt)\b', html)
    # No source code of the notebook leaks into the evidence.
    assert "run_audit(" not in html and "write_outputs(" not in html and "notebook_key(" not in html
    assert 'class="plotly-graph-div"' in html and "Plotly.newPlot" in html
    # plotly.js is embedded exactly once (the renderer activates once): its basic partial bundle,
    # not plotly's full one (audit_lib/report/plotlyjs.py).
    assert html.count("Plotly.newPlot") >= 2
    assert len(re.findall(r"plotly\.js (?:\([a-z -]+\) )?v\d", html)) == 1
    assert html.count(plotlyjs.BANNER) == 1 and not re.search(r"plotly\.js v\d", html)


def test_html_needs_no_network(report):
    html = (report["folder"] / "report.html").read_text(encoding="utf-8")
    assert render.external_references(html) == []
    # The same, said independently of the module under test: no src/href to http(s) at all.
    for tag in re.findall(r"<(?:script|link|img|iframe)\b[^>]*>", html, flags=re.I):
        assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", tag, flags=re.I), tag
    # Every script is inline: the page loads nothing, not even from beside the file.
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, flags=re.I)


def test_html_escapes_data(report):
    html = (report["folder"] / "report.html").read_text(encoding="utf-8")
    # Cover values come from register.yaml: the controller's name appears, escaped text only.
    assert "Liikkuvaa Hyvinvointia Oy" in html
    assert "<script>alert" not in html


def test_manifest_hashes_every_output(report, workspace):
    folder = report["folder"]
    data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"]: entry["sha256"] for entry in data["outputs"]}
    # Everything but the manifest, SHA256SUMS and the signature, which are written after it (report/manifest.py
    # SEALS); the session's report is signed.
    present = {p.name for p in folder.iterdir()}
    assert set(manifest.SEALS) == {"manifest.json", "SHA256SUMS", "manifest.json.asc"} <= present
    assert set(listed) == present - set(manifest.SEALS)
    for name, digest in listed.items():
        assert manifest.sha256_file(folder / name) == digest, name
    assert manifest.verify_manifest(folder) == []
    assert set(data["declaration"]) == {"register.yaml", "exports.yaml"}
    # (The copy the report read: the checkout's sample may change while tests run.)
    assert data["declaration"]["register.yaml"] == manifest.sha256_file(workspace / "sample" / "register.yaml")
    assert data["inputs"] and all({"file", "sha256", "rows_read", "rows_loaded"} <= set(row) for row in data["inputs"])
    assert set(data["packages"]) >= {"duckdb", "pandas", "plotly", "papermill", "nbconvert", "regaudit"}
    assert all(data["packages"].values())
    assert data["parameters"]["period"] == PERIOD
    assert data["parameters"]["output_dir"] == str(folder)
    assert data["started_at"] <= data["finished_at"]
    audit = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    assert data["run_id"] == audit["run_id"] and data["complete"] == audit["complete"]
    # The key itself never lands in the report folder.
    assert not any("0" * 64 in p.read_text(errors="ignore") for p in folder.iterdir() if p.suffix != ".pdf")


def test_findings_tables_match(report):
    import pandas as pd

    folder = report["folder"]
    parquet = pd.read_parquet(folder / "findings.parquet")
    records = json.loads((folder / "findings.json").read_text(encoding="utf-8"))
    assert len(parquet) == len(records)
    checks = pd.read_csv(folder / "check_results.csv")
    assert set(checks["status"]) <= {"pass", "fail", "error", "not_run", "not_tested"} and len(checks) > 0


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))


def _read_ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB bytes of a binary PPM (P6), as pdftoppm writes it."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    pixels = data[pos + 1:]
    assert len(pixels) == width * height * 3
    return width, height, pixels


def _page_text(pdf: Path, page: int) -> str:
    return subprocess.run(["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_pdf_has_cover_and_page_numbers(report):
    pdf = report["folder"] / "report.pdf"
    pages = _pdf_pages(pdf)
    assert pages > 1
    audit = json.loads((report["folder"] / "audit.json").read_text(encoding="utf-8"))
    cover = _page_text(pdf, 1)
    # The cover is a page of its own: title, status, register, period, run id; no section after it.
    assert "Register audit report" in cover and "Audit status" in cover and audit["run_id"] in cover
    assert "Hyvinvoivin" in cover and "2026-07-01" in cover
    assert "Scope and inputs" not in cover and "Scope and inputs" in _page_text(pdf, 2)
    for page in range(1, pages + 1):
        text = _page_text(pdf, page)
        assert re.search(rf"Page {page} / {pages}\b", text), f"no page number on page {page}"
        # No page holds only its footer.
        assert len([line for line in text.splitlines() if line.strip()]) > 2, f"page {page} is empty"


def test_pdf_has_pages_and_drawn_charts(report, tmp_path):
    pdf = report["folder"] / "report.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _pdf_pages(pdf)
    assert pages > 1
    subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.ppm"))
    assert len(images) == pages
    _, _, first = _read_ppm(images[0])
    # Not blank: a page of text has many distinct grey levels and a spread of values.
    values = first[::3]
    mean = sum(values) / len(values)
    variance = sum((v - mean) ** 2 for v in values) / len(values)
    assert variance > 50 and len(set(values)) > 10
    # The check chart was drawn by plotly in Chromium: some page has its bar colours.
    def has_chart_colour(pixels: bytes) -> bool:
        for i in range(0, len(pixels), 3):
            r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
            if any(abs(r - cr) < 12 and abs(g - cg) < 12 and abs(b - cb) < 12 for cr, cg, cb in CHART_RGB):
                return True
        return False
    assert any(has_chart_colour(_read_ppm(image)[2]) for image in images)


@pytest.mark.slow  # the audit runs in the notebook's kernel before the planted cell breaks
def test_failing_notebook_keeps_failed_folder(own_sample, tmp_path):
    import nbformat

    # The report notebook with one cell that breaks after the audit ran, as a section bug would.
    notebook = nbformat.read(pipeline.NOTEBOOK, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell('raise RuntimeError("section broke")'))
    broken = tmp_path / "notebooks" / "quarterly_audit.ipynb"
    broken.parent.mkdir()
    nbformat.write(notebook, broken)
    out = tmp_path / "reports"
    sample = own_sample / "sample"
    with pytest.raises(ReportError) as caught:
        pipeline.run_report(sample / "register.yaml", sample / "exports.yaml", PERIOD, out,
                            pseudonym_key_file=own_sample / "pseudonym.key", pdf=False, notebook=broken)
    message = str(caught.value)
    assert isinstance(caught.value, pipeline.ReportFailed) and caught.value.folder is not None
    assert caught.value.folder.name.startswith(f"{PERIOD}.failed-")
    # papermill's injected-parameters cell shifts the index by one
    assert f"cell {len(notebook.cells)} ('raise RuntimeError(\"section broke\")')" in message
    assert "RuntimeError: section broke" in message and ".failed-" in message
    entries = list(out.iterdir())
    assert len(entries) == 1 and entries[0].name.startswith(f"{PERIOD}.failed-")
    executed = entries[0] / "quarterly_audit.ipynb"
    assert executed.is_file()
    assert (entries[0] / pipeline.KERNEL_LOG).is_file()  # kept with a failed run, for whoever inspects it
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    assert any(output.get("output_type") == "error" for cell in notebook["cells"] for output in cell.get("outputs", []))
    assert not (out / PERIOD).exists()


KEY = REPORT_KEY.encode()  # the content of the workspace's pseudonym.key (64 hex digits)


def _expected(sample: Path, period: str) -> set[tuple[str, str]]:
    """The ground truth of ``period``, with subject record references as the report writes them."""
    import csv

    from audit_lib.findings import pseudonymise_references

    with (sample / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        return {(r["check_id"], pseudonymise_references(r["record_ref"], KEY))
                for r in csv.DictReader(handle) if r["period"] == period}


def test_period_diff_matches_the_ground_truth(report, workspace):
    """New and resolved findings of 2026-Q3 against 2026-Q2, as the sample's ground truth has them."""
    import csv

    before, now = _expected(workspace / "sample", PREVIOUS), _expected(workspace / "sample", PERIOD)
    assert before and now and before != now
    with (report["folder"] / "changes.csv").open(encoding="utf-8-sig", newline="") as handle:
        changes = list(csv.DictReader(handle))
    by_kind: dict[str, set[tuple[str, str]]] = {}
    for row in changes:
        by_kind.setdefault(row["change"], set()).add((row["check_id"], row["record_ref"]))
    assert by_kind.get("new", set()) == now - before
    assert by_kind.get("resolved", set()) == before - now
    # Found in both periods: still open, or accepted (the sample's accepted.yaml accepts the
    # publication-ban gap through 2026; the team account's acceptance expired on 30 June, reopening it).
    assert by_kind.get("still_open", set()) | by_kind.get("accepted", set()) == now & before
    assert by_kind.get("accepted") == {("notice_publication_ban_obsolete",
                                        "register.yaml#marketing.bans.publication_ban")}
    assert ("access_shared_account", "staff_accounts/asiakaspalvelu") in by_kind["still_open"]
    data = json.loads((report["folder"] / "manifest.json").read_text(encoding="utf-8"))
    assert data["parameters"]["previous_findings"] == str(report["out"] / PREVIOUS / "findings.parquet")
    html = (report["folder"] / "report.html").read_text(encoding="utf-8")
    assert "Compared with the previous period" in html and "Still open" in html
    # The report's own counts agree with the file.
    assert f"<th>New</th><td>{len(now - before)}</td>" in html
    assert f"<th>Resolved</th><td>{len(before - now)}</td>" in html
    # The first period had nothing to compare with, and says so.
    q2 = (report["out"] / PREVIOUS / "report.html").read_text(encoding="utf-8")
    assert "No report of the previous period (2026-Q1)" in q2
    assert "report.pdf" not in {p.name for p in (report["out"] / PREVIOUS).iterdir()}


def test_same_audit_twice_is_byte_identical(report, rerun):
    first, second = rerun, report["folder"]
    for name in FINDINGS_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    # check_results.csv: the same but for each check's run time.
    import pandas as pd

    from audit_lib.report.runtime import TIMING_COLUMNS
    first_checks, second_checks = (pd.read_csv(f / "check_results.csv") for f in (first, second))
    assert set(TIMING_COLUMNS) <= set(first_checks.columns)
    pd.testing.assert_frame_equal(first_checks.drop(columns=list(TIMING_COLUMNS)),
                                  second_checks.drop(columns=list(TIMING_COLUMNS)))
    # The HTML too, but for the run's start on the cover: figures are numbered, not given random ids.
    started = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\[[^\]<]+\]")
    first_html, second_html = ((f / "report.html").read_bytes() for f in (first, second))
    assert len(started.findall(first_html)) == 1
    assert started.sub(b"STARTED", first_html) == started.sub(b"STARTED", second_html)

    def comparable(folder: Path) -> dict:
        data = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        for field in ("started_at", "finished_at", "run_id"):
            data.pop(field)
        # Each run names its own reports folder, and the previous period's report in it.
        assert data["parameters"].pop("output_dir") == str(folder)
        assert data["parameters"].pop("previous_findings") == str(folder.parent / PREVIOUS / "findings.parquet")
        data["outputs"] = [o for o in data["outputs"] if o["file"] not in TIMED_OUTPUTS]
        return data
    assert comparable(first) == comparable(second)


def test_manifest_records_catalogue_and_evidence(report):
    from audit_lib.audit import catalogue_version
    from audit_lib.checks.registry import catalogue

    data = json.loads((report["folder"] / "manifest.json").read_text(encoding="utf-8"))
    assert data["catalogue_version"] == catalogue_version(catalogue())
    assert isinstance(data["evidence"], dict) and isinstance(data["incomplete_reasons"], list)
    assert data["parameters"]["lang"] == "en"
    assert "changes.csv" in {o["file"] for o in data["outputs"]}


def test_html_size_and_sections(report):
    path = report["folder"] / "report.html"
    assert path.stat().st_size < MAX_HTML_BYTES
    html = path.read_text(encoding="utf-8")
    for heading in ("Scope and inputs", "The declaration", "Record of processing activities", "Summary",
                    "By legal provision", "Checks: consent", "Compared with the previous period",
                    "Appendix: accepted risks", "Appendix: check catalogue", "Appendix: manifest"):
        assert heading in html, heading
    # One figure per family plus the two overview charts, each with its own numbered element.
    ids = re.findall(r'class="plotly-graph-div" id="(ra-figure-\d+)"', html)
    assert len(ids) == len(set(ids)) >= 4


def test_html_of_the_sample_is_small_and_embeds_the_partial_bundle_once(report):
    path = report["folder"] / "report.html"
    assert path.stat().st_size <= MAX_SAMPLE_HTML_BYTES, path.stat().st_size
    html = path.read_text(encoding="utf-8")
    bundle = plotlyjs.bundle_js()
    assert html.count(bundle) == 1 and html.count(plotlyjs.BANNER) == 1
    # The executed notebook holds the same single copy, which nbconvert carries into the HTML.
    notebook = (report["folder"] / "quarterly_audit.ipynb").read_text(encoding="utf-8")
    assert notebook.count(plotlyjs.BANNER) == 1


def test_every_figure_of_the_report_is_drawable_by_the_bundle(report):
    """The trace types of every figure in the executed notebook are in the basic bundle's list: a bar
    chart is drawn, a trace type the bundle lacks would silently not be (or pull in the full bundle)."""
    import nbformat

    nb = nbformat.read(report["folder"] / "quarterly_audit.ipynb", as_version=4)
    figures = [output["data"]["application/vnd.plotly.v1+json"] for cell in nb.cells for output in cell.get("outputs", [])
               if "application/vnd.plotly.v1+json" in output.get("data", {})]
    html = (report["folder"] / "report.html").read_text(encoding="utf-8")
    assert len(figures) == len(re.findall(r'class="plotly-graph-div"', html)) >= 4
    used = set().union(*(plotlyjs.trace_types(figure) for figure in figures))
    assert used and used <= plotlyjs.TRACE_TYPES, used - plotlyjs.TRACE_TYPES
    # The template the figures carry names no trace type beyond the bundle's either.
    assert all(set(figure["layout"]["template"]["data"]) <= plotlyjs.TRACE_TYPES for figure in figures)


def test_quarantine_keeps_no_raw_rows(report):
    header = (report["folder"] / "quarantine.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "raw" not in header.split(",") and "reason_code" in header


def test_publish_replaces_older_folder(tmp_path):
    final, staging = tmp_path / PERIOD, tmp_path / f".{PERIOD}.tmp-x"
    final.mkdir()
    (final / "old.txt").write_text("old")
    staging.mkdir()
    (staging / "new.txt").write_text("new")
    assert pipeline.publish(staging, final) == final
    assert [p.name for p in final.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == [PERIOD]


def test_invalid_declaration_fails_before_running(own_sample, tmp_path):
    from audit_lib.errors import DeclarationError

    broken = own_sample / "sample"
    (broken / "register.yaml").write_text("schema_version: 1\ncontroller: [unclosed\n", encoding="utf-8")
    with pytest.raises(DeclarationError):
        pipeline.run_report(broken / "register.yaml", broken / "exports.yaml", PERIOD, tmp_path / "out",
                            pseudonym_key_file=own_sample / "pseudonym.key", pdf=False)
    assert not (tmp_path / "out").exists()


def test_missing_inputs_fail_before_running(tmp_path):
    with pytest.raises(ReportError, match="does not exist"):
        pipeline.run_report(tmp_path / "nope.yaml", SAMPLE / "exports.yaml", PERIOD, tmp_path / "out",
                            pseudonym_key_file=tmp_path / "k", pdf=False)
    assert not (tmp_path / "out").exists()


def test_report_findings_equal_the_planted_ground_truth(report, workspace):
    """The findings the report folder holds are exactly the sample's expected findings for the period."""
    import csv

    expected = sorted(_expected(workspace / "sample", PERIOD))
    with (report["folder"] / "findings.csv").open(encoding="utf-8-sig", newline="") as handle:
        found = sorted((r["check_id"], r["record_ref"]) for r in csv.DictReader(handle))
    assert found == expected
