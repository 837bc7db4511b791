/*---
id: retention_period_exceeded
title:
  en: Record kept past its declared retention period
  fi: Tietoa säilytetään ilmoitetun säilytysajan jälkeen
severity: high
# Each finding cites its rule's own basis (register.yaml); the bases listed here after Art. 25(2) are those
# the framework names, so that the check is read under them too.
legal: ["GDPR Art. 5(1)(e)", "GDPR Art. 13(2)(a)", "GDPR Art. 25(2)", "Kirjanpitolaki 1336/1997 2 luku 10 §",
        "Vanhentumislaki 728/2003 4 §"]
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
population: >-
  SELECT count(*) FROM retention_items i JOIN decl_retention_rules r USING (rule_id)
  WHERE i.start_at IS NOT NULL AND r.action <> 'keep' AND (i.deleted_at IS NULL OR i.deleted_at >= $as_of)
---*/
-- Due dates are the loader's retention_due_at (calendar-year and financial-period anchors in local
-- time). Every anchor counts from the start or later, so a record due before as_of started before
-- as_of less the rule's duration (plus 4 days: a month's last day and a daylight-saving hour move a
-- due date by less): that bound, one per rule, leaves the calendar arithmetic to the few candidates.
-- A rule with action keep sets only a minimum; a record deleted by as_of is not kept. Each finding
-- cites the rule's own basis beside Art. 5(1)(e), and Art. 13(2)(a) only where the notice states the
-- rule: an unstated rule broke no promise of the notice.
WITH bounds AS (
  SELECT rule_id, $as_of - to_months(months) - to_days(days) + INTERVAL 4 DAY AS bound FROM decl_retention_rules
), candidates AS MATERIALIZED (
  SELECT i.*, r.anchor, r.months, r.days, r.action, r.basis, r.stated_in_notice
  FROM retention_items i JOIN decl_retention_rules r USING (rule_id) JOIN bounds b USING (rule_id)
  WHERE i.start_at < b.bound AND r.action <> 'keep' AND (i.deleted_at IS NULL OR i.deleted_at >= $as_of)
), due AS (
  SELECT *, retention_due_at(anchor, start_at, months, days) AS due_at FROM candidates
)
SELECT record_ref, subject_id, start_at AS event_at, rule_id, action,
       strftime(start_at, '%Y-%m-%d %H:%M') AS start_text, strftime(due_at, '%Y-%m-%d') AS due_text,
       concat_ws('; ', 'GDPR Art. 5(1)(e)', nullif(basis, ''),
                 CASE WHEN stated_in_notice THEN 'GDPR Art. 13(2)(a)' END) AS legal_refs
FROM due
WHERE due_at < $as_of
ORDER BY rule_id, record_ref
