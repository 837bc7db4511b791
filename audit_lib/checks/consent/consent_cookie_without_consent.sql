/*---
id: consent_cookie_without_consent
title:
  en: Non-necessary cookie used without consent
  fi: Muu kuin välttämätön eväste käytössä ilman suostumusta
severity: high
legal: ["Laki sähköisen viestinnän palveluista 917/2014 205 §", "GDPR Art. 6(1)(a)", "Tietosuojavaltuutettu 8040/163/2019"]
needs:
  usage_events: [event_id, at, cookie_purpose, consent_given]
message:
  en: "Usage event {event_id} of {subject_ref} (cookie {cookie_id}) at {event_at} used a {cookie_purpose} cookie without the user's consent (recorded: {consent_text})."
  fi: "Käyttötapahtumassa {event_id} (henkilö {subject_ref}, eväste {cookie_id}) {event_at} käytettiin {cookie_purpose}-evästettä ilman käyttäjän suostumusta (kirjattu: {consent_text})."
remediation:
  en: Set or read only strictly necessary cookies until the user has accepted the others in a banner with an equally easy reject option.
  fi: Käytä vain välttämättömiä evästeitä, kunnes käyttäjä on hyväksynyt muut evästebannerissa, jossa hylkääminen on yhtä helppoa.
evidence: [event_id, cookie_purpose, consent_text]
population: >-
  SELECT count(*) FROM usage_events
  WHERE lower(trim(coalesce(cookie_purpose, ''))) NOT IN ('necessary', 'strictly_necessary', 'välttämätön')
    AND "at" >= $period_start AND "at" < $period_end
---*/
-- Only cookies strictly necessary for the service the user asked for are exempt (205 § 2 mom.);
-- a purpose that is not recorded is not shown to be necessary, and unrecorded consent is no consent.
SELECT 'usage_events/' || event_id AS record_ref, subject_id, "at" AS event_at, event_id,
       coalesce(cookie_id, '—') AS cookie_id, coalesce(cookie_purpose, 'unclassified') AS cookie_purpose,
       CASE WHEN consent_given IS NULL THEN 'unknown' ELSE 'no' END AS consent_text
FROM usage_events
WHERE lower(trim(coalesce(cookie_purpose, ''))) NOT IN ('necessary', 'strictly_necessary', 'välttämätön')
  AND consent_given IS DISTINCT FROM true
  AND "at" >= $period_start AND "at" < $period_end
ORDER BY "at", event_id
