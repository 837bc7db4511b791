/*---
id: access_outside_validity
title:
  en: Access with an account outside its validity (not yet valid or already closed)
  fi: Käyttö tunnuksella sen voimassaoloajan ulkopuolella (ei vielä voimassa tai jo suljettu)
severity: high
legal: ["GDPR Art. 32(1)(b)", "GDPR Art. 32(4)", "GDPR Art. 5(1)(f)"]
needs:
  access_log: [access_id, user_id, at]
  staff_accounts: [user_id, valid_from, valid_to]
message:
  en: "Account {user_id} accessed {role_accessed} of {subject_ref} at {event_at}, outside its validity ({valid_text})."
  fi: "Tunnuksella {user_id} käsiteltiin tietoja {role_accessed} henkilöstä {subject_ref} {event_at}, tunnuksen voimassaoloajan ({valid_text}) ulkopuolella."
remediation:
  en: Close accounts on the leaver's last day (and open them only on the first), find out who used the account, and check what was read.
  fi: Sulje tunnukset lähtijän viimeisenä päivänä (ja avaa vasta ensimmäisenä), selvitä kuka tunnusta käytti ja mitä tietoja luettiin.
evidence: [access_id, user_id, role_accessed, valid_text]
population: >-
  SELECT count(*) FROM shared_access_log_in_period a JOIN staff_accounts s ON s.user_id = a.user_id
shared: [access_log_in_period]
---*/
-- valid_to is the instant the account closed; a valid_to at local midnight is read as a date, the
-- last valid day, so the account is valid through that whole day (session time zone = controller's).
WITH accounts AS (
  SELECT user_id, valid_from, valid_to,
         CASE WHEN valid_to = date_trunc('day', valid_to) THEN valid_to + INTERVAL 1 DAY ELSE valid_to END
           AS valid_until
  FROM staff_accounts
)
SELECT 'access_log/' || a.access_id AS record_ref, a.subject_id, a."at" AS event_at, a.access_id, a.user_id,
       coalesce(a.role_accessed, '—') AS role_accessed,
       coalesce(strftime(s.valid_from, '%Y-%m-%d %H:%M'), '…') || ' – '
         || coalesce(strftime(s.valid_to, '%Y-%m-%d %H:%M'), '…') AS valid_text
FROM shared_access_log_in_period a JOIN accounts s ON s.user_id = a.user_id
WHERE a."at" < s.valid_from OR a."at" >= s.valid_until
ORDER BY a."at", a.access_id
