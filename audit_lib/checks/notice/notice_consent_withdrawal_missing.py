"""Processing rests on consent but the notice does not state the right to withdraw it (GDPR Art. 13(2)(c)).

The right to state is to withdraw consent "at any time, without affecting the lawfulness of processing based on
consent before its withdrawal" (Art. 13(2)(c), 7(3)). A general statement (rights.withdrawal_of_consent_stated)
covers every consent; otherwise what the notice says per marketing channel (marketing.channels[].withdrawal) is
compared part by part, and the finding says what is missing rather than that nothing is said."""

from __future__ import annotations

from audit_lib.checks.notice._common import ref, register_of

CHECK = {
    "id": "notice_consent_withdrawal_missing",
    "title": {"en": "Right to withdraw consent not stated",
              "fi": "Oikeutta peruuttaa suostumus ei ole ilmoitettu"},
    "severity": "medium",
    "legal": ["GDPR Art. 13(2)(c)", "GDPR Art. 7(3)"],
    "scope": "declaration",
    "needs": {},
    "message": {
        "en": "Consent is relied on ({relied_on}); {statement_en}.",
        "fi": "Käsittely perustuu suostumukseen ({relied_on}); {statement_fi}.",
    },
    "remediation": {
        "en": "State that consent can be withdrawn at any time, as easily as it was given, without affecting "
              "earlier processing, and how to do it.",
        "fi": "Kerro, että suostumuksen voi peruuttaa milloin tahansa yhtä helposti kuin sen antoi, ettei "
              "peruutus vaikuta aiempaan käsittelyyn, ja miten peruutus tehdään.",
    },
    "evidence": ["relied_on", "missing_en"],
}


def _consent_channels(register) -> list:
    return [c for c in register.marketing.channels if c.requires == "opt_in_consent"]


def _other_uses(register) -> list[str]:
    """Uses of consent that no consent channel's statement can cover."""
    channels = {c.channel for c in _consent_channels(register)}
    uses = [f"purposes: {p.id}" for p in register.purposes
            if p.lawful_basis == "consent" and p.fides_use.split(".")[-1] not in channels]
    condition = (register.special_categories.art9_condition or "").lower()
    if "9(2)(a)" in condition or "consent" in condition or "suostum" in condition:
        uses.append("special_categories.art9_condition")
    return uses


def _relied_on(register) -> list[str]:
    # Key paths and ids only: the same words in either language of the message.
    uses = [f"purposes: {p.id}" for p in register.purposes if p.lawful_basis == "consent"]
    uses += [f"marketing.channels: {c.channel}" for c in _consent_channels(register)]
    return uses + [u for u in _other_uses(register) if u not in uses]


def _join(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def find(context):
    """One row when consent is relied on and the notice does not state, for each consent, that it can be withdrawn
    at any time without affecting earlier processing."""
    register = register_of(context)
    relied_on = _relied_on(register)
    if not relied_on or register.rights.withdrawal_of_consent_stated:
        return []
    said_en, said_fi, missing_en, missing_fi, unaffected = [], [], [], [], []
    for channel in _consent_channels(register):
        withdrawal = channel.withdrawal
        if withdrawal is None:
            missing_en.append(f"that consent to {channel.channel} marketing can be withdrawn")
            missing_fi.append(f"että suostumuksen {channel.channel}-markkinointiin voi peruuttaa")
            continue
        if withdrawal.at_any_time:
            said_en.append(f"consent to {channel.channel} marketing can be withdrawn at any time")
            said_fi.append(f"suostumuksen {channel.channel}-markkinointiin voi peruuttaa milloin tahansa")
        else:
            said_en.append(f"consent to {channel.channel} marketing can be withdrawn")
            said_fi.append(f"suostumuksen {channel.channel}-markkinointiin voi peruuttaa")
            missing_en.append(f"that consent to {channel.channel} marketing can be withdrawn at any time")
            missing_fi.append(f"että suostumuksen {channel.channel}-markkinointiin voi peruuttaa milloin tahansa")
        if not withdrawal.without_affecting_prior_processing:
            unaffected.append((f"{channel.channel} marketing", f"{channel.channel}-markkinointiin"))
    for use in _other_uses(register):
        missing_en.append(f"that consent ({use}) can be withdrawn at any time")
        missing_fi.append(f"että suostumuksen ({use}) voi peruuttaa milloin tahansa")
        unaffected.append((use, f"({use})"))
    if unaffected:
        missing_en.append(f"that withdrawing consent to {_join([u[0] for u in unaffected], 'or')} does not affect "
                          "the lawfulness of processing before the withdrawal")
        missing_fi.append(f"ettei suostumuksen {_join([u[1] for u in unaffected], 'tai')} peruuttaminen vaikuta "
                          "ennen peruuttamista tapahtuneen käsittelyn lainmukaisuuteen")
    if not missing_en:
        return []
    return [{"record_ref": ref(context, "rights", "withdrawal_of_consent_stated"), "relied_on": ", ".join(relied_on),
             "missing_en": _join(missing_en, "nor"),
             "statement_en": f"the notice says that {_join(said_en, 'and')}, but not {_join(missing_en, 'nor')}"
             if said_en else f"the notice does not say {_join(missing_en, 'nor')}",
             "statement_fi": f"selosteen mukaan {_join(said_fi, 'ja')}, mutta se ei kerro, {_join(missing_fi, 'eikä')}"
             if said_fi else f"seloste ei kerro, {_join(missing_fi, 'eikä')}"}]


def population(context) -> int:
    """Uses of consent declared."""
    return len(_relied_on(register_of(context)))
