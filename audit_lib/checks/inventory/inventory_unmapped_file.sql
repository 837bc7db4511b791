/*---
id: inventory_unmapped_file
title:
  en: File in the exports folder that the mapping leaves out
  fi: Vientikansion tiedosto, jota tiedostokartoitus ei kata
severity: medium
legal: ["GDPR Art. 5(2)", "GDPR Art. 30(1)(c)", "GDPR Art. 5(1)(c)"]
scope: as_of
message:
  en: "{file} ({bytes} bytes) lies in the exports folder, but no entry of exports.yaml reads it: its data is outside the audit and maybe outside the declaration."
  fi: "{file} ({bytes} tavua) on vientikansiossa, mutta mikään exports.yaml-tiedoston kohta ei lue sitä: sen tiedot jäävät tarkastuksen ja ehkä selosteen ulkopuolelle."
remediation:
  en: Map the file in exports.yaml (and declare its data in register.yaml), delete it if it should not exist, or list it under ignore with the reason it holds no register data.
  fi: Kartoita tiedosto exports.yaml-tiedostoon (ja ilmoita sen tiedot register.yaml-tiedostossa), poista se, jos sitä ei pitäisi olla, tai lisää se ignore-kohtaan perusteluineen.
evidence: [file, bytes, sha256]
population: SELECT count(*) FROM unmapped_files
---*/
SELECT 'files/' || file AS record_ref, file, bytes, sha256
FROM unmapped_files
WHERE status = 'not_mapped'
ORDER BY file
