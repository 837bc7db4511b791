/*---
id: consent_sent_after_withdrawal
title:
  en: E-mail or SMS marketing after the consent was withdrawn
  fi: Sähköposti- tai tekstiviestimarkkinointia suostumuksen peruuttamisen jälkeen
severity: critical
legal: ["GDPR Art. 7(3)", "GDPR Art. 21(3)", "Laki sähköisen viestinnän palveluista 917/2014 200 § 1 mom."]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at]
  consent_timeline: [subject_id, channel, action, at]
message:
  en: "{channel} message {message_id} (campaign {campaign}) was sent to {subject_ref} at {event_at}, after the consent was withdrawn at {withdrawn_at}."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at}, vaikka suostumus oli peruttu {withdrawn_at}."
remediation:
  en: Apply withdrawals to every sending list at once, and suppress sends whose recipient's latest consent event is a withdrawal.
  fi: Päivitä peruutukset heti kaikkiin lähetyslistoihin ja estä lähetys, jos vastaanottajan viimeisin suostumustapahtuma on peruutus.
evidence: [message_id, channel, campaign, withdrawn_at]
population: >-
  SELECT count(*) FROM marketing_messages m JOIN decl_marketing_channels c
    ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
---*/
-- The consent state at each instant: a grant and a withdrawal at the same instant count as a
-- withdrawal (the subject's "no" wins). The as-of join finds the state in force at send time.
WITH consent_state AS (
  SELECT subject_id, channel, "at",
         CASE WHEN bool_or(action = 'withdrawn') THEN 'withdrawn' ELSE 'granted' END AS state
  FROM consent_timeline
  GROUP BY subject_id, channel, "at"
), sent AS (
  SELECT m.* FROM marketing_messages m
  JOIN decl_marketing_channels c ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
)
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign, s."at" AS withdrawn_at
FROM sent m
ASOF JOIN consent_state s ON s.subject_id = m.subject_id AND s.channel = m.channel AND m.sent_at >= s."at"
WHERE s.state = 'withdrawn'
ORDER BY m.sent_at, m.message_id
