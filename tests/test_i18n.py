"""Finnish complete, one label store: every text regaudit shows has its Finnish in one gettext catalog.

What is checked (the scope): every text the code marks (N_, NC_, N_plural) in audit_lib, which covers
the report's words (report/labels.py, the PDF footer), the Art. 30 record (ropa.py), the explore
notebook (explore/words.py, explore/figures.py, its filters), the words the quality checks quote as
evidence and the reasons the framework file gives; and the whole help of the command line (every
command, group, option and argument, the exit-code tables, and the words click writes around them).
Babel's extractor collects them (audit_lib/i18n_extract.py); an entry that is missing, empty or fuzzy
fails here. Not in scope: the check files' titles, messages and remediations (each file has both
languages), the command line's error and result lines, and the texts of the audit's reasons for being
incomplete, which stay English.
"""

from __future__ import annotations

import ast
import html
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from audit_lib import i18n
from audit_lib.i18n_extract import extract_template, read_catalog, untranslated

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "audit_lib"


def _msgid(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


@pytest.fixture(scope="module")
def template():
    return extract_template()


@pytest.fixture(scope="module")
def finnish():
    return read_catalog("fi")


def test_every_text_has_a_finnish_translation(template, finnish):
    missing = untranslated(finnish, template)
    assert missing == [], ("untranslated, empty or fuzzy in audit_lib/locale/fi/LC_MESSAGES/regaudit.po (run "
                           "`python -m audit_lib.i18n_extract`, then translate each): " + "; ".join(missing))


def test_the_catalog_holds_no_text_the_code_no_longer_shows(template, finnish):
    wanted = {(m.context, _msgid(m.id)) for m in template if m.id}
    stale = sorted(f"{m.context or ''}|{_msgid(m.id)}" for m in finnish
                   if m.id and (m.context, _msgid(m.id)) not in wanted)
    assert stale == [], "run `python -m audit_lib.i18n_extract` to drop: " + "; ".join(stale)


def test_extraction_reaches_every_part_that_shows_text(template):
    files = {location[0] for message in template if message.id for location in message.locations}
    for part in ("report/labels.py", "report/pdf.py", "ropa.py", "explore/words.py", "explore/figures.py",
                 "cli.py", "cli_language.py", "checks/quality/_phones.py",
                 "checks/quality/quality_invalid_email.sql", "checks/quality/quality_invalid_postal_code.sql",
                 "frameworks/gdpr_fi.yaml"):
        assert f"audit_lib/{part}" in files, part
    ids = {_msgid(m.id) for m in template if m.id}
    # The command tree's help (not marked in the code: read from typer's commands), the exit-code table.
    assert {"Exit codes:", "Audit period: 2026-Q3, 2026-09 or 2026.", "interrupted (Ctrl-C)"} <= ids
    assert {"loaded", "no @ sign", "Register statistics", "Record of processing activities", "Page"} <= ids


def test_markers_are_written_with_literal_texts():
    """Babel reads a marker's arguments as written: a name or an expression there extracts nothing (or
    a text without its context) while the code still looks it up."""
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        if "_bundled" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
                    "N_", "NC_", "N_plural"):
                if node.keywords or not all(isinstance(a, ast.Constant) and isinstance(a.value, str)
                                            for a in node.args):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert wrong == []


def test_one_label_store_holds_english_texts_only():
    """The report's and the record's keys map to the English text, whose Finnish is in the catalog
    (a pair of English and Finnish written in the code would be a second store)."""
    from audit_lib import ropa
    from audit_lib.report import labels

    assert all(isinstance(v, str) for v in labels._TEXT.values())
    assert all(isinstance(v, str) for v in ropa._T.values())
    assert all(isinstance(name, str) and isinstance(point, str) for name, point in ropa._BASES.values())
    assert labels.text("cover.register", "fi") == "Rekisteri" == i18n.translate("Register", "fi")
    assert labels.text("col.accepted_reason", "fi") == "Peruste" and labels.text("col.reason", "fi") == "Syy"


def test_a_fuzzy_or_empty_entry_is_shown_in_english_and_reported(tmp_path, monkeypatch):
    folder = tmp_path / "fi" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "regaudit.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "checked"\nmsgstr "tarkistettu"\n\n'
        '#, fuzzy\nmsgid "guessed"\nmsgstr "arvattu"\n\n'
        'msgid "empty"\nmsgstr ""\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert [i18n.translate(m, "fi") for m in ("checked", "guessed", "empty")] == ["tarkistettu", "guessed",
                                                                                     "empty"]
        from babel.messages.catalog import Catalog

        wanted = Catalog()
        for message in ("checked", "guessed", "empty", "absent"):
            wanted.add(message)
        assert untranslated(read_catalog("fi"), wanted) == ["|guessed", "|empty", "|absent"]
    finally:
        i18n.translations.cache_clear()


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="use en or fi"):
        i18n.translate("Page", "sv")


# --- the report -------------------------------------------------------------------------------------

@pytest.fixture
def result() -> SimpleNamespace:
    """A small audit result: one input file of each status, the framework's checks as passed."""
    from audit_lib.frameworks import load_framework
    from audit_lib.periods import parse_period
    from audit_lib.report.labels import INPUT_STATUSES

    check_ids = sorted({c for p in load_framework().provisions for c in p.checks})
    checks = pd.DataFrame([dict(check_id=c, family=c.split("_")[0], title=c, severity="low", legal_refs="",
                                status="pass", population=1, failures=0, reason=None, duration_s=0.0)
                           for c in check_ids])
    inputs = pd.DataFrame([dict(file=f"{status}.csv", role="subjects", format="csv", sha256="ab" * 32, bytes=1,
                                rows_read=1, rows_loaded=1, rows_quarantined=0, status=status, detail="")
                           for status in INPUT_STATUSES])
    findings = pd.DataFrame(columns=["check_id", "family", "severity", "state", "message"])
    return SimpleNamespace(period=parse_period("2026-Q3"), check_results=checks, inputs=inputs, findings=findings,
                           complete=False, incomplete_reasons=[], results=(), lang="fi")


def _cells(fragment: str) -> list[str]:
    return [html.unescape(cell).strip() for cell in re.findall(r"<td>(.*?)</td>", fragment, re.S)]


def test_the_finnish_report_words_input_statuses_and_framework_reasons(result):
    from audit_lib.frameworks import load_framework
    from audit_lib.report import sections
    from audit_lib.report.labels import INPUT_STATUSES, text

    shown = _cells(sections.inputs_table(result.inputs, "fi")) + _cells(sections.not_run_section(result, "fi"))
    for status in INPUT_STATUSES:
        assert text(f"input.{status}", "fi") in shown
        assert status not in shown and status.replace("_", " ") not in shown
    assert "ladattu" in shown
    provisions = html.unescape(sections.provisions_section(result, "fi"))
    for provision in load_framework().provisions:
        assert provision.title_fi in provisions, provision.id  # whole, never shortened
        if provision.reason:
            assert provision.reason not in provisions
            assert f"({i18n.translate(provision.reason, 'fi', i18n.FRAMEWORK)})" in provisions


def test_quality_reasons_are_quoted_in_the_language_of_the_message(template):
    from audit_lib.findings import render_message

    words = [_msgid(m.id) for m in template if m.id and m.context == i18n.EVIDENCE]
    assert {"no @ sign", "too few digits (a lost leading zero?)", "too short"} <= set(words)
    for word in words:
        finnish = render_message("({problem})", {"problem": word}, "Europe/Helsinki", "fi")
        assert finnish == f"({i18n.translate(word, 'fi', i18n.EVIDENCE)})" != f"({word})"
        assert render_message("({problem})", {"problem": word}, "Europe/Helsinki") == f"({word})"
    # A value the catalog does not know (data) is quoted as it is.
    assert render_message("({problem})", {"problem": "x@y"}, "Europe/Helsinki", "fi") == "(x@y)"


@pytest.mark.slow  # starts Chromium
def test_provision_titles_print_whole_in_both_languages(result, tmp_path):
    """The report's CSS prints every title of the provisions table (with its reason) whole: no line
    cut off, no word broken inside (what pdftotext reads back, white space made single)."""
    from audit_lib.report import pdf, sections

    css = (PACKAGE / "report" / "templates" / "report.css").read_text(encoding="utf-8")
    tables, titles = [], []
    for lang in ("fi", "en"):
        frame, _name = sections.load_framework_rows(result, lang)
        titles += list(frame["title"])
        # Only the title column filled, so that the text read back from the PDF is the titles' alone.
        shown = pd.DataFrame({"provision": "", "title": frame["title"], "checks": "", "status": "", "findings": ""})
        tables.append(shown.to_html(index=False, escape=True, border=0, classes=["ra-table", "ra-provisions"]))
    page = tmp_path / "provisions.html"
    page.write_text(f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><style>{css}</style></head>'
                    f'<body><main><div class="jp-RenderedHTMLCommon">{"".join(tables)}</div></main></body></html>',
                    encoding="utf-8")
    printed = pdf.html_to_pdf(page, tmp_path / "provisions.pdf")
    text = subprocess.run(["pdftotext", str(printed), "-"], capture_output=True, text=True, check=True).stdout

    def words(value: str) -> str:
        # pdftotext joins a word hyphenated at a line's end ("opt-" "out": "optout"): hyphens are left out
        # on both sides; a word broken inside would still read as two.
        return " ".join(re.sub(r"-\s*", "", value).split())

    assert "Information at collection (controller, DPO, purposes and basis, recipients, transfers)" in titles
    missing = [title for title in titles if words(title) not in words(text)]
    assert missing == []


# --- the Art. 30 record -----------------------------------------------------------------------------

def test_the_finnish_record_is_in_finnish():
    from audit_lib.declaration import load_register
    from audit_lib.resources import SAMPLE
    from audit_lib.ropa import build_ropa, human_duration

    register, _source = load_register(SAMPLE / "register.yaml")
    sections = build_ropa(register, "fi")
    assert [s.title for s in sections][1:4] == ["Käsittelyn tarkoitukset",
                                                "Kuvaus rekisteröityjen ryhmistä ja henkilötietoryhmistä",
                                                "Vastaanottajien ryhmät"]
    assert [s.title for s in build_ropa(register, "en")][1] == "Purposes of the processing"
    assert (human_duration("P1Y", "fi"), human_duration("P6Y2M", "fi")) == ("1 vuosi", "6 vuotta 2 kuukautta")
    assert (human_duration("P1Y", "en"), human_duration("P1Y1D", "en")) == ("1 year", "1 year 1 day")


# --- the explore notebook ---------------------------------------------------------------------------

def test_the_explore_notebook_takes_lang_and_shows_its_words_in_it():
    from audit_lib.explore import notebook, words

    built = notebook.build()
    parameters = next(c for c in built.cells if "parameters" in c.metadata["tags"])
    assert 'lang: str = "en"' in parameters.source
    # Only the note for whoever opens it is Markdown: every heading and note shown follows `lang`.
    assert [c.metadata["tags"] for c in built.cells if c.cell_type == "markdown"] == [["remove-cell"]]
    shown = [re.fullmatch(r'words\.prose\("(\w+)", lang(?:, level=\d)?\)', c.source) for c in built.cells]
    assert {m.group(1) for m in shown if m} == set(words.PROSE)
    assert words.prose("subjects", "fi", level=2).data == "## Rekisteröidyt ja asiakastilit"


@pytest.fixture(scope="module")
def session():
    from audit_lib.explore import open_register
    from audit_lib.resources import SAMPLE

    return open_register(None, SAMPLE / "exports.yaml", "2026-Q3")


def _figure_texts(figure) -> list[str]:
    """Every text a figure draws: titles, axis and colour-bar titles, annotations, legend names, ticks."""
    layout = figure.to_plotly_json()["layout"]
    texts = [part for part in re.split(r"<br>|<sup>|</sup>", layout["title"]["text"]) if part]
    texts += [value["title"]["text"] for key, value in layout.items()
              if key.startswith(("xaxis", "yaxis")) and value.get("title", {}).get("text")]
    texts += [a.get("text", "") for a in layout.get("annotations", ())]
    for trace in figure.data:
        texts.append(getattr(trace, "name", None) or "")
        colorbar = getattr(trace, "colorbar", None)
        if colorbar is not None:
            texts += [colorbar.title.text or "", *(colorbar.ticktext or ())]
    return [t for t in texts if t]


@pytest.mark.slow  # loads the bundled sample and draws every chart twice
def test_every_chart_draws_its_words_in_finnish(session, finnish):
    from audit_lib.explore.figures import FIGURES

    english = {_msgid(m.id): m.string for m in finnish if m.id and isinstance(m.id, str)}
    for name, draw in FIGURES.items():
        shown_en = _figure_texts(draw(session.con, session.params(lang="en")))
        shown_fi = _figure_texts(draw(session.con, session.params(lang="fi")))
        assert shown_fi[0] == english[shown_en[0]] != shown_en[0], name  # the title
        left = [text for text in shown_fi if english.get(text, text) != text]
        assert left == [], f"{name}: English left in the Finnish chart: {left}"


def test_the_explore_tables_and_filters_speak_finnish(session):
    from audit_lib.explore import stats, words
    from audit_lib.explore.widgets import Explorer

    states = stats.account_states(session.con, session.params())
    shown = words.labelled(states, "fi")
    assert list(shown.columns) == ["rekisteröidyn tyyppi", "tila", "rekisteröityjä"]
    assert set(shown["tila"]) <= {"aktiivinen", "passiivinen", "suljettu", "ei tiedossa"}
    assert words.labelled(states, "en") is states  # English: the statistic as it is
    controls = Explorer(session, lang="fi").controls()
    period, subject_type, channel, _status = controls.children
    assert (period.description, subject_type.description, channel.description) == ("Jakso", "Rekisteröidyn tyyppi",
                                                                                   "Kanava")
    assert subject_type.options[0] == ("(kaikki)", "(all)") and subject_type.value == "(all)"
    with pytest.raises(ValueError, match="use en or fi"):
        Explorer(session, lang="sv")


# --- the command line -------------------------------------------------------------------------------

def test_the_command_line_language_comes_from_regaudit_lang_or_the_locale():
    from audit_lib.cli_language import LanguageError, cli_language

    assert cli_language({}) == "en"
    assert cli_language({"LANG": "fi_FI.UTF-8"}) == "fi"
    assert cli_language({"LANGUAGE": "sv:fi", "LANG": "C.UTF-8"}) == "fi"
    assert cli_language({"LC_ALL": "C", "LANG": "fi_FI.UTF-8"}) == "en"  # the first set wins, as in gettext
    assert cli_language({"REGAUDIT_LANG": "en", "LANG": "fi_FI.UTF-8"}) == "en"
    with pytest.raises(LanguageError, match="REGAUDIT_LANG='sv'"):
        cli_language({"REGAUDIT_LANG": "sv"})


def _help(args: list[str], lang: str) -> str:
    from typer.testing import CliRunner

    from audit_lib.cli import app

    done = CliRunner().invoke(app, args, env={"REGAUDIT_LANG": lang}, prog_name="regaudit")
    assert done.exit_code == 0, done.output
    return " ".join(done.output.split())


def test_every_help_screen_is_finnish():
    import typer.main

    from audit_lib.cli import app
    from audit_lib.cli_language import tree_messages, walk

    root = typer.main.get_command(app)
    paths = [[]]
    for name, command in root.commands.items():
        paths.append([name])
        paths += [[name, sub] for sub in (getattr(command, "commands", None) or {})]
    assert len(paths) > 10
    for path in paths:
        command = root
        for name in path:
            command = command.commands[name]
        finnish = _help(path + ["--help"], "fi")
        assert finnish.startswith("Käyttö: regaudit") and "Valinnat:" in finnish, path
        assert "Näytä tämä ohje ja lopeta." in finnish and "Show this message and exit." not in finnish
        for message in set(tree_messages(command)) - {m for sub in list(walk(command))[1:] for m in tree_messages(sub)}:
            if i18n.translate(message, "fi") != message:
                assert message not in finnish, (path, message)
    assert "[pakollinen]" in _help(["ropa", "--help"], "fi") and "[oletus: both]" in _help(["ropa", "--help"], "fi")
    top = _help(["--help"], "fi")
    assert "Paluukoodit:" in top and "Komennot:" in top and "64 käyttövirhe" in top
    english = _help(["--help"], "en")
    assert english.startswith("Usage: regaudit") and "Exit codes:" in english and "Options:" in english


def test_a_language_the_command_line_does_not_speak_is_a_usage_error():
    from typer.testing import CliRunner

    from audit_lib.cli import app

    done = CliRunner().invoke(app, ["--help"], env={"REGAUDIT_LANG": "sv"})
    assert done.exit_code == 64 and "REGAUDIT_LANG='sv': use en or fi" in done.output
