"""Marketing, profiling or analytics resting on legitimate interests (or on nothing) with no interest described.

A purpose the notice bases on consent or another basis needs no interest. Where the basis is stated as legitimate
interests, the missing interest is a breach of Art. 13(1)(d); where no basis is stated (itself a breach,
notice_lawful_basis_missing), the interest is due only if the basis turns out to be legitimate interests: verify."""

from __future__ import annotations

from audit_lib.checks.notice._common import INTEREST_USES, ref, register_of, uses_profiling


def _relevant(register, purpose) -> bool:
    if purpose.lawful_basis == "legitimate_interests":
        return True
    # With no basis stated, the processing most often argued on legitimate interests must describe it.
    return purpose.lawful_basis is None and (purpose.fides_use.split(".")[0] in INTEREST_USES
                                             or uses_profiling(register, purpose))


CHECK = {
    "id": "notice_legitimate_interest_missing",
    "title": {"en": "Legitimate interest not described",
              "fi": "Oikeutettua etua ei ole kuvattu"},
    "severity": "high",
    "legal": ["GDPR Art. 13(1)(d)", "GDPR Art. 6(1)(f)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Purpose {purpose} ({label_en}) {situation_en}, but the notice describes no legitimate interest pursued.",
        "fi": "Käyttötarkoitus {purpose} ({label_fi}) {situation_fi}, mutta selosteessa ei kuvata tavoiteltua "
              "oikeutettua etua.",
    },
    "remediation": {
        "en": "Where a purpose rests on legitimate interests, describe the interest (and the balancing) in the "
              "notice; otherwise name the basis it does rest on, such as consent for e-mail and SMS marketing.",
        "fi": "Jos käyttötarkoitus perustuu oikeutettuun etuun, kuvaa etu (ja tasapainotus) selosteessa; muuten "
              "ilmoita peruste, johon käsittely perustuu, esimerkiksi suostumus sähköposti- ja "
              "tekstiviestimarkkinointiin.",
    },
    "evidence": ["purpose", "lawful_basis"],
}


def find(context):
    """One row per marketing, profiling or analytics purpose on legitimate interests (or none) without the interest."""
    register = register_of(context)
    rows = []
    for index, purpose in enumerate(register.purposes):
        if _relevant(register, purpose) and purpose.legitimate_interest is None:
            stated = purpose.lawful_basis == "legitimate_interests"
            rows.append({
                "record_ref": ref(context, "purposes", index, "legitimate_interest"), "purpose": purpose.id,
                "label_en": purpose.label.en, "label_fi": purpose.label.fi,
                "lawful_basis": purpose.lawful_basis or "none",
                "finding_kind": "breach" if stated else "verify",
                "situation_en": "rests on legitimate interests" if stated else
                "states no basis and may rest on legitimate interests, as marketing, profiling and analytics "
                "usually do",
                "situation_fi": "perustuu oikeutettuun etuun" if stated else
                "on ilmoitettu ilman käsittelyperustetta ja voi perustua oikeutettuun etuun, kuten "
                "markkinointi, profilointi ja analytiikka yleensä",
            })
    return rows


def population(context) -> int:
    """Purposes on legitimate interests, or marketing, profiling and analytics purposes with no basis."""
    register = register_of(context)
    return sum(_relevant(register, p) for p in register.purposes)
