"""Words of the report in English and Finnish, looked up by key (no logic, no imports)."""

from __future__ import annotations

SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("pass", "fail", "error", "not_run", "not_tested")
FAMILIES = ("notice", "inventory", "consent", "retention", "rights", "disclosure", "access", "quality")
LANGUAGES = ("en", "fi")

_TEXT: dict[str, tuple[str, str]] = {
    # key: (English, Finnish)
    "title": ("Register audit report", "Rekisterin tarkastusraportti"),
    "cover.register": ("Register", "Rekisteri"),
    "cover.controller": ("Controller", "Rekisterinpitäjä"),
    "cover.business_id": ("Business ID", "Y-tunnus"),
    "cover.period": ("Audit period", "Tarkastusjakso"),
    "cover.period_range": ("{start} – {end} (end exclusive)", "{start} – {end} (loppu ei sisälly)"),
    "cover.run_id": ("Run ID", "Ajon tunniste"),
    "cover.status": ("Audit status", "Tarkastuksen tila"),
    "cover.complete": ("Complete: every check ran on every input.",
                       "Valmis: jokainen tarkastus ajettiin kaikille aineistoille."),
    "cover.incomplete": ("INCOMPLETE: some checks could not run or an input was rejected; see "
                         "“What was not run”.",
                         "KESKENERÄINEN: osa tarkastuksista jäi ajamatta tai aineisto hylättiin; "
                         "ks. ”Mitä ei ajettu”."),
    "cover.summary": ("{checks} checks: {passed} passed, {failed} failed, {errors} errors, "
                      "{not_run} not run, {not_tested} not tested (no record in scope). {open} open "
                      "findings, {accepted} accepted.",
                      "{checks} tarkastusta: {passed} hyväksytty, {failed} hylätty, {errors} "
                      "virhettä, {not_run} ajamatta, {not_tested} testaamatta (ei tarkastettavia "
                      "tietueita). {open} avointa havaintoa, {accepted} "
                      "hyväksyttyä riskiä."),
    "cover.kicker": ("Evidence for the supervisory authority", "Selvitys valvontaviranomaiselle"),
    "cover.more_reasons": ("… and {n} more (see “What was not run”).", "… ja {n} muuta (ks. ”Mitä ei ajettu”)."),
    "cover.contents": ("Contents: scope and inputs; the declaration and the Art. 30 record; summary; one "
                       "section per check family; changes since the previous period; what was not run; "
                       "appendices: accepted risks, check catalogue, manifest. Data subjects appear only as "
                       "keyed pseudonyms (S-…).",
                       "Sisältö: laajuus ja aineistot; seloste ja 30 artiklan mukainen seloste; yhteenveto; "
                       "luku kustakin tarkastusperheestä; muutokset edelliseen jaksoon; mitä ei ajettu; "
                       "liitteet: hyväksytyt riskit, tarkastusluettelo, manifesti. Rekisteröidyt näkyvät vain "
                       "avainnettuina pseudonyymeinä (S-…)."),
    "section.scope": ("Scope and inputs", "Laajuus ja aineistot"),
    "section.scope.note": ("The audit covers the period {period}: events inside it, states as of its end.",
                           "Tarkastus kattaa jakson {period}: sen aikaiset tapahtumat ja tilanteen jakson "
                           "lopussa."),
    "section.quarantine": ("Quarantined rows", "Karanteeniin siirretyt rivit"),
    "quarantine.none": ("The loader set no row aside.", "Lataus ei siirtänyt yhtään riviä karanteeniin."),
    "quarantine.note": ("Rows the loader could not read, per file and reason (the first lines shown; the "
                        "rows themselves are not copied into the report).",
                        "Rivit, joita lataus ei voinut lukea, tiedostoittain ja syittäin (ensimmäiset rivinumerot; "
                        "rivien sisältöä ei kopioida raporttiin)."),
    "col.reason_code": ("Reason", "Syy"),
    "col.rows": ("Rows", "Rivejä"),
    "col.lines": ("Lines", "Rivit tiedostossa"),
    "section.declaration": ("The declaration", "Seloste"),
    "section.declaration.note": ("What the controller states in register.yaml, judged against GDPR Art. 13, "
                                 "14 and 30 and current Finnish law, and the record of processing activities "
                                 "it yields.",
                                 "Mitä rekisterinpitäjä ilmoittaa tiedostossa register.yaml, arvioituna "
                                 "tietosuoja-asetuksen 13, 14 ja 30 artiklaa ja voimassa olevaa Suomen lakia "
                                 "vasten, sekä siitä johdettu seloste käsittelytoimista."),
    "section.notice": ("Findings about the declaration", "Havainnot selosteesta"),
    "notice.none": ("No findings about the declaration.", "Ei havaintoja selosteesta."),
    "section.summary": ("Summary", "Yhteenveto"),
    "section.summary.note": ("A check passes only when it ran and found nothing; a check that broke or lacked "
                             "an input is counted as such, never as passed.",
                             "Tarkastus on hyväksytty vain, jos se ajettiin eikä löytänyt mitään; rikkoutunut "
                             "tai aineistoa vailla ollut tarkastus lasketaan sellaisena, ei hyväksyttynä."),
    "section.status_counts": ("Checks by outcome", "Tarkastukset tuloksittain"),
    "section.severity": ("Open findings by family and severity", "Avoimet havainnot perheittäin ja vakavuuksittain"),
    "section.provisions": ("By legal provision", "Säännöksittäin"),
    "provisions.framework_note": ("Provisions of the framework {framework}, including those no check tests "
                                  "from data; a provision's status is its worst check's.",
                                  "Viitekehyksen {framework} säännökset, myös ne, joita mikään tarkastus ei "
                                  "testaa aineistosta; säännöksen tila on sen heikoimman tarkastuksen tila."),
    "provisions.refs_note": ("Grouped by the legal references of the checks (no framework mapping is "
                             "installed); a provision's status is its worst check's.",
                             "Ryhmitelty tarkastusten oikeusviitteiden mukaan (viitekehystä ei ole "
                             "asennettu); säännöksen tila on sen heikoimman tarkastuksen tila."),
    "provisions.untested": ("no check", "ei tarkastusta"),
    "col.provision": ("Provision", "Säännös"),
    "col.checks": ("Checks", "Tarkastuksia"),
    "col.findings": ("Open findings", "Avoimia havaintoja"),
    "col.total": ("total", "yhteensä"),
    "section.family": ("Checks: {family}", "Tarkastukset: {family}"),
    "family.none": ("No open findings in this family.", "Tässä perheessä ei ole avoimia havaintoja."),
    "family.top": ("The {shown} most severe of {total} open findings (all of them are in findings.csv).",
                   "{shown} vakavinta {total} avoimesta havainnosta (kaikki ovat tiedostossa findings.csv)."),
    "comparison.accepted": ("Accepted (listed in the appendix)", "Hyväksytty riski (liitteessä)"),
    "comparison.listed": ("{shown} of {total} shown; every change is in changes.csv.",
                          "{shown}/{total} näytetään; kaikki muutokset ovat tiedostossa changes.csv."),
    "col.first_seen": ("First seen", "Havaittu ensin"),
    "section.accepted": ("Appendix: accepted risks", "Liite: hyväksytyt riskit"),
    "section.accepted.note": ("Findings the controller has accepted, with the reason, who accepted them and "
                              "until when. They are not counted as open, and are never dropped.",
                              "Havainnot, jotka rekisterinpitäjä on hyväksynyt riskeinä, perusteluineen, "
                              "hyväksyjineen ja voimassaoloineen. Niitä ei lasketa avoimiksi, eikä niitä "
                              "jätetä pois."),
    "accepted.file": ("Accepted-risks file SHA-256: {sha}", "Hyväksyttyjen riskien tiedoston SHA-256: {sha}"),
    "accepted.none": ("No finding was accepted as a risk.", "Yhtään havaintoa ei ole hyväksytty riskinä."),
    "accepted.unmatched": ("Entries of the accepted-risks file that match no finding of this period "
                           "(review or remove them): {entries}",
                           "Hyväksyttyjen riskien tiedoston kohdat, joita vastaavaa havaintoa ei tällä "
                           "kaudella ole (tarkista tai poista): {entries}"),
    "col.accepted_reason": ("Reason", "Peruste"),
    "col.accepted_by": ("Accepted by", "Hyväksyjä"),
    "col.accepted_until": ("Until", "Voimassa asti"),
    "section.catalogue": ("Appendix: check catalogue", "Liite: tarkastusluettelo"),
    "section.catalogue.note": ("Every check the audit ran: the provisions it tests, how (an SQL query over "
                               "the canonical views, or a Python function) and on which inputs, and what to "
                               "do about a finding.",
                               "Jokainen ajettu tarkastus: mitä säännöksiä se testaa, miten (SQL-kysely "
                               "kanonisiin näkymiin tai Python-funktio) ja mistä aineistoista, sekä mitä "
                               "havainnolle tulee tehdä."),
    "method.sql": ("SQL", "SQL"),
    "method.python": ("Python", "Python"),
    "col.method": ("Method and inputs", "Menetelmä ja aineistot"),
    "col.remediation": ("Remediation", "Korjaus"),
    "section.manifest": ("Appendix: manifest", "Liite: manifesti"),
    "section.manifest.note": ("manifest.json, written last beside this report, holds the SHA-256 and row counts "
                              "of every input file, the hashes below, the parameters, the start and end "
                              "times, and the SHA-256 of every file of the report folder.",
                              "Raportin viereen viimeisenä kirjoitettu manifest.json sisältää jokaisen "
                              "aineistotiedoston SHA-256-tiivisteen ja rivimäärät, alla olevat tiivisteet, "
                              "parametrit, aloitus- ja lopetusajan sekä raporttikansion jokaisen tiedoston "
                              "SHA-256-tiivisteen."),
    "manifest.catalogue": ("Check catalogue version", "Tarkastusluettelon versio"),
    "manifest.language": ("Report language", "Raportin kieli"),
    "manifest.packages": ("Package versions", "Pakettien versiot"),
    "chart.failures": ("failures (open findings)", "poikkeamat (avoimet havainnot)"),
    "chart.failures_of": ("{failures} of {tested}", "{failures}/{tested}"),
    "chart.family": ("Failures per check: {family}", "Poikkeamat tarkastuksittain: {family}"),
    "section.inputs": ("Inputs", "Aineistot"),
    "section.inputs.note": ("Every file the audit read, with its SHA-256 (first 12 characters "
                            "shown; the full hash is in manifest.json).",
                            "Jokainen luettu tiedosto ja sen SHA-256 (12 ensimmäistä merkkiä; "
                            "koko tiiviste on tiedostossa manifest.json)."),
    "section.checks": ("Check results", "Tarkastusten tulokset"),
    "section.findings": ("Findings by family and severity", "Havainnot perheittäin ja vakavuuksittain"),
    "section.top": ("Top findings", "Tärkeimmät havainnot"),
    "section.top.note": ("The {shown} most severe of {total} open findings. Data subjects appear "
                         "only as keyed pseudonyms; the full list is in findings.csv.",
                         "{shown} vakavinta {total} avoimesta havainnosta. Rekisteröidyt näkyvät "
                         "vain avainnettuina pseudonyymeinä; koko luettelo on tiedostossa "
                         "findings.csv."),
    "section.not_run": ("What was not run", "Mitä ei ajettu"),
    "section.comparison": ("Compared with the previous period", "Vertailu edelliseen jaksoon"),
    "comparison.none": ("No report of the previous period ({previous}) was found beside this one, so "
                        "every finding is counted as new.",
                        "Edellisen jakson ({previous}) raporttia ei löytynyt tämän vierestä, joten "
                        "jokainen havainto lasketaan uudeksi."),
    "comparison.note": ("Open findings matched by fingerprint with the report of {previous}.",
                        "Avoimet havainnot verrattuna sormenjäljen perusteella jakson {previous} "
                        "raporttiin."),
    "comparison.key_changed": (
        "Not compared: this report was made with another pseudonym key than the report of {previous} (key "
        "fingerprint {then} then, {now} now). Subject references and fingerprints do not match across the "
        "two periods, so every finding about a subject would show as new and again as resolved; no change "
        "table is given, and acceptances by fingerprint of findings about subjects no longer apply. Use the "
        "previous key to compare, or treat this period as a new baseline.",
        "Ei verrattu: tämä raportti on tehty eri pseudonymisointiavaimella kuin jakson {previous} raportti "
        "(avaimen sormenjälki silloin {then}, nyt {now}). Rekisteröityjen tunnisteet ja havaintojen "
        "sormenjäljet eivät täsmää jaksojen välillä, joten jokainen rekisteröityä koskeva havainto näkyisi "
        "sekä uutena että korjattuna; muutostaulukkoa ei anneta, eivätkä sormenjäljellä hyväksytyt "
        "rekisteröityjä koskevat riskit enää päde. Käytä vertailuun edellistä avainta tai pidä tätä jaksoa "
        "uutena lähtötasona."),
    "comparison.key_unknown": ("The report of {previous} does not record its pseudonym key's fingerprint (an "
                               "older regaudit made it): the comparison assumes the key did not change.",
                               "Jakson {previous} raportti ei kerro pseudonymisointiavaimensa sormenjälkeä "
                               "(sen teki vanhempi regaudit): vertailu olettaa, ettei avain ole vaihtunut."),
    "comparison.new": ("New", "Uusia"),
    "comparison.still_open": ("Still open", "Yhä avoinna"),
    "comparison.resolved": ("Resolved", "Korjattu"),
    "not_run.none": ("Every check ran and every input was accepted.",
                     "Kaikki tarkastukset ajettiin ja kaikki aineistot hyväksyttiin."),
    "not_run.rejected": ("Input files not loaded, or with rows quarantined while loading:",
                         "Lataamatta jääneet tiedostot ja latauksessa karanteeniin siirretyt rivit:"),
    "not_run.other": ("Other parts of the audit that could not be evaluated:",
                      "Muut tarkastuksen osat, joita ei voitu arvioida:"),
    "col.file": ("File", "Tiedosto"),
    "col.detail": ("Detail", "Lisätieto"),
    "col.role": ("Role", "Rooli"),
    "col.format": ("Format", "Muoto"),
    "col.rows_read": ("Rows read", "Luettu"),
    "col.rows_loaded": ("Rows loaded", "Ladattu"),
    "col.rows_quarantined": ("Quarantined", "Karanteenissa"),
    "col.sha256": ("SHA-256", "SHA-256"),
    "col.check_id": ("Check", "Tarkastus"),
    "col.family": ("Family", "Perhe"),
    "col.title": ("Title", "Otsikko"),
    "col.severity": ("Severity", "Vakavuus"),
    "col.kind": ("Kind", "Laji"),
    # A breach the declaration or the data shows, or an item the lead must verify (it may be fine).
    "kind.breach": ("breach", "rikkomus"),
    "kind.verify": ("verify", "tarkistettava"),
    "col.legal_refs": ("Legal references", "Oikeusperusta"),
    "col.status": ("Status", "Tila"),
    "col.population": ("Tested", "Testattu"),
    "col.failures": ("Failures", "Poikkeamat"),
    "col.reason": ("Reason", "Syy"),
    "col.subject_ref": ("Subject (pseudonym)", "Rekisteröity (pseudonyymi)"),
    "col.record_ref": ("Record", "Tietue"),
    "col.event_at": ("Event time", "Tapahtuma-aika"),
    "col.message": ("Finding", "Havainto"),
    "chart.check_status": ("Checks by family and status", "Tarkastukset perheittäin ja tiloittain"),
    "chart.checks": ("checks", "tarkastusta"),
    "chart.findings_by_family": ("Open findings by family and severity",
                                 "Avoimet havainnot perheittäin ja vakavuuksittain"),
    "chart.findings": ("findings", "havaintoa"),
    "chart.no_findings": ("No open findings", "Ei avoimia havaintoja"),
    "status.pass": ("pass", "hyväksytty"),
    "status.not_tested": ("not tested: no record in scope", "ei testattu: ei yhtään tarkastettavaa tietuetta"),
    "status.fail": ("fail", "hylätty"),
    "status.error": ("error", "virhe"),
    "status.not_run": ("not run", "ajamatta"),
    "status.not_run_not_exported": ("not run: no export", "ajamatta: ei vientiä"),
    "severity.critical": ("critical", "kriittinen"),
    "severity.high": ("high", "korkea"),
    "severity.medium": ("medium", "keskitaso"),
    "severity.low": ("low", "matala"),
    "family.notice": ("notice", "seloste"),
    "family.inventory": ("inventory", "tietosisältö"),
    "family.consent": ("consent", "suostumus"),
    "family.retention": ("retention", "säilytys"),
    "family.rights": ("rights", "oikeudet"),
    "family.disclosure": ("disclosure", "luovutukset"),
    "family.access": ("access", "käyttöoikeudet"),
    "family.quality": ("quality", "laatu"),
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """Return the report text for ``key`` in ``lang`` ("en" or "fi"), formatted with ``values``.

    An unknown family/status/severity key falls back to its own last part, so that a new family
    added by a check file still shows up (untranslated) instead of breaking the report.
    """
    index = 1 if lang == "fi" else 0
    pair = _TEXT.get(key)
    if pair is None:
        return key.rsplit(".", 1)[-1]
    return pair[index].format(**values) if values else pair[index]
