/*---
id: inventory_undeclared_column
title:
  en: Export column mapped to no declared data category
  fi: Vientitiedoston sarake, jota ei ole liitetty mihinkään ilmoitettuun tietoryhmään
severity: high
legal: ["GDPR Art. 5(1)(c)", "GDPR Art. 30(1)(c)"]
scope: declaration
uses: [export_columns]
message:
  en: "Column {column_name} of export {file} holds data that exports.yaml maps to no declared category or field."
  fi: "Vientitiedoston {file} sarake {column_name} sisältää tietoa, jota exports.yaml ei liitä mihinkään ilmoitettuun tietoryhmään tai kenttään."
remediation:
  en: Stop exporting the column, or declare its data category in register.yaml and map it in exports.yaml.
  fi: Lopeta sarakkeen vienti tai ilmoita sen tietoryhmä register.yaml-tiedostossa ja liitä se exports.yaml-tiedostossa.
evidence: [file, column_name]
population: SELECT count(*) FROM export_columns WHERE in_file
---*/
SELECT 'exports/' || file || '#' || column_name AS record_ref, file, column_name
FROM export_columns
WHERE in_file AND field IS NULL AND category IS NULL AND not_personal IS NULL
ORDER BY file, column_name
