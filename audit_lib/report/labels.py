"""Words of the report in English and Finnish, looked up by key (no logic, no imports)."""

from __future__ import annotations

SEVERITIES = ("critical", "high", "medium", "low")
STATUSES = ("pass", "fail", "error", "not_run")
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
                      "{not_run} not run. {open} open findings, {accepted} accepted.",
                      "{checks} tarkastusta: {passed} hyväksytty, {failed} hylätty, {errors} "
                      "virhettä, {not_run} ajamatta. {open} avointa havaintoa, {accepted} "
                      "hyväksyttyä riskiä."),
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
    "status.fail": ("fail", "hylätty"),
    "status.error": ("error", "virhe"),
    "status.not_run": ("not run", "ajamatta"),
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
