"""The record of processing activities (GDPR Art. 30(1)) generated from register.yaml, in Finnish and English.

One structure (:func:`build_ropa`: sections (a)–(g) in the order of Art. 30(1), each a list of entries)
rendered three ways: Markdown, HTML (escaped, self-contained, print-friendly) and CSV (formula-safe).
Where the declaration is silent, the record says so in words instead of leaving a blank: a gap in the
record is itself something the controller must fix. The quarterly report includes
:func:`ropa_html_section` as one of its sections.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.durations import parse_duration
from audit_lib.report.labels import plural, text
from audit_lib.vocabulary import LANGUAGES, Language, eea_countries

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

    from audit_lib.declaration.exports import ExportMap
    from audit_lib.declaration.register import DataCategory, Recipient, Register, RetentionRule

# The record's languages, Finnish first: the language of the Finnish controller and its supervisory authority.
LANGS = tuple(sorted(LANGUAGES, key=lambda lang: lang != Language.FI))
# The point of Art. 6(1) each lawful basis is (cited by finnish_citation in Finnish); its name is a label
# (``ropa.lawful_basis.<basis>`` in audit_lib/report/labels.py).
LAWFUL_BASIS_POINTS = {
    "consent": "Art. 6(1)(a)",
    "contract": "Art. 6(1)(b)",
    "legal_obligation": "Art. 6(1)(c)",
    "vital_interests": "Art. 6(1)(d)",
    "public_task": "Art. 6(1)(e)",
    "legitimate_interests": "Art. 6(1)(f)",
}


def _t(key: str, lang: str, **values: object) -> str:
    """The record's word ``key`` in ``lang``, from the report's one label store."""
    return text(f"ropa.{key}", lang, **values)


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
    cleaned = " ".join(citation.split())
    match = _GDPR.fullmatch(cleaned)
    if match:
        parts = [(match["art"].replace(" ", ""), "artikla")]
        if match["par"]:
            parts.append((match["par"], "kohta"))
        if match["sub"]:
            parts.append((match["sub"], "alakohta"))
        return ("tietosuoja-asetuksen " if match["gdpr"] else "") + _provision(parts)
    match = _RECITAL.fullmatch(cleaned)
    if match:
        return f"tietosuoja-asetuksen johdanto-osan {match['n']} kappale"
    match = _STATUTE.fullmatch(cleaned)
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


# The units of a period, as labels with a count (the catalog gives singular and plural in Finnish).
_UNITS = ("ropa.years", "ropa.months", "ropa.days")


def human_duration(duration_text: str, lang: str) -> str:
    """``P6Y`` -> '6 years' / '6 vuotta'; ``P1Y6M`` -> '1 year 6 months'."""
    duration = parse_duration(duration_text)
    years, months = divmod(duration.months, 12)
    parts = [plural(unit, n, lang) for n, unit in zip((years, months, duration.days), _UNITS) if n]
    return " ".join(parts) or duration_text


def _gap(label: str, lang: str) -> RopaEntry:
    """An entry whose value the declaration does not state."""
    return RopaEntry(label, [Gap(_t("not_stated", lang))])


def _line(line: str, gap: bool) -> str:
    """``line``, marked as a gap when ``gap``."""
    return Gap(line) if gap else line


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


@dataclass(frozen=True)
class _Record:
    """What every point of the record is built from: the register, the language, and exports.yaml if given."""

    register: "Register"
    lang: str
    exports: "ExportMap | None" = None

    def t(self, key: str, **values: object) -> str:
        """The record's word ``key`` in the record's language."""
        return _t(key, self.lang, **values)

    def category(self, category_id: str) -> str:
        """A declared category's label (an undeclared id as it is)."""
        found = next((c for c in self.register.data_categories if c.id == category_id), None)
        return found.label.get(self.lang) if found is not None else category_id

    def categories(self, category_ids: list[str]) -> str:
        """Categories' labels, comma-separated."""
        return ", ".join(self.category(cid) for cid in category_ids)

    def yes_no(self, value: bool | None) -> str:
        """'yes', 'no', or 'not known' for None."""
        return self.t("unknown") if value is None else self.t("yes" if value else "no")

    def section(self, letter: str, entries: list[RopaEntry]) -> RopaSection:
        """Point ``letter`` of Art. 30(1) with its heading and ``entries``."""
        return RopaSection(letter, self.t(letter), entries, self.lang)


def _joined(*values: str | None) -> str:
    """The values given, comma-separated."""
    return ", ".join(v for v in values if v)


def _point_a(record: _Record) -> RopaSection:
    """(a) the controller, joint controllers, the representative and the data protection officer."""
    t, register = record.t, record.register
    controller, address = register.controller, register.controller.address
    entries = [RopaEntry(t("controller"), [controller.name + (f" ({controller.trade_name})"
                                                             if controller.trade_name else "")])]
    if controller.business_id:
        entries.append(RopaEntry(t("business_id"), [controller.business_id]))
    entries.append(RopaEntry(t("address"), [f"{address.street}, {address.postal_code} {address.city}, "
                                            f"{address.country}"]))
    contact = [v for v in (controller.email, controller.phone) if v]
    entries.append(RopaEntry(t("contact"), contact) if contact else _gap(t("contact"), record.lang))
    person = register.contact_person
    if person is not None:
        entries.append(RopaEntry(t("contact_person"), [_joined(person.name, person.phone, person.email)]))
    entries.append(_dpo(record))
    joint = [r.label.get(record.lang) for r in register.recipients if r.kind == "joint_controller"]
    entries.append(RopaEntry(t("joint"), joint or [t("none_declared")]))
    in_eea = address.country.upper() in eea_countries()
    entries.append(RopaEntry(t("representative"), [t("representative_eu")]) if in_eea
                   else _gap(t("representative"), record.lang))
    return record.section("a", entries)


def _dpo(record: _Record) -> RopaEntry:
    """The data protection officer: contact details, none appointed (so stated), or a gap."""
    dpo, t = record.register.dpo, record.t
    if dpo is not None and (dpo.email or dpo.phone):
        return RopaEntry(t("dpo"), [_joined(dpo.name, dpo.phone, dpo.email)])
    if dpo is None and record.register.dpo_appointed is False:
        return RopaEntry(t("dpo"), [t("dpo_none")])
    return _gap(t("dpo"), record.lang)


def _point_b(record: _Record) -> RopaSection:
    """(b) the purposes, each with its lawful basis (Art. 6(1)) and the interest where it is legitimate interests."""
    t, lang = record.t, record.lang
    entries = [RopaEntry(t("register"), [record.register.register_info.name.get(lang)])]
    for purpose in record.register.purposes:
        basis = None
        if purpose.lawful_basis:
            basis = (f"{t('lawful_basis.' + purpose.lawful_basis)} "
                     f"({_cite(LAWFUL_BASIS_POINTS[purpose.lawful_basis], lang)})")
        lines = [_line(f"{t('basis')}: {basis or t('not_stated')}", basis is None)]
        if purpose.legitimate_interest is not None:
            lines.append(f"{t('interest')}: {purpose.legitimate_interest.get(lang)}")
        elif purpose.lawful_basis == "legitimate_interests":
            lines.append(Gap(f"{t('interest')}: {t('not_stated')}"))
        if purpose.categories:
            lines.append(f"{t('data')}: {record.categories(purpose.categories)}")
        entries.append(RopaEntry(purpose.label.get(lang), lines))
    return record.section("b", entries)


def _point_c(record: _Record) -> RopaSection:
    """(c) the categories of data subjects and of personal data, and the special categories."""
    t, lang, register = record.t, record.lang, record.register
    entries = [RopaEntry(f"{t('subjects')}: {subject.label.get(lang)}", [record.categories(subject.categories)])
               for subject in register.subject_types]
    entries.append(RopaEntry(t("categories"), [
        f"{category.label.get(lang)} ({category.fides_key})"
        + ("" if category.stated_in_notice else f" — {t('not_in_notice')}")
        for category in register.data_categories]))
    special = register.special_categories
    revealed = f"{t('special_revealed')}: {record.categories(special.revealed_by)}"
    if special.art9_condition:
        lines = [f"{t('special_condition')}: {_cite(special.art9_condition, lang)}"]
        entries.append(RopaEntry(t("special"), lines + ([revealed] if special.revealed_by else [])))
    elif special.revealed_by:
        entries.append(RopaEntry(t("special"), [revealed, Gap(f"{t('special_condition')}: {t('not_stated')}")]))
    else:
        entries.append(RopaEntry(t("special"), [t("special_none")]))
    return record.section("c", entries)


def _point_d(record: _Record) -> RopaSection:
    """(d) the recipients, processors included."""
    t, register = record.t, record.register
    entries = [RopaEntry(t("third_parties"), [record.yes_no(register.disclosures.to_third_parties)])]
    entries += [_recipient(record, recipient) for recipient in register.recipients]
    if not register.recipients:
        entries.append(RopaEntry(t("d"), [t("none_declared")]))
    return record.section("d", entries)


def _recipient(record: _Record, recipient: "Recipient") -> RopaEntry:
    """One recipient: its role, country, Art. 28 agreement (a processor), listing in the notice, purposes, data."""
    t, lang = record.t, record.lang
    purposes = {p.id: p for p in record.register.purposes}
    lines = [f"{t('kind')}: {t('kind.' + recipient.kind)}",
             _line(f"{t('country')}: {recipient.country or t('not_stated')}", recipient.country is None)]
    if recipient.kind == "processor":
        lines.append(_line(f"{t('art28')}: {record.yes_no(recipient.art28_contract)}",
                           recipient.art28_contract is not True))
    lines.append(_line(f"{t('listed')}: {record.yes_no(recipient.listed_in_notice_as_recipient)}",
                       not recipient.listed_in_notice_as_recipient))
    if recipient.purposes:
        lines.append(f"{t('purposes')}: " + ", ".join(purposes[p].label.get(lang) if p in purposes else p
                                                      for p in recipient.purposes))
    if recipient.categories:
        lines.append(f"{t('data')}: {record.categories(recipient.categories)}")
    return RopaEntry(recipient.label.get(lang), lines)


def _point_e(record: _Record) -> RopaSection:
    """(e) transfers outside the EU/EEA: what the register declares, then each recipient in a third country."""
    t, lang, disclosures = record.t, record.lang, record.register.disclosures
    if disclosures.transfers_outside_eea is None:
        entries = [_gap(t("transfers"), lang)]
    else:
        lines = [record.yes_no(disclosures.transfers_outside_eea)]
        if disclosures.transfers_outside_eea:
            lines.append(_line(f"{t('safeguards')}: {disclosures.transfer_safeguards or t('not_stated')}",
                               not disclosures.transfer_safeguards))
        entries = [RopaEntry(t("transfers"), lines)]
    for recipient in record.register.recipients:
        if recipient.country and recipient.country.upper() not in eea_countries():
            safeguard = recipient.safeguards or disclosures.transfer_safeguards
            entries.append(RopaEntry(recipient.label.get(lang), [
                f"{t('country')}: {recipient.country}",
                _line(f"{t('safeguards')}: {safeguard or t('not_stated')}", not safeguard)]))
    return record.section("e", entries)


def _point_f(record: _Record) -> RopaSection:
    """(f) time limits for erasure: what the notice says, the limit of each declared category, then each rule."""
    retention = record.register.retention
    if retention.notice_statement is not None:
        entries = [RopaEntry(record.t("notice_statement"), [retention.notice_statement.get(record.lang)])]
    else:
        entries = [_gap(record.t("notice_statement"), record.lang)]
    held = category_roles(record.exports)
    entries += [_category_limit(record, category, held) for category in record.register.data_categories]
    entries += [_rule(record, rule) for rule in retention.rules]
    return record.section("f", entries)


def _category_limit(record: _Record, category: "DataCategory", held: dict[str, list[str]]) -> RopaEntry:
    """A category's time limits: from the rules that name it or, where exports.yaml says which tables hold
    it, from the rules of those tables that name no categories; a gap when no rule covers it."""
    t, lang, rules = record.t, record.lang, record.register.retention.rules

    def limit(rule: "RetentionRule", via: str = "") -> str:
        """The rule's limit for this category, marked as a gap when the notice does not state it."""
        worded = f"{rule.label.get(lang)}: {retention_period(rule, record.register, lang)}{via}"
        return _line(worded + ("" if rule.stated_in_notice else f" — {t('internal')}"), not rule.stated_in_notice)

    lines = [limit(rule) for rule in rules if category.id in rule.categories]
    if not lines:
        lines = [limit(rule, f" ({t('via_table', role=rule.role)})") for rule in rules
                 if not rule.categories and rule.role in held.get(category.id, ())]
    return RopaEntry(category.label.get(lang), lines or [Gap(t("no_period"))])


def _rule(record: _Record, rule: "RetentionRule") -> RopaEntry:
    """A retention rule: its limit, its table and categories, its legal basis, and whether the notice states it."""
    t, lang = record.t, record.lang
    lines = [retention_period(rule, record.register, lang),
             f"{t('table')}: {rule.role}; {t('data')}: "
             + (record.categories(rule.categories) if rule.categories else t("rule_categories_none"))]
    if rule.basis:
        lines.append(f"{t('legal')}: " + "; ".join(_cite(c, lang) for c in rule.basis))
    if not rule.stated_in_notice:
        lines.append(Gap(t("internal")))
    return RopaEntry(f"{t('rule')}: {rule.label.get(lang)}", lines)


def _point_g(record: _Record) -> RopaSection:
    """(g) the security measures."""
    measures = [m.get(record.lang) for m in record.register.security_measures]
    entry = RopaEntry(record.t("measures"), measures) if measures else _gap(record.t("measures"), record.lang)
    return record.section("g", [entry])


_POINTS = (_point_a, _point_b, _point_c, _point_d, _point_e, _point_f, _point_g)


def build_ropa(register: "Register", lang: str = "en", *, exports: "ExportMap | None" = None) -> list[RopaSection]:
    """The record of processing as sections (a)–(g) of Art. 30(1), in ``lang`` ('fi' or 'en').

    ``exports`` (exports.yaml), where given, tells which tables hold each category: a category no
    retention rule names is then shown under the rules of those tables (rules that name no categories)."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use fi or en")
    record = _Record(register, lang, exports)
    return [point(record) for point in _POINTS]


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


def ropa_html_section(register: "Register", lang: str = "en", *, heading_level: int = 2, include_style: bool = True,
                      source_sha256: str | None = None, exports: "ExportMap | None" = None) -> "Markup":
    """The record as an HTML fragment (``<div class="ropa">``) for the quarterly report; every value escaped
    (templates/ropa/record.html.j2).

    ``heading_level`` is the level of the record's title (points (a)–(g) use the next level);
    ``include_style`` adds a ``<style>`` scoped to ``.ropa`` so the fragment looks right on its own.
    """
    from audit_lib.report.templating import render

    return render("ropa/record.html.j2", lang=lang, name=register.register_info.name.get(lang),
                  sections=build_ropa(register, lang, exports=exports), level=heading_level,
                  sublevel=min(heading_level + 1, 6), include_style=include_style, source_sha256=source_sha256,
                  is_gap=lambda line: isinstance(line, Gap))


def ropa_html(register: "Register", lang: str = "en", source_sha256: str | None = None, *,
              exports: "ExportMap | None" = None) -> str:
    """The record as a self-contained HTML document (no scripts, no external resources), print-friendly."""
    from audit_lib.report.templating import render

    body = ropa_html_section(register, lang, heading_level=1, source_sha256=source_sha256, exports=exports)
    return str(render("ropa/document.html.j2", lang=lang, name=register.register_info.name.get(lang), body=body))


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
