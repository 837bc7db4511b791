"""regaudit's vocabularies are written once, in audit_lib/vocabulary.py, and keep the values outputs hold."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from audit_lib import vocabulary
from audit_lib.vocabulary import VOCABULARIES, ExitCode, eea_countries, values

PACKAGE = Path(vocabulary.__file__).resolve().parent
REPO = PACKAGE.parent
# A dict keyed by every member of a two-word vocabulary is too common to mean anything (every
# {"en": ..., "fi": ...} text); a dict is a copy of a vocabulary from three members on.
DICT_MINIMUM = 3
# Literal copies that remain in modules held elsewhere, per (file, vocabulary): at most this many.
# Each is to be replaced by an import from audit_lib.vocabulary; then its entry goes.
AWAITING: dict[tuple[str, str], int] = {}


def _strings(nodes) -> set[str]:
    return {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _copies(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, vocabulary) for every literal in ``tree`` that writes out a whole vocabulary: a list,
    tuple or set of its values, a call given them all as arguments, a dict keyed by them, or a text
    naming every EU/EEA state."""
    found = []
    eea = set(eea_countries())
    vocabularies = [(name, set(values(enum))) for name, enum in VOCABULARIES.items()]
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            strings, minimum = _strings(node.elts), 2
        elif isinstance(node, ast.Call):
            strings, minimum = _strings(node.args), 2
        elif isinstance(node, ast.Dict):
            strings, minimum = _strings(node.keys), DICT_MINIMUM
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if eea <= set(node.value.replace(",", " ").replace('"', " ").split()):
                found.append((node.lineno, "EU/EEA states"))
            continue
        else:
            continue
        for name, wanted in vocabularies:
            if len(wanted) >= minimum and wanted <= strings:
                found.append((node.lineno, name))
    return found


def _all_copies() -> dict[tuple[str, str], list[int]]:
    copies: dict[tuple[str, str], list[int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == Path(vocabulary.__file__).resolve():
            continue
        name = path.relative_to(REPO).as_posix()
        for line, vocabulary_name in _copies(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            copies.setdefault((name, vocabulary_name), []).append(line)
    return copies


def test_no_vocabulary_is_written_out_again_in_audit_lib():
    extra = {key: lines for key, lines in _all_copies().items() if len(lines) > AWAITING.get(key, 0)}
    assert not extra, ("vocabularies written out again (import them from audit_lib/vocabulary.py instead): "
                       + "; ".join(f"{file} lines {lines}: {name}" for (file, name), lines in sorted(extra.items())))


@pytest.mark.parametrize("source, expected", [
    ('SEVERITIES = ("critical", "high", "medium", "low")', "severity"),
    ('ORDER = ["error", "fail", "not_run", "not_tested", "pass"]', "status"),
    ('choice = _one_of("en", "fi")', "language"),
    ('RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}', "severity"),
    ('for code in ("email", "sms", "post", "phone", "push"): pass', "channel"),
    ('EEA = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI '
     'NO".split())', "EU/EEA states"),
])
def test_the_scan_finds_a_vocabulary_written_out(source, expected):
    assert expected in [name for _line, name in _copies(ast.parse(source))]


@pytest.mark.parametrize("source", [
    'TEXT = {"en": "Audit", "fi": "Tarkastus"}',           # a text in both languages
    'if status in ("error", "not_run"): pass',             # part of a vocabulary
    'COLOURS = {Severity.CRITICAL: "red", Severity.HIGH: "orange", Severity.MEDIUM: "yellow", '
    'Severity.LOW: "grey"}',                                # keyed by the members themselves
])
def test_the_scan_leaves_other_literals_alone(source):
    assert _copies(ast.parse(source)) == []


def test_the_values_outputs_hold_do_not_change():
    # Written to findings.csv, check_results.csv, inputs.csv, quarantine.csv, audit.json and Parquet:
    # a value changed here changes every report, so each is pinned as published.
    assert values(vocabulary.Severity) == ("critical", "high", "medium", "low")
    assert vocabulary.SEVERITY_RANK == {"critical": 4, "high": 3, "medium": 2, "low": 1}
    assert vocabulary.FAIL_ON == ("critical", "high", "medium", "low", "none")
    assert values(vocabulary.Status) == ("pass", "fail", "error", "not_run", "not_tested")
    assert values(vocabulary.Family) == ("notice", "inventory", "consent", "retention", "rights", "disclosure",
                                         "access", "quality")
    assert values(vocabulary.Kind) == ("breach", "verify")
    assert values(vocabulary.InputStatus) == ("loaded", "rejected", "error", "skipped", "not_mapped", "ignored")
    assert vocabulary.COMPLETE_INPUT_STATUSES == ("loaded", "not_mapped", "ignored", "skipped")
    assert values(vocabulary.Language) == ("en", "fi")
    assert set(values(vocabulary.QuarantineReason)) == {
        "bad_date", "bad_boolean", "bad_number", "bad_value", "implausible_year", "ambiguous_number",
        "precision_loss", "missing_key", "missing_value", "duplicate_key", "column_count", "bad_quoting",
        "bad_encoding", "line_too_long", "bad_row", "bad_json", "formula_without_value", "cell_error",
        "native_cast_failed"}
    assert values(vocabulary.Channel) == ("email", "sms", "post", "phone", "push")
    assert values(vocabulary.RequestOutcome)[-1] == "withdrawn_by_subject"
    assert len(eea_countries()) == 30 and {"FI", "SE", "NO", "IS", "LI"} <= eea_countries()


def test_members_are_their_plain_values():
    # A member is the string written out: json, CSV and DuckDB see "high", never "Severity.HIGH".
    assert vocabulary.Severity.HIGH == "high" and f"{vocabulary.Severity.HIGH}" == "high"
    assert str(vocabulary.Status.NOT_RUN) == "not_run" and vocabulary.Severity.CRITICAL.rank == 4
    assert all(type(value) is str for value in vocabulary.SEVERITIES + vocabulary.STATUSES + vocabulary.LANGUAGES)


def test_the_modules_that_used_their_own_lists_import_the_vocabulary():
    from audit_lib import i18n, roles
    from audit_lib.checks import spec
    from audit_lib.loader import casting, folder, numbers, xlsx

    assert spec.SEVERITY_RANK is vocabulary.SEVERITY_RANK and spec.FAMILIES is vocabulary.FAMILIES
    assert spec.Status is vocabulary.Status and spec.KINDS is vocabulary.KINDS
    assert i18n.LANGUAGES is vocabulary.LANGUAGES and folder.COMPLETE_STATUSES is vocabulary.COMPLETE_INPUT_STATUSES
    assert roles.CHANNELS is vocabulary.CHANNELS and roles.REQUEST_KINDS is vocabulary.REQUEST_KINDS
    codes = {*casting.REASON_CODES.values(), casting.IMPLAUSIBLE_YEAR, numbers.AMBIGUOUS_NUMBER, numbers.PRECISION_LOSS,
             xlsx.CELL_ERROR, xlsx.FORMULA_WITHOUT_VALUE}
    assert all(isinstance(code, vocabulary.QuarantineReason) for code in codes)


def test_exit_codes_are_one_enum():
    from audit_lib import exit_codes, lint

    assert vocabulary.ExitCode is exit_codes.ExitCode
    assert (lint.EXIT_CLEAN, lint.EXIT_FINDINGS, lint.EXIT_INVALID) == (ExitCode.OK, ExitCode.FINDINGS,
                                                                        ExitCode.INVALID_DECLARATION)
    assert exit_codes.audit_exit_code(True, ["high"], "none") is ExitCode.OK
    assert exit_codes.audit_exit_code(True, ["high"], "high") is ExitCode.FINDINGS
    assert exit_codes.audit_exit_code(True, ["medium"], "high") is ExitCode.OK
    assert exit_codes.audit_exit_code(False, [], "low") is ExitCode.INCOMPLETE
