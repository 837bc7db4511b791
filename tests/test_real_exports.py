"""Exports as real systems write them: identities across systems, several facts per row, constants,
consent states, snapshots, vocabularies, files nobody mapped, checks that cannot match."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit_lib.audit import run_audit
from audit_lib.checks.registry import catalogue
from audit_lib.errors import DeclarationError
from audit_lib.loader.mapping import derived_key
from audit_lib.normalise import email, phone
from checkkit import strong_key

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"
KEY = strong_key("real-exports")
IDENTIFIERS = {"customer_number": {"master": True}, "email": {"normalise": "email"},
               "phone": {"normalise": "phone", "region": "FI"}}


def _write_csv(path: Path, rows: list[dict[str, Any]], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def _register(folder: Path, identifiers: dict | None = IDENTIFIERS) -> None:
    register = yaml.safe_load((SAMPLE / "register.yaml").read_text(encoding="utf-8"))
    if identifiers is not None:
        register["identifiers"] = identifiers
    (folder / "register.yaml").write_text(yaml.safe_dump(register, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")


def _exports(folder: Path, entries: list[dict], **top: Any) -> Path:
    path = folder / "exports.yaml"
    path.write_text(yaml.safe_dump({"schema_version": 1, "register": "register.yaml", "exports_dir": "exports",
                                    "exports": entries, **top}, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    return path


CUSTOMERS = [
    {"Asiakasnumero": "A1", "Sähköposti": " Anna.K@Example.FI ", "Puhelin": "040 123 4567", "Uutiskirje": "Kyllä",
     "Muutettu": "01.06.2026 10:00"},
    {"Asiakasnumero": "A2", "Sähköposti": "ben@example.fi", "Puhelin": "050 765 4321", "Uutiskirje": "Ei",
     "Muutettu": "01.06.2026 10:00"},
    {"Asiakasnumero": "A3", "Sähköposti": "shared@example.fi", "Puhelin": "", "Uutiskirje": "Ei", "Muutettu": ""},
    {"Asiakasnumero": "A4", "Sähköposti": "shared@example.fi", "Puhelin": "", "Uutiskirje": "Ei", "Muutettu": ""},
]
CUSTOMER_ENTRY = {
    "file": "asiakkaat.csv", "role": "subjects", "key": "Asiakasnumero",
    "subject": {"customer_number": "Asiakasnumero", "email": "Sähköposti", "phone": "Puhelin"},
    "set": {"subject_type": "consumer"},
    "states": {"email": {"column": "Uutiskirje", "changed_at": "Muutettu"}},
    "columns": {"Asiakasnumero": {"field": "subject_id", "category": "account_data"},
                "Sähköposti": {"field": "email", "category": "email"},
                "Puhelin": {"field": "phone", "category": "phone"},
                "Uutiskirje": {"category": "marketing_preferences"},
                "Muutettu": {"category": "marketing_preferences"}},
}
AUDIENCE = [
    {"Email Address": "anna.k@example.fi", "OPTIN_TIME": "2026-05-01 09:00:00", "UNSUB_TIME": ""},
    {"Email Address": "BEN@example.fi", "OPTIN_TIME": "2026-05-01 09:00:00", "UNSUB_TIME": "2026-06-01 09:00:00"},
    {"Email Address": "stranger@example.fi", "OPTIN_TIME": "2026-05-01 09:00:00", "UNSUB_TIME": ""},
    {"Email Address": "shared@example.fi", "OPTIN_TIME": "2026-05-01 09:00:00", "UNSUB_TIME": ""},
]
AUDIENCE_ENTRY = {
    "file": "audience_*.csv", "subject": {"email": "Email Address"},
    "snapshot": {"from_file_name": r"_(\d{4}-\d{2}-\d{2})"},
    "facts": [
        {"role": "consent_events", "set": {"channel": "email", "action": "granted"},
         "columns": {"OPTIN_TIME": "at"}, "not_applicable": {"source": "the tool keeps no source"}},
        {"role": "consent_events", "set": {"channel": "email", "action": "withdrawn"}, "when": "UNSUB_TIME",
         "columns": {"UNSUB_TIME": "at"}},
    ],
    "columns": {"Email Address": {"category": "email"}},
}


def _vendor_register(folder: Path, extra: list[dict] | None = None, **top: Any) -> Path:
    _register(folder)
    _write_csv(folder / "exports" / "asiakkaat.csv", CUSTOMERS, delimiter=";")
    _write_csv(folder / "exports" / "audience_2026-09-30.csv", AUDIENCE)
    return _exports(folder, [CUSTOMER_ENTRY, AUDIENCE_ENTRY, *(extra or [])], **top)


def _audit(path: Path, *check_ids: str, period: str = "2026-Q3"):
    checks = tuple(c for c in catalogue() if c.id in check_ids) if check_ids else ()
    return run_audit(None, path, period, pseudonym_key=KEY, checks=checks)


def test_normalisation_merges_notations_but_not_plus_addresses():
    assert email("  Anna.K@Example.FI ") == "anna.k@example.fi"
    assert email("anna+news@example.fi") != email("anna@example.fi")
    assert phone("040 123 4567") == phone("+358 40 1234567") == "+358401234567"
    assert phone("12") == "12"          # an invalid number keeps its digits, matching only itself
    assert phone("   ") is None


def test_identifiers_resolve_one_person_across_systems(tmp_path):
    result = _audit(_vendor_register(tmp_path))
    con = result.con
    events = dict(con.execute("SELECT _source_row, subject_id FROM consent_events WHERE action = 'granted'").fetchall())
    # E-mail case and blanks differ between the shop and the newsletter tool: one person.
    assert events[1] == "A1" and events[2] == "A2"
    # Nobody in the shop has this address: a subject known only to the newsletter export.
    assert events[3] == "email:stranger@example.fi"
    # Two customers share this address: never merged, reported.
    assert events[4] == "email:shared@example.fi"
    assert con.execute("SELECT identifier, value, subjects FROM identity_conflicts").fetchall() == [
        ("email", "shared@example.fi", 2)]
    # One row, two facts: the unsubscribed subscriber has a grant and a withdrawal.
    assert sorted(con.execute("SELECT action FROM consent_events WHERE subject_id = 'A2'").fetchall()) == [
        ("granted",), ("withdrawn",)]
    assert con.execute("SELECT count(*) FROM consent_events").fetchone()[0] == 5
    # The snapshot comes from the file name (start of that day, Helsinki time).
    snapshot = con.execute("SELECT DISTINCT _snapshot_at FROM export_rows_01").fetchone()[0]
    assert snapshot.isoformat().startswith("2026-09-30T00:00:00+03:00") or str(snapshot).startswith("2026-09-29 21:00")
    # Consent as a state, beside the event logs; dated states join the consent timeline.
    states = con.execute("SELECT subject_id, channel, state FROM consent_states ORDER BY subject_id").fetchall()
    assert states[:2] == [("A1", "email", "granted"), ("A2", "email", "withdrawn")]
    assert con.execute("SELECT count(*) FROM consent_timeline WHERE origin = 'state'").fetchone()[0] == 2


def test_one_pseudonym_per_person_across_systems(tmp_path):
    path = _vendor_register(tmp_path)
    result = _audit(path, "inventory_subject_outside_master_register", "quality_identifier_shared")
    refs = sorted(result.findings["record_ref"])
    from audit_lib.findings import pseudonymise_references

    assert refs == sorted([pseudonymise_references("subjects/email:stranger@example.fi#audience_2026-09-30.csv", KEY),
                           pseudonymise_references("subjects/email:shared@example.fi#audience_2026-09-30.csv", KEY),
                           pseudonymise_references("identities/email#subjects/A3", KEY)])
    assert not any("@" in ref for ref in refs)
    assert result.findings["fingerprint"].is_unique


def test_a_file_nobody_mapped_is_listed_and_a_finding_unless_ignored(tmp_path):
    path = _vendor_register(tmp_path)
    (tmp_path / "exports" / "old_register_2019.csv").write_text("name,email\nX,x@example.fi\n", encoding="utf-8")
    (tmp_path / "exports" / "README.txt").write_text("exported by the shop\n", encoding="utf-8")
    result = _audit(path, "inventory_unmapped_file")
    inputs = result.inputs.set_index("file")
    assert inputs.loc["old_register_2019.csv", "status"] == "not_mapped"
    assert len(inputs.loc["old_register_2019.csv", "sha256"]) == 64
    assert list(result.findings["record_ref"]) == ["files/README.txt", "files/old_register_2019.csv"]
    # A file nobody reads is a finding, not an input that failed: it does not make the audit incomplete.
    assert not [r for r in result.incomplete_reasons if r.startswith("input ")], result.incomplete_reasons
    # A file that feeds facts only is listed under the roles it feeds.
    assert inputs.loc["audience_2026-09-30.csv", "role"] == "consent_events"
    ignored = _vendor_register(tmp_path, ignore=[{"file": "*.txt", "reason": "a note of the shop, no register data"}])
    result = _audit(ignored, "inventory_unmapped_file")
    assert result.inputs.set_index("file").loc["README.txt", "status"] == "ignored"
    assert list(result.findings["record_ref"]) == ["files/old_register_2019.csv"]


def test_untranslated_vocabulary_value_is_quarantined_not_loaded(tmp_path):
    _write_csv(tmp_path / "exports" / "pyynnot.csv", [
        {"id": "R1", "asiakas": "A1", "tyyppi": "poisto", "saapui": "2026-07-01 10:00"},
        {"id": "R2", "asiakas": "A2", "tyyppi": "Erasure", "saapui": "2026-07-01 10:00"},
    ])
    entry = {"file": "pyynnot.csv", "role": "requests", "key": "id", "subject": {"customer_number": "asiakas"},
             "columns": {"id": {"field": "request_id"}, "tyyppi": {"field": "kind"}, "saapui": {"field": "received_at"},
                         "asiakas": {"category": "account_data"}}}
    result = _audit(_vendor_register(tmp_path, [entry]))
    quarantined = result.quarantine
    row = quarantined[quarantined["file"] == "pyynnot.csv"].iloc[0]
    assert (row["row"], row["reason_code"]) == (1, "bad_value")
    assert "canonical values of kind" in row["reason"] and "poisto" not in row["reason"]
    assert result.con.execute("SELECT value FROM quarantine WHERE file = 'pyynnot.csv'").fetchall() == [("tyyppi: poisto",)]
    assert result.con.execute("SELECT kind FROM requests").fetchall() == [("erasure",)]
    entry["columns"]["tyyppi"]["values"] = {"poisto": "erasure"}
    result = _audit(_vendor_register(tmp_path, [entry]))
    assert sorted(result.con.execute("SELECT kind FROM requests").fetchall()) == [("erasure",), ("erasure",)]


def test_sends_keyed_by_email_meet_erasures_keyed_by_customer_number(tmp_path):
    _write_csv(tmp_path / "exports" / "pyynnot.csv", [
        {"id": "R1", "asiakas": "A1", "tyyppi": "erasure", "saapui": "2026-07-01 10:00", "valmis": "2026-07-02 10:00"}])
    _write_csv(tmp_path / "exports" / "campaign_activity.csv", [
        {"Campaign": "Syysale", "Email": "ANNA.K@example.fi", "Sent at": "2026-08-01 12:00:00"},
        {"Campaign": "Syysale", "Email": "ben@example.fi", "Sent at": "2026-08-01 12:00:00"}])
    requests = {"file": "pyynnot.csv", "role": "requests", "key": "id", "subject": {"customer_number": "asiakas"},
                "columns": {"id": {"field": "request_id"}, "tyyppi": {"field": "kind"},
                            "saapui": {"field": "received_at"}, "valmis": {"field": "completed_at"},
                            "asiakas": {"category": "account_data"}}}
    sends = {"file": "campaign_activity.csv", "role": "marketing_messages", "subject": {"email": "Email"},
             "set": {"channel": "email", "has_opt_out": True},
             "derive": {"message_id": ["Campaign", "Email", "Sent at"]},
             "columns": {"Campaign": {"field": "campaign"}, "Sent at": {"field": "sent_at"},
                         "Email": {"category": "email"}}}
    result = _audit(_vendor_register(tmp_path, [requests, sends]), "consent_marketing_to_erased_subject")
    message_id = derived_key(["Syysale", "ANNA.K@example.fi", "2026-08-01 12:00:00"])
    assert list(result.findings["record_ref"]) == [f"marketing_messages/{message_id}"]
    assert result.check_results.set_index("check_id").loc["consent_marketing_to_erased_subject", "status"] == "fail"
    # A quarter with no send: the inputs hold rows, the population is empty, and the result says so.
    earlier = _audit(tmp_path / "exports.yaml", "consent_marketing_to_erased_subject", period="2025-Q1")
    row = earlier.check_results.iloc[0]
    assert (row["status"], row["population"], bool(row["tested_nothing"])) == ("not_tested", 0, True)
    assert not result.check_results.iloc[0]["tested_nothing"]


def test_a_join_that_cannot_match_is_an_error_not_a_pass(tmp_path):
    # The sends name people by a newsletter id that register.yaml does not resolve: they share no
    # subject with the requests, so the erasure check could only pass having tested nothing.
    _register(tmp_path, identifiers=None)
    _write_csv(tmp_path / "exports" / "requests.csv", [
        {"id": "R1", "customer": "C1", "kind": "erasure", "received": "2026-07-01 10:00", "done": "2026-07-02 10:00"}])
    _write_csv(tmp_path / "exports" / "sends.csv", [
        {"id": "M1", "recipient": "n-991", "channel": "email", "sent": "2026-08-01 12:00"}])
    path = _exports(tmp_path, [
        {"file": "requests.csv", "role": "requests", "key": "id",
         "columns": {"id": {"field": "request_id"}, "customer": {"field": "subject_id"}, "kind": {"field": "kind"},
                     "received": {"field": "received_at"}, "done": {"field": "completed_at"}}},
        {"file": "sends.csv", "role": "marketing_messages", "key": "id",
         "columns": {"id": {"field": "message_id"}, "recipient": {"field": "subject_id"},
                     "channel": {"field": "channel"}, "sent": {"field": "sent_at"}}}])
    result = _audit(path, "consent_marketing_to_erased_subject")
    row = result.check_results.iloc[0]
    assert row["status"] == "error" and "share none" in row["reason"]
    assert not result.complete and result.exit_code() == 2


def test_a_role_that_barely_resolves_to_the_master_register_is_an_error(tmp_path):
    _write_csv(tmp_path / "exports" / "sms.csv", [
        {"Phone": f"+35840{n:07d}", "Sent": "2026-08-01 12:00", "Campaign": "K"} for n in range(5)])
    sends = {"file": "sms.csv", "role": "marketing_messages", "subject": {"phone": "Phone"},
             "set": {"channel": "sms"}, "derive": {"message_id": ["Campaign", "Phone", "Sent"]},
             "columns": {"Sent": {"field": "sent_at"}, "Campaign": {"field": "campaign"}, "Phone": {"category": "phone"}}}
    result = _audit(_vendor_register(tmp_path, [sends]), "consent_email_sms_without_optin")
    row = result.check_results.iloc[0]
    assert row["status"] == "error" and "resolve to the master register" in row["reason"]


def test_states_that_disagree_between_systems(tmp_path):
    # The shop says A1 opted in; the newsletter tool's unsubscribe of A1 came later.
    audience = [dict(AUDIENCE[0], UNSUB_TIME="2026-07-01 09:00:00")]
    path = _vendor_register(tmp_path)
    _write_csv(tmp_path / "exports" / "audience_2026-09-30.csv", audience)
    result = _audit(path, "consent_states_disagree_at_snapshot")
    assert list(result.findings["record_ref"]) == ["consent_states/asiakkaat.csv#1/email"]


def test_mapping_errors_name_the_ways_to_supply_a_field(tmp_path):
    entry = {"file": "campaign_activity.csv", "role": "marketing_messages", "subject": {"email": "Email"},
             "columns": {"Sent at": {"field": "sent_at"}}}
    with pytest.raises(DeclarationError) as raised:
        _audit(_vendor_register(tmp_path, [entry]))
    text = str(raised.value)
    assert "need field 'message_id'" in text and "derive" in text and "not_applicable" in text
    assert "need field 'channel'" in text and "set: {channel" in text
    bad = {"file": "campaign_activity.csv", "role": "marketing_messages", "subject": {"newsletter_id": "Email"},
           "set": {"channel": "telegram"}, "derive": {"message_id": ["Email"]}, "columns": {"Sent at": {"field": "sent_at"}}}
    with pytest.raises(DeclarationError) as raised:
        _audit(_vendor_register(tmp_path, [bad]))
    text = str(raised.value)
    assert "identifier 'newsletter_id' is not declared" in text
    assert "'telegram' is not a canonical value of marketing_messages.channel" in text


def test_checks_read_only_the_loader_contract():
    """Checks use the role views, decl_* tables and the documented relations, never loader internals
    (that no module of audit_lib/checks imports the loader is tests/test_boundaries.py's)."""
    for check in catalogue():
        text = check.source.read_text(encoding="utf-8")
        assert not re.search(r"\bstg_\d|stage_fields|regaudit:", text), check.id


def test_any_column_marked_free_text_is_scanned_in_the_period_it_was_written(tmp_path):
    _register(tmp_path)
    _write_csv(tmp_path / "exports" / "asiakkaat.csv", [
        {"Asiakasnumero": "A1", "Muistiinpanot": "Soita 040 765 4321", "Kirjattu": "15.08.2026 10:00"},
        {"Asiakasnumero": "A2", "Muistiinpanot": "Soita 040 765 4322", "Kirjattu": "15.05.2026 10:00"},
        {"Asiakasnumero": "A3", "Muistiinpanot": "Ei puhelinta", "Kirjattu": "15.08.2026 10:00"},
        {"Asiakasnumero": "A4", "Muistiinpanot": "Soita 040 765 4323", "Kirjattu": "viime viikolla"},
    ], delimiter=";")
    path = _exports(tmp_path, [{
        "file": "asiakkaat.csv", "role": "subjects", "key": "Asiakasnumero",
        "subject": {"customer_number": "Asiakasnumero"}, "set": {"subject_type": "consumer"},
        "columns": {"Asiakasnumero": {"field": "subject_id", "category": "account_data"},
                    "Muistiinpanot": {"category": "feedback_contacts", "free_text": True, "text_at": "Kirjattu"},
                    "Kirjattu": {"category": "feedback_contacts"}}}])
    result = _audit(path, "inventory_pii_in_free_text")
    from audit_lib.findings import pseudonymise_references

    # A2's note was written in Q2, A3's holds no identifier; A4's time cannot be read, so the row is
    # quarantined, not scanned as if it had no time.
    assert list(result.findings["record_ref"]) == [pseudonymise_references("subjects/A1#Muistiinpanot", KEY)]
    quarantined = result.quarantine
    assert list(quarantined["row"]) == [4] and "Kirjattu" in quarantined["reason"].iloc[0]
    assert result.check_results.iloc[0]["population"] == 2


def test_a_role_declared_not_exported_leaves_the_audit_complete(tmp_path):
    path = _vendor_register(tmp_path, not_exported={"access_log": "the platform keeps its admin log itself"})
    result = _audit(path, "access_bulk_read", "consent_cookie_without_consent")
    rows = result.check_results.set_index("check_id")
    assert rows.loc["access_bulk_read", "status"] == "not_run" and rows.loc["access_bulk_read", "out_of_scope"]
    assert "access_log is not exported: the platform keeps its admin log itself" in rows.loc["access_bulk_read", "reason"]
    # usage_events is missing without a declaration: that check still makes the audit incomplete.
    assert not rows.loc["consent_cookie_without_consent", "out_of_scope"]
    assert [r.split(":")[0] for r in result.incomplete_reasons if r.startswith("check ")] == [
        "check consent_cookie_without_consent"]
    # A check out of scope by declaration is no reason for exit code 2 ("checks that could not run");
    # what still makes this audit incomplete are the retention rules of roles the vendors do not export.
    alone = _audit(path, "access_bulk_read")
    assert [r for r in alone.incomplete_reasons if not r.startswith("retention rule ")] == []
    assert result.exit_code(None) == 2
    with pytest.raises(DeclarationError) as raised:
        _vendor_register(tmp_path, not_exported={"consent_events": "none", "acces_log": "typo"})
        _audit(tmp_path / "exports.yaml")
    text = str(raised.value)
    assert "'consent_events' is declared not exported, but an export feeds it" in text
    assert "unknown role 'acces_log'" in text and "did you mean 'access_log'" in text
