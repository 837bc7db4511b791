/*---
id: inventory_health_service_without_art9
title:
  en: Health-related service bought with no Art. 9(2) condition declared
  fi: Terveyteen liittyvä palvelu ostettu ilman ilmoitettua 9 artiklan 2 kohdan perustetta
severity: high
legal: ["GDPR Art. 9(1)", "GDPR Art. 9(2)", "GDPR Art. 5(1)(a)", "Tietosuojalaki 1050/2018 6 §"]
needs:
  orders: [order_id, subject_id, ordered_at, service_id]
  services: [service_id, category]
message:
  en: "Order {order_id} of {subject_ref} ({event_at}) is for service {service_id} of the health-related category {service_category}, which reveals health data, but register.yaml declares no Art. 9(2) condition."
  fi: "Henkilön {subject_ref} tilaus {order_id} ({event_at}) koskee palvelua {service_id}, jonka terveyteen liittyvä luokka {service_category} paljastaa terveystietoja, mutta register.yaml ei ilmoita 9 artiklan 2 kohdan perustetta."
remediation:
  en: Ask for explicit consent (Art. 9(2)(a)) before selling health-related services and declare it (special_categories.art9_condition), or keep only what bookkeeping needs of these orders.
  fi: Pyydä nimenomainen suostumus (9 artiklan 2 kohdan a alakohta) ennen terveyteen liittyvien palvelujen myyntiä ja ilmoita se (special_categories.art9_condition), tai säilytä näistä tilauksista vain kirjanpidon vaatimat tiedot.
evidence: [order_id, service_id, service_category]
population: >-
  SELECT count(*) FROM orders o JOIN services s ON s.service_id = o.service_id
    JOIN decl_health_service_categories h ON h.service_category = lower(s.category)
  WHERE o.ordered_at >= $period_start AND o.ordered_at < $period_end
---*/
-- Which service categories are health-related is the controller's declaration
-- (special_categories.health_service_categories), compared case-insensitively (the view trims).
SELECT 'orders/' || o.order_id AS record_ref, o.subject_id, o.ordered_at AS event_at, o.order_id, o.service_id,
       lower(s.category) AS service_category
FROM orders o
JOIN services s ON s.service_id = o.service_id
JOIN decl_health_service_categories h ON h.service_category = lower(s.category)
WHERE o.ordered_at >= $period_start AND o.ordered_at < $period_end
  AND NOT EXISTS (SELECT 1 FROM decl_art9_conditions)
ORDER BY o.ordered_at, o.order_id
