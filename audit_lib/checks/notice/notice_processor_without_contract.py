"""A processor is declared without an Art. 28 contract.

A notice need not mention the processing agreement, so its silence (art28_contract: null) is an item to verify;
a declared absence (false) is a breach."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_processor_without_contract",
    "title": {"en": "Processor without a data processing agreement",
              "fi": "Henkilötietojen käsittelijä ilman käsittelysopimusta"},
    "severity": "high",
    "legal": ["GDPR Art. 28(3)", "GDPR Art. 28(1)", "GDPR Art. 30(1)(d)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Processor {recipient} ({label_en}) holds register data but no Art. 28 processing agreement is "
              "declared ({state_en}).",
        "fi": "Käsittelijä {recipient} ({label_fi}) käsittelee rekisterin tietoja, mutta 28 artiklan mukaista "
              "käsittelysopimusta ei ole ilmoitettu ({state_fi}).",
    },
    "remediation": {
        "en": "Conclude a processing agreement with the content of Art. 28(3) with every processor, and record it "
              "(art28_contract: true).",
        "fi": "Tee jokaisen käsittelijän kanssa 28 artiklan 3 kohdan mukainen käsittelysopimus ja kirjaa se "
              "(art28_contract: true).",
    },
    "evidence": ["recipient", "state"],
}


def find(context):
    """One row per processor whose art28_contract is not true."""
    return [{"record_ref": ref(context, "recipients", index, "art28_contract"), "recipient": recipient.id,
             "label_en": recipient.label.en, "label_fi": recipient.label.fi,
             "state": "unknown" if recipient.art28_contract is None else "none",
             "finding_kind": "verify" if recipient.art28_contract is None else "breach",
             "state_en": "the notice does not say whether one exists" if recipient.art28_contract is None else "none made",
             "state_fi": "seloste ei kerro, onko sellainen tehty" if recipient.art28_contract is None else "sopimusta ei ole"}
            for index, recipient in enumerate(register_of(context).recipients)
            if recipient.kind == "processor" and recipient.art28_contract is not True]


def population(context) -> int:
    """Processors declared."""
    return sum(r.kind == "processor" for r in register_of(context).recipients)
