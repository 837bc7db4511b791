"""The notice does not say whether providing the data is required, and what follows if not (Art. 13(2)(e))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_provision_requirement_missing",
    "title": {"en": "Whether providing the data is required is not stated",
              "fi": "Tietojen antamisen pakollisuutta ei ole kerrottu"},
    "severity": "low",
    "legal": ["GDPR Art. 13(2)(e)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The notice does not say whether providing the data is a statutory or contractual requirement, or "
              "what follows from not providing it.",
        "fi": "Seloste ei kerro, perustuuko tietojen antaminen lakiin tai sopimukseen tai mitä seuraa, jos tietoja "
              "ei anneta.",
    },
    "remediation": {
        "en": "Say which data is needed to register and to buy, which is voluntary (interests, marketing consents), "
              "and what happens without it (register.provision_requirement).",
        "fi": "Kerro, mitkä tiedot tarvitaan rekisteröitymiseen ja ostamiseen, mitkä ovat vapaaehtoisia "
              "(kiinnostukset, markkinointisuostumukset) ja mitä seuraa, jos niitä ei anneta "
              "(register.provision_requirement).",
    },
}


def find(context):
    """One row when register.provision_requirement is not stated."""
    if register_of(context).register_info.provision_requirement is not None:
        return []
    return [{"record_ref": ref(context, "register", "provision_requirement")}]


def population(context) -> int:
    """One notice."""
    return 1
