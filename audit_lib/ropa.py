"""The record of processing activities (GDPR Art. 30(1)) generated from register.yaml, in Finnish and English.

One structure (:func:`build_ropa`: sections (a)–(g) in the order of Art. 30(1), each a list of entries)
rendered three ways: Markdown, HTML (escaped, self-contained, print-friendly) and CSV (formula-safe).
Where the declaration is silent, the record says so in words instead of leaving a blank: a gap in the
record is itself something the controller must fix. The quarterly report includes
:func:`ropa_html_section` as one of its sections.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.durations import parse_duration
from audit_lib.i18n import N_, N_plural, ngettext, translate

if TYPE_CHECKING:
    import pandas as pd

    from audit_lib.declaration.exports import ExportMap
    from audit_lib.declaration.register import Label, Register, RetentionRule

LANGS = ("fi", "en")
EEA = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO".split())

# key: the English text, the catalog's msgid (its Finnish is in audit_lib/locale/fi/LC_MESSAGES/regaudit.po).
_T = {
    "title": N_("Record of processing activities"),
    "subtitle": N_("GDPR Article 30(1)"),
    "source": N_("Generated from"),
    "gap_legend": N_("Highlighted lines are gaps: the register description does not say it, or says too "
                     "little. They need fixing."),
    # The headings of points (a)–(g) follow the wording of Art. 30(1) in the Regulation's Finnish and
    # English texts (the point's closing qualifications left out).
    "a": N_("Name and contact details of the controller and, where applicable, the joint controller, the "
            "controller's representative and the data protection officer"),
    "b": N_("Purposes of the processing"),
    "c": N_("Description of the categories of data subjects and of the categories of personal data"),
    "d": N_("Categories of recipients"),
    "e": N_("Transfers of personal data to a third country or an international organisation, and the "
            "documentation of suitable safeguards"),
    "f": N_("Envisaged time limits for erasure of the different categories of data"),
    "g": N_("General description of the technical and organisational security measures referred to in "
            "Article 32(1)"),
    "not_stated": N_("not stated"),
    "controller": N_("Controller"),
    "business_id": N_("Business id"),
    "address": N_("Address"),
    "contact": N_("Contact"),
    "contact_person": N_("Contact person"),
    "dpo": N_("Data protection officer"),
    "dpo_none": N_("none appointed (stated)"),
    "joint": N_("Joint controllers"),
    "none_declared": N_("none declared"),
    "representative": N_("Representative"),
    "representative_eu": N_("not required: the controller is established in the EU/EEA"),
    "register": N_("Register"),
    "basis": N_("lawful basis"),
    "interest": N_("legitimate interest"),
    "data": N_("data"),
    "subjects": N_("Categories of data subjects"),
    "categories": N_("Categories of personal data"),
    "not_in_notice": N_("not listed in the published notice"),
    "special": N_("Special categories of data"),
    "special_condition": N_("Art. 9(2) condition"),
    "special_revealed": N_("may be revealed by"),
    "special_none": N_("none declared"),
    "third_parties": N_("Disclosures to third parties"),
    "yes": N_("yes"),
    "no": N_("no"),
    "kind": N_("role"),
    "country": N_("country"),
    "art28": N_("Art. 28 processing agreement"),
    "listed": N_("listed in the notice"),
    "purposes": N_("purposes"),
    "transfers": N_("Transfers outside the EU/EEA"),
    "safeguards": N_("safeguards"),
    "notice_statement": N_("What the notice says"),
    "rule": N_("Rule"),
    # Where a period counts from (RetentionRule.anchor); the bookkeeping ones in the words of
    # kirjanpitolaki 2:10 § 1 and 2 mom.
    "anchor.none": N_("from the event"),
    "anchor.end_of_year": N_("from the end of the calendar year"),
    "anchor.end_of_financial_period": N_("from the end of the financial period"),
    "anchor.end_of_year_financial_period_ended": N_("from the end of the year in which the financial period "
                                                    "ended"),
    "at_least": N_("at least"),
    "period_ends": N_("the financial period ends on"),
    "period_default": N_("default, not stated"),
    "action.delete": N_("then deleted"),
    "action.anonymise": N_("then anonymised"),
    "action.keep": N_("no erasure time is declared beyond the minimum"),
    "table": N_("table"),
    "via_table": N_("no rule of its own: the rule of table {role}"),
    "rule_categories_none": N_("no categories named"),
    "internal": N_("internal rule, not stated in the notice"),
    "legal": N_("basis"),
    "no_period": N_("No retention period is declared: no retention rule covers this category"),
    "measures": N_("Measures"),
    "processor": N_("processor"),
    "joint_controller": N_("joint controller"),
    "authority": N_("authority"),
    "unknown": N_("not known"),
}
# Lawful bases of Art. 6(1): the name (in the catalog) and the point (cited by finnish_citation in Finnish).
_BASES = {
    "consent": (N_("consent"), "Art. 6(1)(a)"),
    "contract": (N_("contract"), "Art. 6(1)(b)"),
    "legal_obligation": (N_("legal obligation"), "Art. 6(1)(c)"),
    "vital_interests": (N_("vital interests"), "Art. 6(1)(d)"),
    "public_task": (N_("public task"), "Art. 6(1)(e)"),
    "legitimate_interests": (N_("legitimate interests"), "Art. 6(1)(f)"),
}
_KINDS = {"controller": N_("controller")}


def _t(key: str, lang: str) -> str:
    return translate(_T.get(key) or _KINDS[key], lang)


# Statutes the project cites by number alone ("917/2014 200 § 1 mom."), by their Finnish name.
_STATUTES = {
    "917/2014": "laki sähköisen viestinnän palveluista",
    "1336/1997": "kirjanpitolaki",
    "1050/2018": "tietosuojalaki",
    "728/2003": "vanhentumislaki",
    "38/1978": "kuluttajansuojalaki",
    "150/1930": "laki säädettyjen määräaikain laskemisesta",
}
# The parts of a provision: (nominative, genitive) of the word after the number.
_PARTS = {"artikla": ("artikla", "artiklan"), "kohta": ("kohta", "kohdan"), "alakohta": ("alakohta", "alakohdan"),
          "luku": ("luku", "luvun"), "§": ("§", "§:n"), "momentti": ("momentti", "momentin")}
_GDPR = re.compile(r"(?P<gdpr>GDPR\s+)?Art(?:icle|\.)\s*(?P<art>\d+(?:\s*[–-]\s*\d+)?)"
                   r"(?:\((?P<par>\d+)\)(?:\((?P<sub>[a-z])\))?)?")
_RECITAL = re.compile(r"GDPR\s+[Rr]ecital\s+(?P<n>\d+)")
_NUMBER = r"\d{1,5}/\d{4}"
_SECTION = re.compile(r"(?:(?P<ch>\d+)\s+luku\s+|(?P<ch2>\d+):)?(?P<sec>\d+(?:\s+[a-z])?)\s*§"
                      r"(?:\s+(?P<mom>\d+)\s+mom\.)?(?:\s+(?P<kohta>\d+)\s+kohta)?")
_STATUTE = re.compile(rf"(?:(?P<name>[^\W\d][\w-]*(?:\s+[^\W\d][\w-]*)*)\s+)?(?P<number>{_NUMBER})"
                      rf"(?:\s+(?P<section>.+))?")


def _provision(parts: list[tuple[str, str]]) -> str:
    """'6 artiklan 1 kohdan a alakohta': every part in the genitive but the last."""
    return " ".join(f"{number} {_PARTS[word][0 if i == len(parts) - 1 else 1]}"
                    for i, (number, word) in enumerate(parts))


def _lower_first(name: str) -> str:
    """'Kirjanpitolaki' -> 'kirjanpitolaki' (a law's name is written in lower case in running text); a
    first word with further capitals (an abbreviation) is left alone."""
    first = name.split()[0]
    return name if any(ch.isupper() for ch in first[1:]) else name[0].lower() + name[1:]


def _law_genitive(name: str) -> str | None:
    """'Kirjanpitolaki' -> 'kirjanpitolain'; 'laki sähköisen viestinnän palveluista' -> 'sähköisen viestinnän
    palveluista annetun lain'; None for a name not of these forms."""
    words = _lower_first(name).split()
    if words[0] == "laki" and len(words) > 1:
        return " ".join(words[1:]) + " annetun lain"
    if words[-1].endswith("laki"):
        return " ".join(words[:-1] + [words[-1][:-4] + "lain"])
    if words[-1].endswith("asetus"):
        return " ".join(words[:-1] + [words[-1][:-6] + "asetuksen"])
    return None


def finnish_citation(citation: str) -> str:
    """A citation of the project's English form written as Finnish legal text does.

    ``GDPR Art. 6(1)(a)`` -> 'tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta' (``Art. 6(1)(a)``
    without 'GDPR' -> '6 artiklan 1 kohdan a alakohta'); ``Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.``
    -> 'kirjanpitolain (1336/1997) 2 luvun 10 §:n 2 momentti'; ``Laki sähköisen viestinnän palveluista
    917/2014 200 § 1 mom.`` and ``917/2014 200 § 1 mom.`` -> 'sähköisen viestinnän palveluista annetun
    lain (917/2014) 200 §:n 1 momentti'. A citation of any other form is returned unchanged, never
    half-translated.
    """
    text = " ".join(citation.split())
    match = _GDPR.fullmatch(text)
    if match:
        parts = [(match["art"].replace(" ", ""), "artikla")]
        if match["par"]:
            parts.append((match["par"], "kohta"))
        if match["sub"]:
            parts.append((match["sub"], "alakohta"))
        return ("tietosuoja-asetuksen " if match["gdpr"] else "") + _provision(parts)
    match = _RECITAL.fullmatch(text)
    if match:
        return f"tietosuoja-asetuksen johdanto-osan {match['n']} kappale"
    match = _STATUTE.fullmatch(text)
    if not match:
        return citation
    name = match["name"] or _STATUTES.get(match["number"])
    if name is None:
        return citation
    number, genitive = match["number"], _law_genitive(name)
    if genitive is None:
        return citation
    if match["section"] is None:
        return f"{_lower_first(name)} ({number})"
    section = _SECTION.fullmatch(match["section"])
    if section is None:
        return citation
    parts = []
    if section["ch"] or section["ch2"]:
        parts.append((section["ch"] or section["ch2"], "luku"))
    parts.append((section["sec"], "§"))
    if section["mom"]:
        parts.append((section["mom"], "momentti"))
    if section["kohta"]:
        parts.append((section["kohta"], "kohta"))
    return f"{genitive} ({number}) {_provision(parts)}"


def _cite(citation: str, lang: str) -> str:
    """The citation as the record in ``lang`` shows it."""
    return finnish_citation(citation) if lang == "fi" else citation


class Gap(str):
    """A value line that records a gap: the declaration is silent, or says something the law does not allow."""


@dataclass
class RopaEntry:
    """One item of the record: a label and its value lines (``Gap`` lines mark what is missing)."""

    label: str
    lines: list[str]

    @property
    def gap(self) -> bool:
        """True if any line of the entry is a gap."""
        return any(isinstance(line, Gap) for line in self.lines)


@dataclass
class RopaSection:
    """One point of Art. 30(1): its letter, heading and entries."""

    letter: str
    title: str
    entries: list[RopaEntry] = field(default_factory=list)
    lang: str = "en"

    @property
    def article(self) -> str:
        """The provision, e.g. ``GDPR Art. 30(1)(a)`` (the same in both languages: an identifier)."""
        return f"GDPR Art. 30(1)({self.letter})"

    @property
    def provision(self) -> str:
        """The provision as the record in its language shows it: 'tietosuoja-asetuksen 30 artiklan 1 kohdan
        a alakohta' in Finnish, ``GDPR Art. 30(1)(a)`` in English."""
        return _cite(self.article, self.lang)


# The units of a period, singular and plural (the catalog gives both in Finnish).
_UNITS = (N_plural("{n} year", "{n} years"), N_plural("{n} month", "{n} months"), N_plural("{n} day", "{n} days"))


def human_duration(text: str, lang: str) -> str:
    """``P6Y`` -> '6 years' / '6 vuotta'; ``P1Y6M`` -> '1 year 6 months'."""
    duration = parse_duration(text)
    years, months = divmod(duration.months, 12)
    parts = [ngettext(singular, plural, n, lang).format(n=n)
             for n, (singular, plural) in zip((years, months, duration.days), _UNITS) if n]
    return " ".join(parts) or text


def _label(label: "Label | None", lang: str) -> str:
    return label.get(lang) if label is not None else ""


def _gap(label: str, lang: str) -> RopaEntry:
    return RopaEntry(label, [Gap(_t("not_stated", lang))])


def _line(text: str, gap: bool) -> str:
    return Gap(text) if gap else text


def _day_month(month_day: str, lang: str) -> str:
    """'06-30' -> '30.6.' / '30 June'."""
    import calendar

    month, day = (int(part) for part in month_day.split("-"))
    return f"{day}.{month}." if lang == "fi" else f"{day} {calendar.month_name[month]}"


def retention_period(rule: "RetentionRule", register: "Register", lang: str) -> str:
    """A rule's planned time limit as the law words it, e.g. 'vähintään 6 vuotta sen vuoden lopusta, jonka
    aikana tilikausi on päättynyt (orders.ordered_at; tilikausi päättyy 30.6.; kirjanpitolain (1336/1997)
    2 luvun 10 §:n 2 momentti); sen jälkeen tiedot poistetaan'.

    The bookkeeping anchors are worded as kirjanpitolaki 2:10 § 1 and 2 mom. word them (never 'the end of
    the calendar year'), with the controller's financial period end and the provision that sets them; a
    statutory minimum says 'at least'."""
    from audit_lib.declaration.register import BOOKKEEPING

    t = lambda key: _t(key, lang)  # noqa: E731
    details = [" / ".join(f"{rule.role}.{name}" for name in rule.start_fields)]
    if rule.anchor in ("end_of_financial_period", "end_of_year_financial_period_ended"):
        controller = register.controller
        ends = f"{t('period_ends')} {_day_month(controller.financial_period_ends, lang)}"
        if "financial_period_ends" not in controller.model_fields_set:
            ends += f" ({t('period_default')})"
        details.append(ends)
        statute = [BOOKKEEPING[rule.bookkeeping][2]] if rule.bookkeeping else list(rule.legal)
        details += [_cite(c, lang) for c in statute]
    period = (f"{t('at_least')} " if rule.is_minimum else "") + human_duration(rule.duration, lang)
    return f"{period} {t('anchor.' + (rule.anchor or 'none'))} ({'; '.join(details)}); {t('action.' + rule.action)}"


def category_roles(exports: "ExportMap | None") -> dict[str, list[str]]:
    """Declared category id -> the roles (tables) whose exported columns hold it, from exports.yaml."""
    held: dict[str, list[str]] = {}
    for export in exports.exports if exports is not None else []:
        roles = [export.role] if export.role else export.roles
        for spec in export.columns.values():
            if spec.category:
                held.setdefault(spec.category, [])
                held[spec.category] += [r for r in roles if r not in held[spec.category]]
    return held


def build_ropa(register: "Register", lang: str = "en", *, exports: "ExportMap | None" = None) -> list[RopaSection]:
    """The record of processing as sections (a)–(g) of Art. 30(1), in ``lang`` ('fi' or 'en').

    ``exports`` (exports.yaml), where given, tells which tables hold each category: a category no
    retention rule names is then shown under the rules of those tables (rules that name no categories)."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use fi or en")
    t = lambda key: _t(key, lang)  # noqa: E731
    categories = {c.id: c for c in register.data_categories}
    purposes = {p.id: p for p in register.purposes}
    cat = lambda cid: categories[cid].label.get(lang) if cid in categories else cid  # noqa: E731

    # (a) controller, joint controllers, representative, DPO
    controller = register.controller
    a = RopaSection("a", t("a"))
    name = controller.name + (f" ({controller.trade_name})" if controller.trade_name else "")
    a.entries.append(RopaEntry(t("controller"), [name]))
    if controller.business_id:
        a.entries.append(RopaEntry(t("business_id"), [controller.business_id]))
    address = controller.address
    a.entries.append(RopaEntry(t("address"), [f"{address.street}, {address.postal_code} {address.city}, "
                                              f"{address.country}"]))
    contact = [v for v in (controller.email, controller.phone) if v]
    a.entries.append(RopaEntry(t("contact"), contact) if contact else _gap(t("contact"), lang))
    person = register.contact_person
    if person is not None:
        a.entries.append(RopaEntry(t("contact_person"), [", ".join(v for v in (person.name, person.phone,
                                                                                person.email) if v)]))
    dpo = register.dpo
    if dpo is not None and (dpo.email or dpo.phone):
        a.entries.append(RopaEntry(t("dpo"), [", ".join(v for v in (dpo.name, dpo.phone, dpo.email) if v)]))
    elif dpo is None and register.dpo_appointed is False:
        a.entries.append(RopaEntry(t("dpo"), [t("dpo_none")]))
    else:
        a.entries.append(_gap(t("dpo"), lang))
    joint = [r.label.get(lang) for r in register.recipients if r.kind == "joint_controller"]
    a.entries.append(RopaEntry(t("joint"), joint or [t("none_declared")]))
    a.entries.append(RopaEntry(t("representative"), [t("representative_eu")]) if address.country.upper() in EEA
                     else _gap(t("representative"), lang))

    # (b) purposes, with their lawful basis (Art. 6(1)) and the interest where it is legitimate interests
    b = RopaSection("b", t("b"))
    b.entries.append(RopaEntry(t("register"), [register.register_info.name.get(lang)]))
    for purpose in register.purposes:
        basis = None
        if purpose.lawful_basis:
            name, point = _BASES[purpose.lawful_basis]
            basis = f"{translate(name, lang)} ({_cite(point, lang)})"
        lines = [_line(f"{t('basis')}: {basis or t('not_stated')}", basis is None)]
        if purpose.legitimate_interest is not None:
            lines.append(f"{t('interest')}: {purpose.legitimate_interest.get(lang)}")
        elif purpose.lawful_basis == "legitimate_interests":
            lines.append(Gap(f"{t('interest')}: {t('not_stated')}"))
        if purpose.categories:
            lines.append(f"{t('data')}: " + ", ".join(cat(c) for c in purpose.categories))
        b.entries.append(RopaEntry(purpose.label.get(lang), lines))

    # (c) categories of data subjects and of personal data, special categories
    c = RopaSection("c", t("c"))
    for subject in register.subject_types:
        c.entries.append(RopaEntry(f"{t('subjects')}: {subject.label.get(lang)}",
                                   [", ".join(cat(cid) for cid in subject.categories)]))
    c.entries.append(RopaEntry(t("categories"), [
        f"{category.label.get(lang)} ({category.fides_key})"
        + ("" if category.stated_in_notice else f" — {t('not_in_notice')}")
        for category in register.data_categories]))
    special = register.special_categories
    if special.art9_condition:
        lines = [f"{t('special_condition')}: {_cite(special.art9_condition, lang)}"]
        if special.revealed_by:
            lines.append(f"{t('special_revealed')}: " + ", ".join(cat(cid) for cid in special.revealed_by))
        c.entries.append(RopaEntry(t("special"), lines))
    elif special.revealed_by:
        c.entries.append(RopaEntry(t("special"), [
            f"{t('special_revealed')}: " + ", ".join(cat(cid) for cid in special.revealed_by),
            Gap(f"{t('special_condition')}: {t('not_stated')}")]))
    else:
        c.entries.append(RopaEntry(t("special"), [t("special_none")]))

    # (d) recipients, processors included
    d = RopaSection("d", t("d"))
    yes_no = lambda value: t("unknown") if value is None else (t("yes") if value else t("no"))  # noqa: E731
    d.entries.append(RopaEntry(t("third_parties"), [t("yes") if register.disclosures.to_third_parties else t("no")]))
    for recipient in register.recipients:
        lines = [f"{t('kind')}: {_t(recipient.kind, lang)}",
                 _line(f"{t('country')}: {recipient.country or t('not_stated')}", recipient.country is None)]
        if recipient.kind == "processor":
            lines.append(_line(f"{t('art28')}: {yes_no(recipient.art28_contract)}", recipient.art28_contract is not True))
        lines.append(_line(f"{t('listed')}: {yes_no(recipient.listed_in_notice_as_recipient)}",
                           not recipient.listed_in_notice_as_recipient))
        if recipient.purposes:
            lines.append(f"{t('purposes')}: " + ", ".join(purposes[p].label.get(lang) if p in purposes else p
                                                          for p in recipient.purposes))
        if recipient.categories:
            lines.append(f"{t('data')}: " + ", ".join(cat(cid) for cid in recipient.categories))
        d.entries.append(RopaEntry(recipient.label.get(lang), lines))
    if not register.recipients:
        d.entries.append(RopaEntry(t("d"), [t("none_declared")]))

    # (e) transfers outside the EU/EEA
    e = RopaSection("e", t("e"))
    disclosures = register.disclosures
    if disclosures.transfers_outside_eea is None:
        e.entries.append(_gap(t("transfers"), lang))
    else:
        lines = [t("yes") if disclosures.transfers_outside_eea else t("no")]
        if disclosures.transfers_outside_eea:
            lines.append(_line(f"{t('safeguards')}: {disclosures.transfer_safeguards or t('not_stated')}",
                               not disclosures.transfer_safeguards))
        e.entries.append(RopaEntry(t("transfers"), lines))
    for recipient in register.recipients:
        if recipient.country and recipient.country.upper() not in EEA:
            safeguard = recipient.safeguards or disclosures.transfer_safeguards
            e.entries.append(RopaEntry(recipient.label.get(lang), [
                f"{t('country')}: {recipient.country}",
                _line(f"{t('safeguards')}: {safeguard or t('not_stated')}", not safeguard)]))

    # (f) time limits for erasure: per declared category, from the rules that name it (or, where exports.yaml
    # says which tables hold it, the rules of those tables); then each rule, its table and legal basis.
    f = RopaSection("f", t("f"))
    retention = register.retention
    if retention.notice_statement is not None:
        f.entries.append(RopaEntry(t("notice_statement"), [retention.notice_statement.get(lang)]))
    else:
        f.entries.append(_gap(t("notice_statement"), lang))
    held = category_roles(exports)
    for category in register.data_categories:
        own = [rule for rule in retention.rules if category.id in rule.categories]
        lines = []
        for rule in own:
            lines.append(_line(f"{rule.label.get(lang)}: {retention_period(rule, register, lang)}"
                               + ("" if rule.stated_in_notice else f" — {t('internal')}"), not rule.stated_in_notice))
        if not own:
            for rule in retention.rules:
                if not rule.categories and rule.role in held.get(category.id, ()):
                    via = t("via_table").format(role=rule.role)
                    lines.append(_line(f"{rule.label.get(lang)}: {retention_period(rule, register, lang)} ({via})"
                                       + ("" if rule.stated_in_notice else f" — {t('internal')}"),
                                       not rule.stated_in_notice))
        f.entries.append(RopaEntry(category.label.get(lang), lines or [Gap(t("no_period"))]))
    for rule in retention.rules:
        lines = [retention_period(rule, register, lang),
                 f"{t('table')}: {rule.role}; {t('data')}: "
                 + (", ".join(cat(cid) for cid in rule.categories) if rule.categories else t("rule_categories_none"))]
        if rule.basis:
            lines.append(f"{t('legal')}: " + "; ".join(_cite(c, lang) for c in rule.basis))
        if not rule.stated_in_notice:
            lines.append(Gap(t("internal")))
        f.entries.append(RopaEntry(f"{t('rule')}: {rule.label.get(lang)}", lines))

    # (g) security measures
    g = RopaSection("g", t("g"))
    measures = [m.get(lang) for m in register.security_measures]
    g.entries.append(RopaEntry(t("measures"), measures) if measures else _gap(t("measures"), lang))
    sections = [a, b, c, d, e, f, g]
    for section in sections:
        section.lang = lang
    return sections


def ropa_frame(register: "Register", lang: str = "en", *, exports: "ExportMap | None" = None) -> "pd.DataFrame":
    """The record as a table: one row per entry (article, section, item, value, gap); the article as the
    record's language cites it."""
    import pandas as pd

    rows = [{"article": section.provision, "section": section.title, "item": entry.label,
             "value": "\n".join(entry.lines), "gap": entry.gap}
            for section in build_ropa(register, lang, exports=exports) for entry in section.entries]
    return pd.DataFrame(rows, columns=["article", "section", "item", "value", "gap"])


def ropa_markdown(register: "Register", lang: str = "en", source_sha256: str | None = None, *,
                  exports: "ExportMap | None" = None) -> str:
    """The record as Markdown: every value from register.yaml escaped (``audit_lib.markdown``: no
    heading, HTML, link or table cell can come from it); gaps in bold."""
    from audit_lib.markdown import escape_markdown as md

    out = [f"# {md(_t('title', lang))}: {md(register.register_info.name.get(lang))}", "",
           f"*{md(_t('subtitle', lang))}*", ""]
    if source_sha256:
        out += [f"{md(_t('source', lang))} register.yaml, SHA-256 `{md(source_sha256)}`.", ""]
    out += [md(_t("gap_legend", lang)), ""]
    for section in build_ropa(register, lang, exports=exports):
        out += [f"## ({section.letter}) {md(section.title)}", "", f"*{md(section.provision)}*", "", "| | |",
                "|---|---|"]
        for entry in section.entries:
            value = "<br>".join(f"**{md(line)}**" if isinstance(line, Gap) else md(line) for line in entry.lines)
            out.append(f"| {md(entry.label)} | {value} |")
        out.append("")
    return "\n".join(out)


ROPA_CSS = """
.ropa { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
        line-height: 1.4; max-width: 60rem; }
.ropa h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
.ropa .ropa-sub { color: #555; margin: 0 0 1rem; }
.ropa .ropa-legend { font-size: .9rem; border-left: 4px solid #b45309; padding: .3rem .6rem; background: #fff7ed; }
.ropa section.ropa-point { margin: 1.2rem 0; break-inside: avoid; page-break-inside: avoid; }
.ropa h2, .ropa h3 { font-size: 1.15rem; margin: 0 0 .1rem; }
.ropa .ropa-article { font-size: .8rem; color: #555; margin: 0 0 .4rem; }
.ropa table { border-collapse: collapse; width: 100%; font-size: .92rem; }
.ropa th, .ropa td { border: 1px solid #c8c8c8; padding: .35rem .5rem; text-align: left; vertical-align: top; }
.ropa th { width: 30%; background: #f3f4f6; font-weight: 600; }
.ropa td ul { margin: 0; padding-left: 1.1rem; }
.ropa tr.ropa-gap td { background: #fff7ed; }
.ropa .ropa-gap-mark { font-weight: 700; color: #9a3412; }
.ropa code { font-size: .85em; overflow-wrap: anywhere; }
@media print {
  .ropa { max-width: none; font-size: 10.5pt; }
  .ropa tr { break-inside: avoid; page-break-inside: avoid; }
  .ropa tr.ropa-gap td, .ropa .ropa-legend, .ropa th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def ropa_html_section(register: "Register", lang: str = "en", *, heading_level: int = 2, include_style: bool = True,
                      source_sha256: str | None = None, exports: "ExportMap | None" = None) -> str:
    """The record as an HTML fragment (``<div class="ropa">``) for the quarterly report; every value escaped.

    ``heading_level`` is the level of the record's title (points (a)–(g) use the next level);
    ``include_style`` adds a ``<style>`` scoped to ``.ropa`` so the fragment looks right on its own.
    """
    e = html.escape
    h, h2 = f"h{heading_level}", f"h{min(heading_level + 1, 6)}"
    parts = [f"<style>{ROPA_CSS}</style>"] if include_style else []
    parts.append(f'<div class="ropa" lang="{lang}">')
    parts.append(f"<{h}>{e(_t('title', lang))}: {e(register.register_info.name.get(lang))}</{h}>")
    parts.append(f'<p class="ropa-sub">{e(_t("subtitle", lang))}</p>')
    if source_sha256:
        parts.append(f'<p class="ropa-sub">{e(_t("source", lang))} register.yaml, SHA-256 '
                     f'<code>{e(source_sha256)}</code></p>')
    parts.append(f'<p class="ropa-legend">{e(_t("gap_legend", lang))}</p>')
    for section in build_ropa(register, lang, exports=exports):
        parts.append(f'<section class="ropa-point" id="ropa-{section.letter}">')
        parts.append(f"<{h2}>({section.letter}) {e(section.title)}</{h2}>")
        parts.append(f'<p class="ropa-article">{e(section.provision)}</p><table>')
        for entry in section.entries:
            lines = [f'<span class="ropa-gap-mark">{e(line)}</span>' if isinstance(line, Gap) else e(line)
                     for line in entry.lines]
            value = lines[0] if len(lines) == 1 else "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
            row_class = ' class="ropa-gap"' if entry.gap else ""
            parts.append(f'<tr{row_class}><th scope="row">{e(entry.label)}</th><td>{value}</td></tr>')
        parts.append("</table></section>")
    parts.append("</div>")
    return "\n".join(parts)


def ropa_html(register: "Register", lang: str = "en", source_sha256: str | None = None, *,
              exports: "ExportMap | None" = None) -> str:
    """The record as a self-contained HTML document (no scripts, no external resources), print-friendly."""
    title = html.escape(f"{_t('title', lang)}: {register.register_info.name.get(lang)}")
    body = ropa_html_section(register, lang, heading_level=1, source_sha256=source_sha256, exports=exports)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            '<style>body { margin: 2rem; } @page { size: A4; margin: 18mm 15mm; } '
            '@media print { body { margin: 0; } }</style>\n'
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_ropa(register: "Register", out_dir: str | Path, langs: tuple[str, ...] = LANGS,
               source_sha256: str | None = None, *, exports: "ExportMap | None" = None,
               csv_dialect: str | None = None) -> list[Path]:
    """Write ``ropa_<lang>.md``, ``.html`` and ``.csv`` for each language into ``out_dir`` (atomically);
    ``exports`` as for :func:`build_ropa`; the CSV in ``csv_dialect`` (audit_lib/outputs.py, default ``excel``)."""
    from audit_lib.outputs import atomic_write_text, write_csv_safe

    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        written.append(atomic_write_text(target / f"ropa_{lang}.md",
                                         ropa_markdown(register, lang, source_sha256, exports=exports)))
        written.append(atomic_write_text(target / f"ropa_{lang}.html",
                                         ropa_html(register, lang, source_sha256, exports=exports)))
        written.append(write_csv_safe(ropa_frame(register, lang, exports=exports), target / f"ropa_{lang}.csv",
                                      csv_dialect))
    return written
