/*---
id: rights_request_late
title:
  en: Data-subject request answered late
  fi: Rekisteröidyn pyyntöön vastattu myöhässä
severity: high
legal: ["GDPR Art. 12(3)", "Regulation (EEC, Euratom) No 1182/71 Art. 3"]
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
-- Months are counted as Art. 12(3) with Regulation 1182/71: the same day number in the last month
-- (or that month's last day), moved to the next Finnish working day; casts to DATE use the
-- session time zone, i.e. the controller's local calendar.
WITH settings AS (
  SELECT max(value) FILTER (WHERE name = 'request_deadline_months') AS dm,
         max(value) FILTER (WHERE name = 'request_deadline_days') AS dd,
         max(value) FILTER (WHERE name = 'request_extension_months') AS em,
         max(value) FILTER (WHERE name = 'request_extension_days') AS ed
  FROM decl_settings
), dated AS (
  SELECT q.*, CAST(q.received_at AS DATE) AS received_day, CAST(q.completed_at AS DATE) AS completed_day,
         q.extension_notified_at IS NOT NULL AS extended,
         CAST(CAST(q.received_at AS DATE)
              + to_months(s.dm + CASE WHEN q.extension_notified_at IS NOT NULL THEN s.em ELSE 0 END)
              + to_days(s.dd + CASE WHEN q.extension_notified_at IS NOT NULL THEN s.ed ELSE 0 END) AS DATE) AS nominal_deadline
  FROM requests q, settings s
), judged AS (
  SELECT d.*, w.working_day AS deadline
  FROM dated d LEFT JOIN next_working_day w ON w.day = d.nominal_deadline
)
SELECT 'requests/' || request_id AS record_ref, subject_id, received_at AS event_at, request_id, kind,
       received_day, deadline, completed_day,
       coalesce(strftime(CAST(extension_notified_at AS DATE), '%Y-%m-%d'), '—') AS extension_text,
       CASE WHEN completed_at IS NOT NULL AND completed_at < $period_end
            THEN strftime(completed_day, '%Y-%m-%d') ELSE '—' END AS completed_text
FROM judged
WHERE received_at < $period_end AND (
      (completed_at >= $period_start AND completed_at < $period_end AND completed_day > deadline)
   OR ((completed_at IS NULL OR completed_at >= $period_end) AND deadline < CAST($as_of AS DATE)))
ORDER BY received_at, request_id
