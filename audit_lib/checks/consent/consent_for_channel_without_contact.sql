/*---
id: consent_for_channel_without_contact
title:
  en: Consent for e-mail or SMS of a subject without that contact detail
  fi: Sähköposti- tai tekstiviestisuostumus henkilöllä, jolla ei ole kyseistä yhteystietoa
severity: medium
legal: ["GDPR Art. 7(1)", "GDPR Art. 5(1)(d)"]
scope: as_of
needs:
  consent_events: [event_id, subject_id, channel, action, at]
  subjects: [subject_id, email, phone]
message:
  en: "{channel} consent {event_id} was recorded for {subject_ref} at {event_at}, who has no {contact_text} in the register: the consent cannot be tied to an address."
  fi: "Henkilölle {subject_ref} kirjattiin {channel}-suostumus {event_id} {event_at}, vaikka rekisterissä ei ole hänen {contact_text_fi}: suostumusta ei voi liittää osoitteeseen."
remediation:
  en: Find out which address the consent was given for and record it, or mark the consent invalid; a consent must name the e-mail address or phone number it covers.
  fi: Selvitä, mihin osoitteeseen suostumus annettiin, ja kirjaa se, tai merkitse suostumus pätemättömäksi; suostumuksen on yksilöitävä sähköpostiosoite tai puhelinnumero.
evidence: [event_id, channel, contact_text]
# The join of granted consents to their subjects, once: the population counts it, the findings filter it.
shared: [granted_channel_consents]
population: SELECT count(*) FROM shared_granted_channel_consents
---*/
SELECT 'consent_events/' || event_id AS record_ref, subject_id, "at" AS event_at, event_id, channel,
       CASE channel WHEN 'email' THEN 'e-mail address' ELSE 'phone number' END AS contact_text,
       CASE channel WHEN 'email' THEN 'sähköpostiosoitettaan' ELSE 'puhelinnumeroaan' END AS contact_text_fi
FROM shared_granted_channel_consents
WHERE no_contact
ORDER BY "at", event_id
