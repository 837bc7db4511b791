"""The notice does not state the right to complain to the supervisory authority (GDPR Art. 13(2)(d))."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_complaint_right_missing",
    "title": {"en": "Right to complain to the supervisory authority not stated",
              "fi": "Oikeutta tehdä valitus valvontaviranomaiselle ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(2)(d)", "GDPR Art. 77", "Tietosuojalaki 1050/2018 8 §"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The notice does not tell the data subject of the right to lodge a complaint with the supervisory "
              "authority (in Finland the Office of the Data Protection Ombudsman).",
        "fi": "Seloste ei kerro rekisteröidyn oikeudesta tehdä valitus valvontaviranomaiselle "
              "(Suomessa Tietosuojavaltuutetun toimisto).",
    },
    "remediation": {
        "en": "Add that the subject may complain to the Office of the Data Protection Ombudsman "
              "(tietosuoja.fi), and set rights.complaint_to_authority_stated.",
        "fi": "Lisää, että rekisteröity voi tehdä valituksen Tietosuojavaltuutetun toimistolle (tietosuoja.fi), "
              "ja merkitse rights.complaint_to_authority_stated.",
    },
}


def find(context):
    """One row when the complaint right is not stated."""
    if register_of(context).rights.complaint_to_authority_stated:
        return []
    return [{"record_ref": ref(context, "rights", "complaint_to_authority_stated")}]


def population(context) -> int:
    """One notice."""
    return 1
