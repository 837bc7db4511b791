/*---
id: rights_request_late
title:
  en: Data-subject request answered late
  fi: Rekisteröidyn pyyntöön vastattu myöhässä
severity: high
legal: ["GDPR Art. 12(3)", "Regulation (EEC, Euratom) No 1182/71 Art. 3(2)(c)", "Regulation (EEC, Euratom) No 1182/71 Art. 3(4)"]
needs:
  requests: [request_id, subject_id, kind, received_at, completed_at]
message:
  en: "{kind} request {request_id} of {subject_ref}, received {received_day}, was due {deadline} (extension notified: {extension_text}); completed: {completed_text}."
  fi: "Henkilön {subject_ref} {kind}-pyyntö {request_id}, vastaanotettu {received_day}, piti käsitellä viimeistään {deadline} (jatkosta ilmoitettu: {extension_text}); käsitelty: {completed_text}."
remediation:
  en: Answer requests within one month of receipt; where an extension is needed, inform the subject of it and its reasons within the first month.
  fi: Vastaa pyyntöihin kuukauden kuluessa; jos määräaikaa on jatkettava, ilmoita siitä ja sen syistä ensimmäisen kuukauden aikana.
evidence: [request_id, kind, received_day, deadline, completed_day]
population: >-
  SELECT count(*) FROM requests WHERE received_at < $period_end
    AND (completed_at IS NULL OR completed_at >= $period_start)
---*/
-- Deadlines come from the loader's request_deadlines view: one calendar month (three with a
-- notified extension) counted as Art. 12(3) and Regulation 1182/71 count it, in local dates.
SELECT 'requests/' || request_id AS record_ref, subject_id, received_at AS event_at, request_id, kind,
       received_day, deadline, completed_day,
       coalesce(strftime(CAST(extension_notified_at AS DATE), '%Y-%m-%d'), '—') AS extension_text,
       CASE WHEN completed_at IS NOT NULL AND completed_at < $period_end
            THEN strftime(completed_day, '%Y-%m-%d') ELSE '—' END AS completed_text
FROM request_deadlines
WHERE received_at < $period_end AND (
      (completed_at >= $period_start AND completed_at < $period_end AND completed_day > deadline)
   OR ((completed_at IS NULL OR completed_at >= $period_end) AND deadline < CAST($as_of AS DATE)))
ORDER BY received_at, request_id
