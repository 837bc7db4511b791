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


# --- kirjanpitolaki 2:10 §: bookkeeping rules as the law sets them ---------------------------------------
@pytest.mark.parametrize("patch, expected", [
    ({"duration": "P5Y"}, "shorter than the law's minimum"),
    ({"anchor": "end_of_year"}, "not from end_of_year"),
    ({"minimum": False}, "sets a minimum"),
])
def test_bookkeeping_rule_against_the_law_is_refused(patch, expected):
    from audit_lib.declaration.register import RetentionRule

    rule = {"id": "r", "label": {"fi": "t", "en": "t"}, "role": "orders", "start": "ordered_at", "duration": "P6Y",
            "bookkeeping": "vouchers", **patch}
    with pytest.raises(ValueError, match=expected):
        RetentionRule.model_validate(rule)


def test_keep_without_minimum_and_a_bad_financial_period_are_refused():
    from audit_lib.declaration.register import Controller, RetentionRule

    with pytest.raises(ValueError, match="must be a minimum"):
        RetentionRule.model_validate({"id": "r", "label": {"fi": "t", "en": "t"}, "role": "orders",
                                      "start": "ordered_at", "duration": "P6Y", "action": "keep"})
    address = {"street": "s", "postal_code": "00100", "city": "Helsinki"}
    with pytest.raises(ValueError, match="MM-DD"):
        Controller.model_validate({"name": "x", "address": address, "financial_period_ends": "02-30"})
    assert Controller.model_validate({"name": "x", "address": address, "financial_period_ends": "6-30"}) \
        .financial_period_ends == "06-30"


# --- the existing-customer exception (917/2014 200 § 2 mom.) ------------------------------------------
_NOT_CLAIMED = "  existing_customer_exception: false   # separate consent is promised for all e-mail and SMS\n"
_CLAIM = """  existing_customer_exception:
    claimed: true
    opt_out_at_collection: true
    product_groups:
      liikunta: [jooga, pilates, kuntosali]
      hoidot: [hieronta]
    campaigns:
      kesakunto-2026: liikunta
      vappu-2026: hoito
"""


def _claim_problems(tmp_path: Path, claim: str) -> tuple[Path, list]:
    folder = _copy(tmp_path)
    register = folder / "register.yaml"
    _edit(register, _NOT_CLAIMED, claim)
    with pytest.raises(DeclarationError) as exc:
        load_register(register)
    return register, exc.value.problems


def test_exception_campaign_mapped_to_an_undeclared_group(tmp_path):
    register, problems = _claim_problems(tmp_path, _CLAIM)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == "marketing.existing_customer_exception.campaigns.vappu-2026"
    assert problem.line == _line_of(register, "vappu-2026: hoito")
    assert "'vappu-2026' is mapped to product group 'hoito'" in problem.message
    assert "not declared under product_groups" in problem.message
    assert "did you mean 'hoidot'?" in problem.fix


def test_valid_exception_claim_loads_and_false_still_means_not_claimed(tmp_path):
    folder = _copy(tmp_path)
    register_path = folder / "register.yaml"
    register, _ = load_register(register_path)
    assert not register.marketing.existing_customer_exception.claimed
    _edit(register_path, _NOT_CLAIMED, _CLAIM.replace("vappu-2026: hoito", "vappu-2026: hoidot"))
    register, _ = load_register(register_path)
    claim = register.marketing.existing_customer_exception
    assert claim.claimed and claim.opt_out_at_collection
    assert claim.campaigns == {"kesakunto-2026": "liikunta", "vappu-2026": "hoidot"}
    assert claim.product_groups["hoidot"] == ["hieronta"]


def test_exception_claimed_as_bare_true_asks_for_the_mapping(tmp_path):
    _, problems = _claim_problems(tmp_path, "  existing_customer_exception: true\n")
    messages = " ".join(p.message for p in problems)
    assert {p.path for p in problems} == {"marketing.existing_customer_exception"}
    assert "claimed without product groups" in messages and "claimed without campaigns" in messages
    assert all(p.fix and p.line for p in problems)


def test_exception_mapping_without_the_claim_is_reported(tmp_path):
    _, problems = _claim_problems(tmp_path, _CLAIM.replace("claimed: true", "claimed: false")
                                  .replace("vappu-2026: hoito", "vappu-2026: hoidot"))
    assert [p.path for p in problems] == ["marketing.existing_customer_exception.claimed"]
    assert "not claimed" in problems[0].message and "claimed: true" in problems[0].fix


def test_exception_product_group_without_categories(tmp_path):
    register, problems = _claim_problems(tmp_path, _CLAIM.replace("hieronta]", "]")
                                         .replace("vappu-2026: hoito", "vappu-2026: hoidot"))
    assert [p.path for p in problems] == ["marketing.existing_customer_exception.product_groups.hoidot"]
    assert problems[0].line == _line_of(register, "hoidot: []")
    assert "lists no service category" in problems[0].message and "services.category" in problems[0].fix


def test_exception_unknown_key_names_the_allowed_ones(tmp_path):
    _, problems = _claim_problems(tmp_path, _CLAIM.replace("opt_out_at_collection", "opt_out_at_colection"))
    assert [p.path for p in problems] == ["marketing.existing_customer_exception.opt_out_at_colection"]
    assert "did you mean 'opt_out_at_collection'?" in problems[0].fix
