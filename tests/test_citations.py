"""Issue 16, item 3: the legal citations of each corrected check, pinned in its header and in the framework
(whose mapping follows from the headers: tests/test_framework_derived.py says where it differs from the
mapping the framework file once listed by hand)."""

from __future__ import annotations

import pytest

from audit_lib.checks.registry import catalogue
from audit_lib.frameworks import load_framework

SVPL = "Laki sähköisen viestinnän palveluista 917/2014"
R1182 = "Regulation (EEC, Euratom) No 1182/71"

# check id -> (its header's legal list, in order; the framework provisions that list it)
EXPECTED = {
    "inventory_undeclared_column": (
        ["GDPR Art. 5(1)(c)", "GDPR Art. 30(1)(c)"],
        {"gdpr-5-1-c", "gdpr-30-1"}),
    "inventory_category_not_declared_for_subject_type": (
        ["GDPR Art. 5(1)(c)", "GDPR Art. 5(1)(b)", "GDPR Art. 30(1)(c)"],
        {"gdpr-5-1-b", "gdpr-5-1-c", "gdpr-30-1"}),
    "inventory_declared_category_unused": (
        ["GDPR Art. 30(1)(c)", "GDPR Art. 5(1)(a)", "GDPR Art. 12(1)"],
        {"gdpr-30-1", "gdpr-5-1-a", "gdpr-12-1"}),
    "consent_message_without_opt_out": (
        [f"{SVPL} 200 § 3 mom.", f"{SVPL} 203 §", "Tietosuojavaltuutettu 9885/157/19 (10.7.2023)", "GDPR Art. 21(2)"],
        {"svpl-200-3", "svpl-203", "gdpr-21-2-3"}),
    "notice_lawful_basis_missing": (
        ["GDPR Art. 13(1)(c)", "GDPR Art. 5(1)(a)", "GDPR Art. 6(1)"],
        {"gdpr-13-1", "gdpr-5-1-a", "gdpr-6-1"}),
    "notice_profiling_not_described": (
        ["GDPR Art. 13(1)(c)", "GDPR recital 60", "GDPR Art. 5(1)(a)", "GDPR Art. 21(2)"],
        {"gdpr-13-1", "gdpr-rec-60", "gdpr-5-1-a", "gdpr-21-2-3"}),
    "consent_marketing_to_erased_subject": (
        ["GDPR Art. 17(1)", "GDPR Art. 6(1)", "GDPR Art. 5(1)(a)"],
        {"gdpr-17", "gdpr-6-1", "gdpr-5-1-a"}),
    "disclosure_undeclared_categories": (
        ["GDPR Art. 30(1)(c)", "GDPR Art. 30(1)(d)", "GDPR Art. 28(3)(a)", "GDPR Art. 5(1)(b)", "GDPR Art. 5(1)(c)"],
        {"gdpr-30-1", "gdpr-28", "gdpr-5-1-b", "gdpr-5-1-c"}),
    # Art. 15-20 no longer: the time limit these test is Art. 12(3), and neither cites Art. 15-20.
    "rights_request_late": (
        ["GDPR Art. 12(3)", f"{R1182} Art. 3(2)(c)", f"{R1182} Art. 3(4)"],
        {"gdpr-12-3", "reg-1182-71"}),
    "rights_extension_notified_late": (
        ["GDPR Art. 12(3)", f"{R1182} Art. 3(2)(c)", f"{R1182} Art. 3(4)"],
        {"gdpr-12-3", "reg-1182-71"}),
    "notice_objection_to_marketing_not_stated": (
        ["GDPR Art. 21(2)", "GDPR Art. 21(4)", "GDPR Art. 13(2)(b)"],
        {"gdpr-21-2-3", "gdpr-21-4", "gdpr-13-2"}),
    # Issue "legal fidelity", items 4 and 5.
    "notice_disclosure_contradicted": (
        ["GDPR Art. 13(1)(e)", "GDPR Art. 5(1)(a)", "GDPR Art. 21(2)"],
        {"gdpr-13-1", "gdpr-5-1-a", "gdpr-21-2-3"}),
    "notice_cookie_purposes_missing": (
        [f"{SVPL} 205 §", "GDPR Art. 13(1)(c)"],
        {"svpl-205", "gdpr-13-1"}),
    # Art. 30(1) and 13(1) too, as the headers cite 30(1)(a) and 13(1)(c).
    "notice_dpo_contact_missing": (
        ["GDPR Art. 13(1)(b)", "GDPR Art. 37(7)", "GDPR Art. 37(1)(b)", "GDPR Art. 37(1)(c)", "GDPR Art. 30(1)(a)"],
        {"gdpr-13-1", "gdpr-37", "gdpr-30-1"}),
    "notice_repealed_act_cited": (
        ["Tietosuojalaki 1050/2018 38 §", "GDPR Art. 12(1)", "GDPR Art. 13(1)(c)", "GDPR Art. 5(1)(a)"],
        {"gdpr-5-1-a", "gdpr-12-1", "gdpr-13-1", "tsl-1050-2018"}),
}

# The citations the issue found wrong: none may come back.
WRONG = {
    "inventory_undeclared_column": ["GDPR Art. 13(1)(c)"],
    "inventory_category_not_declared_for_subject_type": ["GDPR Art. 13(1)(c)"],
    "inventory_declared_category_unused": ["GDPR Art. 13(1)(c)", "GDPR Art. 5(1)(c)"],
    "consent_message_without_opt_out": [f"{SVPL} 202 §"],
    "notice_profiling_not_described": ["GDPR Art. 13(2)(f)", "GDPR Art. 22"],
    "consent_marketing_to_erased_subject": ["GDPR Art. 5(1)(b)", "GDPR Art. 21(3)"],
    "disclosure_undeclared_categories": ["GDPR Art. 13(1)(e)"],
    "rights_request_late": [f"{R1182} Art. 3"],
    "rights_extension_notified_late": [f"{R1182} Art. 3"],
}


@pytest.fixture(scope="module")
def checks():
    return {c.id: c for c in catalogue()}


@pytest.fixture(scope="module")
def framework():
    return load_framework()


@pytest.mark.parametrize("check_id", sorted(EXPECTED))
def test_header_cites_exactly(checks, check_id):
    assert list(checks[check_id].meta.legal) == EXPECTED[check_id][0]


@pytest.mark.parametrize("check_id", sorted(WRONG))
def test_wrong_citations_are_gone(checks, check_id):
    legal = list(checks[check_id].meta.legal)
    for ref in WRONG[check_id]:
        assert ref not in legal, (check_id, ref)


@pytest.mark.parametrize("check_id", sorted(EXPECTED))
def test_framework_maps_check_to_the_provisions_it_cites(framework, check_id):
    assert {p.id for p in framework.provisions_for(check_id)} == EXPECTED[check_id][1]


def test_lawful_basis_check_shows_art_13_1_c_first(checks):
    assert checks["notice_lawful_basis_missing"].meta.legal[0] == "GDPR Art. 13(1)(c)"


def test_opt_out_check_cites_200_3_first_and_never_202(checks):
    legal = list(checks["consent_message_without_opt_out"].meta.legal)
    assert legal[0] == f"{SVPL} 200 § 3 mom."
    assert not any("202 §" in ref for ref in legal)


def test_new_provisions_have_titles_in_both_languages(framework):
    by_id = {p.id: p for p in framework.provisions}
    for pid, ref in [("gdpr-5-1-a", "GDPR Art. 5(1)(a)"), ("gdpr-12-1", "GDPR Art. 12(1)"),
                     ("gdpr-rec-60", "GDPR recital 60"), ("gdpr-21-4", "GDPR Art. 21(4)"),
                     ("reg-1182-71", f"{R1182} Art. 3(2)(c), 3(4)")]:
        assert by_id[pid].ref == ref
        assert by_id[pid].title_en.strip() and by_id[pid].title_fi.strip(), pid


def test_art_21_4_is_tested_by_the_separate_statement_check(framework):
    assert [p.id for p in framework.provisions if "21(4)" in p.ref] == ["gdpr-21-4"]
    assert framework.provisions[[p.id for p in framework.provisions].index("gdpr-21-4")].checks == (
        "notice_objection_to_marketing_not_stated",)


def test_titles_with_commas_are_not_cut_by_yaml(framework):
    # An unquoted flow-mapping value ends at its first comma: "Integrity, confidentiality ..." became "Integrity".
    by_id = {p.id: p for p in framework.provisions}
    assert by_id["gdpr-5-1-f-32"].title_en == "Integrity, confidentiality and security of processing"
    assert by_id["gdpr-15-20"].title_fi == "Tarkastus, oikaisu, poisto, rajoitus, siirto"
    assert by_id["gdpr-5-1-a"].title_en == "Lawfulness, fairness and transparency"
