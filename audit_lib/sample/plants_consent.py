"""Planted cases of the consent checks added with the full catalogue (opt-out, evidence, contact,
erased subjects, cookies). Loaded by plants._import_family_plants; periods come from ``rules``."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample import rules
from audit_lib.sample.plants import PlantContext, plant


def _t(*parts: int) -> datetime:
    return datetime(*parts)


@plant("consent_message_without_opt_out")
def messages_without_opt_out(ctx: PlantContext) -> None:
    """E-mail and SMS with a valid consent but no opt-out in the message."""
    check = "consent_message_without_opt_out"
    for salt, channel, granted, sent, why in (
        ("optout_email", "email", _t(2025, 2, 3, 18, 0, 0), _t(2026, 6, 3, 9, 30),
         "newsletter sent without an unsubscribe link"),
        ("optout_sms", "sms", _t(2025, 11, 12, 12, 0, 0), _t(2026, 8, 25, 17, 15),
         "SMS offer without a STOP instruction"),
    ):
        s = ctx.adopt(salt, granted)
        ctx.consent(s, channel, "granted", granted, "checkout_checkbox")
        ctx.expect(check, ctx.message(s, channel, sent, opt_out=False), rules.event_periods(sent), why)
    s = ctx.adopt("optout_near_post", _t(2025, 1, 1))
    ctx.near_miss(check, ctx.message(s, "post", _t(2026, 7, 7, 10, 0), opt_out=False),
                  "a printed catalogue: 917/2014 203 § governs electronic messages only")
    s = ctx.adopt("optout_near_with", _t(2025, 1, 1))
    ctx.consent(s, "email", "granted", _t(2025, 3, 3, 10, 0, 0), "newsletter_form")
    ctx.near_miss(check, ctx.message(s, "email", _t(2026, 5, 5, 9, 0)), "an e-mail with its opt-out")


@plant("consent_event_without_evidence")
def consents_without_evidence(ctx: PlantContext) -> None:
    """Grants recorded without a source; judged as of each period's end."""
    check = "consent_event_without_evidence"
    for salt, channel, at, why in (
        ("evidence_email", "email", _t(2026, 5, 6, 14, 20, 0), "e-mail consent imported from a campaign list, no source"),
        ("evidence_sms", "sms", _t(2026, 8, 8, 11, 0, 0), "SMS consent keyed in by hand, no source; Q3 only"),
    ):
        s = ctx.adopt(salt, at)
        ctx.expect(check, ctx.consent(s, channel, "granted", at, ""), rules.before_end_periods(at), why)
    s = ctx.adopt("evidence_near_withdrawal", _t(2025, 6, 1))
    ctx.consent(s, "email", "granted", _t(2025, 6, 2, 12, 0, 0), "checkout_checkbox")
    ctx.near_miss(check, ctx.consent(s, "email", "withdrawn", _t(2026, 6, 20, 12, 0, 0), ""),
                  "a withdrawal without a source: Art. 7(1) asks for proof of consent, not of its withdrawal")
    s = ctx.adopt("evidence_near_paper", _t(2025, 6, 1))
    ctx.near_miss(check, ctx.consent(s, "sms", "granted", _t(2026, 9, 30, 23, 59, 59), "paper_form"),
                  "a grant with its source, recorded in the last second of Q3")


@plant("consent_for_channel_without_contact")
def consents_without_contact(ctx: PlantContext) -> None:
    """E-mail and SMS consents of subjects whose e-mail or phone is missing."""
    check = "consent_for_channel_without_contact"
    at = _t(2026, 4, 20, 16, 45, 0)
    s = ctx.adopt("contact_no_phone", _t(2025, 1, 1))
    ctx.update_subject(s, phone=None)
    ctx.expect(check, ctx.consent(s, "sms", "granted", at, "checkout_checkbox"), rules.before_end_periods(at),
               "SMS consent of a customer who gave no phone number")
    at = _t(2026, 7, 22, 10, 5, 0)
    s = ctx.adopt("contact_no_email", _t(2025, 1, 1))
    ctx.update_subject(s, email=None)
    ctx.expect(check, ctx.consent(s, "email", "granted", at, "account_settings"), rules.before_end_periods(at),
               "e-mail consent of a customer without an e-mail address; Q3 only")
    s = ctx.adopt("contact_near_other_channel", _t(2025, 1, 1))
    ctx.update_subject(s, phone=None)
    ctx.near_miss(check, ctx.consent(s, "email", "granted", _t(2026, 5, 15, 9, 0, 0), "newsletter_form"),
                  "e-mail consent of a customer who has an e-mail address but no phone")


@plant("consent_marketing_to_erased_subject")
def marketing_to_erased(ctx: PlantContext) -> None:
    """Catalogues posted to subjects after their erasure was completed. The message rows are also
    residue of the erased subject (retention_erased_subject_residue), expected as such."""
    check, residue = "consent_marketing_to_erased_subject", "retention_erased_subject_residue"

    def erased(received: datetime, completed: datetime, sent: datetime) -> str:
        s = ctx.fresh_subject_id()
        ctx.request(s, "erasure", received, completed)
        message = ctx.message(s, "post", sent)
        ctx.expect(residue, message, rules.before_end_periods(completed),
                   "a posted catalogue of an erased subject is still in the marketing log")
        return message

    sent = _t(2026, 5, 20, 9, 0)
    ctx.expect(check, erased(_t(2026, 5, 4, 10, 0), _t(2026, 5, 12, 10, 0), sent), rules.event_periods(sent),
               "catalogue posted 8 days after the erasure")
    sent = _t(2026, 8, 18, 9, 0)
    ctx.expect(check, erased(_t(2026, 7, 27, 15, 0), _t(2026, 8, 3, 9, 0), sent), rules.event_periods(sent),
               "catalogue posted two weeks after the erasure")
    ctx.near_miss(check, erased(_t(2026, 7, 1, 13, 0), _t(2026, 7, 14, 12, 0, 0), _t(2026, 7, 14, 11, 59, 59)),
                  "posted 1 s before the erasure was completed")


@plant("consent_cookie_without_consent")
def cookies_without_consent(ctx: PlantContext) -> None:
    """Analytics and marketing cookies used without consent."""
    check = "consent_cookie_without_consent"
    for salt, purpose, at, why in (
        ("cookie_analytics", "analytics", _t(2026, 6, 11, 20, 15), "analytics cookie set before the banner was answered"),
        ("cookie_marketing", "marketing", _t(2026, 9, 2, 21, 40), "ad-targeting cookie after the user rejected it"),
    ):
        s = ctx.adopt(salt, _t(2025, 1, 1))
        ctx.expect(check, ctx.usage(s, at, purpose, False, f"ck-plant-{salt}"), rules.event_periods(at), why)
    s = ctx.adopt("cookie_near_necessary", _t(2025, 1, 1))
    ctx.near_miss(check, ctx.usage(s, _t(2026, 8, 1, 12, 0), "necessary", False, "ck-plant-necessary"),
                  "a strictly necessary cookie needs no consent (205 § 2 mom.)")
