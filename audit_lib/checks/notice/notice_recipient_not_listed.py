"""A recipient or processor holds register data but the notice does not list it (GDPR Art. 13(1)(e))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_recipient_not_listed",
    "title": {"en": "Recipient not listed in the notice",
              "fi": "Vastaanottajaa ei ole mainittu selosteessa"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(1)(e)", "GDPR Art. 30(1)(d)", "GDPR Art. 5(1)(a)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "{kind_en} {recipient} ({label_en}) receives register data but the notice does not list it among the "
              "recipients{contradiction_en}.",
        "fi": "{kind_fi} {recipient} ({label_fi}) saa rekisterin tietoja, mutta seloste ei mainitse sitä "
              "vastaanottajana{contradiction_fi}.",
    },
    "remediation": {
        "en": "List every recipient or category of recipients, processors included, in the notice; "
              "'data is not disclosed outside the service' does not cover a processor's servers.",
        "fi": "Mainitse selosteessa kaikki vastaanottajat tai vastaanottajaryhmät, myös käsittelijät; "
              "'tietoja ei luovuteta palvelun ulkopuolelle' ei kata käsittelijän palvelimia.",
    },
    "evidence": ["recipient", "kind"],
}


KINDS = {"processor": ("Processor", "Käsittelijä"), "controller": ("Controller", "Rekisterinpitäjä"),
         "joint_controller": ("Joint controller", "Yhteisrekisterinpitäjä"), "authority": ("Authority", "Viranomainen")}


def find(context):
    """One row per recipient not listed in the notice."""
    register = register_of(context)
    rows = []
    for index, recipient in enumerate(register.recipients):
        if recipient.listed_in_notice_as_recipient:
            continue
        denies = not register.disclosures.to_third_parties
        rows.append({"record_ref": ref(context, "recipients", index, "listed_in_notice_as_recipient"),
                     "recipient": recipient.id, "kind": recipient.kind, "kind_en": KINDS[recipient.kind][0],
                     "kind_fi": KINDS[recipient.kind][1],
                     "label_en": recipient.label.en, "label_fi": recipient.label.fi,
                     "contradiction_en": "; it even says no data leaves the service" if denies else "",
                     "contradiction_fi": "; sen mukaan tietoja ei edes luovuteta palvelun ulkopuolelle" if denies
                     else ""})
    return rows


def population(context) -> int:
    """Recipients declared."""
    return len(register_of(context).recipients)
