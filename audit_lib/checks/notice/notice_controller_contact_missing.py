"""The controller's identity or contact details are incomplete (GDPR Art. 13(1)(a))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_controller_contact_missing",
    "title": {"en": "Controller's contact details incomplete",
              "fi": "Rekisterinpitäjän yhteystiedot puutteelliset"},
    "severity": "high",
    "legal": ["GDPR Art. 13(1)(a)", "GDPR Art. 30(1)(a)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The controller {controller} is given without {missing}.",
        "fi": "Rekisterinpitäjä {controller} on ilmoitettu ilman tietoja: {missing}.",
    },
    "remediation": {
        "en": "Give the controller's name, postal address and an e-mail address or phone number for data-protection "
              "matters.",
        "fi": "Ilmoita rekisterinpitäjän nimi, postiosoite ja tietosuoja-asioiden sähköpostiosoite tai "
              "puhelinnumero.",
    },
    "evidence": ["missing"],
}


def find(context):
    """One row when the controller lacks a name, an address or a way to contact it."""
    controller = register_of(context).controller
    missing = []
    if not controller.name.strip():
        missing.append("name")
    if not (controller.address.street.strip() and controller.address.city.strip()):
        missing.append("postal address")
    if not (controller.email or controller.phone):
        missing.append("e-mail or phone")
    if missing:
        return [{"record_ref": ref(context, "controller"), "controller": controller.name or "-",
                 "missing": ", ".join(missing)}]
    return []


def population(context) -> int:
    """One controller."""
    return 1
