/*---
id: consent_event_without_evidence
title:
  en: Marketing consent recorded without evidence of how it was given
  fi: Markkinointisuostumus kirjattu ilman näyttöä sen antamistavasta
severity: medium
legal: ["GDPR Art. 7(1)", "GDPR Art. 5(2)"]
scope: as_of
needs:
  consent_events: [event_id, subject_id, channel, action, at, source]
message:
  en: "{channel} consent {event_id} of {subject_ref}, recorded at {event_at}, has no source: the controller cannot show how it was given."
  fi: "Henkilön {subject_ref} {channel}-suostumuksella {event_id}, kirjattu {event_at}, ei ole lähdettä: rekisterinpitäjä ei voi osoittaa, miten se annettiin."
remediation:
  en: Record with every consent where and how it was given (form, checkbox, version of the text); until then, do not rely on it for marketing.
  fi: Kirjaa jokaisen suostumuksen yhteyteen, missä ja miten se annettiin (lomake, valintaruutu, tekstin versio); älä siihen asti käytä sitä markkinointiin.
evidence: [event_id, channel]
population: SELECT count(*) FROM consent_events WHERE action = 'granted' AND "at" < $as_of
---*/
-- Every grant recorded before the end of the period must be demonstrable as long as it is kept
-- (Art. 7(1)); a withdrawal needs no such proof.
SELECT 'consent_events/' || event_id AS record_ref, subject_id, "at" AS event_at, event_id, channel
FROM consent_events
-- Text fields of the role views are trimmed and empty text is NULL (loader/casting.py's text_sql).
WHERE action = 'granted' AND "at" < $as_of AND source IS NULL
ORDER BY "at", event_id
