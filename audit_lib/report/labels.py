"""Words of the report and of the Art. 30 record, looked up by key: English as written here, Finnish from the
catalog (audit_lib/i18n.py)."""

from __future__ import annotations

from audit_lib.i18n import NC_, N_, N_plural, language, ngettext, translate

# key: the English text, the catalog's msgid (its Finnish is in audit_lib/locale/fi/LC_MESSAGES/regaudit.po).
_TEXT: dict[str, str] = {
    # key: (English, Finnish)
    "title": N_("Register audit report"),
    "cover.register": N_("Register"),
    "cover.controller": N_("Controller"),
    "cover.business_id": N_("Business ID"),
    "cover.period": N_("Audit period"),
    "cover.period_range": N_("{start} – {end} (end exclusive)"),
    "cover.run_id": N_("Run ID"),
    # The run's start in the register's zone: ISO 8601 with offset, then the zone's name (report/times.py).
    "cover.started": N_("Run started"),
    "cover.auditor": N_("Auditor"),
    "cover.approver": N_("Approver"),
    "cover.not_named": N_("not named"),
    "cover.signature": N_("Signature"),
    "cover.signed": N_("manifest.json.asc: OpenPGP signature of manifest.json by the key {fingerprint}"),
    "cover.unsigned": N_("not signed (SHA256SUMS and manifest.json hold the hashes of every file)"),
    "footer.started": N_("started"),
    "cover.status": N_("Audit status"),
    "cover.complete": N_("Complete: every check ran on every input."),
    "cover.incomplete": N_("INCOMPLETE: some checks could not run or an input was rejected; see “What was "
                           "not run”."),
    "cover.summary": N_("{checks} checks: {passed} passed, {failed} failed, {errors} errors, {not_run} not "
                        "run, {not_tested} not tested (no record in scope). {open} open findings, {accepted} "
                        "accepted."),
    "cover.kicker": N_("Evidence for the supervisory authority"),
    "cover.more_reasons": N_("… and {n} more (see “What was not run”)."),
    "cover.contents": N_("Contents: scope and inputs; the declaration and the Art. 30 record; summary; one "
                         "section per check family; changes since the previous period; what was not run; "
                         "appendices: accepted risks, check catalogue, manifest. Data subjects appear only "
                         "as keyed pseudonyms (S-…)."),
    "section.scope": N_("Scope and inputs"),
    "section.scope.note": N_("The audit covers the period {period}: events inside it, states as of its end."),
    "section.quarantine": N_("Quarantined rows"),
    "quarantine.none": N_("The loader set no row aside."),
    "quarantine.note": N_("Rows the loader could not read, per file and reason (the first lines shown; the "
                          "rows themselves are not copied into the report)."),
    "col.reason_code": N_("Reason"),
    "col.rows": N_("Rows"),
    "col.lines": N_("Lines"),
    "section.declaration": N_("The declaration"),
    "section.declaration.note": N_("What the controller states in register.yaml, judged against GDPR Art. "
                                   "13, 14 and 30 and current Finnish law, and the record of processing "
                                   "activities it yields."),
    "section.notice": N_("Findings about the declaration"),
    "notice.none": N_("No findings about the declaration."),
    "section.summary": N_("Summary"),
    "section.summary.note": N_("A check passes only when it ran and found nothing; a check that broke or "
                               "lacked an input is counted as such, never as passed."),
    "section.status_counts": N_("Checks by outcome"),
    "section.severity": N_("Open findings by family and severity"),
    "section.provisions": N_("By legal provision"),
    "provisions.framework_note": N_("Provisions of the framework {framework}, including those no check tests "
                                    "from data; a provision's status is its worst check's."),
    "provisions.untested": N_("no check"),
    # A check no bundled sample plants a violation of (audit_lib/sample/ground_truth.py).
    "col.no_ground_truth": N_("Not covered by the end-to-end ground truth"),
    "coverage.no_ground_truth": N_("not covered by the end-to-end ground truth (no planted violation in the "
                                   "bundled samples)"),
    "col.provision": N_("Provision"),
    "col.checks": N_("Checks"),
    "col.findings": N_("Open findings"),
    "col.total": N_("total"),
    "section.family": N_("Checks: {family}"),
    "family.none": N_("No open findings in this family."),
    "family.top": N_("The {shown} most severe of {total} open findings (all of them are in findings.csv). "
                     "Times are local times in {zone}."),
    "comparison.accepted": N_("Accepted (listed in the appendix)"),
    "comparison.listed": N_("{shown} of {total} shown; every change is in changes.csv."),
    "col.first_seen": N_("First seen"),
    "section.accepted": N_("Appendix: accepted risks"),
    "section.accepted.note": N_("Findings the controller has accepted, with the reason, who accepted them "
                                "and until when. They are not counted as open, and are never dropped."),
    "accepted.file": N_("Accepted-risks file SHA-256: {sha}"),
    "accepted.none": N_("No finding was accepted as a risk."),
    "accepted.unmatched": N_("Entries of the accepted-risks file that match no finding of this period "
                             "(review or remove them): {entries}"),
    "col.accepted_reason": NC_("accepted risk", "Reason"),
    "col.accepted_by": N_("Accepted by"),
    "col.accepted_until": N_("Until"),
    "section.catalogue": N_("Appendix: check catalogue"),
    "section.catalogue.note": N_("Every check the audit ran: the provisions it tests, how (an SQL query over "
                                 "the canonical views, or a Python function) and on which inputs, and what "
                                 "to do about a finding."),
    "method.sql": N_("SQL"),
    "method.python": N_("Python"),
    "col.method": N_("Method and inputs"),
    "col.remediation": N_("Remediation"),
    "section.manifest": N_("Appendix: manifest"),
    "section.manifest.note": N_("manifest.json, written beside this report after every other output, holds "
                                "the SHA-256 and row counts of every input file, the hashes below, the "
                                "parameters, the start and end times, and the SHA-256 of every file of the "
                                "report folder. SHA256SUMS lists the same files and the manifest in the "
                                "format of GNU sha256sum: `sha256sum -c SHA256SUMS` in the folder checks "
                                "them. A signed report has manifest.json.asc beside them, an OpenPGP "
                                "signature of the manifest; `regaudit verify FOLDER` checks the hashes and "
                                "the signature."),
    "manifest.catalogue": N_("Check catalogue version"),
    "manifest.language": N_("Report language"),
    "manifest.packages": N_("Package versions"),
    "chart.failures": N_("failures (open findings)"),
    "chart.failures_of": N_("{failures} of {tested}"),
    "chart.family": N_("Failures per check: {family}"),
    "section.inputs": N_("Inputs"),
    "section.inputs.note": N_("Every file the audit read, with its SHA-256 (first 12 characters shown; the "
                              "full hash is in manifest.json)."),
    "section.checks": N_("Check results"),
    "section.findings": N_("Findings by family and severity"),
    "section.top": N_("Top findings"),
    "section.top.note": N_("The {shown} most severe of {total} open findings. Data subjects appear only as "
                           "keyed pseudonyms; the full list is in findings.csv. Times are local times in "
                           "{zone}."),
    "section.not_run": N_("What was not run"),
    "section.comparison": N_("Compared with the previous period"),
    "comparison.none": N_("No report of the previous period ({previous}) was found beside this one, so every "
                          "finding is counted as new."),
    "comparison.note": N_("Open findings matched by fingerprint with the report of {previous}."),
    "comparison.key_changed": N_("Not compared: this report was made with another pseudonym key than the "
                                 "report of {previous} (key fingerprint {then} then, {now} now). Subject "
                                 "references and fingerprints do not match across the two periods, so every "
                                 "finding about a subject would show as new and again as resolved; no change "
                                 "table is given, and acceptances by fingerprint of findings about subjects "
                                 "no longer apply. Use the previous key to compare, or treat this period as "
                                 "a new baseline."),
    "comparison.key_unknown": N_("The report of {previous} does not record its pseudonym key's fingerprint "
                                 "(an older regaudit made it): the comparison assumes the key did not change."),
    "comparison.new": N_("New"),
    "comparison.still_open": N_("Still open"),
    "comparison.resolved": N_("Resolved"),
    "not_run.none": N_("Every check ran and every input was accepted."),
    "not_run.rejected": N_("Input files not loaded, or with rows quarantined while loading:"),
    "not_run.other": N_("Other parts of the audit that could not be evaluated:"),
    "col.file": N_("File"),
    "col.detail": N_("Detail"),
    "col.role": N_("Role"),
    "col.format": N_("Format"),
    "col.rows_read": N_("Rows read"),
    "col.rows_loaded": N_("Rows loaded"),
    "col.rows_quarantined": N_("Quarantined"),
    "col.sha256": N_("SHA-256"),
    "col.check_id": N_("Check"),
    "col.family": N_("Family"),
    "col.title": N_("Title"),
    "col.severity": N_("Severity"),
    "col.kind": N_("Kind"),
    # A breach the declaration or the data shows, or an item the lead must verify (it may be fine).
    "kind.breach": N_("breach"),
    "kind.verify": N_("verify"),
    "col.legal_refs": N_("Legal references"),
    "col.status": N_("Status"),
    "col.population": N_("Tested"),
    "col.failures": N_("Failures"),
    "col.reason": N_("Reason"),
    "col.subject_ref": N_("Subject (pseudonym)"),
    "col.record_ref": N_("Record"),
    "col.event_at": N_("Event time"),
    "col.event_at_in": N_("Event time ({zone})"),
    "col.message": N_("Finding"),
    "chart.check_status": N_("Checks by family and status"),
    "chart.checks": N_("checks"),
    "chart.findings_by_family": N_("Open findings by family and severity"),
    "chart.findings": N_("findings"),
    "chart.no_findings": N_("No open findings"),
    "status.pass": N_("pass"),
    "status.not_tested": N_("not tested: no record in scope"),
    "status.fail": N_("fail"),
    "status.error": N_("error"),
    "status.not_run": N_("not run"),
    "status.not_run_not_exported": N_("not run: no export"),
    # An input file's status (audit_lib/loader): read and loaded, set aside, broken, not needed by the
    # checks run (--only), read by no entry of exports.yaml, or listed under its ignore: with a reason.
    "input.loaded": N_("loaded"),
    "input.rejected": N_("rejected"),
    "input.error": N_("error"),
    "input.skipped": N_("skipped"),
    "input.not_mapped": N_("not mapped"),
    "input.ignored": N_("ignored"),
    "severity.critical": N_("critical"),
    "severity.high": N_("high"),
    "severity.medium": N_("medium"),
    "severity.low": N_("low"),
    "family.notice": N_("notice"),
    "family.inventory": N_("inventory"),
    "family.consent": N_("consent"),
    "family.retention": N_("retention"),
    "family.rights": N_("rights"),
    "family.disclosure": N_("disclosure"),
    "family.access": N_("access"),
    "family.quality": N_("quality"),
    # The record of processing activities (audit_lib/ropa.py). The headings of points (a)–(g) follow the
    # wording of Art. 30(1) in the Regulation's Finnish and English texts (the point's closing
    # qualifications left out).
    "ropa.title": N_("Record of processing activities"),
    "ropa.subtitle": N_("GDPR Article 30(1)"),
    "ropa.source": N_("Generated from"),
    "ropa.gap_legend": N_("Highlighted lines are gaps: the register description does not say it, or says too "
                          "little. They need fixing."),
    "ropa.a": N_("Name and contact details of the controller and, where applicable, the joint controller, the "
                 "controller's representative and the data protection officer"),
    "ropa.b": N_("Purposes of the processing"),
    "ropa.c": N_("Description of the categories of data subjects and of the categories of personal data"),
    "ropa.d": N_("Categories of recipients"),
    "ropa.e": N_("Transfers of personal data to a third country or an international organisation, and the "
                 "documentation of suitable safeguards"),
    "ropa.f": N_("Envisaged time limits for erasure of the different categories of data"),
    "ropa.g": N_("General description of the technical and organisational security measures referred to in "
                 "Article 32(1)"),
    "ropa.not_stated": N_("not stated"),
    "ropa.controller": N_("Controller"),
    "ropa.business_id": N_("Business id"),
    "ropa.address": N_("Address"),
    "ropa.contact": N_("Contact"),
    "ropa.contact_person": N_("Contact person"),
    "ropa.dpo": N_("Data protection officer"),
    "ropa.dpo_none": N_("none appointed (stated)"),
    "ropa.joint": N_("Joint controllers"),
    "ropa.none_declared": N_("none declared"),
    "ropa.representative": N_("Representative"),
    "ropa.representative_eu": N_("not required: the controller is established in the EU/EEA"),
    "ropa.register": N_("Register"),
    "ropa.basis": N_("lawful basis"),
    "ropa.interest": N_("legitimate interest"),
    "ropa.data": N_("data"),
    "ropa.subjects": N_("Categories of data subjects"),
    "ropa.categories": N_("Categories of personal data"),
    "ropa.not_in_notice": N_("not listed in the published notice"),
    "ropa.special": N_("Special categories of data"),
    "ropa.special_condition": N_("Art. 9(2) condition"),
    "ropa.special_revealed": N_("may be revealed by"),
    "ropa.special_none": N_("none declared"),
    "ropa.third_parties": N_("Disclosures to third parties"),
    "ropa.yes": N_("yes"),
    "ropa.no": N_("no"),
    "ropa.kind": N_("role"),
    "ropa.country": N_("country"),
    "ropa.art28": N_("Art. 28 processing agreement"),
    "ropa.listed": N_("listed in the notice"),
    "ropa.purposes": N_("purposes"),
    "ropa.transfers": N_("Transfers outside the EU/EEA"),
    "ropa.safeguards": N_("safeguards"),
    "ropa.notice_statement": N_("What the notice says"),
    "ropa.rule": N_("Rule"),
    # Where a period counts from (RetentionRule.anchor); the bookkeeping ones in the words of
    # kirjanpitolaki 2:10 § 1 and 2 mom.
    "ropa.anchor.none": N_("from the event"),
    "ropa.anchor.end_of_year": N_("from the end of the calendar year"),
    "ropa.anchor.end_of_financial_period": N_("from the end of the financial period"),
    "ropa.anchor.end_of_year_financial_period_ended": N_("from the end of the year in which the financial "
                                                         "period ended"),
    "ropa.at_least": N_("at least"),
    "ropa.period_ends": N_("the financial period ends on"),
    "ropa.period_default": N_("default, not stated"),
    "ropa.action.delete": N_("then deleted"),
    "ropa.action.anonymise": N_("then anonymised"),
    "ropa.action.keep": N_("no erasure time is declared beyond the minimum"),
    "ropa.table": N_("table"),
    "ropa.via_table": N_("no rule of its own: the rule of table {role}"),
    "ropa.rule_categories_none": N_("no categories named"),
    "ropa.internal": N_("internal rule, not stated in the notice"),
    "ropa.legal": N_("basis"),
    "ropa.no_period": N_("No retention period is declared: no retention rule covers this category"),
    "ropa.measures": N_("Measures"),
    # A recipient's role (Recipient.kind).
    "ropa.kind.processor": N_("processor"),
    "ropa.kind.controller": N_("controller"),
    "ropa.kind.joint_controller": N_("joint controller"),
    "ropa.kind.authority": N_("authority"),
    "ropa.unknown": N_("not known"),
    # The lawful bases of GDPR Art. 6(1) by name (Purpose.lawful_basis).
    "ropa.lawful_basis.consent": N_("consent"),
    "ropa.lawful_basis.contract": N_("contract"),
    "ropa.lawful_basis.legal_obligation": N_("legal obligation"),
    "ropa.lawful_basis.vital_interests": N_("vital interests"),
    "ropa.lawful_basis.public_task": N_("public task"),
    "ropa.lawful_basis.legitimate_interests": N_("legitimate interests"),
}
# Texts with a count, as (singular, plural); ``{n}`` is the count.
_PLURALS: dict[str, tuple[str, str]] = {
    "ropa.years": N_plural("{n} year", "{n} years"),
    "ropa.months": N_plural("{n} month", "{n} months"),
    "ropa.days": N_plural("{n} day", "{n} days"),
}


def text(key: str, lang: str = "en", **values: object) -> str:
    """Return the report text for ``key`` in ``lang`` ("en" or "fi"; another is read as "en"), formatted
    with ``values``.

    An unknown family/status/severity key falls back to its own last part, so that a new family
    added by a check file still shows up (untranslated) instead of breaking the report.
    """
    message = _TEXT.get(key)
    if message is None:
        return key.rsplit(".", 1)[-1]
    template = translate(message, language(lang))
    return template.format(**values) if values else template


def plural(key: str, n: int, lang: str = "en") -> str:
    """The text with a count ``key`` for ``n`` in ``lang`` (singular or plural as the language has it), with
    ``{n}`` filled."""
    singular, many = _PLURALS[key]
    return ngettext(singular, many, n, language(lang)).format(n=n)
