/*---
id: inventory_declared_category_unused
title:
  en: Declared data category that no export holds
  fi: Ilmoitettu tietoryhmä, jota yksikään vientitiedosto ei sisällä
severity: low
legal: ["GDPR Art. 30(1)(c)", "GDPR Art. 5(1)(a)", "GDPR Art. 12(1)"]
scope: declaration
uses: [export_columns]
message:
  en: "Category {category_id} ({label_en}) is declared in register.yaml, but no column of any export maps to it: the notice promises more than the register holds, or an export is missing."
  fi: "Tietoryhmä {category_id} ({label_fi}) on ilmoitettu register.yaml-tiedostossa, mutta mikään vientitiedoston sarake ei kuulu siihen: seloste lupaa enemmän kuin rekisterissä on, tai vientitiedosto puuttuu."
remediation:
  en: Remove the category from the notice if the data is not collected, or add the export that holds it to exports.yaml so it can be audited.
  fi: Poista tietoryhmä selosteesta, jos tietoa ei kerätä, tai lisää sen sisältävä vientitiedosto exports.yaml-tiedostoon, jotta se voidaan tarkastaa.
evidence: [category_id]
population: SELECT count(*) FROM decl_categories
---*/
-- A column counts only if it is in the file (in_file): a mapping of a column the file lacks is a load error.
SELECT 'categories/' || c.category_id AS record_ref, c.category_id, c.label_en, c.label_fi
FROM decl_categories c
WHERE NOT EXISTS (SELECT 1 FROM export_columns e WHERE e.in_file AND e.category = c.category_id)
ORDER BY c.category_id
