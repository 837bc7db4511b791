/*---
id: consent_systems_disagree_at_send
title:
  en: Marketing sent while another system still held the consent as withdrawn
  fi: Markkinointia lähetettiin, vaikka toisessa järjestelmässä suostumus oli yhä peruttu
severity: high
legal: ["GDPR Art. 7(3)", "GDPR Art. 7(1)", "Laki sähköisen viestinnän palveluista 917/2014 200 § 1 mom."]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at]
  consent_timeline: [subject_id, channel, action, at]
message:
  en: "{channel} message {message_id} (campaign {campaign}) went to {subject_ref} at {event_at} on a grant recorded in {granted_files}, while {withdrawn_files} still recorded the consent as withdrawn."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at} järjestelmän {granted_files} suostumuksen perusteella, vaikka {withdrawn_files} kirjasi suostumuksen yhä perutuksi."
remediation:
  en: Find out which record is true and correct the other system; a withdrawal must reach every sending system before the next send.
  fi: Selvitä, kumpi tieto pitää paikkansa, ja korjaa toinen järjestelmä; peruutuksen on ehdittävä kaikkiin lähettäviin järjestelmiin ennen seuraavaa lähetystä.
evidence: [message_id, channel, campaign, granted_files, withdrawn_files]
population: >-
  SELECT count(*) FROM marketing_messages m JOIN decl_marketing_channels c
    ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
---*/
-- Only sends whose latest record over all systems is a grant: a send after the latest record says
-- withdrawn is consent_sent_after_withdrawal's finding, so the two never report one message twice.
WITH sent AS (
  SELECT m.* FROM marketing_messages m
  JOIN decl_marketing_channels c ON c.channel = m.channel AND c.requires = 'opt_in_consent'
  WHERE m.sent_at >= $period_start AND m.sent_at < $period_end
), per_system AS (
  SELECT m.message_id, t._source_file AS file, t.action, t."at",
         row_number() OVER (PARTITION BY m.message_id, t._source_file
                            ORDER BY t."at" DESC, t.action = 'withdrawn' DESC) AS n
  FROM sent m
  JOIN consent_timeline t ON t.subject_id = m.subject_id AND t.channel = m.channel AND t."at" <= m.sent_at
), judged AS (
  SELECT message_id,
         max_by(action, ("at", action = 'withdrawn')) AS latest,
         string_agg(file, ', ' ORDER BY file) FILTER (WHERE action = 'granted') AS granted_files,
         string_agg(file, ', ' ORDER BY file) FILTER (WHERE action = 'withdrawn') AS withdrawn_files
  FROM per_system WHERE n = 1
  GROUP BY message_id
)
SELECT 'marketing_messages/' || m.message_id AS record_ref, m.subject_id, m.sent_at AS event_at,
       m.message_id, m.channel, m.campaign, j.granted_files, j.withdrawn_files
FROM sent m JOIN judged j ON j.message_id = m.message_id
WHERE j.latest = 'granted' AND j.withdrawn_files IS NOT NULL
ORDER BY m.sent_at, m.message_id
