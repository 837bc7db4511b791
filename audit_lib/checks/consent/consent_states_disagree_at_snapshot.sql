/*---
id: consent_states_disagree_at_snapshot
title:
  en: Consent state in one system contradicts another system's record
  fi: Järjestelmän suostumustila on ristiriidassa toisen järjestelmän tiedon kanssa
severity: high
legal: ["GDPR Art. 7(1)", "GDPR Art. 7(3)", "GDPR Art. 5(1)(d)"]
scope: as_of
needs:
  consent_states: [state_id, subject_id, channel, state]
  consent_timeline: [subject_id, channel, action, at]
message:
  en: "{file} records {channel} consent of {subject_ref} as {state} at {event_at}, but {other_files} record it as {other_state} at that time."
  fi: "{file} kirjaa henkilön {subject_ref} {channel}-suostumuksen tilaan {state} {event_at}, mutta {other_files} kirjaa sen tuolloin tilaan {other_state}."
remediation:
  en: Make one system the source of consent and propagate every grant and withdrawal to the others at once; until then send nothing the withdrawn record forbids.
  fi: Valitse yksi järjestelmä suostumusten lähteeksi ja välitä jokainen suostumus ja peruutus muihin heti; siihen asti älä lähetä mitään, minkä peruttu tieto kieltää.
evidence: [file, channel, state, other_state, other_files]
population: >-
  SELECT count(*) FROM consent_states WHERE coalesce(observed_at, $as_of) <= $as_of
    AND coalesce(observed_at, $as_of) >= $period_start
---*/
-- A state is judged at the moment its export was taken (observed_at; the period's end when the
-- export declares no snapshot) against each other export's latest dated record at or before it.
-- Only a record that says the opposite counts: a system that does not know the subject at all is
-- not a contradiction. A grant and a withdrawal at the same instant count as a withdrawal.
WITH states AS (
  SELECT state_id, subject_id, channel, state, coalesce(observed_at, $as_of) AS observed, _source_file AS file
  FROM consent_states
  WHERE coalesce(observed_at, $as_of) <= $as_of AND coalesce(observed_at, $as_of) >= $period_start
), latest AS (
  SELECT s.state_id, t._source_file AS other_file, t.action,
         row_number() OVER (PARTITION BY s.state_id, t._source_file
                            ORDER BY t."at" DESC, t.action = 'withdrawn' DESC) AS n
  FROM states s
  JOIN consent_timeline t ON t.subject_id = s.subject_id AND t.channel = s.channel
   AND t."at" <= s.observed AND t._source_file <> s.file
)
SELECT 'consent_states/' || s.state_id AS record_ref, s.subject_id, s.observed AS event_at, s.file, s.channel,
       s.state, any_value(l.action) AS other_state, string_agg(DISTINCT l.other_file, ', ' ORDER BY l.other_file) AS other_files
FROM states s JOIN latest l ON l.state_id = s.state_id AND l.n = 1 AND l.action <> s.state
GROUP BY ALL
ORDER BY record_ref
