/*---
id: retention_period_exceeded
title:
  en: Record kept past its declared retention period
  fi: Tietoa säilytetään ilmoitetun säilytysajan jälkeen
severity: high
legal: ["GDPR Art. 5(1)(e)", "GDPR Art. 13(2)(a)", "GDPR Art. 25(2)"]
scope: as_of
message:
  en: "{record_ref} (rule {rule_id}) counts from {start_text} and was due for {action} on {due_text}."
  fi: "{record_ref} (sääntö {rule_id}) lasketaan ajankohdasta {start_text}, ja sen {action}-määräaika oli {due_text}."
remediation:
  en: Run the deletion routine for this rule, and schedule it so records are removed when due.
  fi: Aja säännön mukainen poistorutiini ja ajasta se poistamaan tiedot määräajassa.
evidence: [rule_id, start_text, due_text]
fingerprint: [rule_id]
population: SELECT count(*) FROM retention_items WHERE start_at IS NOT NULL
---*/
-- With anchor end_of_year the period runs from 1 January after the start (local time), as
-- kirjanpitolaki 2:10 § counts from the end of the year; the session time zone is the controller's.
WITH due AS (
  SELECT i.rule_id, i.record_ref, i.subject_id, i.start_at, r.action,
         (CASE WHEN r.anchor = 'end_of_year' THEN date_trunc('year', i.start_at) + INTERVAL 1 YEAR
               ELSE i.start_at END) + to_months(r.months) + to_days(r.days) AS due_at
  FROM retention_items i JOIN decl_retention_rules r USING (rule_id)
  WHERE i.start_at IS NOT NULL
)
SELECT record_ref, subject_id, start_at AS event_at, rule_id, action,
       strftime(start_at, '%Y-%m-%d %H:%M') AS start_text, strftime(due_at, '%Y-%m-%d') AS due_text
FROM due
WHERE due_at < $as_of
ORDER BY rule_id, record_ref
