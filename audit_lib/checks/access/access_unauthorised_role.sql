/*---
id: access_unauthorised_role
title:
  en: Data read by a staff role not allowed to access it
  fi: Tietoja käsitellyt henkilöstörooli, jolla ei ole niihin käyttöoikeutta
severity: high
legal: ["GDPR Art. 5(1)(f)", "GDPR Art. 32(1)(b)", "GDPR Art. 32(4)", "GDPR Art. 25(2)"]
needs:
  access_log: [access_id, user_id, at, role_accessed]
  staff_accounts: [user_id, role]
message:
  en: "Account {user_id} ({staff_role_text}) accessed {role_accessed} ({action_text}) of {subject_ref} at {event_at}, which its role may not access."
  fi: "Tunnus {user_id} ({staff_role_text}) käsitteli tietoja {role_accessed} ({action_text}) henkilöstä {subject_ref} {event_at}, vaikka sen roolilla ei ole niihin oikeutta."
remediation:
  en: Restrict each role to the tables register.yaml allows it, review why the account needed this data, and correct either the rights or the declaration.
  fi: Rajaa kunkin roolin oikeudet register.yaml:ssä sallittuihin tietoihin, selvitä miksi tunnus tarvitsi tietoja, ja korjaa joko oikeudet tai kuvaus.
evidence: [access_id, user_id, staff_role_text, role_accessed, action_text]
population: SELECT count(*) FROM shared_access_log_in_period
shared: [access_log_in_period]
---*/
-- An account that staff_accounts does not know has no role, and so no right to anything.
SELECT 'access_log/' || a.access_id AS record_ref, a.subject_id, a."at" AS event_at, a.access_id, a.user_id,
       coalesce(s.role, 'unknown account') AS staff_role_text, coalesce(a.role_accessed, '—') AS role_accessed,
       coalesce(a.action, '—') AS action_text
FROM shared_access_log_in_period a
LEFT JOIN staff_accounts s ON s.user_id = a.user_id
WHERE NOT EXISTS (SELECT 1 FROM decl_access_roles r
                  WHERE r.staff_role = s.role AND r.table_name = a.role_accessed)
ORDER BY a."at", a.access_id
