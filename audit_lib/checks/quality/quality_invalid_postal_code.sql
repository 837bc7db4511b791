/*---
id: quality_invalid_postal_code
title:
  en: Invalid Finnish postal code
  fi: Virheellinen suomalainen postinumero
severity: low
legal: ["GDPR Art. 5(1)(d)"]
scope: as_of
needs:
  subjects: [subject_id, postal_code]
message:
  en: "The Finnish postal code of {record_ref} ({subject_ref}) is not five digits ({problem})."
  fi: "Rekisteröidyn {record_ref} ({subject_ref}) suomalainen postinumero ei ole viisinumeroinen ({problem})."
remediation:
  en: Correct the postal code with the subject; keep postal codes as text so that leading zeros survive spreadsheets.
  fi: Korjaa postinumero rekisteröidyn kanssa; käsittele postinumerot tekstinä, jotta alkunollat säilyvät taulukkolaskennassa.
evidence: [problem, length]
population: >-
  SELECT count(*) FROM shared_subjects_in_register WHERE postal_code IS NOT NULL AND coalesce(upper(country), 'FI') = 'FI'
shared: [subjects_in_register]
---*/
-- Only Finnish addresses: country FI, or no country at all (the register is a Finnish webshop's, and
-- its exports state a country only for foreign addresses). Foreign codes have other forms.
SELECT 'subjects/' || subject_id AS record_ref, subject_id, created_at AS event_at,
       CASE WHEN regexp_full_match(postal_code, '[0-9]+') AND length(postal_code) < 5 THEN 'too few digits (a lost leading zero?)'
            WHEN regexp_full_match(postal_code, '[0-9]+') THEN 'too many digits'
            ELSE 'not only digits' END AS problem,
       length(postal_code) AS length
FROM shared_subjects_in_register
WHERE postal_code IS NOT NULL AND coalesce(upper(country), 'FI') = 'FI'
  AND NOT regexp_full_match(postal_code, '[0-9]{5}')
ORDER BY subject_id
