/*---
id: disclosure_undeclared_recipient
title:
  en: Disclosure to a recipient the register does not declare
  fi: Tietojen luovutus vastaanottajalle, jota ei ole ilmoitettu
severity: high
legal: ["GDPR Art. 13(1)(e)", "GDPR Art. 5(1)(b)", "GDPR Art. 28(1)", "GDPR Art. 30(1)(d)"]
needs:
  disclosures: [disclosure_id, recipient, at]
message:
  en: "Disclosure {disclosure_id} ({event_at}, {rows_text} rows) went to {recipient}, which register.yaml declares neither as a recipient nor as a processor."
  fi: "Luovutus {disclosure_id} ({event_at}, {rows_text} riviä) tehtiin vastaanottajalle {recipient}, jota register.yaml ei ilmoita vastaanottajaksi eikä käsittelijäksi."
remediation:
  en: Stop the disclosure until it has a declared purpose and basis; declare the recipient (a processor with an Art. 28 contract) in register.yaml and in the notice.
  fi: Keskeytä luovutus, kunnes sillä on ilmoitettu käyttötarkoitus ja peruste; ilmoita vastaanottaja (käsittelijä 28 artiklan mukaisella sopimuksella) register.yaml-tiedostossa ja selosteessa.
evidence: [disclosure_id, recipient, rows, country]
fingerprint: [recipient]
population: >-
  SELECT count(*) FROM disclosures WHERE "at" >= $period_start AND "at" < $period_end
---*/
-- Recipient ids are compared case-insensitively (the view has trimmed them).
SELECT 'disclosures/' || d.disclosure_id AS record_ref, d."at" AS event_at, d.disclosure_id, d.recipient,
       d."rows", coalesce(CAST(d."rows" AS VARCHAR), '?') AS rows_text, d.country
FROM disclosures d
WHERE d."at" >= $period_start AND d."at" < $period_end
  AND NOT EXISTS (SELECT 1 FROM decl_recipients r WHERE lower(r.recipient_id) = lower(d.recipient))
ORDER BY d."at", d.disclosure_id
