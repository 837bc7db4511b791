/*---
id: quality_invalid_email
title:
  en: Invalid e-mail address
  fi: Virheellinen sähköpostiosoite
severity: low
legal: ["GDPR Art. 5(1)(d)"]
scope: as_of
needs:
  subjects: [subject_id, email]
message:
  en: "The e-mail address of {record_ref} ({subject_ref}) is not a valid address ({problem})."
  fi: "Rekisteröidyn {record_ref} ({subject_ref}) sähköpostiosoite ei ole kelvollinen ({problem})."
remediation:
  en: Correct the address with the subject, and validate the syntax where addresses are entered.
  fi: Korjaa osoite rekisteröidyn kanssa ja tarkista osoitteen muoto jo syötettäessä.
evidence: [problem]
population: >-
  SELECT count(*) FROM shared_subjects_in_register WHERE email IS NOT NULL
shared: [subjects_in_register]
---*/
-- Syntax only (offline, no DNS): a dot-atom local part of at most 64 characters, '@', and a host
-- name of letter-digit-hyphen labels with an alphabetic top-level label; 254 characters in all.
-- Case is free. A missing address is not an inaccurate one.
WITH judged AS (
  SELECT subject_id, created_at, email,
         regexp_full_match(email, '[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&''*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}')
           AND length(email) <= 254 AND length(split_part(email, '@', 1)) <= 64 AS valid
  FROM shared_subjects_in_register
  WHERE email IS NOT NULL
)
SELECT 'subjects/' || subject_id AS record_ref, subject_id, created_at AS event_at,
       CASE WHEN NOT contains(email, '@') THEN 'no @ sign'
            WHEN length(email) - length(replace(email, '@', '')) > 1 THEN 'more than one @ sign'
            WHEN regexp_matches(email, '\s') THEN 'white space inside'
            WHEN contains(email, '..') THEN 'consecutive dots'
            WHEN NOT contains(split_part(email, '@', 2), '.') THEN 'no top-level domain'
            WHEN length(email) > 254 OR length(split_part(email, '@', 1)) > 64 THEN 'too long'
            ELSE 'invalid characters or form' END AS problem
FROM judged
WHERE NOT valid
ORDER BY subject_id
