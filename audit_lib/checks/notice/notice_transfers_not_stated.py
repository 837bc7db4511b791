"""The notice is silent on transfers outside the EU/EEA, or names one without safeguards (GDPR Art. 13(1)(f)).

Art. 13(1)(f) asks for information on transfers the controller intends; silence is a breach only where the
declaration names a recipient outside the EU/EEA, otherwise an item to verify (no transfer may be intended)."""

from __future__ import annotations

from audit_lib.checks.notice._common import EEA, ROW_PROBLEM_MESSAGE, ref, register_of

CHECK = {
    "id": "notice_transfers_not_stated",
    "title": {"en": "Transfers outside the EU/EEA not stated",
              "fi": "Siirroista EU:n/ETA:n ulkopuolelle ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(1)(f)", "GDPR Art. 44–46", "GDPR Art. 30(1)(e)"],
    "scope": "declaration",
    "needs": {},
    "message": ROW_PROBLEM_MESSAGE,
    "remediation": {
        "en": "State whether data is transferred outside the EU/EEA; for each transfer name the country and the "
              "safeguard (adequacy decision, standard contractual clauses) and where a copy can be obtained.",
        "fi": "Kerro, siirretäänkö tietoja EU:n/ETA:n ulkopuolelle; ilmoita kunkin siirron maa ja suojatoimi "
              "(tietosuojan riittävyyttä koskeva päätös, vakiolausekkeet) ja mistä niistä saa jäljennöksen.",
    },
    "evidence": ["recipient", "country"],
}


def find(context):
    """Rows for a silent notice, a transfer without safeguards, and recipients outside the EEA left unstated."""
    register = register_of(context)
    disclosures = register.disclosures
    rows = []
    outside = [r.id for r in register.recipients if (r.country or "").upper() not in ("", *EEA)]
    unknown = [r.id for r in register.recipients if not r.country]
    if disclosures.transfers_outside_eea is None:
        rows.append({"record_ref": ref(context, "disclosures", "transfers_outside_eea"), "recipient": "", "country": "",
                     "finding_kind": "breach" if outside else "verify",
                     "problem_en": "The notice does not say whether personal data is transferred outside the EU/EEA"
                                   + (f", though recipients {', '.join(outside)} are outside it." if outside else
                                      "; no recipient outside it is declared"
                                      + (f" (the country of {', '.join(unknown)} is not stated)" if unknown else "")
                                      + ", so verify that none is intended."),
                     "problem_fi": "Seloste ei kerro, siirretäänkö henkilötietoja EU:n/ETA:n ulkopuolelle"
                                   + (f", vaikka vastaanottajat {', '.join(outside)} ovat sen ulkopuolella." if outside
                                      else "; sen ulkopuolisia vastaanottajia ei ole ilmoitettu"
                                      + (f" (vastaanottajan {', '.join(unknown)} maata ei kerrota)" if unknown else "")
                                      + ", joten tarkista, ettei siirtoja aiota.")})
    elif disclosures.transfers_outside_eea and not disclosures.transfer_safeguards:
        rows.append({"record_ref": ref(context, "disclosures", "transfer_safeguards"), "recipient": "", "country": "",
                     "problem_en": "The notice says data is transferred outside the EU/EEA but names no safeguard.",
                     "problem_fi": "Selosteen mukaan tietoja siirretään EU:n/ETA:n ulkopuolelle, mutta suojatoimia "
                                   "ei nimetä."})
    for index, recipient in enumerate(register.recipients):
        country = (recipient.country or "").upper()
        if not country or country in EEA:
            continue
        if disclosures.transfers_outside_eea is False:
            rows.append({"record_ref": ref(context, "recipients", index, "country"), "recipient": recipient.id,
                         "country": country,
                         "problem_en": f"Recipient {recipient.id} is in {country}, outside the EU/EEA, yet the notice "
                                       "says no data leaves the EU/EEA.",
                         "problem_fi": f"Vastaanottaja {recipient.id} on maassa {country} EU:n/ETA:n ulkopuolella, "
                                       "vaikka selosteen mukaan tietoja ei siirretä EU:n/ETA:n ulkopuolelle."})
        elif not (recipient.safeguards or disclosures.transfer_safeguards):
            rows.append({"record_ref": ref(context, "recipients", index, "safeguards"), "recipient": recipient.id,
                         "country": country,
                         "problem_en": f"Recipient {recipient.id} is in {country}, outside the EU/EEA, with no "
                                       "safeguard named.",
                         "problem_fi": f"Vastaanottaja {recipient.id} on maassa {country} EU:n/ETA:n ulkopuolella, "
                                       "eikä suojatoimia nimetä."})
    return rows


def population(context) -> int:
    """The transfer statement and each recipient."""
    return 1 + len(register_of(context).recipients)
