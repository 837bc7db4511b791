/*---
id: disclosure_undeclared_categories
title:
  en: Data categories disclosed beyond the recipient's declaration
  fi: Vastaanottajalle luovutettu tietoryhmiä, joita sille ei ole ilmoitettu
severity: high
legal: ["GDPR Art. 30(1)(c)", "GDPR Art. 30(1)(d)", "GDPR Art. 28(3)(a)", "GDPR Art. 5(1)(b)", "GDPR Art. 5(1)(c)"]
needs:
  disclosures: [disclosure_id, recipient, at, categories]
message:
  en: "Disclosure {disclosure_id} ({event_at}) to {recipient} included {undeclared}, which register.yaml does not declare for that recipient."
  fi: "Luovutukseen {disclosure_id} ({event_at}) vastaanottajalle {recipient} sisältyi {undeclared}, joita register.yaml ei ilmoita tälle vastaanottajalle."
remediation:
  en: Limit what is sent to the recipient to its declared categories, or declare the category for it (and its purpose) in register.yaml and in the notice.
  fi: Rajaa vastaanottajalle lähetettävät tiedot sille ilmoitettuihin tietoryhmiin tai ilmoita tietoryhmä (ja sen käyttötarkoitus) register.yaml-tiedostossa ja selosteessa.
evidence: [disclosure_id, recipient, undeclared]
fingerprint: [undeclared]
population: >-
  SELECT count(*) FROM disclosures d WHERE d."at" >= $period_start AND d."at" < $period_end AND d.categories IS NOT NULL
    AND EXISTS (SELECT 1 FROM decl_recipients r WHERE lower(r.recipient_id) = lower(d.recipient))
---*/
-- categories is a semicolon list of declared category ids, compared trimmed and case-insensitively.
-- Only declared recipients: a disclosure to an undeclared one is disclosure_undeclared_recipient's finding.
WITH listed AS (
  SELECT d.disclosure_id, d."at", d.recipient, r.recipient_id, lower(trim(c.category)) AS category_id
  FROM disclosures d
  JOIN decl_recipients r ON lower(r.recipient_id) = lower(d.recipient)
  CROSS JOIN unnest(string_split(d.categories, ';')) AS c(category)
  WHERE d."at" >= $period_start AND d."at" < $period_end AND trim(c.category) <> ''
)
SELECT 'disclosures/' || l.disclosure_id AS record_ref, min(l."at") AS event_at, l.disclosure_id,
       min(l.recipient) AS recipient, string_agg(DISTINCT l.category_id, ', ' ORDER BY l.category_id) AS undeclared
FROM listed l
WHERE NOT EXISTS (SELECT 1 FROM decl_recipient_categories rc
                  WHERE rc.recipient_id = l.recipient_id AND lower(rc.category_id) = l.category_id)
GROUP BY l.disclosure_id
ORDER BY event_at, l.disclosure_id
