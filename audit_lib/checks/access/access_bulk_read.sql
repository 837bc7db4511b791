/*---
id: access_bulk_read
title:
  en: One account read more subjects in a day than the declared threshold
  fi: Yksi tunnus käsitteli päivässä useamman henkilön tietoja kuin ilmoitettu raja sallii
severity: medium
legal: ["GDPR Art. 5(1)(f)", "GDPR Art. 32(1)(b)", "GDPR Art. 32(4)"]
needs:
  access_log: [user_id, at, subject_id]
message:
  en: "Account {user_id} accessed {subjects} different subjects on {day}, more than the threshold of {threshold} a day."
  fi: "Tunnus {user_id} käsitteli {day} {subjects} eri henkilön tietoja, enemmän kuin päiväraja {threshold}."
remediation:
  en: Find out why the account read so many records that day (an export, a script, a compromised password), and alert on such days as they happen.
  fi: Selvitä, miksi tunnus luki niin monta tietuetta sinä päivänä (vienti, skripti, vuotanut salasana), ja hälytä tällaisista päivistä heti.
evidence: [user_id, day, subjects, threshold]
fingerprint: [day]
population: >-
  SELECT count(*) FROM (SELECT DISTINCT user_id, CAST("at" AS DATE) FROM shared_access_log_in_period)
shared: [access_log_in_period]
---*/
-- Days are the controller's local days (the session time zone); the threshold is the declaration's
-- access.bulk_read_threshold_per_day, and a register without one cannot be judged: error, not pass.
WITH threshold AS (
  SELECT CASE WHEN max(value) IS NULL
              THEN error('register.yaml sets no access.bulk_read_threshold_per_day')
              ELSE max(value) END AS threshold
  FROM decl_settings WHERE name = 'bulk_read_threshold_per_day'
), daily AS (
  SELECT user_id, CAST("at" AS DATE) AS day, count(DISTINCT subject_id) AS subjects, min("at") AS first_at
  FROM shared_access_log_in_period
  WHERE subject_id IS NOT NULL
  GROUP BY ALL
)
SELECT 'access_log/' || d.user_id || '/' || strftime(d.day, '%Y-%m-%d') AS record_ref, d.first_at AS event_at,
       d.user_id, d.day, d.subjects, t.threshold
FROM daily d, threshold t
WHERE d.subjects > t.threshold
ORDER BY d.day, d.user_id
