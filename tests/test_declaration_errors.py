"""Declaration errors a person can act on: each names the file, the line, the key path and the fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from audit_lib.declaration import load_declaration, load_register
from audit_lib.errors import DeclarationError

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"


def _copy(tmp_path: Path) -> Path:
    for name in ("register.yaml", "exports.yaml"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` once; return the 1-based line where the edit starts."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")
    return text[:text.index(old)].count("\n") + 1 + old[:len(old) - len(old.lstrip("\n"))].count("\n")


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _problem(exc: pytest.ExceptionInfo[DeclarationError]):
    assert len(exc.value.problems) == 1, exc.value
    return exc.value.problems[0]


# (name, file edited, old text, new text, line needle, key path, words in the message, words in the fix)
CASES = [
    ("unknown fideslang key", "register.yaml", "fides_key: user.contact.email", "fides_key: user.contact.emial",
     "user.contact.emial", "data_categories[1].fides_key", ["unknown fideslang data category", "emial"],
     ["'user.contact.email'"]),
    ("undefined category in a purpose", "register.yaml",
     "categories: [name, phone, marketing_preferences]", "categories: [name, phone, marketing_prefs]",
     "marketing_prefs", "purposes[6].categories[2]", ["'marketing_prefs'", "not declared"],
     ["did you mean 'marketing_preferences'?", "data_categories"]),
    ("mapping column to an unknown category", "exports.yaml",
     "email: {field: email, category: email}", "email: {field: email, category: e_mail}",
     "category: e_mail", "exports[0].columns.email.category", ["'email'", "customers.csv", "'e_mail'"],
     ["did you mean 'email'?", "register.yaml"]),
    ("non-ISO duration", "register.yaml", "duration: P6Y", "duration: 6 years", "duration: 6 years",
     "retention.rules[0].duration", ["'6 years'", "ISO 8601"], ["P6Y", "P1Y6M"]),
    ("retention rule on an unknown table", "register.yaml", "role: orders\n      start: ordered_at",
     "role: order\n      start: ordered_at", "role: order", "retention.rules[0].role",
     ["orders_bookkeeping", "unknown table 'order'"], ["did you mean 'orders'?"]),
    ("retention rule on an unknown column", "register.yaml", "start: last_active_at", "start: last_login_at",
     "start: last_login_at", "retention.rules[1].start", ["inactive_accounts", "no column 'last_login_at'"],
     ["last_active_at"]),
    ("unknown key", "register.yaml", "  withdrawal_of_consent_stated: false",
     "  withdrawl_of_consent_stated: false", "withdrawl_of_consent_stated", "rights.withdrawl_of_consent_stated",
     ["unknown key"], ["did you mean 'withdrawal_of_consent_stated'?"]),
    ("lawful basis not in the list", "register.yaml", "lawful_basis: null          #",
     "lawful_basis: legitimate_interest   #", "legitimate_interest   #", "purposes[0].lawful_basis",
     ["'legitimate_interests'"], ["did you mean 'legitimate_interests'?"]),
    ("unknown role in the mapping", "exports.yaml", "role: orders", "role: order", "role: order",
     "exports[3].role", ["unknown role 'order'", "orders.csv"], ["did you mean 'orders'?"]),
]


@pytest.mark.parametrize("name, file, old, new, needle, key_path, message_words, fix_words", CASES,
                         ids=[c[0] for c in CASES])
def test_error_names_file_line_path_and_fix(tmp_path, name, file, old, new, needle, key_path, message_words,
                                            fix_words):
    folder = _copy(tmp_path)
    target = folder / file
    _edit(target, old, new)
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, folder / "exports.yaml")
    problem = _problem(exc)
    assert Path(problem.file) == target
    assert problem.line == _line_of(target, needle)
    assert problem.path == key_path
    for word in message_words:
        assert word in problem.message, (word, problem.message)
    assert problem.fix, problem
    for word in fix_words:
        assert word in problem.fix, (word, problem.fix)
    text = str(problem)
    assert f"{target}:{problem.line}: {key_path}: " in text and problem.fix in text


def test_every_problem_is_reported_in_one_pass(tmp_path):
    folder = _copy(tmp_path)
    register = folder / "register.yaml"
    _edit(register, "fides_key: user.contact.email", "fides_key: user.contact.emial")
    _edit(register, "categories: [name, phone, marketing_preferences]", "categories: [name, phone, nope]")
    with pytest.raises(DeclarationError) as exc:
        load_register(register)
    assert len(exc.value.problems) == 2
    assert str(exc.value).startswith("2 problems in the declaration:")


def test_missing_file_and_yaml_syntax(tmp_path):
    with pytest.raises(DeclarationError) as exc:
        load_register(tmp_path / "nope.yaml")
    assert "file not found" in str(exc.value)
    broken = tmp_path / "register.yaml"
    broken.write_text("register:\n  name: [unclosed\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_register(broken)
    problem = _problem(exc)
    assert problem.line is not None and "YAML syntax error" in problem.message and problem.fix


def test_missing_key_says_where_to_add_it(tmp_path):
    folder = _copy(tmp_path)
    register = folder / "register.yaml"
    _edit(register, "  name: Liikkuvaa Hyvinvointia Oy\n", "")
    with pytest.raises(DeclarationError) as exc:
        load_register(register)
    problem = _problem(exc)
    assert problem.path == "controller.name" and problem.fix == "add the key 'name' under controller"
    assert problem.line == _line_of(register, "controller:")


def test_new_cross_references_are_checked(tmp_path):
    folder = _copy(tmp_path)
    register = folder / "register.yaml"
    _edit(register, "revealed_by: [purchased_services]", "revealed_by: [purchased_service]")
    with pytest.raises(DeclarationError) as exc:
        load_register(register)
    problem = _problem(exc)
    assert problem.path == "special_categories.revealed_by[0]" and "purchased_services" in problem.fix
