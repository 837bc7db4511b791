/*---
id: quality_identifier_shared
title:
  en: One e-mail address or phone number shared by several subjects
  fi: Sama sähköpostiosoite tai puhelinnumero usealla rekisteröidyllä
severity: medium
legal: ["GDPR Art. 5(1)(d)", "GDPR Art. 5(1)(f)"]
scope: as_of
uses: [identities, identity_conflicts]
message:
  en: "The {identifier} of {subjects} subjects of the master register is the same value ({first_subject} and others): records of other systems that name the person by it cannot be told apart, so regaudit merges none of them."
  fi: "Master-rekisterin {subjects} rekisteröidyllä on sama {identifier} ({first_subject} ja muut): muiden järjestelmien tietoja, jotka tunnistavat henkilön sillä, ei voi erottaa toisistaan, joten regaudit ei yhdistä niitä."
remediation:
  en: Find out whose identifier it is and correct the other records; until then a message or request keyed by it may reach or reveal the wrong person.
  fi: Selvitä, kenen tunniste on, ja korjaa muut tietueet; siihen asti sillä tunnistettu viesti tai pyyntö voi tavoittaa väärän henkilön tai paljastaa hänen tietojaan.
evidence: [identifier, subjects]
population: SELECT count(*) FROM (SELECT DISTINCT identifier, value FROM identities)
---*/
SELECT 'identities/' || identifier || '#subjects/' || subject_ids[1] AS record_ref, subject_ids[1] AS subject_id,
       identifier, subjects, 'subjects/' || subject_ids[1] AS first_subject
FROM identity_conflicts
ORDER BY identifier, subject_ids[1]
