"""Finnish complete, one label store: every text regaudit shows has its Finnish in one gettext catalog.

What is checked (the scope): every text the code marks (N_, NC_, N_plural for words looked up later;
T_, Tn_ for messages filled in now and shown later) in audit_lib, which covers the report's words
(report/labels.py, the PDF footer, the Art. 30 record's), the explore notebook (explore/words.py,
explore/figures.py, its filters), the words the quality checks quote as evidence and the reasons the
framework file gives; the whole help of the command line (every command, group, option and argument,
the exit-code tables, and the words click writes around them); the command line's result and error
lines, the errors regaudit raises (audit_lib/errors.py and every exception raised with a message for
a person, the problems of a declaration file) and the audit's reasons for being incomplete. Babel's
extractor collects them (audit_lib/i18n_extract.py); an entry that is missing, empty or fuzzy fails
here, and so does a message written as a plain string or f-string where a person reads it (the scan
below), except in the modules PENDING lists. Not in scope: the check files' titles, messages and
remediations (each file has both languages), and click's own usage-error words.
"""

from __future__ import annotations

import ast
import csv
import functools
import html
import io
import re
import string
import subprocess
from pathlib import Path

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
    for part in ("report/labels.py", "report/pdf.py", "explore/words.py", "explore/figures.py",
                 "cli.py", "cli_language.py", "errors.py", "incomplete.py", "checks/quality/_phones.py",
                 "checks/quality/quality_invalid_email.sql", "checks/quality/quality_invalid_postal_code.sql",
                 "frameworks/gdpr_fi.yaml"):
        assert f"audit_lib/{part}" in files, part
    ids = {_msgid(m.id) for m in template if m.id}
    # The command tree's help (not marked in the code: read from typer's commands), the exit-code table.
    assert {"Exit codes:", "Audit period: 2026-Q3, 2026-09 or 2026.", "interrupted (Ctrl-C)"} <= ids
    assert {"loaded", "no @ sign", "Register statistics", "Record of processing activities", "Page"} <= ids


def test_markers_are_written_with_literal_texts():
    """Babel reads a marker's arguments as written: a name or an expression there extracts nothing (or
    a text without its context) while the code still looks it up. T_ and Tn_ take the values to fill
    in after their literal texts (T_'s one, Tn_'s two)."""
    texts = {"N_": None, "NC_": None, "N_plural": None, "T_": 1, "Tn_": 2}
    wrong = []
    for module, tree in _modules():
        path = PACKAGE / module
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in texts:
                count = texts[node.func.id]
                literal = node.args if count is None else node.args[:count]
                if (count is None and node.keywords) or len(literal) != (count or len(node.args)) or not all(
                        isinstance(a, ast.Constant) and isinstance(a.value, str) for a in literal):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                elif count is not None and len(node.args) != (1 if count == 1 else 3):
                    wrong.append(f"{path.relative_to(ROOT)}:{node.lineno}")  # values go by name
    assert wrong == []


def test_one_label_store_holds_english_texts_only():
    """The report's and the record's keys map to the English text, whose Finnish is in the catalog
    (a pair of English and Finnish written in the code would be a second store)."""
    from audit_lib.report import labels

    assert all(isinstance(v, str) for v in labels._TEXT.values())
    assert labels.text("ropa.b", "fi") == "Käsittelyn tarkoitukset"  # the record's words are the report's store
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

@pytest.fixture(scope="module")
def result(incomplete_audit):
    """The incomplete audit of the bundled sample (tests/conftest.py), in Finnish, whose inputs hold a file of
    each status: the files it lists (in error, rejected, not mapped, ignored), then those the same exports
    audited for one check only skip."""
    import dataclasses

    from audit_lib.audit import run_audit
    from audit_lib.vocabulary import INPUT_STATUSES

    partial = run_audit(None, incomplete_audit.declaration.exports_source.path, "2026-Q3",
                        pseudonym_key=incomplete_audit.pseudonym_key, only=["quality_invalid_email"])
    skipped = [row for row in partial.load_report.inputs if row["status"] == "skipped"]
    report = dataclasses.replace(incomplete_audit.load_report, inputs=incomplete_audit.load_report.inputs + skipped)
    audit = dataclasses.replace(incomplete_audit, load_report=report, lang="fi")
    assert set(audit.inputs["status"]) == set(INPUT_STATUSES)
    return audit


def _cells(fragment: str) -> list[str]:
    return [html.unescape(cell).strip() for cell in re.findall(r"<td>(.*?)</td>", fragment, re.S)]


def test_the_finnish_report_words_input_statuses_and_framework_reasons(result):
    from audit_lib.frameworks import load_framework
    from audit_lib.report import sections
    from audit_lib.report.labels import text
    from audit_lib.vocabulary import INPUT_STATUSES

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


# --- messages made now, shown later: errors, the command line's lines, the audit's reasons ----------

# Modules whose messages for a person are not marked yet, each with what they hold (none left now). The
# scan below fails on a plain string or f-string anywhere else, and on a module listed here that has none
# left (then the entry goes).
PENDING: dict[str, str] = {}
# Calls whose text a person reads: an error's message, a declaration problem's message and fix, a
# validator's ValueError (it becomes a problem), a result line of the command line.
_ECHO_FILES = {"cli.py", "lint.py", "explore/launch.py"}
_ECHO_CALLS = {"echo", "_echo", "print", "_fail", "_usage_error", "BadParameter", "note"}
# Rich markup, the program's name and the names of its declaration files are no words to translate.
_NOT_WORDS = re.compile(r"\[/?[a-z ]*\]|regaudit|\b(?:register|exports)\.yaml\b")


def _call_name(func: ast.expr) -> str | None:
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _is_written_text(node: ast.expr) -> bool:
    """A plain string or f-string with words in it (or one added to or formatted into another)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(c.isalpha() for c in _NOT_WORDS.sub("", node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_written_text(part) for part in node.values if isinstance(part, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _is_written_text(node.left) or _is_written_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format":
        return _is_written_text(node.func.value)
    return False


@functools.lru_cache(maxsize=1)
def _modules() -> list[tuple[str, ast.Module]]:
    """Every module of audit_lib, parsed once for the scans of this file (they only read the trees)."""
    return [(path.relative_to(PACKAGE).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(PACKAGE.rglob("*.py")) if "_bundled" not in path.parts]


def _error_classes(modules: list[tuple[str, ast.Module]]) -> set[str]:
    """RegauditError and every class of audit_lib that derives from it (by name, read from the source),
    and the two ValueError and YAMLError kinds whose message becomes a declaration problem."""
    bases = {node.name: {_call_name(b) for b in node.bases} for _, tree in modules for node in ast.walk(tree)
             if isinstance(node, ast.ClassDef)}
    found = {"RegauditError", "RefusedYaml", "UnknownPreset"}
    while more := {name for name, of in bases.items() if of & found} - found:
        found |= more
    return found


def unmarked_messages() -> list[str]:
    """``module:line:call`` of every message for a person written as plain text instead of ``T_``."""
    modules = _modules()
    errors = _error_classes(modules)
    found = []
    for module, tree in modules:
        validators = module.startswith("declaration/") or module == "accepted.py"
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _call_name(node.func)
            if name in errors:
                texts = [*node.args, *(k.value for k in node.keywords)]
            elif name == "ValueError" and validators:
                texts = node.args[:1]
            elif name == "Problem":
                texts = [*node.args[2:3], *node.args[4:5], *(k.value for k in node.keywords if k.arg in ("message",
                                                                                                          "fix"))]
            elif name == "add" and module.startswith("declaration/"):
                texts = node.args[1:3]
            elif name in _ECHO_CALLS and module in _ECHO_FILES:
                texts = node.args[:1]
            else:
                continue
            if any(_is_written_text(text) for text in texts):
                found.append(f"{module}:{node.lineno}:{name}")
    return found


def test_every_message_a_person_reads_is_marked_for_the_catalog():
    """A message written as a plain string or f-string has no entry in the catalog, so no Finnish: an
    error, a declaration problem or a result line of the command line is written with T_ (or Tn_)."""
    found = unmarked_messages()
    unmarked = [item for item in found if item.split(":")[0] not in PENDING]
    assert unmarked == [], "write these with T_(\"... {value}\", value=...) (audit_lib/i18n.py): " + "; ".join(unmarked)
    done = sorted(set(PENDING) - {item.split(":")[0] for item in found})
    assert done == [], f"no unmarked message is left in {done}: remove them from PENDING"


def test_the_scan_sees_every_way_a_message_is_written():
    """The scan's own cases: what it must report and what it must leave alone."""
    reported = ['raise LoadError(path, f"cannot read {x}")', 'raise OutputError("disk" + " full")',
                'raise RegauditError("no key: {0}".format(x))', 'Problem(f, "p", "is wrong", fix="do it")']
    left = ['raise LoadError(path, T_("cannot read {x}", x=x))', 'raise RegauditError(str(exc))',
            'Problem(f, "dataset", T_("wrong"), fix=T_("fix"))', 'raise KeyError(f"no {name}")']
    errors = _error_classes(_modules()) | {"Problem"}
    assert {"LoadError", "OutputError", "ReportFailed", "UnknownCheckError", "EngineUnavailable"} <= errors
    for source, expected in [(line, True) for line in reported] + [(line, False) for line in left]:
        call = next(n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Call))
        name = _call_name(call.func)
        texts = [*call.args, *(k.value for k in call.keywords)] if name != "Problem" else \
            [*call.args[2:3], *(k.value for k in call.keywords)]
        assert (name in errors and any(map(_is_written_text, texts))) is expected, source
    assert not _is_written_text(ast.parse('f"[bold red]{x}[/] {y}"').body[0].value)  # markup, no words


def _placeholders(text: str) -> set[tuple[str, str, str | None]]:
    return {(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None}


def test_every_translation_keeps_the_placeholders_of_its_english(finnish):
    """A Finnish text that dropped, renamed or reformatted a ``{placeholder}`` would break filling it in."""
    wrong = []
    for message in finnish:
        if not message.id:
            continue
        english = [message.id] if isinstance(message.id, str) else list(message.id)
        translated = [message.string] if isinstance(message.string, str) else list(message.string)
        for index, text in enumerate(translated):
            source = english[min(index, len(english) - 1)]
            try:
                same = _placeholders(text) == _placeholders(source)
            except ValueError:  # a brace that is no placeholder: the same brace on both sides is fine
                same = text.count("{") == source.count("{") and text.count("}") == source.count("}")
            if not same:
                wrong.append(_msgid(message.id))
    assert wrong == []


def test_a_message_is_english_as_written_and_finnish_when_asked():
    import pickle

    from audit_lib.errors import DeclarationError, LoadError, Problem, RegauditError, describe_os_error
    from audit_lib.i18n import Joined, T_, Tn_, localise

    nested = T_("cannot write {where}: {cause}.", where="/tmp/x", cause=T_("the disk is full"))
    assert nested == "cannot write /tmp/x: the disk is full." and isinstance(nested, str)
    assert localise(nested, "fi") == "kohteeseen /tmp/x ei voi kirjoittaa: levy on täynnä."
    assert localise(nested, "en") == nested and localise("plain data", "fi") == "plain data"
    assert pickle.loads(pickle.dumps(nested)).in_language("fi") == localise(nested, "fi")
    assert [Tn_("{count} problem in the declaration:", "{count} problems in the declaration:", n, count=n)
            .in_language("fi") for n in (1, 2)] == ["1 ongelma selosteessa:", "2 ongelmaa selosteessa:"]
    assert Joined("; ", [T_("file not found"), "x"]).in_language("fi") == "tiedostoa ei löydy; x"
    error = DeclarationError([Problem("r.yaml", "controller", T_("file not found"), line=3,
                                      fix=T_("check the path (relative paths are resolved from the current folder)"))])
    assert str(error) == ("1 problem in the declaration:\n  r.yaml:3: controller: file not found — check the path "
                          "(relative paths are resolved from the current folder)")
    assert error.in_language("fi") == ("1 ongelma selosteessa:\n  r.yaml:3: controller: tiedostoa ei löydy — "
                                       "tarkista polku (suhteelliset polut ratkaistaan nykyisestä kansiosta)")
    assert LoadError("a.csv", T_("cannot tell its format from its name"), row=2).in_language("fi") == \
        "a.csv, rivi 2: sen muotoa ei voi päätellä nimestä"
    assert RegauditError("written before T_ existed").in_language("fi") == "written before T_ existed"
    import errno

    full = OSError(errno.ENOSPC, "No space left on device", "/r/out")
    assert localise(describe_os_error(full, output=True), "fi") == \
        "kohteeseen /r/out ei voi kirjoittaa: levy on täynnä — vapauta tilaa levyltä tai valitse toinen kansio " \
        "valinnalla --out."


def test_the_declarations_cross_references_the_loaders_and_the_reports_errors_are_finnish(tmp_path, monkeypatch):
    """Messages of the modules marked last, in Finnish when asked and English as they were written: a
    cross-reference problem of register.yaml, a loader's error, a nested stage word, a verification."""
    from audit_lib.declaration.load import load_register
    from audit_lib.declaration.taxonomy import unknown_key_fix
    from audit_lib.errors import DeclarationError, ReportError, VerificationError
    from audit_lib.loader.headers import column_count_error
    from audit_lib.report.signing import find_gpg
    from audit_lib.report.verify import verify_folder

    register = tmp_path / "register.yaml"
    sample = (ROOT / "data_samples" / "hyvinvoivin" / "register.yaml").read_text(encoding="utf-8")
    register.write_text(sample.replace("timezone: Europe/Helsinki", "timezone: Mars/Olympus", 1), encoding="utf-8")
    with pytest.raises(DeclarationError) as raised:
        load_register(register)
    assert "controller.timezone: unknown time zone 'Mars/Olympus' — write an IANA time zone such as " \
           "Europe/Helsinki" in str(raised.value)
    assert "controller.timezone: tuntematon aikavyöhyke 'Mars/Olympus' — kirjoita IANA-aikavyöhyke, kuten " \
           "Europe/Helsinki" in raised.value.in_language("fi")
    fix = unknown_key_fix("data_use", "marketing.zzz")
    assert fix.startswith("use a fideslang data use key, for example 'marketing' or ")
    assert i18n.localise(fix, "fi").startswith("käytä fideslangin käyttötarkoitusavainta, esimerkiksi 'marketing' tai ")
    wide = column_count_error("wide.csv", 5000, approximate=True)
    assert str(wide).startswith("wide.csv: has about 5,000 columns, more than the 4,096 regaudit reads")
    assert wide.in_language("fi").startswith("wide.csv: sisältää noin 5,000 saraketta, enemmän kuin ne 4,096, jotka")
    monkeypatch.setenv("REGAUDIT_GPG", str(tmp_path / "no-gpg"))
    with pytest.raises(ReportError) as missing:
        find_gpg()
    assert missing.value.in_language("fi") == f"Allekirjoitus: REGAUDIT_GPG={str(tmp_path / 'no-gpg')!r} ei ole " \
                                             "suoritettava ohjelma."
    with pytest.raises(VerificationError) as unsealed:
        verify_folder(tmp_path)
    assert "  manifest.json: puuttuu (komennon `regaudit run` kirjoittamassa raportin kansiossa se on)" in \
        unsealed.value.in_language("fi")
    assert "  manifest.json: missing (a report folder written by `regaudit run` has one)" in str(unsealed.value)


def test_a_validators_message_and_pydantics_own_reach_the_problem_translatable(tmp_path):
    from audit_lib.accepted import load_accepted
    from audit_lib.errors import DeclarationError

    accepted = tmp_path / "accepted.yaml"
    accepted.write_text("accepted:\n  - reason: no target\n    approved_by: A\n    expires: 2026-12-31\n"
                        "  - check_id: x\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as raised:
        load_accepted(accepted)
    english, finnish = str(raised.value), raised.value.in_language("fi")
    assert "name the findings: give a fingerprint" in english and "Field required" in english
    assert "nimeä havainnot: anna fingerprint" in finnish and "Kenttä puuttuu" in finnish
    assert "lisää avain 'reason' kohdan accepted[1] alle" in finnish
    assert "Field required" not in finnish and "add the key" not in finnish and "4 ongelmaa selosteessa" in finnish


def test_the_audits_reasons_for_being_incomplete_are_english_in_data_and_finnish_when_shown():
    from audit_lib.incomplete import check_reason, input_reason, retention_reason

    reasons = [input_reason("a.csv", "rejected", "bad header"), check_reason("rights_request_late", "not_run",
                                                                             "needs requests"),
               retention_reason("inactive_accounts", "subjects", ["last_active_at"])]
    assert reasons == ["input a.csv: rejected (bad header)", "check rights_request_late: not_run (needs requests)",
                       "retention rule inactive_accounts: not evaluated, no export provides subjects.last_active_at"]
    import json

    assert json.loads(json.dumps(reasons)) == reasons  # audit.json holds the English
    assert [i18n.localise(r, "fi") for r in reasons] == [
        "aineisto a.csv: hylätty (bad header)", "tarkastus rights_request_late: ajamatta (needs requests)",
        "säilytyssääntö inactive_accounts: arvioimatta, mikään vientitiedosto ei sisällä kenttää "
        "subjects.last_active_at"]


def _run(args: list[str], **env: str | None):
    from typer.testing import CliRunner

    from audit_lib.cli import app

    # No language from this machine's locale: each case names its own.
    quiet = {"REGAUDIT_LANG": None, "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None, "LANG": "C.UTF-8",
             "COLUMNS": "200", "REGAUDIT_DEBUG": None}
    return CliRunner().invoke(app, args, env={**quiet, **env})


def test_the_command_line_writes_its_lines_in_the_language_of_its_help_english_by_default(tmp_path):
    from audit_lib.resources import SAMPLE

    period = ["check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q5"]
    english = _run(period)
    assert english.exit_code == 4 and "error: Period '2026-Q5' is not understood: write 2026-Q3" in english.output
    for env in ({"REGAUDIT_LANG": "fi"}, {"LANG": "fi_FI.UTF-8"}):
        finnish = _run(period, **env)
        assert finnish.exit_code == 4, finnish.output
        assert "virhe: Jaksoa '2026-Q5' ei ymmärretä: kirjoita 2026-Q3, 2026-09 tai 2026." in finnish.output
        assert "error" not in finnish.output and "Period" not in finnish.output
    missing = _run(["lint", str(tmp_path / "register.yaml")], REGAUDIT_LANG="fi")
    assert missing.exit_code == 3 and "1 ongelma; tiedosto on virheellinen" in missing.output
    assert "tiedostoa ei löydy — tarkista polku" in missing.output
    assert "file not found" in _run(["lint", str(tmp_path / "register.yaml")]).output
    usage = _run(["ropa", "--register", "r.yaml", "--out", str(tmp_path), "--lang", "sv"], REGAUDIT_LANG="fi")
    assert usage.exit_code == 64 and "'sv' ei ole mikään seuraavista: fi, en, both" in usage.output


def test_check_speaks_finnish_and_writes_booleans_as_finnish_excel_reads_them(tmp_path):
    from checkkit import KEY, write_register

    exports = write_register(tmp_path, {"staff_accounts": [
        {"user_id": "tkoski98", "role": "administrator", "valid_from": "2025-10-01 08:00:00"}]})
    out = tmp_path / "out"
    done = _run(["check", "--exports", str(exports), "--period", "2026-Q3", "--out", str(out), "--csv-dialect",
                 "excel-fi"], REGAUDIT_LANG="fi", REGAUDIT_PSEUDONYM_KEY=KEY.decode())
    assert done.exit_code == 2, done.output
    lines = done.output.splitlines()
    assert any("Tarkastusten tulokset, 2026-Q3 (ajo " in line for line in lines)
    assert any(line.startswith("keskeneräinen: tarkastus access_bulk_read: ajamatta (tarvitsee: access_log (yhtään "
                               "vientitiedostoa ei ole kuvattu") for line in lines)
    assert any(line.startswith("keskeneräinen: säilytyssääntö inactive_accounts: arvioimatta") for line in lines)
    assert f"Havainnot kirjoitettu kansioon {out}" in done.output.replace("\n", "")
    assert not {"incomplete:", "Check results", "not_run", "Findings written"} & set(re.split(r"[ (]", done.output))
    text = (out / "check_results.csv").read_text(encoding="utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    flags = [(row[header.index("tested_nothing")], row[header.index("out_of_scope")]) for row in rows]
    assert flags and set(flags) <= {("EPÄTOSI", "EPÄTOSI"), ("EPÄTOSI", "TOSI"), ("TOSI", "EPÄTOSI")}
    assert ";EPÄTOSI;" in text and '"EPÄTOSI"' not in text  # bare, so Finnish Excel reads a boolean cell
    assert "needs access_log (no export is mapped to it" in text  # a file's texts stay English
    assert not re.search(r"(^|;)(True|False)(;|$)", text, re.M)


# --- Finnish Excel ------------------------------------------------------------------------------------

def test_excel_fi_writes_true_and_false_as_tosi_and_epatosi_and_reads_them_back(tmp_path):
    from audit_lib.outputs import CSV_DIALECTS, csv_text, read_csv_output, write_csv_safe

    frame = pd.DataFrame({"flag": [True, False], "maybe": pd.array([True, None], dtype="boolean"),
                          "mixed": ["=x", True], "n": [1.5, -2.0]})
    assert csv_text(frame, dialect="excel-fi").splitlines() == [
        '"flag";"maybe";"mixed";"n"', "TOSI;TOSI;\"'=x\";1,5", 'EPÄTOSI;"";TOSI;"\'-2,0"']
    for name in ("excel", "rfc4180"):  # the other dialects as before: Python's words, which Excel in English reads
        rows = csv_text(frame, dialect=name).splitlines()
        assert rows[1].startswith("True,True,") and rows[2].startswith("False,")
    assert (CSV_DIALECTS["excel-fi"].true, CSV_DIALECTS["excel-fi"].false) == ("TOSI", "EPÄTOSI")
    back = read_csv_output(write_csv_safe(frame, tmp_path / "flags.csv", "excel-fi"))
    assert back["flag"].tolist() == [True, False] and back["flag"].dtype == bool
