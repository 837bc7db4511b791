"""A "publication ban" offered as in the repealed act, instead of a lawful basis for publishing."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_publication_ban_obsolete",
    "title": {"en": "Publication ban: a concept of the repealed act",
              "fi": "Julkaisukielto: kumotun lain käsite"},
    "severity": "low",
    "legal": ["GDPR Art. 6(1)", "GDPR Art. 13(1)(c)", "Tietosuojalaki 1050/2018 38 §"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The notice offers a '{ban_en}' as under the repealed henkilötietolaki; publishing data (such as "
              "providers' profiles) needs its own lawful basis, not an opt-out.",
        "fi": "Seloste tarjoaa kumotun henkilötietolain aikaisen kiellon ('{ban_fi}'); tietojen julkaiseminen (kuten "
              "palveluntarjoajien profiilit) tarvitsee oman käsittelyperusteen, ei kieltomahdollisuutta.",
    },
    "remediation": {
        "en": "Declare what is published as a purpose with its Art. 6(1) basis (for a provider's profile usually "
              "the contract), and replace the ban with the right to object where legitimate interests apply.",
        "fi": "Ilmoita julkaiseminen käyttötarkoituksena 6 artiklan 1 kohdan perusteineen (palveluntarjoajan "
              "profiilissa yleensä sopimus) ja korvaa kielto vastustamisoikeudella, jos peruste on oikeutettu etu.",
    },
    "evidence": ["ban"],
}


def find(context):
    """One row per declared publication ban."""
    return [{"record_ref": ref(context, "marketing", "bans", key), "ban": key, "ban_en": label.en,
             "ban_fi": label.fi}
            for key, label in register_of(context).marketing.bans.items()
            if "publication" in key or "julkaisu" in label.fi.lower()]


def population(context) -> int:
    """Bans declared."""
    return len(register_of(context).marketing.bans)
