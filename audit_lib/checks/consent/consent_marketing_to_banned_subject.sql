/*---
id: consent_marketing_to_banned_subject
title:
  en: Marketing to a subject with a direct-marketing ban
  fi: Markkinointia henkilölle, jolla on suoramarkkinointikielto
severity: critical
legal: ["GDPR Art. 21(2)", "GDPR Art. 21(3)"]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at]
  subjects: [subject_id, marketing_ban]
message:
  en: "{channel} message {message_id} (campaign {campaign}) was sent at {event_at} to {subject_ref}, who has a direct-marketing ban (in force since: {ban_since_text})."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin {event_at} henkilölle {subject_ref}, jolla on suoramarkkinointikielto (voimassa alkaen: {ban_since_text})."
remediation:
  en: Exclude subjects with a marketing ban from every channel's send list, post included.
  fi: Poista suoramarkkinointikiellon antaneet kaikkien kanavien lähetyslistoilta, myös postin.
evidence: [message_id, channel, campaign, ban_since]
population: >-
  SELECT count(*) FROM marketing_messages WHERE sent_at >= $period_start AND sent_at < $period_end
---*/
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign, s.marketing_ban_at AS ban_since,
       coalesce(strftime(s.marketing_ban_at, '%Y-%m-%d'), '—') AS ban_since_text
FROM marketing_messages m
JOIN subjects s ON s.subject_id = m.subject_id
WHERE s.marketing_ban
  AND (s.marketing_ban_at IS NULL OR m.sent_at >= s.marketing_ban_at)
  AND m.sent_at >= $period_start AND m.sent_at < $period_end
ORDER BY m.sent_at, m.message_id
