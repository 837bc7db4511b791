"""The framework mapping derived from the checks' ``legal:`` headers, against the mapping gdpr_fi.yaml once
listed by hand; how a citation is placed under a provision; what the derivation refuses."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import audit_lib.frameworks as frameworks
from audit_lib.checks.registry import catalogue
from audit_lib.frameworks import framework_for, load_framework, provisions_cited, read_framework
from audit_lib.frameworks.citations import CitationError, parse_citation

# Which checks each provision of audit_lib/frameworks/gdpr_fi.yaml listed, copied from the file as it stood
# before the mapping was derived from the checks' headers: an expectation independent of the derivation.
MAPPING_OF_THE_FILE = {
    "gdpr-5-1-a": {"consent_marketing_to_erased_subject", "inventory_declared_category_unused",
        "inventory_health_service_without_art9", "notice_disclosure_contradicted", "notice_lawful_basis_missing",
        "notice_profiling_not_described", "notice_recipient_not_listed", "notice_repealed_act_cited"},
    "gdpr-5-1-b": {"disclosure_undeclared_categories", "disclosure_undeclared_recipient",
        "inventory_category_not_declared_for_subject_type"},
    "gdpr-5-1-c": {"disclosure_undeclared_categories", "inventory_category_not_declared_for_subject_type",
        "inventory_pii_in_free_text", "inventory_subject_outside_master_register", "inventory_undeclared_column",
        "inventory_unmapped_file"},
    "gdpr-5-1-d": {"consent_for_channel_without_contact", "consent_states_disagree_at_snapshot",
        "quality_duplicate_subject", "quality_identifier_shared", "quality_invalid_email", "quality_invalid_phone",
        "quality_invalid_postal_code"},
    "gdpr-5-1-e": {"notice_storage_period_missing", "retention_erased_subject_residue", "retention_period_exceeded"},
    "gdpr-5-1-f-32": {"access_bulk_read", "access_outside_validity", "access_shared_account",
        "access_unauthorised_role", "quality_identifier_shared"},
    "gdpr-5-2": {"access_shared_account", "consent_event_without_evidence",
        "inventory_subject_outside_master_register", "inventory_unmapped_file", "retention_deleted_before_minimum"},
    "gdpr-6-1": {"consent_cookie_without_consent", "consent_email_sms_without_optin",
        "consent_marketing_to_erased_subject", "notice_lawful_basis_missing", "notice_legitimate_interest_missing",
        "notice_publication_ban_obsolete"},
    "gdpr-7-1": {"consent_email_sms_without_optin", "consent_event_without_evidence",
        "consent_for_channel_without_contact", "consent_states_disagree_at_snapshot",
        "consent_systems_disagree_at_send"},
    "gdpr-7-3": {"consent_sent_after_withdrawal", "consent_states_disagree_at_snapshot",
        "consent_systems_disagree_at_send", "notice_consent_withdrawal_missing"},
    "gdpr-9": {"inventory_health_service_without_art9", "notice_art9_condition_missing"},
    "gdpr-12-1": {"inventory_declared_category_unused", "notice_repealed_act_cited"},
    "gdpr-12-3": {"rights_extension_notified_late", "rights_request_late"},
    "gdpr-13-1": {"disclosure_undeclared_recipient", "notice_controller_contact_missing",
        "notice_cookie_purposes_missing", "notice_disclosure_contradicted", "notice_dpo_contact_missing",
        "notice_lawful_basis_missing", "notice_legitimate_interest_missing", "notice_profiling_not_described",
        "notice_recipient_not_listed", "notice_transfers_not_stated"},
    "gdpr-13-2": {"notice_complaint_right_missing", "notice_consent_withdrawal_missing",
        "notice_objection_to_marketing_not_stated", "notice_provision_requirement_missing",
        "notice_rights_incomplete", "notice_storage_period_missing"},
    "gdpr-rec-60": {"notice_profiling_not_described"},
    "gdpr-14": set(),
    "gdpr-15-20": {"notice_rights_incomplete", "rights_extension_notified_late", "rights_request_late"},
    "gdpr-17": {"consent_marketing_to_erased_subject", "retention_deleted_before_minimum",
        "retention_erased_subject_residue"},
    "gdpr-21-2-3": {"consent_marketing_to_banned_subject", "consent_message_without_opt_out",
        "consent_sent_after_withdrawal", "notice_disclosure_contradicted", "notice_objection_to_marketing_not_stated",
        "notice_profiling_not_described"},
    "gdpr-21-4": {"notice_objection_to_marketing_not_stated"},
    "gdpr-25": {"access_unauthorised_role", "inventory_pii_in_free_text", "notice_storage_period_missing",
        "retention_period_exceeded"},
    "gdpr-28": {"disclosure_undeclared_categories", "disclosure_undeclared_recipient",
        "notice_processor_without_contract"},
    "gdpr-30-1": {"disclosure_undeclared_categories", "inventory_category_not_declared_for_subject_type",
        "inventory_declared_category_unused", "inventory_subject_outside_master_register",
        "inventory_undeclared_column", "inventory_unmapped_file", "notice_controller_contact_missing",
        "notice_processor_without_contract", "notice_recipient_not_listed", "notice_transfers_not_stated"},
    "gdpr-33": set(),
    "gdpr-37": {"notice_dpo_contact_missing"},
    "gdpr-44-46": {"disclosure_third_country_without_safeguards", "notice_transfers_not_stated"},
    "tsl-1050-2018": {"notice_publication_ban_obsolete", "notice_repealed_act_cited"},
    "tsl-5": set(),
    "tsl-29": {"inventory_pii_in_free_text"},
    "svpl-200-1": {"consent_email_sms_without_optin", "consent_sent_after_withdrawal",
        "consent_systems_disagree_at_send"},
    "svpl-200-2": {"consent_email_sms_without_optin"},
    "svpl-200-3": {"consent_message_without_opt_out"},
    "svpl-203": {"consent_message_without_opt_out"},
    "svpl-205": {"consent_cookie_without_consent", "notice_cookie_purposes_missing"},
    "kpl-2-10": {"retention_deleted_before_minimum", "retention_erased_subject_residue", "retention_period_exceeded"},
    "vanhentumislaki-4": {"retention_period_exceeded"},
    "ksl-5": set(),
    "reg-1182-71": {"rights_extension_notified_late", "rights_request_late"},
}

# Where the derived mapping differs from the file's, and why. A check is placed under a provision when a
# citation of its header falls within it (the narrowest such provision), so:
ADDED = {  # the header cites the provision; the file had left the check out
    "gdpr-13-1": {
        "disclosure_third_country_without_safeguards": "GDPR Art. 13(1)(f)",
        "notice_art9_condition_missing": "GDPR Art. 13(1)(c)",
        "notice_publication_ban_obsolete": "GDPR Art. 13(1)(c)",
        "notice_repealed_act_cited": "GDPR Art. 13(1)(c)",
    },
    "gdpr-13-2": {"retention_period_exceeded": "GDPR Art. 13(2)(a)"},
    "gdpr-30-1": {
        "disclosure_undeclared_recipient": "GDPR Art. 30(1)(d)",
        "notice_dpo_contact_missing": "GDPR Art. 30(1)(a)",
    },
}
REMOVED = {  # the file listed the check, but its header cites nothing within the provision
    # The request checks test the time limit of Art. 12(3) (gdpr-12-3), which is all they cite; Art. 15-20
    # keeps the check of the notice's statement of those rights.
    "gdpr-15-20": {"rights_request_late", "rights_extension_notified_late"},
}
# Kept equal by the headers: retention_period_exceeded cites the retention bases the framework lists
# (Kirjanpitolaki 2:10 §, Vanhentumislaki 4 §), as its findings do when a rule rests on them; and the
# provision of the Data Protection Act is its 38 § (the repeal of 523/1999), which the checks cite, so that
# the checks citing its 6 § or 8 § are not placed under it.


@pytest.fixture(scope="module")
def framework():
    return load_framework()


def test_the_derived_mapping_is_the_files_with_the_explained_differences(framework):
    derived = {p.id: set(p.checks) for p in framework.provisions}
    assert list(derived) == list(MAPPING_OF_THE_FILE)  # the same provisions, in the same order
    for pid, checks in MAPPING_OF_THE_FILE.items():
        expected = (checks | set(ADDED.get(pid, {}))) - REMOVED.get(pid, set())
        assert derived[pid] == expected, pid


def test_each_added_check_cites_the_provision(framework):
    by_id = {c.id: c for c in catalogue()}
    for pid, added in ADDED.items():
        for check_id, citation in added.items():
            assert citation in by_id[check_id].meta.legal, (pid, check_id)
            assert pid in {p.id for p in framework.provisions_for(check_id)}
    for pid, removed in REMOVED.items():
        provision = next(p for p in framework.provisions if p.id == pid)
        for check_id in removed:
            assert not any(parse_citation(c).within(provision.citation) for c in by_id[check_id].meta.legal
                           if parse_citation(c) is not None), (pid, check_id)


def _check(check_id: str, *legal: str) -> SimpleNamespace:
    """What the derivation reads of a check: its id, its header's legal list and its file."""
    return SimpleNamespace(id=check_id, meta=SimpleNamespace(legal=list(legal)), source=Path(f"{check_id}.sql"))


def _placed(text: str) -> list[str]:
    return [p.id for p in provisions_cited(parse_citation(text), read_framework().provisions)]


def test_a_citation_is_placed_under_the_narrowest_provision_it_lies_within():
    assert _placed("GDPR Art. 17(1)") == ["gdpr-17"]              # not also "Art. 15–20"
    assert _placed("GDPR Art. 15–18") == ["gdpr-15-20"]           # broader than Art. 17(1), 17(3)(b)
    assert _placed("GDPR Art. 30(1)(d)") == ["gdpr-30-1"]
    assert _placed("GDPR Art. 32(4)") == ["gdpr-5-1-f-32"]
    assert _placed("Tietosuojalaki 1050/2018 29 §") == ["tsl-29"]
    assert _placed("Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.") == ["kpl-2-10"]
    assert _placed("Regulation (EEC, Euratom) No 1182/71 Art. 3(4)") == ["reg-1182-71"]
    # Broader than every provision: under those it overlaps.
    assert _placed("GDPR Art. 6(1)") == ["gdpr-6-1"]
    assert _placed("GDPR Art. 21") == ["gdpr-21-2-3", "gdpr-21-4"]
    # Within none, overlapping none.
    assert _placed("GDPR Art. 21(1)") == [] and _placed("Tietosuojalaki 1050/2018 6 §") == []


def test_citations_that_are_no_statute_stay_outside_the_framework(framework):
    assert parse_citation("Tietosuojavaltuutettu 9885/157/19 (10.7.2023)") is None
    assert parse_citation("Seuraamuskollegio, Suomen Asiakastieto (17.2.2023)") is None
    outside = dict.fromkeys(framework.outside)
    assert ("consent_message_without_opt_out", "Tietosuojavaltuutettu 9885/157/19 (10.7.2023)") in outside
    assert ("notice_complaint_right_missing", "GDPR Art. 77") in outside
    derived = framework_for([_check("quality_x", "Tietosuojavaltuutettu 1/2/3", "GDPR Art. 5(1)(d)")])
    assert derived.outside == (("quality_x", "Tietosuojavaltuutettu 1/2/3"),)
    assert [p.id for p in derived.provisions_for("quality_x")] == ["gdpr-5-1-d"]


def test_a_malformed_citation_of_a_framework_instrument_names_the_check():
    with pytest.raises(CitationError, match="cite articles as"):
        parse_citation("GDPR Art 5(1)(d)")
    with pytest.raises(ValueError, match=r"check quality_x \(quality_x.sql\).*cite articles as"):
        framework_for([_check("quality_x", "GDPR 5(1)(d)")])
    with pytest.raises(ValueError, match="cite a Finnish statute as"):
        framework_for([_check("quality_x", "Tietosuojalaki 1050/2018 pykälä 29")])


def test_a_check_citing_a_provision_marked_untestable_is_refused():
    with pytest.raises(ValueError, match="gdpr-33.*not testable from data"):
        framework_for([_check("rights_breach_late", "GDPR Art. 33(1)")])


def test_the_whole_catalogue_must_cite_every_testable_provision():
    subset = [c for c in catalogue() if c.id != "inventory_pii_in_free_text"]  # the one check citing 29 §
    assert not framework_for(subset).provisions[[p.id for p in read_framework().provisions].index("tsl-29")].checks
    with pytest.raises(ValueError, match="no check cites provision 'tsl-29'"):
        framework_for(subset, complete=True)


def test_a_framework_file_that_lists_checks_is_refused(tmp_path, monkeypatch):
    (tmp_path / "listed.yaml").write_text(
        "id: listed\ntitle: {en: L, fi: L}\nprovisions:\n  - id: a\n    ref: GDPR Art. 5(1)(d)\n"
        "    title: {en: A, fi: A}\n    checks: [quality_invalid_email]\n", encoding="utf-8")
    monkeypatch.setattr(frameworks, "FRAMEWORKS_DIR", tmp_path)
    with pytest.raises(ValueError, match="lists checks.*legal: headers"):
        read_framework.__wrapped__("listed")
