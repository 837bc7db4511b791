/*---
id: retention_period_exceeded
title:
  en: Record kept past its declared retention period
  fi: Tietoa säilytetään ilmoitetun säilytysajan jälkeen
severity: high
legal: ["GDPR Art. 5(1)(e)", "GDPR Art. 13(2)(a)", "GDPR Art. 25(2)"]
scope: as_of
reads: [retention_items]
message:
  en: "{record_ref} (rule {rule_id}) dates from {start_text} and was due for {action} on {due_text}."
  fi: "{record_ref} (sääntö {rule_id}) on ajalta {start_text}, ja sen {action}-määräaika oli {due_text}."
remediation:
  en: Run the deletion routine for this rule, and schedule it so records are removed when due.
  fi: Aja säännön mukainen poistorutiini ja ajasta se poistamaan tiedot määräajassa.
evidence: [rule_id, start_text, due_text]
fingerprint: [rule_id]
population: SELECT count(*) FROM retention_due WHERE action <> 'keep' AND (deleted_at IS NULL OR deleted_at >= $as_of)
---*/
-- Due dates come from the loader's retention_due view (calendar-year and financial-period anchors in
-- local time). A rule with action keep sets only a minimum; a record deleted by as_of is not kept.
-- Each finding cites the rule's own basis beside Art. 5(1)(e), and Art. 13(2)(a) only where the
-- notice states the rule: an unstated rule broke no promise of the notice.
SELECT record_ref, subject_id, start_at AS event_at, rule_id, action,
       strftime(start_at, '%Y-%m-%d %H:%M') AS start_text, strftime(due_at, '%Y-%m-%d') AS due_text,
       concat_ws('; ', 'GDPR Art. 5(1)(e)', nullif(basis, ''),
                 CASE WHEN stated_in_notice THEN 'GDPR Art. 13(2)(a)' END) AS legal_refs
FROM retention_due
WHERE due_at < $as_of AND action <> 'keep' AND (deleted_at IS NULL OR deleted_at >= $as_of)
ORDER BY rule_id, record_ref
