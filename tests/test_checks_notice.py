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
    # One row per repealed act (where first cited), and one for claiming GDPR compliance on it.
    "notice_repealed_act_cited": ["register.notice.legal_framework_cited[0]", "register.notice.claims_gdpr_compliance"],
    # E-mail and SMS marketing rest on the consent the notice asks separately (lawful_basis_derived_from).
    "notice_lawful_basis_missing": [f"purposes[{i}].lawful_basis" for i in range(5)],
    "notice_legitimate_interest_missing": [f"purposes[{i}].legitimate_interest" for i in range(1, 5)],
    "notice_storage_period_missing": ["retention.notice_statement"],
    "notice_rights_incomplete": [f"rights.stated/{right}"
                                 for right in ("objection", "portability", "rectification", "restriction")],
    "notice_consent_withdrawal_missing": ["rights.withdrawal_of_consent_stated"],
    "notice_complaint_right_missing": ["rights.complaint_to_authority_stated"],
    "notice_profiling_not_described": ["profiling.statement"],  # nothing indicates Art. 22 decisions
    "notice_transfers_not_stated": ["disclosures.transfers_outside_eea"],
    "notice_dpo_contact_missing": ["dpo"],
    "notice_art9_condition_missing": ["special_categories.art9_condition"],
    "notice_processor_without_contract": ["recipients[0].art28_contract"],
    # The notice names the partner ("yhteistyökumppanin (verkkokaupan ylläpitäjä)"): a category of
    # recipient is enough for Art. 13(1)(e).
    "notice_recipient_not_listed": [],
    "notice_publication_ban_obsolete": ["marketing.bans.publication_ban"],
    "notice_provision_requirement_missing": ["register.provision_requirement"],
    "notice_controller_contact_missing": [],
    "notice_objection_to_marketing_not_stated": ["rights.objection_presented_separately"],
    "notice_disclosure_contradicted": ["disclosures.reserved[0]"],
    "notice_cookie_purposes_missing": ["cookies.purposes_stated"],
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
     "notice_legitimate_interest_missing", [f"purposes[{i}].legitimate_interest" for i in (1, 3, 4)]),
    ("marketing without the consent the notice asks", SAMPLE,
     lambda d: [d["purposes"][i].update(lawful_basis=None, lawful_basis_derived_from=None) for i in (5, 6)],
     "notice_legitimate_interest_missing", [f"purposes[{i}].legitimate_interest" for i in range(1, 7)]),
    ("a basis derived from the notice's words is stated", SAMPLE,
     _set("purposes.5.lawful_basis", None), "notice_lawful_basis_missing",
     [f"purposes[{i}].lawful_basis" for i in range(6)]),
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
     lambda d: d["marketing"].update(channels=[{"channel": "post", "requires": "no_marketing_ban"}])
     or [d["purposes"][i].update(lawful_basis=None) for i in (5, 6)],
     "notice_consent_withdrawal_missing", []),
    ("withdrawal stated in full on every consent channel", SAMPLE,
     lambda d: [c.update(withdrawal={"at_any_time": True, "without_affecting_prior_processing": True})
                for c in d["marketing"]["channels"] if c["requires"] == "opt_in_consent"],
     "notice_consent_withdrawal_missing", []),
    ("withdrawal stated for e-mail only", SAMPLE,
     lambda d: d["marketing"]["channels"][0]["withdrawal"].update(without_affecting_prior_processing=True),
     "notice_consent_withdrawal_missing", ["rights.withdrawal_of_consent_stated"]),
    ("Art. 22 decisions declared but not described", COMPLIANT,
     lambda d: d["profiling"].update(automated_decisions=None, automated_decisions_made=True),
     "notice_profiling_not_described", ["profiling.automated_decisions"]),
    ("nothing indicates Art. 22 decisions", COMPLIANT, _set("profiling.automated_decisions", None),
     "notice_profiling_not_described", []),
    ("objection presented separately", SAMPLE, _set("rights.objection_presented_separately", True),
     "notice_objection_to_marketing_not_stated", []),
    ("objection only within other text", COMPLIANT, _set("rights.objection_presented_separately", False),
     "notice_objection_to_marketing_not_stated", ["rights.objection_presented_separately"]),
    ("reserved disclosure the notice admits", SAMPLE, _set("disclosures.to_third_parties", True),
     "notice_disclosure_contradicted", []),
    ("reserved disclosure the notice denies", COMPLIANT,
     _set("disclosures.reserved", [{"statement": {"fi": "Tietoja voidaan luovuttaa.", "en": "Data may be disclosed."}}]),
     "notice_disclosure_contradicted", ["disclosures.reserved[0]"]),
    ("cookie purposes and consent stated", SAMPLE,
     _set("cookies", {"purposes_stated": True, "consent_stated": True}), "notice_cookie_purposes_missing", []),
    ("cookie purposes stated, consent not", SAMPLE, _set("cookies", {"purposes_stated": True}),
     "notice_cookie_purposes_missing", ["cookies.consent_stated"]),
    ("only strictly necessary cookies need no consent", SAMPLE,
     lambda d: d.update(cookies={"purposes_stated": True})
     or [p.update(categories=[c for c in p["categories"] if c != "cookies_usage"]) for p in d["purposes"]
         if not p["fides_use"].startswith("essential")],
     "notice_cookie_purposes_missing", []),
    ("no cookie data", COMPLIANT,
     lambda d: d.update(cookies={}, data_categories=[c for c in d["data_categories"] if c["id"] != "cookies_usage"]),
     "notice_cookie_purposes_missing", []),
    ("cookie data, notice silent", COMPLIANT, _set("cookies", {}), "notice_cookie_purposes_missing",
     ["cookies.purposes_stated"]),
    ("GDPR claimed on the repealed act", COMPLIANT,
     _set("register.notice.legal_framework_cited", ["henkilötietolaki 523/1999"]), "notice_repealed_act_cited",
     ["register.notice.claims_gdpr_compliance", "register.notice.legal_framework_cited[0]"]),
    ("repealed act cited, no GDPR claim", SAMPLE, _set("register.notice.claims_gdpr_compliance", False),
     "notice_repealed_act_cited", ["register.notice.legal_framework_cited[0]"]),
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
    ("recipient not listed", SAMPLE, _set("recipients.0.listed_in_notice_as_recipient", False),
     "notice_recipient_not_listed", ["recipients[0].listed_in_notice_as_recipient"]),
]


@pytest.mark.parametrize("name, path, patch, check_id, expected", CASES, ids=[c[0] for c in CASES])
def test_notice_case(name, path, patch, check_id, expected):
    assert _refs(_patched(path, patch), check_id) == sorted(expected)


# What each finding asks of the lead: a breach the declaration shows, or an item to verify.
def _kinds(register: Register, check_id: str) -> dict[str, str]:
    from audit_lib.findings import finding_kind

    [result] = run_notice_checks(register, checks=tuple(c for c in notice_checks() if c.id == check_id))
    assert result.status.value in ("pass", "fail"), result.reason
    return {row["record_ref"].split("#", 1)[1]: finding_kind(result.check.meta, row) for row in result.rows}


def _no_art37_indicator(data):
    # No health services, no profiling: nothing suggests Art. 37(1) requires a DPO.
    data.update(dpo_appointed=None)
    data["profiling"]["collected"] = False
    for purpose in data["purposes"]:
        purpose["categories"] = [c for c in purpose["categories"] if c != "interests_profiling"]
        purpose["fides_use"] = purpose["fides_use"].replace(".targeted", ".contextual")


KIND_CASES = [
    ("interest missing, basis stated", COMPLIANT, _set("purposes.1.legitimate_interest", None),
     "notice_legitimate_interest_missing", {"purposes[1].legitimate_interest": "breach"}),
    ("interest missing, no basis stated", SAMPLE, lambda d: None, "notice_legitimate_interest_missing",
     {f"purposes[{i}].legitimate_interest": "verify" for i in range(1, 5)}),
    ("DPO silent, health services and profiling", SAMPLE, lambda d: None, "notice_dpo_contact_missing",
     {"dpo": "breach"}),
    ("DPO silent, health services only", SAMPLE,
     lambda d: _no_art37_indicator(d) or d["special_categories"].update(health_service_categories=["fysioterapia"]),
     "notice_dpo_contact_missing", {"dpo": "breach"}),
    ("DPO silent, no Art. 37(1) indicator", COMPLIANT, _no_art37_indicator, "notice_dpo_contact_missing",
     {"dpo": "verify"}),
    ("DPO designated without contact", COMPLIANT, lambda d: d.update(dpo={"name": "Someone"}, dpo_appointed=True),
     "notice_dpo_contact_missing", {"dpo": "breach"}),
    ("transfers silent, no recipient outside the EEA", SAMPLE, lambda d: None, "notice_transfers_not_stated",
     {"disclosures.transfers_outside_eea": "verify"}),
    ("transfers silent, processor outside the EEA", SAMPLE, _set("recipients.0.country", "US"),
     "notice_transfers_not_stated",
     {"disclosures.transfers_outside_eea": "breach", "recipients[0].safeguards": "breach"}),
    ("processing agreement not mentioned", SAMPLE, lambda d: None, "notice_processor_without_contract",
     {"recipients[0].art28_contract": "verify"}),
    ("processing agreement declared absent", SAMPLE, _set("recipients.0.art28_contract", False),
     "notice_processor_without_contract", {"recipients[0].art28_contract": "breach"}),
    ("rights due by a declared basis or only possibly", SAMPLE, lambda d: None, "notice_rights_incomplete",
     {"rights.stated/objection": "verify", "rights.stated/portability": "breach",
      "rights.stated/rectification": "breach", "rights.stated/restriction": "breach"}),
    ("objection due by a declared basis", SAMPLE, _set("purposes.4.lawful_basis", "legitimate_interests"),
     "notice_rights_incomplete",
     {"rights.stated/objection": "breach", "rights.stated/portability": "breach",
      "rights.stated/rectification": "breach", "rights.stated/restriction": "breach"}),
]


@pytest.mark.parametrize("name, path, patch, check_id, expected", KIND_CASES, ids=[c[0] for c in KIND_CASES])
def test_notice_finding_kind(name, path, patch, check_id, expected):
    assert _kinds(_patched(path, patch), check_id) == expected


def _messages(register: Register, check_id: str) -> list[str]:
    [result] = run_notice_checks(register, checks=tuple(c for c in notice_checks() if c.id == check_id))
    return [render_message(result.check.meta.message.en, row, "Europe/Helsinki") for row in result.rows]


def test_withdrawal_finding_says_what_is_missing():
    register, _ = load_register(SAMPLE)
    [message] = _messages(register, "notice_consent_withdrawal_missing")
    # The newsletter can be left at any time: what is missing is SMS, and the effect on earlier processing.
    assert "consent to email marketing can be withdrawn at any time, but not" in message
    assert "consent to sms marketing can be withdrawn" in message
    assert "does not affect the lawfulness of processing before the withdrawal" in message
    silent = _patched(SAMPLE, lambda d: d["marketing"]["channels"][0].update(withdrawal=None))
    [message] = _messages(silent, "notice_consent_withdrawal_missing")
    assert "the notice does not say that consent to email marketing can be withdrawn" in message


def test_rows_cite_the_provision_of_their_own_finding():
    from audit_lib.findings import finding_legal

    def legal(register, check_id):
        [result] = run_notice_checks(register, checks=tuple(c for c in notice_checks() if c.id == check_id))
        return {row["record_ref"].split("#", 1)[1]: finding_legal(result.check.meta, row) for row in result.rows}

    register, _ = load_register(SAMPLE)
    assert legal(register, "notice_repealed_act_cited")["register.notice.claims_gdpr_compliance"][:2] == [
        "GDPR Art. 5(1)(a)", "GDPR Art. 12(1)"]
    assert legal(register, "notice_objection_to_marketing_not_stated")[
        "rights.objection_presented_separately"][0] == "GDPR Art. 21(4)"
    assert legal(register, "notice_disclosure_contradicted")["disclosures.reserved[0]"] == [
        "GDPR Art. 13(1)(e)", "GDPR Art. 5(1)(a)", "GDPR Art. 21(2)"]
    assert "GDPR Art. 37(1)(c)" in legal(register, "notice_dpo_contact_missing")["dpo"]
    decisions = _patched(COMPLIANT, lambda d: d["profiling"].update(automated_decisions=None,
                                                                     automated_decisions_made=True))
    assert legal(decisions, "notice_profiling_not_described")["profiling.automated_decisions"] == [
        "GDPR Art. 13(2)(f)", "GDPR Art. 22(1)"]


def test_sample_register_transcribes_the_seed_consent_and_disclosure():
    register, _ = load_register(SAMPLE)
    by_id = {p.id: p for p in register.purposes}
    for purpose in ("email_marketing", "sms_marketing"):
        assert by_id[purpose].lawful_basis == "consent"
        assert "erikseen suostumus" in by_id[purpose].lawful_basis_derived_from.fi
    [reserved] = register.disclosures.reserved
    assert "luovuttaa" in reserved.statement.fi and reserved.for_direct_marketing
    assert register.disclosures.to_third_parties is False
    channels = {c.channel: c for c in register.marketing.channels}
    assert channels["email"].withdrawal.at_any_time and channels["sms"].withdrawal is None
    vendor = load_register(ROOT / "data_samples" / "webshop_vendor" / "register.yaml")[0]
    for field in ("purposes", "disclosures", "marketing", "rights", "profiling", "cookies"):
        assert getattr(vendor, field) == getattr(register, field), field
