"""The Art. 30 record: points (a)–(g) in order, both languages, gaps named, escaped HTML, formula-safe CSV."""

from __future__ import annotations

import csv
import html.parser
import re
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.declaration import load_register
from audit_lib.declaration.register import Register
from audit_lib.ropa import (build_ropa, finnish_citation, human_duration, ropa_frame, ropa_html, ropa_html_section,
                            ropa_markdown, write_ropa)

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
    unstated = {p.label.en for p in sample.purposes if p.lawful_basis is None}
    assert unstated and all(any("lawful basis: not stated" in line for line in e.lines)
                            for e in sections["b"].entries if e.label in unstated)
    recipient = sections["d"].entries[1]
    assert recipient.gap and "Art. 28 processing agreement: not known" in recipient.lines
    assert sections["e"].entries[0].gap
    rules = {e.label: e for e in sections["f"].entries}
    orders = rules["Rule: Orders as bookkeeping material"]
    assert orders.lines[0].startswith("at least 6 years from the end of the year in which the financial period ended "
                                      "(orders.ordered_at; the financial period ends on 31 December; "
                                      "Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.)")
    assert "internal rule, not stated in the notice" in orders.lines
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


def test_html_escapes_quotes_as_the_record_always_did(sample):
    """The templates escape as html.escape does (``&quot;``, ``&#x27;``): the record's HTML stays the same
    byte for byte across the move to templates, quotes included."""
    document = ropa_html(_hostile(sample), "en")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in document
    assert "Targeting advertising within the webshop&#x27;s own registers" in document
    assert document.startswith('<!DOCTYPE html>\n<html lang="en">\n') and document.endswith("</body>\n</html>\n")
    fragment = ropa_html_section(sample, "en", include_style=True)
    assert fragment.startswith("<style>\n.ropa { font-family: system-ui") and "}\n</style>\n<div" in fragment
    gap_rows = [row for row in fragment.split("\n") if row.startswith('<tr class="ropa-gap">')]
    assert gap_rows and all('<span class="ropa-gap-mark">' in row for row in gap_rows)


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
    with (tmp_path / "ropa_en.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["article", "section", "item", "value", "gap"]
    assert [r["article"][-2] for r in rows] == sorted(r["article"][-2] for r in rows)
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK(\"http://evil\")" in cells
    assert "ab" * 32 in (tmp_path / "ropa_fi.md").read_text(encoding="utf-8")


@pytest.mark.slow
def test_cli_writes_both_languages(tmp_path):
    result = subprocess.run([sys.executable, "-m", "audit_lib", "ropa", "--register", str(SAMPLE), "--out",
                             str(tmp_path), "--lang", "both"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert len(list(tmp_path.glob("ropa_*"))) == 6
    result = subprocess.run([sys.executable, "-m", "audit_lib", "ropa", "--register", str(SAMPLE), "--out",
                             str(tmp_path / "en"), "--lang", "en"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and sorted(p.name for p in (tmp_path / "en").iterdir()) == [
        "ropa_en.csv", "ropa_en.html", "ropa_en.md"]


@pytest.mark.slow
def test_cli_with_exports_names_the_rule_covering_a_category(tmp_path):
    # register.yaml alone cannot say which tables hold a category; exports.yaml can.
    base = [sys.executable, "-m", "audit_lib", "ropa", "--register", str(SAMPLE), "--lang", "fi", "--out"]
    alone = subprocess.run(base + [str(tmp_path / "a")], capture_output=True, text=True, cwd=ROOT)
    mapped = subprocess.run(base + [str(tmp_path / "b"), "--exports", str(SAMPLE.parent / "exports.yaml")],
                            capture_output=True, text=True, cwd=ROOT)
    assert alone.returncode == 0 and mapped.returncode == 0, alone.stderr + mapped.stderr
    without = (tmp_path / "a" / "ropa_fi.md").read_text(encoding="utf-8")
    with_map = (tmp_path / "b" / "ropa_fi.md").read_text(encoding="utf-8")
    assert "ei omaa sääntöä: taulun orders sääntö" not in without
    assert "ei omaa sääntöä: taulun orders sääntö" in with_map


# --- legal fidelity: the Finnish record in the words of the law ---------------------------------------------

ART_30_1_FI = {  # GDPR Art. 30(1), the Finnish text of the Regulation: the words each heading must carry
    "a": ("Rekisterinpitäjän", "yhteisrekisterinpitäjän", "edustajan", "tietosuojavastaavan nimi ja yhteystiedot"),
    "b": ("Käsittelyn tarkoitukset",),
    "c": ("Kuvaus rekisteröityjen ryhmistä ja henkilötietoryhmistä",),
    "d": ("Vastaanottajien ryhmät",),
    "e": ("Tiedot henkilötietojen siirroista kolmanteen maahan", "suojatoimia koskevat asiakirjat"),
    "f": ("Eri tietoryhmien poistamisen suunnitellut määräajat",),
    "g": ("Yleinen kuvaus 32 artiklan 1 kohdassa tarkoitetuista teknisistä ja organisatorisista turvatoimista",),
}


def test_finnish_headings_follow_the_text_of_article_30_1(sample):
    sections = build_ropa(sample, "fi")
    for section in sections:
        assert all(words in section.title for words in ART_30_1_FI[section.letter]), section.title
        assert section.provision == f"tietosuoja-asetuksen 30 artiklan 1 kohdan {section.letter} alakohta"
    assert sections[3].title == "Vastaanottajien ryhmät"
    assert build_ropa(sample, "en")[3].title == "Categories of recipients"
    markdown = ropa_markdown(sample, "fi")
    assert "## (d) Vastaanottajien ryhmät" in markdown
    assert "*tietosuoja-asetuksen 30 artiklan 1 kohdan d alakohta*" in markdown


@pytest.mark.parametrize("citation, finnish", [
    ("GDPR Art. 6(1)(a)", "tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta"),
    ("GDPR Art. 9(2)(h)", "tietosuoja-asetuksen 9 artiklan 2 kohdan h alakohta"),
    ("GDPR Art. 30(1)", "tietosuoja-asetuksen 30 artiklan 1 kohta"),
    ("GDPR Art. 77", "tietosuoja-asetuksen 77 artikla"),
    ("Art. 13(2)(a)", "13 artiklan 2 kohdan a alakohta"),
    ("GDPR recital 60", "tietosuoja-asetuksen johdanto-osan 60 kappale"),
    ("Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.", "kirjanpitolain (1336/1997) 2 luvun 10 §:n 2 momentti"),
    ("Kirjanpitolaki 1336/1997 2 luku 10 §", "kirjanpitolain (1336/1997) 2 luvun 10 §"),
    ("Kirjanpitolaki 1336/1997 2:10 § 1 mom.", "kirjanpitolain (1336/1997) 2 luvun 10 §:n 1 momentti"),
    ("Laki sähköisen viestinnän palveluista 917/2014 200 § 1 mom.",
     "sähköisen viestinnän palveluista annetun lain (917/2014) 200 §:n 1 momentti"),
    ("917/2014 200 § 1 mom.", "sähköisen viestinnän palveluista annetun lain (917/2014) 200 §:n 1 momentti"),
    ("Vanhentumislaki 728/2003 4 §", "vanhentumislain (728/2003) 4 §"),
    ("laki säädettyjen määräaikain laskemisesta 150/1930 5 §",
     "säädettyjen määräaikain laskemisesta annetun lain (150/1930) 5 §"),
    ("kirjanpitolaki 1336/1997", "kirjanpitolaki (1336/1997)"),
])
def test_finnish_citation(citation, finnish):
    assert finnish_citation(citation) == finnish


@pytest.mark.parametrize("citation", [
    "GDPR Art. 6(1)(a), 7",            # a list
    "Art. 9(2)(a) explicit consent",   # a citation with words after it
    "999/2020 3 §",                    # a statute number the project does not know by name
    "Foo 12/2000 3 §",                 # a name that is no law's
    "Foo 12/2000",
    "kirjanpitolaki 2:10 §",           # no statute number
    "EU:n asetus 2016/679",
    "",
])
def test_finnish_citation_leaves_what_it_cannot_parse_unchanged(citation):
    assert finnish_citation(citation) == citation


def _variant(sample: Register, *, period_ends: str | None = None, rules: list[dict] | None = None) -> Register:
    data = sample.model_dump(by_alias=True, exclude_unset=True)
    if period_ends is not None:
        data["controller"]["financial_period_ends"] = period_ends
    if rules is not None:
        data["retention"]["rules"] = rules
    return Register.model_validate(data)


def _rule(id_, role, duration, categories=(), **extra):
    return {"id": id_, "label": {"fi": f"Sääntö {id_}", "en": f"Rule {id_}"}, "role": role, "start": "at",
            "duration": duration, "categories": list(categories), "stated_in_notice": True, **extra}


def _f(register: Register, lang: str) -> dict[str, list[str]]:
    section = next(s for s in build_ropa(register, lang) if s.letter == "f")
    return {e.label: e.lines for e in section.entries}


def test_erasure_time_limits_per_category(sample):
    register = _variant(sample, rules=[
        _rule("vouchers", "orders", "P6Y", ["purchased_services"], bookkeeping="vouchers"),
        _rule("books", "orders", "P10Y", ["customer_history"], bookkeeping="books", action="keep"),
        _rule("calendar", "support_contacts", "P3Y", ["feedback_contacts"], anchor="end_of_year"),
        _rule("event", "subjects", "P3Y", ["name", "email"], action="anonymise",
              legal=["GDPR Art. 5(1)(e)", "Vanhentumislaki 728/2003 4 §"]),
    ])
    fi, en = _f(register, "fi"), _f(register, "en")
    assert fi["Tiedot ostetuista palveluista"] == [
        "Sääntö vouchers: vähintään 6 vuotta sen vuoden lopusta, jonka aikana tilikausi on päättynyt "
        "(orders.at; tilikausi päättyy 31.12.; kirjanpitolain (1336/1997) 2 luvun 10 §:n 2 momentti); sen jälkeen tiedot "
        "poistetaan"]
    assert fi["Asiakashistoria"] == [
        "Sääntö books: vähintään 10 vuotta tilikauden päättymisestä (orders.at; tilikausi päättyy 31.12.; "
        "kirjanpitolain (1336/1997) 2 luvun 10 §:n 1 momentti); poistamisen ajankohtaa ei ole ilmoitettu "
        "(vain vähimmäisaika)"]
    assert fi["Asiakaspalautteet ja yhteydenotot"] == [
        "Sääntö calendar: 3 vuotta kalenterivuoden lopusta (support_contacts.at); sen jälkeen tiedot poistetaan"]
    assert fi["Henkilön etu- ja sukunimi"] == fi["Sähköpostiosoite"] == [
        "Sääntö event: 3 vuotta tapahtumasta (subjects.at); sen jälkeen tiedot anonymisoidaan"]
    assert en["Purchased services"] == [
        "Rule vouchers: at least 6 years from the end of the year in which the financial period ended (orders.at; "
        "the financial period ends on 31 December; Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.); then deleted"]
    assert en["First and last name"] == ["Rule event: 3 years from the event (subjects.at); then anonymised"]
    assert fi["Sääntö: Sääntö event"][2] == ("peruste: tietosuoja-asetuksen 5 artiklan 1 kohdan e alakohta; "
                                             "vanhentumislain (728/2003) 4 §")
    # A category no rule covers says so, as a gap, in both languages.
    assert fi["Postiosoite"] == ["Säilytysaikaa ei ole määritelty: yksikään säilytyssääntö ei koske tätä "
                                 "tietoryhmää"]
    assert en["Postal address"] == ["No retention period is declared: no retention rule covers this category"]
    section = next(s for s in build_ropa(register, "en") if s.letter == "f")
    assert next(e for e in section.entries if e.label == "Postal address").gap
    labels = {c.label.fi for c in register.data_categories}
    assert labels <= set(fi)  # every declared category has its entry: none silently left out


def test_vouchers_with_a_financial_period_ending_30_june(sample):
    register = _variant(sample, period_ends="06-30", rules=[
        _rule("vouchers", "orders", "P6Y", ["purchased_services"], bookkeeping="vouchers"),
        _rule("books", "orders", "P10Y", ["customer_history"], bookkeeping="books")])
    fi, en = _f(register, "fi"), _f(register, "en")
    line = fi["Tiedot ostetuista palveluista"][0]
    assert "vähintään 6 vuotta sen vuoden lopusta, jonka aikana tilikausi on päättynyt" in line
    assert "tilikausi päättyy 30.6." in line and "2 luvun 10 §:n 2 momentti" in line
    assert "vähintään 10 vuotta tilikauden päättymisestä" in fi["Asiakashistoria"][0]
    assert "the financial period ends on 30 June" in en["Purchased services"][0]
    everything = "\n".join(line for lines in fi.values() for line in lines)
    assert "kalenterivuoden" not in everything  # bookkeeping never counts from the calendar year
    # A financial period end the register does not state is shown as the default it is.
    register = _variant(sample, rules=[_rule("vouchers", "orders", "P6Y", ["purchased_services"],
                                             bookkeeping="vouchers")])
    data = register.model_dump(by_alias=True, exclude_unset=True)
    data["controller"].pop("financial_period_ends", None)
    line = _f(Register.model_validate(data), "fi")["Tiedot ostetuista palveluista"][0]
    assert "tilikausi päättyy 31.12. (oletus, ei ilmoitettu)" in line


def test_category_without_its_own_rule_shows_the_rule_of_its_table(sample):
    from audit_lib.declaration.load import load_declaration

    declaration = load_declaration(SAMPLE, SAMPLE.parent / "exports.yaml")
    register = _variant(declaration.register, rules=[_rule("accounts", "subjects", "P3Y"),
                                                     _rule("own", "orders", "P6Y", ["purchased_services"],
                                                           bookkeeping="vouchers")])
    without = _f(register, "fi")
    assert without["Postiosoite"][0].startswith("Säilytysaikaa ei ole määritelty")
    section = next(s for s in build_ropa(register, "fi", exports=declaration.exports) if s.letter == "f")
    entries = {e.label: e.lines for e in section.entries}
    assert entries["Postiosoite"] == ["Sääntö accounts: 3 vuotta tapahtumasta (subjects.at); sen jälkeen tiedot "
                                      "poistetaan (ei omaa sääntöä: taulun subjects sääntö)"]
    # A rule that names its categories covers those only, not every category of its table.
    assert entries["Tiedot ostetuista palveluista"][0].startswith("Sääntö own: ")
    assert entries["Tiedot myyntiin lisätyistä palveluista"][0].startswith("Säilytysaikaa ei ole määritelty")


ABBREVIATED = re.compile(r"\bart\.\s|\d+ art\b|\bArt\.\s*\d|\bmom\.|GDPR", re.IGNORECASE)


def test_no_finnish_output_abbreviates_a_provision(sample, tmp_path):
    data = sample.model_dump(by_alias=True, exclude_unset=True)
    data["purposes"][0]["lawful_basis"] = "consent"
    data["purposes"][1]["lawful_basis"] = "legitimate_interests"
    data["special_categories"]["art9_condition"] = "GDPR Art. 9(2)(h)"
    register = Register.model_validate(data)
    fi = {s.letter: s for s in build_ropa(register, "fi")}
    assert "käsittelyperuste: suostumus (6 artiklan 1 kohdan a alakohta)" in fi["b"].entries[1].lines
    assert any("9 artiklan 2 kohdan h alakohta" in line for e in fi["c"].entries for line in e.lines)
    outputs = {"md": ropa_markdown(register, "fi"), "html": ropa_html(register, "fi"),
               "csv": ropa_frame(register, "fi").to_csv(index=False)}
    for kind, text in outputs.items():
        assert not ABBREVIATED.findall(text), (kind, ABBREVIATED.findall(text))
    en = {s.letter: s for s in build_ropa(register, "en")}
    assert "lawful basis: consent (Art. 6(1)(a))" in en["b"].entries[1].lines
