/*---
id: consent_message_without_opt_out
title:
  en: Electronic marketing message without an opt-out
  fi: Sähköinen markkinointiviesti ilman kieltomahdollisuutta
severity: high
legal: ["Laki sähköisen viestinnän palveluista 917/2014 200 § 3 mom.", "Laki sähköisen viestinnän palveluista 917/2014 203 §", "Tietosuojavaltuutettu 9885/157/19 (10.7.2023)", "GDPR Art. 21(2)"]
needs:
  marketing_messages: [message_id, subject_id, channel, sent_at, has_opt_out]
message:
  en: "{channel} message {message_id} (campaign {campaign}) was sent to {subject_ref} at {event_at} without an opt-out (recorded: {opt_out_text})."
  fi: "{channel}-viesti {message_id} (kampanja {campaign}) lähetettiin henkilölle {subject_ref} {event_at} ilman mahdollisuutta kieltää viestit (kirjattu: {opt_out_text})."
remediation:
  en: Put a free and easy opt-out (one click, no login) in every e-mail and SMS, and record that each message had one; another channel does not replace it (decision 9885/157/19).
  fi: Liitä jokaiseen sähköposti- ja tekstiviestiin maksuton ja helppo kieltomahdollisuus (ilman kirjautumista) ja kirjaa se viestikohtaisesti; muu kanava ei korvaa sitä (ratkaisu 9885/157/19).
evidence: [message_id, channel, campaign, opt_out_text]
population: >-
  SELECT count(*) FROM marketing_messages
  WHERE channel IN ('email', 'sms', 'mms') AND sent_at >= $period_start AND sent_at < $period_end
---*/
-- 917/2014 governs electronic direct marketing (e-mail, SMS/MMS); a printed catalogue is out of its
-- scope. A message whose opt-out is not recorded (NULL) cannot be shown to have had one (Art. 5(2)).
SELECT 'marketing_messages/' || message_id AS record_ref, subject_id, sent_at AS event_at,
       message_id, channel, campaign,
       CASE WHEN has_opt_out IS NULL THEN 'unknown' ELSE 'no' END AS opt_out_text
FROM marketing_messages
WHERE channel IN ('email', 'sms', 'mms')
  AND has_opt_out IS DISTINCT FROM true
  AND sent_at >= $period_start AND sent_at < $period_end
ORDER BY sent_at, message_id
