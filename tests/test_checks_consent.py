"""Consent checks: a passing and a failing case each, on tiny inline tables."""

from checkkit import KEY, audit, refs, write_register

from audit_lib.audit import run_audit
from audit_lib.checks.registry import catalogue

SUBJECTS = [{"subject_id": "C1", "subject_type": "consumer", "marketing_ban": "ei", "marketing_ban_at": ""},
            {"subject_id": "C2", "subject_type": "consumer", "marketing_ban": "kyllä",
             "marketing_ban_at": "2026-07-10 00:00:00"}]


def message(message_id, subject, channel, sent_at):
    return {"message_id": message_id, "subject_id": subject, "channel": channel, "sent_at": sent_at,
            "campaign": "kesä", "has_opt_out": "true"}


def consent(subject, channel, action, at):
    return {"subject_id": subject, "channel": channel, "action": action, "at": at}


def test_message_one_second_after_opt_in_passes(tmp_path):
    result = audit(tmp_path, {"consent_events": [consent("C1", "email", "granted", "2026-07-01 10:00:00")],
                              "marketing_messages": [message("M1", "C1", "email", "2026-07-01 10:00:01")]},
                   "consent_email_sms_without_optin")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 1


def test_sms_without_any_consent_fails_and_post_is_out_of_scope(tmp_path):
    result = audit(tmp_path, {
        "consent_events": [consent("C1", "email", "granted", "2026-07-01 10:00:00")],
        "marketing_messages": [message("M1", "C1", "sms", "2026-07-02 10:00:00"),       # no SMS consent
                               message("M2", "C1", "post", "2026-07-02 10:00:00"),      # post needs none
                               message("M3", "C1", "email", "2026-07-01 09:59:59"),     # one second early
                               message("M4", "C1", "sms", "2026-06-30 10:00:00")]},     # previous quarter
        "consent_email_sms_without_optin")
    assert refs(result) == ["marketing_messages/M1", "marketing_messages/M3"]
    assert result.check_results.loc[0, "population"] == 2


def test_message_after_withdrawal_fails_but_before_it_passes(tmp_path):
    events = [consent("C1", "email", "granted", "2026-07-01 10:00:00"),
              consent("C1", "email", "withdrawn", "2026-08-01 10:00:00")]
    result = audit(tmp_path, {"consent_events": events,
                              "marketing_messages": [message("M1", "C1", "email", "2026-08-01 09:59:59"),
                                                     message("M2", "C1", "email", "2026-08-01 10:00:00")]},
                   "consent_sent_after_withdrawal")
    assert refs(result) == ["marketing_messages/M2"]
    assert "withdrawn at 2026-08-01 10:00" in result.findings.loc[0, "message"]


def test_regranted_consent_after_withdrawal_passes(tmp_path):
    events = [consent("C1", "sms", "granted", "2026-07-01 10:00:00"),
              consent("C1", "sms", "withdrawn", "2026-07-05 10:00:00"),
              consent("C1", "sms", "granted", "2026-07-09 10:00:00")]
    result = audit(tmp_path, {"consent_events": events,
                              "marketing_messages": [message("M1", "C1", "sms", "2026-07-10 10:00:00")]},
                   "consent_sent_after_withdrawal")
    assert result.check_results.loc[0, "status"] == "pass"


def test_grant_and_withdrawal_at_the_same_instant_count_as_withdrawn(tmp_path):
    events = [consent("C1", "sms", "granted", "2026-07-01 10:00:00"),
              consent("C1", "sms", "withdrawn", "2026-07-01 10:00:00")]
    result = audit(tmp_path, {"consent_events": events,
                              "marketing_messages": [message("M1", "C1", "sms", "2026-07-02 10:00:00")]},
                   "consent_sent_after_withdrawal")
    assert refs(result) == ["marketing_messages/M1"]


def test_marketing_to_banned_subject_counts_only_from_the_ban(tmp_path):
    result = audit(tmp_path, {"subjects": SUBJECTS, "marketing_messages": [
        message("M1", "C2", "post", "2026-07-09 23:59:59"),   # the day before the ban
        message("M2", "C2", "post", "2026-07-10 00:00:00"),   # the ban's first instant
        message("M3", "C1", "post", "2026-07-12 00:00:00")]},  # no ban
        "consent_marketing_to_banned_subject")
    assert refs(result) == ["marketing_messages/M2"]
    assert result.findings.loc[0, "subject_ref"].startswith("S-")
    assert "C2" not in result.findings.loc[0, "message"]


def test_marketing_to_subjects_without_ban_passes(tmp_path):
    result = audit(tmp_path, {"subjects": SUBJECTS[:1],
                              "marketing_messages": [message("M1", "C1", "email", "2026-07-12 00:00:00")]},
                   "consent_marketing_to_banned_subject")
    assert result.check_results.loc[0, "status"] == "pass"


def test_check_without_its_input_is_not_run_and_audit_incomplete(tmp_path):
    result = audit(tmp_path, {"marketing_messages": [message("M1", "C1", "sms", "2026-07-02 10:00:00")]},
                   "consent_email_sms_without_optin")
    row = result.check_results.loc[0]
    assert row["status"] == "not_run"
    assert "consent_events" in row["reason"]
    assert not result.complete
    assert result.exit_code() == 2


# --- opt-out, evidence, contact, erased subjects, cookies -------------------------------------------
def test_message_without_opt_out_fails_but_post_and_messages_with_one_pass(tmp_path):
    messages = [message("M1", "C1", "email", "2026-07-02 10:00:00"),
                {**message("M2", "C1", "sms", "2026-07-03 10:00:00"), "has_opt_out": "false"},
                {**message("M3", "C1", "post", "2026-07-03 10:00:00"), "has_opt_out": "false"},  # not electronic
                {**message("M4", "C1", "email", "2026-07-04 10:00:00"), "has_opt_out": ""}]      # unknown
    result = audit(tmp_path, {"marketing_messages": messages}, "consent_message_without_opt_out")
    assert refs(result) == ["marketing_messages/M2", "marketing_messages/M4"]
    assert "recorded: unknown" in result.findings.loc[1, "message"]
    clean = audit(tmp_path / "clean", {"marketing_messages": messages[:1]}, "consent_message_without_opt_out")
    assert clean.check_results.loc[0, "status"] == "pass"


def _event(event_id, subject, channel, action, at, source="checkout_checkbox"):
    return {"event_id": event_id, **consent(subject, channel, action, at), "source": source}


def test_consent_without_source_fails_withdrawal_and_later_grant_do_not(tmp_path):
    events = [_event("K1", "C1", "email", "granted", "2026-05-01 10:00:00", ""),
              _event("K2", "C1", "email", "withdrawn", "2026-06-01 10:00:00", ""),   # no proof needed
              _event("K3", "C1", "sms", "granted", "2026-10-01 00:00:00", ""),       # after Q3 ends
              _event("K4", "C1", "sms", "granted", "2026-09-01 10:00:00", "  ")]     # blank is none
    result = audit(tmp_path, {"consent_events": events}, "consent_event_without_evidence")
    assert refs(result) == ["consent_events/K1", "consent_events/K4"]
    clean = audit(tmp_path / "clean", {"consent_events": [_event("K1", "C1", "email", "granted",
                                                                 "2026-05-01 10:00:00")]},
                  "consent_event_without_evidence")
    assert clean.check_results.loc[0, "status"] == "pass"


def test_consent_for_a_channel_without_the_contact_detail_fails(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "email": "a@example.com", "phone": ""},
                {"subject_id": "C2", "subject_type": "consumer", "email": "", "phone": "+358 40 1234567"}]
    events = [_event("K1", "C1", "email", "granted", "2026-05-01 10:00:00"),   # has e-mail: fine
              _event("K2", "C1", "sms", "granted", "2026-05-01 10:00:00"),     # no phone
              _event("K3", "C2", "sms", "granted", "2026-05-01 10:00:00"),     # has phone: fine
              _event("K4", "C2", "email", "granted", "2026-05-01 10:00:00")]   # no e-mail
    result = audit(tmp_path, {"subjects": subjects, "consent_events": events}, "consent_for_channel_without_contact")
    assert refs(result) == ["consent_events/K2", "consent_events/K4"]
    assert "no phone number" in result.findings.loc[0, "message"]
    clean = audit(tmp_path / "clean", {"subjects": subjects, "consent_events": [events[0], events[2]]},
                  "consent_for_channel_without_contact")
    assert clean.check_results.loc[0, "status"] == "pass"


def _request(request_id, subject, kind, received, completed=""):
    return {"request_id": request_id, "subject_id": subject, "kind": kind, "received_at": received,
            "completed_at": completed}


def test_marketing_after_the_erasure_was_completed_fails_one_second_before_passes(tmp_path):
    requests = [_request("R1", "C1", "erasure", "2026-07-01 10:00:00", "2026-07-10 12:00:00"),
                _request("R2", "C2", "access", "2026-07-01 10:00:00", "2026-07-05 12:00:00")]
    messages = [message("M1", "C1", "post", "2026-07-10 11:59:59"),
                message("M2", "C1", "post", "2026-07-10 12:00:00"),
                message("M3", "C2", "post", "2026-08-10 12:00:00")]   # access request: no erasure
    result = audit(tmp_path, {"requests": requests, "marketing_messages": messages},
                   "consent_marketing_to_erased_subject")
    assert refs(result) == ["marketing_messages/M2"]
    assert "request R1" in result.findings.loc[0, "message"]
    clean = audit(tmp_path / "clean", {"requests": requests, "marketing_messages": messages[:1]},
                  "consent_marketing_to_erased_subject")
    assert clean.check_results.loc[0, "status"] == "pass"


def test_non_necessary_cookie_without_consent_fails(tmp_path):
    def usage(event_id, purpose, consent_given):
        return {"event_id": event_id, "subject_id": "C1", "cookie_id": "ck1", "at": "2026-07-05 12:00:00",
                "cookie_purpose": purpose, "consent_given": consent_given}

    events = [usage("U1", "necessary", "false"), usage("U2", "analytics", "true"),
              usage("U3", "marketing", "false"), usage("U4", "", "")]
    result = audit(tmp_path, {"usage_events": events}, "consent_cookie_without_consent")
    assert refs(result) == ["usage_events/U3", "usage_events/U4"]
    clean = audit(tmp_path / "clean", {"usage_events": events[:2]}, "consent_cookie_without_consent")
    assert clean.check_results.loc[0, "status"] == "pass"


# --- the existing-customer exception (917/2014 200 § 2 mom.), where the register claims it -----------
CLAIM = {"claimed": True, "opt_out_at_collection": True,
         "product_groups": {"liikunta": ["jooga", "Pilates"], "hoidot": ["hieronta"]},
         "campaigns": {"kesä": "liikunta", "hoitoviikko": "hoidot"}}
SERVICES = [{"service_id": "P1", "category": "jooga"}, {"service_id": "P2", "category": "hieronta"},
            {"service_id": "P3", "category": " pilates "}]   # compared trimmed and in lower case
# C1 holds an opt-in for post only (no e-mail or SMS consent), so that the relations share a subject.
POST_CONSENT = [consent("C1", "post", "granted", "2026-01-01 10:00:00")]


def order(order_id, subject, ordered_at, service_id="P1"):
    return {"order_id": order_id, "subject_id": subject, "ordered_at": ordered_at, "service_id": service_id}


def _exception_audit(folder, messages, orders, claim=CLAIM, services=SERVICES):
    return audit(folder, {"consent_events": POST_CONSENT, "marketing_messages": messages, "orders": orders,
                          "services": services}, "consent_email_sms_without_optin",
                 register_patch={"marketing.existing_customer_exception": claim})


def test_message_meeting_the_exception_is_no_opt_in_finding(tmp_path):
    messages = [message("M1", "C1", "email", "2026-07-02 10:00:00"), message("M2", "C1", "sms", "2026-07-03 10:00:00")]
    orders = [order("O1", "C1", "2026-06-01 12:00:00")]
    result = _exception_audit(tmp_path, messages, orders)
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 2
    # The same messages without the claim are opt-in findings, as before.
    plain = audit(tmp_path / "plain", {"consent_events": POST_CONSENT, "marketing_messages": messages,
                                       "orders": orders, "services": SERVICES}, "consent_email_sms_without_optin")
    assert refs(plain) == ["marketing_messages/M1", "marketing_messages/M2"]


def test_without_the_claim_findings_cite_and_read_as_before(tmp_path):
    result = audit(tmp_path, {"consent_events": POST_CONSENT,
                              "marketing_messages": [message("M1", "C1", "sms", "2026-07-02 10:00:00")]},
                   "consent_email_sms_without_optin")   # no orders or services needed
    row = result.findings.loc[0]
    assert row["legal_refs"] == ("Laki sähköisen viestinnän palveluista 917/2014 200 § 1 mom.; GDPR Art. 6(1)(a); "
                                 "GDPR Art. 7(1)")
    assert row["message"].endswith("with no consent recorded before it.")
    assert "exception" not in row["message"]


def test_exception_a_needs_an_order_before_the_message(tmp_path):
    messages = [message("M1", "C1", "email", "2026-07-02 10:00:00"),    # ordered a day before: meets (a)
                message("M2", "C2", "email", "2026-07-02 10:00:00"),    # ordered at the same instant: not before
                message("M3", "C3", "email", "2026-07-02 10:00:00")]    # ordered only afterwards
    orders = [order("O1", "C1", "2026-07-01 10:00:00"), order("O2", "C2", "2026-07-02 10:00:00"),
              order("O3", "C3", "2026-07-05 10:00:00")]
    result = _exception_audit(tmp_path, messages, orders)
    assert refs(result) == ["marketing_messages/M2", "marketing_messages/M3"]
    for text in result.findings["message"]:
        assert "had not bought from the controller before it" in text
        assert "does not meet the existing-customer exception" in text


def test_exception_b_needs_a_mapped_campaign_and_a_purchase_in_its_group(tmp_path):
    messages = [message("M1", "C1", "email", "2026-07-02 10:00:00"),                          # kesä: liikunta, P1 jooga
                {**message("M2", "C1", "email", "2026-07-03 10:00:00"), "campaign": "hoitoviikko"},  # hoidot: no P2
                {**message("M3", "C1", "email", "2026-07-04 10:00:00"), "campaign": "talvi"},        # not mapped
                {**message("M4", "C2", "sms", "2026-07-04 10:00:00"), "campaign": " kesä "},          # P3 " pilates "
                {**message("M5", "C2", "sms", "2026-07-05 10:00:00"), "campaign": ""}]               # no campaign
    orders = [order("O1", "C1", "2026-06-01 10:00:00", "P1"), order("O2", "C2", "2026-06-01 10:00:00", "P3")]
    result = _exception_audit(tmp_path, messages, orders)
    assert refs(result) == ["marketing_messages/M2", "marketing_messages/M3", "marketing_messages/M5"]
    texts = dict(zip(result.findings["record_ref"], result.findings["message"]))
    assert "none of the recipient's earlier purchases is in product group hoidot" in texts["marketing_messages/M2"]
    assert "campaign talvi is not mapped to a product group" in texts["marketing_messages/M3"]
    assert "names no campaign" in texts["marketing_messages/M5"]


def test_exception_c_needs_an_opt_out_at_collection_and_in_the_message(tmp_path):
    messages = [message("M1", "C1", "email", "2026-07-02 10:00:00"),
                {**message("M2", "C1", "email", "2026-07-03 10:00:00"), "has_opt_out": "false"},
                {**message("M3", "C1", "sms", "2026-07-04 10:00:00"), "has_opt_out": ""}]   # not recorded
    orders = [order("O1", "C1", "2026-06-01 10:00:00")]
    result = _exception_audit(tmp_path, messages, orders)
    texts = dict(zip(result.findings["record_ref"], result.findings["message"]))
    assert sorted(texts) == ["marketing_messages/M2", "marketing_messages/M3"]
    assert texts["marketing_messages/M2"].endswith("(917/2014 200 § 2 mom.): the message offered no opt-out.")
    assert "opt-out is not recorded" in texts["marketing_messages/M3"]
    # Without an opt-out declared at collection, no message can rely on the exception.
    no_collection = _exception_audit(tmp_path / "collection", messages[:1], orders,
                                     claim={**CLAIM, "opt_out_at_collection": False})
    assert refs(no_collection) == ["marketing_messages/M1"]
    assert "opt-out offered when the contact was collected" in no_collection.findings.loc[0, "message"]


def test_a_message_failing_several_conditions_is_one_finding_citing_200_2(tmp_path):
    messages = [{**message("M1", "C1", "email", "2026-07-02 10:00:00"), "campaign": "talvi", "has_opt_out": "false"}]
    result = _exception_audit(tmp_path, messages, [order("O1", "C2", "2026-06-01 10:00:00")],
                              claim={**CLAIM, "opt_out_at_collection": False})
    assert len(result.findings) == 1
    row = result.findings.loc[0]
    assert row["check_id"] == "consent_email_sms_without_optin"
    assert "Laki sähköisen viestinnän palveluista 917/2014 200 § 2 mom." in row["legal_refs"].split("; ")
    for reason in ("had not bought", "campaign talvi is not mapped", "when the contact was collected",
                   "offered no opt-out"):
        assert reason in row["message"], reason
    exports = write_register(tmp_path / "fi", {"consent_events": POST_CONSENT, "marketing_messages": messages,
                                               "orders": [order("O1", "C2", "2026-06-01 10:00:00")],
                                               "services": SERVICES},
                             register_patch={"marketing.existing_customer_exception": CLAIM})
    check = tuple(c for c in catalogue() if c.id == "consent_email_sms_without_optin")
    finnish = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=check, lang="fi")
    text = finnish.findings.loc[0, "message"]
    assert "olemassa olevan asiakkaan poikkeusta (917/2014 200 § 2 mom.)" in text
    assert "kampanjaa talvi ei ole liitetty tuoteryhmään" in text and "ei ollut ostanut" in text


def test_a_claim_without_orders_or_services_cannot_be_judged(tmp_path):
    result = audit(tmp_path, {"consent_events": POST_CONSENT,
                              "marketing_messages": [message("M1", "C1", "email", "2026-07-02 10:00:00")]},
                   "consent_email_sms_without_optin", register_patch={"marketing.existing_customer_exception": CLAIM})
    row = result.check_results.loc[0]
    assert row["status"] == "error"
    assert "existing-customer exception" in row["reason"] and "orders.ordered_at" in row["reason"]
    assert not result.complete
