"""Consent checks: a passing and a failing case each, on tiny inline tables."""

from checkkit import audit, refs

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
