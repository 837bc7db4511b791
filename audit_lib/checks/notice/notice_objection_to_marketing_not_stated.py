"""Direct marketing is declared but the right to object to it is not stated (GDPR Art. 21(2)), or is stated only
within other information instead of explicitly and separately (Art. 21(4), rights.objection_presented_separately)."""

from __future__ import annotations

from audit_lib.checks.notice._common import MARKETING_USES, ref, register_of

CHECK = {
    "id": "notice_objection_to_marketing_not_stated",
    "title": {"en": "Right to object to direct marketing not stated",
              "fi": "Oikeutta kieltää suoramarkkinointi ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 21(2)", "GDPR Art. 21(4)", "GDPR Art. 13(2)(b)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "The register declares direct marketing ({purposes}) but the notice {problem_en}.",
        "fi": "Rekisteriin on ilmoitettu suoramarkkinointia ({purposes}), mutta seloste {problem_fi}.",
    },
    "remediation": {
        "en": "State clearly and apart from other information that the subject may object to direct marketing at "
              "any time, and how (add objection_to_marketing to rights.stated).",
        "fi": "Kerro selkeästi ja muista tiedoista erillään, että rekisteröity voi kieltää suoramarkkinoinnin "
              "milloin tahansa, ja miten (lisää objection_to_marketing kohtaan rights.stated).",
    },
    "evidence": ["purposes"],
}


def _marketing(register) -> list[str]:
    return [p.id for p in register.purposes if p.fides_use.split(".")[0] in MARKETING_USES]


def find(context):
    """One row when marketing purposes exist and the right is not stated."""
    register = register_of(context)
    purposes = _marketing(register)
    if not purposes:
        return []
    if "objection_to_marketing" not in register.rights.stated:
        return [{"record_ref": ref(context, "rights", "stated"), "purposes": ", ".join(purposes),
                 "problem_en": "does not state, separately, the right to object to it at any time",
                 "problem_fi": "ei erikseen kerro oikeudesta kieltää se milloin tahansa"}]
    if not register.rights.objection_presented_separately:
        return [{"record_ref": ref(context, "rights", "objection_presented_separately"),
                 "purposes": ", ".join(purposes), "legal_refs": ["GDPR Art. 21(4)", "GDPR Art. 21(2)"],
                 "problem_en": "mentions the right to object to it only within other information, not explicitly, "
                               "clearly and separately from it",
                 "problem_fi": "mainitsee oikeuden kieltää se vain muiden tietojen lomassa eikä nimenomaisesti, "
                               "selkeästi ja muista tiedoista erillään"}]
    return []


def population(context) -> int:
    """Marketing purposes declared."""
    return len(_marketing(register_of(context)))
