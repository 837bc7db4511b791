"""consent_email_sms_without_optin: e-mail and SMS marketing with no opt-in recorded before the send
(917/2014 200 § 1 mom.), unless the message meets the existing-customer exception the register claims
(200 § 2 mom.).

Where register.yaml claims the exception (``marketing.existing_customer_exception.claimed``), a
message with no opt-in is held to the exception instead: it is no finding when all of

  (a) the recipient bought from the controller before the message (an order before sent_at);
  (b) the campaign is mapped to a declared product group, and one of those earlier orders is of a
      service whose category is in that group (orders.service_id -> services.category);
  (c) an opt-out was offered when the contact was collected (``opt_out_at_collection``) and in the
      message itself (``has_opt_out``)

hold; otherwise it stays one finding of this check, whose message says which conditions failed and
which cites 200 § 2 mom. as well. The exception is judged here rather than by a check of its own so
that one message gives one finding: a message without opt-in either meets the exception (no finding)
or does not (this finding, saying why). Without the claim the check is the plain opt-in check it was,
and reads no orders or services.
"""

from __future__ import annotations

from typing import Any

from audit_lib.sql import bind

SVPL = "Laki sähköisen viestinnän palveluista 917/2014"
# The provisions a finding cites without the claim (as the check always did), and with it.
OPT_IN_LEGAL = [f"{SVPL} 200 § 1 mom.", "GDPR Art. 6(1)(a)", "GDPR Art. 7(1)"]
EXCEPTION_LEGAL = [f"{SVPL} 200 § 1 mom.", f"{SVPL} 200 § 2 mom.", "GDPR Art. 6(1)(a)", "GDPR Art. 7(1)"]
# The channels the exception covers: the customer's e-mail and text-message addresses.
EXCEPTION_CHANNELS = ("email", "sms")
# What the exception is tested on, beyond what the opt-in check itself needs.
EXCEPTION_NEEDS = {"orders": ["subject_id", "ordered_at", "service_id"], "services": ["service_id", "category"],
                   "marketing_messages": ["campaign", "has_opt_out"]}

CHECK = {
    "id": "consent_email_sms_without_optin",
    "title": {"en": "E-mail or SMS marketing without prior opt-in consent",
              "fi": "Sähköposti- tai tekstiviestimarkkinointia ilman ennakkosuostumusta"},
    "severity": "high",
    "legal": [f"{SVPL} 200 § 1 mom.", f"{SVPL} 200 § 2 mom.", "GDPR Art. 6(1)(a)", "GDPR Art. 7(1)"],
    "needs": {"marketing_messages": ["message_id", "subject_id", "channel", "sent_at"],
              "consent_timeline": ["subject_id", "channel", "action", "at"]},
    "message": {
        "en": "{channel} message {message_id} (campaign {campaign}) was sent to {subject_ref} at {event_at} with no "
              "consent recorded before it{exception_en}.",
        "fi": "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at} "
              "ilman sitä ennen kirjattua suostumusta{exception_fi}.",
    },
    "remediation": {
        "en": "Send e-mail and SMS marketing only to subjects with a recorded opt-in; keep the consent record with its "
              "source and time. Where the existing-customer exception is claimed, send without opt-in only to earlier "
              "customers, for the product group of their purchase, with an opt-out offered at collection and in "
              "every message.",
        "fi": "Lähetä sähköposti- ja tekstiviestimarkkinointia vain henkilöille, joiden suostumus on kirjattu "
              "lähteineen ja aikoineen. Jos vedotaan olemassa olevan asiakkaan poikkeukseen, lähetä ilman "
              "suostumusta vain aiemmille asiakkaille, heidän ostamansa tuoteryhmän tuotteista, ja tarjoa "
              "kieltomahdollisuus yhteystietoja kerättäessä ja jokaisessa viestissä.",
    },
    "evidence": ["message_id", "channel", "campaign"],
    "scope": "period",
    "uses": ["orders", "services"],  # the existing-customer exception, when register.yaml claims it
}

_IN_SCOPE = """
FROM marketing_messages m
JOIN decl_marketing_channels c ON c.channel = m.channel AND c.requires = 'opt_in_consent'
WHERE m.sent_at >= $period_start AND m.sent_at < $period_end"""

# Any consent event at or before the send counts as "recorded": a latest event that is a
# withdrawal is the other check's finding (consent_sent_after_withdrawal), so the two never overlap.
_NO_OPT_IN = """
  AND NOT EXISTS (
    SELECT 1 FROM consent_timeline e
    WHERE e.subject_id = m.subject_id AND e.channel = m.channel AND e."at" <= m.sent_at)"""

_OPT_IN_ONLY = f"""
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign, '' AS exception_en, '' AS exception_fi,
       $opt_in_legal AS legal_refs
{_IN_SCOPE}{_NO_OPT_IN}
ORDER BY m.sent_at, m.message_id"""

# The conditions of 200 § 2 mom. a message can fail, each a CASE of (when, English, Finnish) branches:
# the reasons are worded in both languages from this one list.
_FAILED_CONDITIONS = (
    (("NOT covered", "'the exception covers e-mail and SMS only'",
      "'poikkeus koskee vain sähköpostia ja tekstiviestejä'"),),
    (("covered AND NOT bought_before",
      "'the recipient had not bought from the controller before it (no order before the message)'",
      "'vastaanottaja ei ollut ostanut rekisterinpitäjältä ennen viestiä (ei tilausta ennen viestiä)'"),),
    (("covered AND nullif(trim(campaign), '') IS NULL",
      "'it names no campaign, so no product group (marketing.existing_customer_exception.campaigns)'",
      "'viestillä ei ole kampanjaa eikä siten tuoteryhmää (marketing.existing_customer_exception.campaigns)'"),
     ("covered AND group_id IS NULL",
      "'campaign ' || campaign || ' is not mapped to a product group "
      "(marketing.existing_customer_exception.campaigns)'",
      "'kampanjaa ' || campaign || ' ei ole liitetty tuoteryhmään "
      "(marketing.existing_customer_exception.campaigns)'")),
    (("covered AND bought_before AND group_id IS NOT NULL AND NOT bought_in_group",
      "'none of the recipient''s earlier purchases is in product group ' || group_id",
      "'mikään vastaanottajan aiemmista ostoista ei kuulu tuoteryhmään ' || group_id"),),
    (("covered AND NOT $opt_out_at_collection",
      "'the register does not declare an opt-out offered when the contact was collected "
      "(opt_out_at_collection)'",
      "'rekisterin kuvaus ei ilmoita kieltomahdollisuutta yhteystietoja kerättäessä "
      "(opt_out_at_collection)'"),),
    (("covered AND has_opt_out IS NULL", "'the message''s opt-out is not recorded'",
      "'viestin kieltomahdollisuutta ei ole kirjattu'"),
     ("covered AND NOT has_opt_out", "'the message offered no opt-out'",
      "'viestissä ei ollut kieltomahdollisuutta'")),
)


def _reasons_sql(language: int) -> str:
    """concat_ws of every failed condition's reason; ``language`` 1 English, 2 Finnish."""
    cases = [" ".join(f"WHEN {branch[0]} THEN {branch[language]}" for branch in case) for case in _FAILED_CONDITIONS]
    return "concat_ws('; ',\n      " + ",\n      ".join(f"CASE {case} END" for case in cases) + ")"


# Each condition of 200 § 2 mom. per message without opt-in; a message meeting them all is no finding.
_WITH_EXCEPTION = f"""
WITH unconsented AS (
  SELECT m.message_id, m.subject_id, m.channel, m.sent_at, m.campaign, m.has_opt_out,
         list_contains($exception_channels, m.channel) AS covered
  {_IN_SCOPE}{_NO_OPT_IN}
), judged AS (
  SELECT u.*,
         EXISTS (SELECT 1 FROM orders o WHERE o.subject_id = u.subject_id AND o.ordered_at < u.sent_at)
           AS bought_before,
         EXISTS (SELECT 1 FROM orders o JOIN services s ON s.service_id = o.service_id
                 JOIN decl_product_groups p ON p.service_category = lower(trim(s.category))
                 WHERE o.subject_id = u.subject_id AND o.ordered_at < u.sent_at AND p.group_id = u.group_id)
           AS bought_in_group
  FROM (SELECT x.*, g.group_id FROM unconsented x
        LEFT JOIN decl_campaign_groups g ON g.campaign = trim(x.campaign)) u
), failed AS (
  SELECT j.*,
    {_reasons_sql(1)} AS reasons_en,
    {_reasons_sql(2)} AS reasons_fi
  FROM judged j
)
SELECT 'marketing_messages/' || message_id AS record_ref, subject_id, sent_at AS event_at,
       message_id, channel, campaign,
       ', and it does not meet the existing-customer exception the register claims (917/2014 200 § 2 mom.): '
         || reasons_en AS exception_en,
       ', eikä se täytä rekisterin kuvauksen mukaista olemassa olevan asiakkaan poikkeusta (917/2014 200 § 2 '
         || 'mom.): ' || reasons_fi AS exception_fi,
       $exception_legal AS legal_refs
FROM failed
WHERE reasons_en <> ''
ORDER BY sent_at, message_id"""


def _claim(context):
    declaration = context.declaration
    return declaration.register.marketing.existing_customer_exception if declaration is not None else None


def _missing_for_exception(context) -> list[str]:
    return [f"{role}.{field}" for role, fields in EXCEPTION_NEEDS.items() for field in fields
            if field not in context.available.get(role, set())]


def find(context) -> list[dict[str, Any]]:
    """Messages on opt-in channels in the period with no consent event before them that, where the
    register claims the existing-customer exception, do not meet it either."""
    claim = _claim(context)
    if claim is None or not claim.claimed:
        return _rows(context, _OPT_IN_ONLY, {"opt_in_legal": "; ".join(OPT_IN_LEGAL)})
    missing = _missing_for_exception(context)
    if missing:
        # The claim cannot be judged, and without it every message would be judged unfairly: not run.
        raise ValueError("register.yaml claims the existing-customer exception (917/2014 200 § 2 mom.), which is "
                         "tested on " + ", ".join(missing) + "; map exports to them (or no message can be "
                         "judged against the exception)")
    return _rows(context, _WITH_EXCEPTION, {"exception_legal": "; ".join(EXCEPTION_LEGAL),
                                             "exception_channels": list(EXCEPTION_CHANNELS),
                                             "opt_out_at_collection": bool(claim.opt_out_at_collection)})


def _rows(context, sql: str, extra: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = context.con.execute(sql, bind(sql, {**context.params, **extra}))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def population(context) -> int:
    """E-mail and SMS messages (messages on channels that need an opt-in) sent in the period."""
    sql = f"SELECT count(*) {_IN_SCOPE}"
    return context.con.execute(sql, bind(sql, context.params)).fetchone()[0]
