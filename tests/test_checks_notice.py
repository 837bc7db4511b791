"""The notice family: every check fails on the sample's gaps and passes on a compliant declaration."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from audit_lib.checks.registry import catalogue
from audit_lib.declaration import load_declaration, load_register
from audit_lib.declaration.register import Register
from audit_lib.findings import render_message
from audit_lib.lint import notice_checks, run_notice_checks

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin" / "register.yaml"
COMPLIANT = ROOT / "tests" / "fixtures" / "compliant_register.yaml"
NOTICE_DIR = ROOT / "audit_lib" / "checks" / "notice"

# What the sample's published notice lacks, check by check (record references into register.yaml).
SAMPLE_EXPECTED = {
    "notice_repealed_act_cited": ["register.notice.legal_framework_cited[0]"],
    "notice_lawful_basis_missing": [f"purposes[{i}].lawful_basis" for i in range(7)],
    "notice_legitimate_interest_missing": [f"purposes[{i}].legitimate_interest" for i in range(1, 7)],
    "notice_storage_period_missing": ["retention.notice_statement"],
    "notice_rights_incomplete": [f"rights.stated/{right}"
                                 for right in ("objection", "portability", "rectification", "restriction")],
    "notice_consent_withdrawal_missing": ["rights.withdrawal_of_consent_stated"],
    "notice_complaint_right_missing": ["rights.complaint_to_authority_stated"],
    "notice_profiling_not_described": ["profiling.automated_decisions", "profiling.statement"],
    "notice_transfers_not_stated": ["disclosures.transfers_outside_eea"],
    "notice_dpo_contact_missing": ["dpo"],
    "notice_art9_condition_missing": ["special_categories.art9_condition"],
    "notice_processor_without_contract": ["recipients[0].art28_contract"],
    "notice_recipient_not_listed": ["recipients[0].listed_in_notice_as_recipient"],
    "notice_publication_ban_obsolete": ["marketing.bans.publication_ban"],
    "notice_provision_requirement_missing": ["register.provision_requirement"],
    "notice_controller_contact_missing": [],
    "notice_objection_to_marketing_not_stated": [],
}


def _data(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _refs(register: Register, check_id: str) -> list[str]:
    [result] = run_notice_checks(register, checks=tuple(c for c in notice_checks() if c.id == check_id))
    assert result.status.value in ("pass", "fail"), result.reason
    return sorted(row["record_ref"].split("#", 1)[1] for row in result.rows)


def _patched(path: Path, patch) -> Register:
    data = copy.deepcopy(_data(path))
    patch(data)
    return Register.model_validate(data)


def test_every_notice_check_follows_the_header_contract():
    checks = notice_checks()
    assert sorted(c.id for c in checks) == sorted(SAMPLE_EXPECTED)
    assert sorted(p.stem for p in NOTICE_DIR.glob("notice_*.py")) == sorted(SAMPLE_EXPECTED)
    for check in checks:
        meta = check.meta
        assert meta.scope == "declaration" and meta.needs == {}, check.id
        assert check.function is not None and check.population_function is not None, check.id
        assert any(ref.startswith(("GDPR", "Tietosuojalaki")) for ref in meta.legal), check.id
        assert meta.title.en and meta.title.fi and meta.remediation.en and meta.remediation.fi


@pytest.mark.parametrize("check_id", sorted(SAMPLE_EXPECTED))
def test_sample_register_gaps(check_id):
    register, _ = load_register(SAMPLE)
    assert _refs(register, check_id) == sorted(SAMPLE_EXPECTED[check_id])


@pytest.mark.parametrize("check_id", sorted(SAMPLE_EXPECTED))
def test_compliant_register_passes(check_id):
    register, _ = load_register(COMPLIANT)
    assert _refs(register, check_id) == []


def test_messages_render_in_both_languages_with_every_placeholder_filled():
    register, source = load_register(SAMPLE)
    for result in run_notice_checks(register, source):
        for row in result.rows:
            assert row["record_ref"].startswith("register.yaml#")
            for lang in ("en", "fi"):
                message = render_message(result.check.meta.message.get(lang), row, "Europe/Helsinki")
                assert not re.search(r"\{\w+\}", message), (result.check.id, lang, message)


def test_notice_checks_always_run_in_a_full_audit_context():
    from audit_lib.checks.runner import CheckContext, run_checks

    declaration = load_declaration(None, SAMPLE.parent / "exports.yaml")
    context = CheckContext(con=None, params={}, available={}, declaration=declaration)  # no data at all
    results = run_checks([c for c in catalogue() if c.family == "notice"], context)
    assert {r.status.value for r in results} == {"pass", "fail"}


# Failing and passing cases beyond the two fixtures: (name, file, patch, check id, expected refs).
def _set(path: str, value):
    def patch(data):
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[int(last) if isinstance(target, list) else last] = value
    return patch


CASES = [
    ("controller without contact", COMPLIANT, _set("controller.email", None), "notice_controller_contact_missing",
     ["controller"]),
    ("no objection to marketing", COMPLIANT, _set("rights.stated", ["access", "rectification", "erasure",
                                                                    "restriction", "objection", "portability"]),
     "notice_objection_to_marketing_not_stated", ["rights.stated"]),
    ("legitimate interests without the interest", COMPLIANT, _set("purposes.1.legitimate_interest", None),
     "notice_legitimate_interest_missing", ["purposes[1].legitimate_interest"]),
    ("contract basis needs no interest", SAMPLE, _set("purposes.2.lawful_basis", "contract"),
     "notice_legitimate_interest_missing", [f"purposes[{i}].legitimate_interest" for i in (1, 3, 4, 5, 6)]),
    ("objection and portability not due", COMPLIANT,
     lambda d: [d["purposes"][i].update(lawful_basis="legal_obligation", legitimate_interest=None) for i in range(7)]
     or d["rights"].update(stated=["access", "rectification", "erasure", "restriction", "objection_to_marketing"]),
     "notice_rights_incomplete", []),
    ("stated rules leave a category uncovered", COMPLIANT, _set("retention.rules.2.categories", []),
     "notice_storage_period_missing", ["data_categories[7]"]),
    ("internal rules only", COMPLIANT,
     lambda d: [rule.update(stated_in_notice=False) for rule in d["retention"]["rules"]],
     "notice_storage_period_missing", ["retention.notice_statement"]),
    ("transfer without safeguards", COMPLIANT, _set("disclosures.transfers_outside_eea", True),
     "notice_transfers_not_stated", ["disclosures.transfer_safeguards"]),
    ("recipient outside the EEA, notice says none", COMPLIANT, _set("recipients.0.country", "US"),
     "notice_transfers_not_stated", ["recipients[0].country"]),
    ("recipient outside the EEA with safeguards", COMPLIANT,
     lambda d: d["recipients"][0].update(country="US", safeguards="EU-US Data Privacy Framework")
     or d["disclosures"].update(transfers_outside_eea=True, transfer_safeguards="adequacy decision"),
     "notice_transfers_not_stated", []),
    ("DPO named without contact", COMPLIANT,
     lambda d: d.update(dpo={"name": "Someone"}, dpo_appointed=True), "notice_dpo_contact_missing", ["dpo"]),
    ("DPO with contact", SAMPLE, _set("dpo", {"name": "Tietosuojavastaava", "email": "dpo@example.fi"}),
     "notice_dpo_contact_missing", []),
    ("health category by fideslang key", COMPLIANT,
     lambda d: d["special_categories"].update(art9_condition=None, revealed_by=[])
     or d["data_categories"][1].update(fides_key="user.health_and_medical"),
     "notice_art9_condition_missing", ["special_categories.art9_condition"]),
    ("no special categories at all", SAMPLE, _set("special_categories.revealed_by", []),
     "notice_art9_condition_missing", []),
    ("processor with a contract, unlisted", SAMPLE, _set("recipients.0.art28_contract", True),
     "notice_processor_without_contract", []),
    ("consent withdrawal not stated", COMPLIANT, _set("rights.withdrawal_of_consent_stated", False),
     "notice_consent_withdrawal_missing", ["rights.withdrawal_of_consent_stated"]),
    ("no consent relied on", SAMPLE,
     lambda d: d["marketing"].update(channels=[{"channel": "post", "requires": "no_marketing_ban"}]),
     "notice_consent_withdrawal_missing", []),
    ("profiling described, decisions not", COMPLIANT, _set("profiling.automated_decisions", None),
     "notice_profiling_not_described", ["profiling.automated_decisions"]),
    ("repealed communications privacy act", COMPLIANT,
     _set("retention.laws_cited", ["sähköisen viestinnän tietosuojalaki 516/2004"]),
     "notice_repealed_act_cited", ["retention.laws_cited[0]"]),
    ("complaint right missing", COMPLIANT, _set("rights.complaint_to_authority_stated", False),
     "notice_complaint_right_missing", ["rights.complaint_to_authority_stated"]),
    ("provision requirement stated", SAMPLE,
     _set("register.provision_requirement", {"fi": "Vapaaehtoista", "en": "Voluntary"}),
     "notice_provision_requirement_missing", []),
    ("publication ban re-added", COMPLIANT,
     _set("marketing.bans", {"publication_ban": {"fi": "Julkaisukielto", "en": "Publication ban"}}),
     "notice_publication_ban_obsolete", ["marketing.bans.publication_ban"]),
    ("all purposes with a basis", SAMPLE,
     lambda d: [p.update(lawful_basis="consent") for p in d["purposes"]], "notice_lawful_basis_missing", []),
    ("recipient listed", SAMPLE, _set("recipients.0.listed_in_notice_as_recipient", True),
     "notice_recipient_not_listed", []),
]


@pytest.mark.parametrize("name, path, patch, check_id, expected", CASES, ids=[c[0] for c in CASES])
def test_notice_case(name, path, patch, check_id, expected):
    assert _refs(_patched(path, patch), check_id) == sorted(expected)
