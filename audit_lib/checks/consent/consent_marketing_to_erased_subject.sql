/*---
id: consent_marketing_to_erased_subject
title:
  en: Marketing sent after the subject's data was erased on request
  fi: Markkinointia henkilölle, jonka tiedot on poistettu tämän pyynnöstä
severity: critical
legal: ["GDPR Art. 17(1)", "GDPR Art. 6(1)", "GDPR Art. 5(1)(a)"]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at]
  requests: [request_id, subject_id, kind, completed_at]
message:
  en: "{channel} message {message_id} (campaign {campaign}) was sent to {subject_ref} at {event_at}, after the subject's erasure (request {request_id}) was completed at {erased_at}."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at}, vaikka hänen tietojensa poisto (pyyntö {request_id}) oli tehty {erased_at}."
remediation:
  en: Erase the subject from every sending list and from the marketing tools' own copies when the erasure is done, and find out where the address came from.
  fi: Poista henkilö kaikilta lähetyslistoilta ja markkinointityökalujen omista kopioista poiston yhteydessä, ja selvitä, mistä osoite tuli.
evidence: [message_id, channel, campaign, request_id, erased_at]
population: >-
  SELECT count(*) FROM marketing_messages WHERE sent_at >= $period_start AND sent_at < $period_end
---*/
-- The first completed erasure of the subject counts: a message at or after that instant went to
-- someone who should no longer be in any list.
WITH erased AS (
  SELECT subject_id, min(completed_at) AS erased_at, arg_min(request_id, completed_at) AS request_id
  FROM requests WHERE kind = 'erasure' AND completed_at IS NOT NULL
  GROUP BY subject_id
)
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign, e.request_id, e.erased_at
FROM marketing_messages m JOIN erased e ON e.subject_id = m.subject_id
WHERE m.sent_at >= e.erased_at AND m.sent_at >= $period_start AND m.sent_at < $period_end
ORDER BY m.sent_at, m.message_id
