/*---
id: rights_extension_notified_late
title:
  en: Extension of a request's deadline notified after the first month
  fi: Pyynnön määräajan pidentämisestä ilmoitettu ensimmäisen kuukauden jälkeen
severity: medium
legal: ["GDPR Art. 12(3)", "Regulation (EEC, Euratom) No 1182/71 Art. 3(2)(c)", "Regulation (EEC, Euratom) No 1182/71 Art. 3(4)"]
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
-- The first month ends at notice_deadline of the loader's request_deadlines view, counted as
-- rights_request_late counts months (Art. 12(3), Regulation 1182/71). Judged in the period of the notice.
SELECT 'requests/' || request_id AS record_ref, subject_id, extension_notified_at AS event_at,
       request_id, kind, received_day, notified_day, notice_deadline
FROM request_deadlines
WHERE extension_notified_at >= $period_start AND extension_notified_at < $period_end
  AND notified_day > notice_deadline
ORDER BY received_at, request_id
