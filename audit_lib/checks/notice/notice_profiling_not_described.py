"""Profiling data is collected but the notice says nothing of profiling or automated decisions.

Profiling for ad targeting is a purpose the notice must state (Art. 13(1)(c), recital 60, 5(1)(a)), with
the right to object (Art. 21(2)); Art. 13(2)(f) applies only to Art. 22 automated decisions, so the statement on
automated decisions is due only where the declaration says such decisions are made
(profiling.automated_decisions_made: true); that row cites 13(2)(f) and 22(1) itself."""

from __future__ import annotations

from audit_lib.checks.notice._common import profiling_categories, ref, register_of, uses_profiling

CHECK = {
    "id": "notice_profiling_not_described",
    "title": {"en": "Profiling not described in the notice",
              "fi": "Profilointia ei ole kuvattu selosteessa"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(1)(c)", "GDPR recital 60", "GDPR Art. 5(1)(a)", "GDPR Art. 21(2)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The register holds profiling data ({evidence_of_profiling}) but the notice {missing_en}.",
        "fi": "Rekisterissä on profilointitietoja ({evidence_of_profiling}), mutta seloste {missing_fi}.",
    },
    "remediation": {
        "en": "Describe the profiling (what is inferred, from which data, for what) and state whether decisions "
              "with legal or similarly significant effects are made automatically, with their logic and effects.",
        "fi": "Kuvaa profilointi (mitä päätellään, mistä tiedoista ja mihin tarkoitukseen) ja kerro, tehdäänkö "
              "oikeusvaikutuksia tai vastaavia vaikutuksia aiheuttavia automaattisia päätöksiä, niiden logiikka ja "
              "merkitys.",
    },
    "evidence": ["evidence_of_profiling"],
}


def _evidence(register) -> list[str]:
    found = []
    if register.profiling.collected:
        found.append("profiling.collected")
    # Key paths and ids only: the same words in either language of the message.
    found += [f"data_categories: {c}" for c in profiling_categories(register)]
    found += [f"purposes: {p.id}" for p in register.purposes if uses_profiling(register, p)]
    return found


def find(context):
    """A row for a missing profiling statement, and one for a missing statement on automated decisions."""
    register = register_of(context)
    evidence = _evidence(register)
    if not evidence:
        return []
    rows = []
    common = {"evidence_of_profiling": ", ".join(evidence)}
    if register.profiling.statement is None:
        rows.append({"record_ref": ref(context, "profiling", "statement"), **common,
                     "missing_en": "does not describe the profiling",
                     "missing_fi": "ei kuvaa profilointia"})
    if register.profiling.automated_decisions_made and register.profiling.automated_decisions is None:
        rows.append({"record_ref": ref(context, "profiling", "automated_decisions"), **common,
                     "legal_refs": ["GDPR Art. 13(2)(f)", "GDPR Art. 22(1)"],
                     "missing_en": "does not describe the automated decisions the declaration says are made "
                                   "(their logic and consequences)",
                     "missing_fi": "ei kuvaa automaattisia päätöksiä, joita selosteen mukaan tehdään (niiden "
                                   "logiikkaa ja merkitystä)"})
    return rows


def population(context) -> int:
    """Statements due where profiling exists: its description, and one on Art. 22 decisions where they are made."""
    register = register_of(context)
    if not _evidence(register):
        return 0
    return 2 if register.profiling.automated_decisions_made else 1
