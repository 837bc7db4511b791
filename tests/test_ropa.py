"""The Art. 30 record: points (a)–(g) in order, both languages, gaps named, escaped HTML, formula-safe CSV."""

from __future__ import annotations

import csv
import html.parser
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.declaration import load_register
from audit_lib.declaration.register import Register
from audit_lib.ropa import build_ropa, human_duration, ropa_html, ropa_html_section, ropa_markdown, write_ropa

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin" / "register.yaml"
COMPLIANT = ROOT / "tests" / "fixtures" / "compliant_register.yaml"


@pytest.fixture(scope="module")
def sample() -> Register:
    return load_register(SAMPLE)[0]


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_sections_follow_article_30_1(sample, lang):
    sections = build_ropa(sample, lang)
    assert [s.letter for s in sections] == list("abcdefg")
    assert [s.article for s in sections] == [f"GDPR Art. 30(1)({x})" for x in "abcdefg"]
    assert all(s.entries for s in sections)
    text = ropa_markdown(sample, lang)
    positions = [text.index(f"## ({x}) ") for x in "abcdefg"]
    assert positions == sorted(positions)


def test_content_and_gaps_of_the_sample(sample):
    sections = {s.letter: s for s in build_ropa(sample, "en")}
    a = {e.label: e for e in sections["a"].entries}
    assert a["Controller"].lines == ["Liikkuvaa Hyvinvointia Oy (Hyvinvoivin)"]
    assert a["Data protection officer"].gap
    assert all(any("lawful basis: not stated" in line for line in e.lines) for e in sections["b"].entries[1:])
    recipient = sections["d"].entries[1]
    assert recipient.gap and "Art. 28 processing agreement: not known" in recipient.lines
    assert sections["e"].entries[0].gap
    rules = {e.label: e for e in sections["f"].entries}
    assert rules["Orders as bookkeeping material"].lines[0].startswith("6 years from orders.ordered_at")
    assert "internal rule, not stated in the notice" in rules["Orders as bookkeeping material"].lines
    assert len(sections["g"].entries[0].lines) == 5
    fi = {s.letter: s for s in build_ropa(sample, "fi")}
    assert fi["a"].title.startswith("Rekisterinpitäjän") and "käsittelyperuste: ei ilmoitettu" in fi["b"].entries[1].lines


def test_compliant_register_has_no_gaps():
    register = load_register(COMPLIANT)[0]
    for lang in ("fi", "en"):
        gaps = [(s.letter, e.label) for s in build_ropa(register, lang) for e in s.entries if e.gap]
        assert gaps == []


def test_durations_in_words():
    assert human_duration("P6Y", "en") == "6 years" and human_duration("P1Y6M", "fi") == "1 vuosi 6 kuukautta"
    assert human_duration("P30D", "en") == "30 days"


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs


def _hostile(sample: Register) -> Register:
    data = sample.model_dump(by_alias=True)
    data["controller"]["name"] = '<script>alert("x")</script> & Co'
    data["purposes"][0]["label"]["en"] = "=HYPERLINK(\"http://evil\")"
    data["security_measures"][0]["en"] = '<img src=x onerror=alert(1)>'
    return Register.model_validate(data)


def test_html_is_escaped_self_contained_and_printable(sample):
    document = ropa_html(_hostile(sample), "en")
    assert "<script" not in document and "&lt;script&gt;" in document and "<img" not in document
    parser = _Collect()
    parser.feed(document)
    assert "script" not in parser.tags and "link" not in parser.tags and "img" not in parser.tags
    assert not [value for name, value in parser.attrs if name in ("src", "href")]
    assert "http" not in document.replace("http://evil", "")  # nothing fetched from the network
    assert "@media print" in document and 'lang="en"' in document


def test_fragment_for_the_report(sample):
    fragment = ropa_html_section(sample, "fi", heading_level=3, include_style=False)
    assert fragment.startswith('<div class="ropa" lang="fi">') and fragment.endswith("</div>")
    assert "<style>" not in fragment and "<h3>" in fragment and "<h4>(a) " in fragment
    assert "<html" not in fragment and "<body" not in fragment
    assert "<style>" in ropa_html_section(sample, "en")


def test_written_files_and_safe_csv(tmp_path, sample):
    written = write_ropa(_hostile(sample), tmp_path, source_sha256="ab" * 32)
    assert sorted(p.name for p in written) == sorted(f"ropa_{lang}.{ext}" for lang in ("fi", "en")
                                                      for ext in ("md", "html", "csv"))
    with (tmp_path / "ropa_en.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["article", "section", "item", "value", "gap"]
    assert [r["article"][-2] for r in rows] == sorted(r["article"][-2] for r in rows)
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(\"http://evil\")" in cells
    assert "ab" * 32 in (tmp_path / "ropa_fi.md").read_text(encoding="utf-8")


def test_cli_writes_both_languages(tmp_path):
    result = subprocess.run([sys.executable, "-m", "audit_lib", "ropa", "--register", str(SAMPLE), "--out",
                             str(tmp_path), "--lang", "both"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("ropa_*"))) == 6
    result = subprocess.run([sys.executable, "-m", "audit_lib", "ropa", "--register", str(SAMPLE), "--out",
                             str(tmp_path / "en"), "--lang", "en"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and sorted(p.name for p in (tmp_path / "en").iterdir()) == [
        "ropa_en.csv", "ropa_en.html", "ropa_en.md"]
