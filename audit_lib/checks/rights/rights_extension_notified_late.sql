/*---
id: rights_extension_notified_late
title:
  en: Extension of a request's deadline notified after the first month
  fi: Pyynnön määräajan pidentämisestä ilmoitettu ensimmäisen kuukauden jälkeen
severity: medium
legal: ["GDPR Art. 12(3)", "Regulation (EEC, Euratom) No 1182/71 Art. 3"]
needs:
  requests: [request_id, subject_id, kind, received_at, extension_notified_at]
message:
  en: "{kind} request {request_id} of {subject_ref}, received {received_day}: the extension was notified on {notified_day}, after the first month ended on {notice_deadline}."
  fi: "Henkilön {subject_ref} {kind}-pyyntö {request_id}, vastaanotettu {received_day}: määräajan pidentämisestä ilmoitettiin {notified_day}, vaikka ensimmäinen kuukausi päättyi {notice_deadline}."
remediation:
  en: Decide on an extension within the first month and inform the subject of it and its reasons before that month ends; a late notice does not extend the deadline.
  fi: Päätä pidentämisestä ensimmäisen kuukauden aikana ja ilmoita siitä syineen rekisteröidylle ennen kuukauden loppua; myöhässä annettu ilmoitus ei pidennä määräaikaa.
evidence: [request_id, kind, received_day, notice_deadline, notified_day]
population: >-
  SELECT count(*) FROM requests
  WHERE extension_notified_at >= $period_start AND extension_notified_at < $period_end
---*/
-- The first month is counted as rights_request_late counts it (Art. 12(3) with Regulation 1182/71):
-- the same day number a month later (or that month's last day), moved to the next Finnish working
-- day; casts to DATE use the session time zone, the controller's. Judged in the period of the notice.
WITH settings AS (
  SELECT max(value) FILTER (WHERE name = 'extension_notice_months') AS nm,
         max(value) FILTER (WHERE name = 'extension_notice_days') AS nd
  FROM decl_settings
), dated AS (
  SELECT q.*, CAST(q.received_at AS DATE) AS received_day, CAST(q.extension_notified_at AS DATE) AS notified_day,
         CAST(CAST(q.received_at AS DATE) + to_months(s.nm) + to_days(s.nd) AS DATE) AS nominal_deadline
  FROM requests q, settings s
  WHERE q.extension_notified_at >= $period_start AND q.extension_notified_at < $period_end
)
SELECT 'requests/' || d.request_id AS record_ref, d.subject_id, d.extension_notified_at AS event_at,
       d.request_id, d.kind, d.received_day, d.notified_day, w.working_day AS notice_deadline
FROM dated d LEFT JOIN next_working_day w ON w.day = d.nominal_deadline
WHERE d.notified_day > w.working_day
ORDER BY d.received_at, d.request_id
