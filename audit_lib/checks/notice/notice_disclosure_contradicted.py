"""The notice reserves a right to disclose register data while saying that no data is disclosed.

A reserved disclosure (disclosures.reserved, e.g. "oikeus ... luovuttaa rekisterissä olevia tietoja ...
suoramarkkinointia varten") against a denial (disclosures.to_third_parties: false) leaves the subject unable to
tell whether and to whom data goes (GDPR Art. 13(1)(e)) and makes the notice misleading (Art. 5(1)(a)). A
disclosure for direct marketing is processing the subject may object to (Art. 21(2))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_disclosure_contradicted",
    "title": {"en": "The notice reserves a disclosure it denies elsewhere",
              "fi": "Seloste varaa oikeuden luovutukseen, jonka se muualla kiistää"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(1)(e)", "GDPR Art. 5(1)(a)", "GDPR Art. 21(2)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The notice reserves a right to disclose register data{purpose_en} to recipients it does not name, "
              "yet says that no data is disclosed outside the service{objection_en}.",
        "fi": "Seloste varaa oikeuden luovuttaa rekisterin tietoja{purpose_fi} vastaanottajille, joita se ei nimeä, "
              "mutta kertoo, ettei tietoja luovuteta palvelun ulkopuolelle{objection_fi}.",
    },
    "remediation": {
        "en": "Decide whether data is disclosed. If not, delete the reserved right; if so, name the recipients or "
              "their categories and the basis, and for direct marketing tell the subject that they may object.",
        "fi": "Ratkaise, luovutetaanko tietoja. Jos ei, poista varattu oikeus; jos luovutetaan, nimeä "
              "vastaanottajat tai vastaanottajaryhmät ja käsittelyperuste ja kerro suoramarkkinoinnin osalta "
              "oikeudesta vastustaa.",
    },
    "evidence": ["for_direct_marketing"],
}


def find(context):
    """One row per reserved disclosure the notice denies elsewhere (disclosures.to_third_parties: false)."""
    register = register_of(context)
    disclosures = register.disclosures
    if disclosures.to_third_parties:
        return []
    rows = []
    for index, reserved in enumerate(disclosures.reserved):
        marketing = reserved.for_direct_marketing
        rows.append({
            "record_ref": ref(context, "disclosures", "reserved", index), "for_direct_marketing": marketing,
            "legal_refs": ["GDPR Art. 13(1)(e)", "GDPR Art. 5(1)(a)"] + (["GDPR Art. 21(2)"] if marketing else []),
            "purpose_en": " for direct marketing" if marketing else "",
            "purpose_fi": " suoramarkkinointia varten" if marketing else "",
            "objection_en": "; disclosing it for direct marketing is processing the subject may object to "
                            "(Art. 21(2))" if marketing else "",
            "objection_fi": "; luovutus suoramarkkinointiin on käsittelyä, jota rekisteröity voi vastustaa "
                            "(21 artiklan 2 kohta)" if marketing else "",
        })
    return rows


def population(context) -> int:
    """Disclosures the notice reserves."""
    return len(register_of(context).disclosures.reserved)
