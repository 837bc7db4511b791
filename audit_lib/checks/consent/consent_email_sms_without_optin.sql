/*---
id: consent_email_sms_without_optin
title:
  en: E-mail or SMS marketing without prior opt-in consent
  fi: Sähköposti- tai tekstiviestimarkkinointia ilman ennakkosuostumusta
severity: high
legal: ["Laki sähköisen viestinnän palveluista 917/2014 200 § 1 mom.", "GDPR Art. 6(1)(a)", "GDPR Art. 7(1)"]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at]
  consent_timeline: [subject_id, channel, action, at]
message:
  en: "{channel} message {message_id} (campaign {campaign}) was sent to {subject_ref} at {event_at} with no consent recorded before it."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at} ilman sitä ennen kirjattua suostumusta."
remediation:
  en: Send e-mail and SMS marketing only to subjects with a recorded opt-in; keep the consent record with its source and time.
  fi: Lähetä sähköposti- ja tekstiviestimarkkinointia vain henkilöille, joiden suostumus on kirjattu lähteineen ja aikoineen.
evidence: [message_id, channel, campaign]
population: >-
  SELECT count(*) FROM marketing_messages m JOIN decl_marketing_channels c
    ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
---*/
-- Any consent event at or before the send counts as "recorded": a latest event that is a
-- withdrawal is the other check's finding (consent_sent_after_withdrawal), so the two never overlap.
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign
FROM marketing_messages m
JOIN decl_marketing_channels c ON c.channel = m.channel AND c.requires = 'opt_in_consent'
WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
  AND NOT EXISTS (
    SELECT 1 FROM consent_timeline e
    WHERE e.subject_id = m.subject_id AND e.channel = m.channel AND e."at" <= m.sent_at)
ORDER BY m.sent_at, m.message_id
