"""The record of processing activities (GDPR Art. 30(1)) generated from register.yaml, in Finnish and English.

One structure (:func:`build_ropa`: sections (a)–(g) in the order of Art. 30(1), each a list of entries)
rendered three ways: Markdown, HTML (escaped, self-contained, print-friendly) and CSV (formula-safe).
Where the declaration is silent, the record says so in words instead of leaving a blank: a gap in the
record is itself something the controller must fix. The quarterly report includes
:func:`ropa_html_section` as one of its sections.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.durations import parse_duration

if TYPE_CHECKING:
    import pandas as pd

    from audit_lib.declaration.register import Label, Register

LANGS = ("fi", "en")
EEA = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO".split())

_T = {
    "title": ("Seloste käsittelytoimista", "Record of processing activities"),
    "subtitle": ("EU:n yleisen tietosuoja-asetuksen 30 artiklan 1 kohta", "GDPR Article 30(1)"),
    "source": ("Laadittu tiedostosta", "Generated from"),
    "gap_legend": ("Korostetut kohdat ovat puutteita: rekisterin kuvaus ei kerro asiaa tai kertoo sen "
                   "puutteellisesti. Ne on korjattava.",
                   "Highlighted lines are gaps: the register description does not say it, or says too little. "
                   "They need fixing."),
    "a": ("Rekisterinpitäjän ja tietosuojavastaavan nimi ja yhteystiedot",
          "Name and contact details of the controller and the data protection officer"),
    "b": ("Käsittelyn tarkoitukset", "Purposes of the processing"),
    "c": ("Rekisteröityjen ryhmät ja henkilötietoryhmät", "Categories of data subjects and of personal data"),
    "d": ("Vastaanottajat", "Categories of recipients"),
    "e": ("Siirrot kolmansiin maihin ja suojatoimet", "Transfers to third countries and their safeguards"),
    "f": ("Tietoryhmien poistamisen määräajat", "Time limits for erasure of the categories of data"),
    "g": ("Tekniset ja organisatoriset turvatoimet", "Technical and organisational security measures"),
    "not_stated": ("ei ilmoitettu", "not stated"),
    "controller": ("Rekisterinpitäjä", "Controller"),
    "business_id": ("Y-tunnus", "Business id"),
    "address": ("Osoite", "Address"),
    "contact": ("Yhteystiedot", "Contact"),
    "contact_person": ("Yhteyshenkilö", "Contact person"),
    "dpo": ("Tietosuojavastaava", "Data protection officer"),
    "dpo_none": ("ei nimitetty (ilmoitettu)", "none appointed (stated)"),
    "joint": ("Yhteisrekisterinpitäjät", "Joint controllers"),
    "none_declared": ("ei ilmoitettuja", "none declared"),
    "representative": ("Edustaja", "Representative"),
    "representative_eu": ("ei tarpeen: rekisterinpitäjä on sijoittautunut EU:hun/ETA:an",
                          "not required: the controller is established in the EU/EEA"),
    "register": ("Rekisteri", "Register"),
    "basis": ("käsittelyperuste", "lawful basis"),
    "interest": ("oikeutettu etu", "legitimate interest"),
    "data": ("tiedot", "data"),
    "subjects": ("Rekisteröityjen ryhmät", "Categories of data subjects"),
    "categories": ("Henkilötietoryhmät", "Categories of personal data"),
    "not_in_notice": ("ei mainittu julkaistussa selosteessa", "not listed in the published notice"),
    "special": ("Erityiset henkilötietoryhmät", "Special categories of data"),
    "special_condition": ("9 artiklan 2 kohdan peruste", "Art. 9(2) condition"),
    "special_revealed": ("voivat paljastua tiedoista", "may be revealed by"),
    "special_none": ("ei ilmoitettuja", "none declared"),
    "third_parties": ("Luovutukset kolmansille osapuolille", "Disclosures to third parties"),
    "yes": ("kyllä", "yes"), "no": ("ei", "no"),
    "kind": ("rooli", "role"),
    "country": ("maa", "country"),
    "art28": ("28 artiklan käsittelysopimus", "Art. 28 processing agreement"),
    "listed": ("mainittu selosteessa", "listed in the notice"),
    "purposes": ("käyttötarkoitukset", "purposes"),
    "transfers": ("Siirrot EU:n/ETA:n ulkopuolelle", "Transfers outside the EU/EEA"),
    "safeguards": ("suojatoimet", "safeguards"),
    "notice_statement": ("Selosteen ilmoitus", "What the notice says"),
    "rule": ("Sääntö", "Rule"),
    "from": ("alkaen", "from"),
    "end_of_year": ("kalenterivuoden lopusta", "from the end of the calendar year"),
    "then": ("sitten", "then"),
    "delete": ("poistetaan", "delete"), "anonymise": ("anonymisoidaan", "anonymise"),
    "table": ("taulu", "table"),
    "internal": ("sisäinen sääntö, ei ilmoitettu selosteessa", "internal rule, not stated in the notice"),
    "legal": ("peruste", "basis"),
    "no_rule": ("Tietoryhmät, joita yksikään säilytyssääntö ei nimeä", "Categories named by no retention rule"),
    "all_covered": ("jokaisella tietoryhmällä on säilytyssääntö", "every category has a retention rule"),
    "measures": ("Turvatoimet", "Measures"),
    "processor": ("käsittelijä", "processor"), "joint_controller": ("yhteisrekisterinpitäjä", "joint controller"),
    "authority": ("viranomainen", "authority"),
    "unknown": ("ei tiedossa", "not known"),
}
_BASES = {
    "consent": ("suostumus (6 art. 1 a)", "consent (Art. 6(1)(a))"),
    "contract": ("sopimus (6 art. 1 b)", "contract (Art. 6(1)(b))"),
    "legal_obligation": ("lakisääteinen velvoite (6 art. 1 c)", "legal obligation (Art. 6(1)(c))"),
    "vital_interests": ("elintärkeä etu (6 art. 1 d)", "vital interests (Art. 6(1)(d))"),
    "public_task": ("yleinen etu tai julkinen valta (6 art. 1 e)", "public task (Art. 6(1)(e))"),
    "legitimate_interests": ("oikeutettu etu (6 art. 1 f)", "legitimate interests (Art. 6(1)(f))"),
}
_KINDS = {"controller": ("rekisterinpitäjä", "controller")}


def _t(key: str, lang: str) -> str:
    fi, en = _T.get(key) or _KINDS[key]
    return fi if lang == "fi" else en


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

    @property
    def article(self) -> str:
        """The provision, e.g. ``GDPR Art. 30(1)(a)``."""
        return f"GDPR Art. 30(1)({self.letter})"


def human_duration(text: str, lang: str) -> str:
    """``P6Y`` -> '6 years' / '6 vuotta'; ``P1Y6M`` -> '1 year 6 months'."""
    duration = parse_duration(text)
    years, months = divmod(duration.months, 12)
    words = {"fi": (("vuosi", "vuotta"), ("kuukausi", "kuukautta"), ("päivä", "päivää")),
             "en": (("year", "years"), ("month", "months"), ("day", "days"))}[lang]
    parts = [f"{n} {word[0] if n == 1 else word[1]}" for n, word in zip((years, months, duration.days), words) if n]
    return " ".join(parts) or text


def _label(label: "Label | None", lang: str) -> str:
    return label.get(lang) if label is not None else ""


def _gap(label: str, lang: str) -> RopaEntry:
    return RopaEntry(label, [Gap(_t("not_stated", lang))])


def _line(text: str, gap: bool) -> str:
    return Gap(text) if gap else text


def build_ropa(register: "Register", lang: str = "en") -> list[RopaSection]:
    """The record of processing as sections (a)–(g) of Art. 30(1), in ``lang`` ('fi' or 'en')."""
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
        basis = _BASES[purpose.lawful_basis][0 if lang == "fi" else 1] if purpose.lawful_basis else None
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
        lines = [f"{t('special_condition')}: {special.art9_condition}"]
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

    # (f) time limits for erasure, per rule and the categories left without one
    f = RopaSection("f", t("f"))
    retention = register.retention
    if retention.notice_statement is not None:
        f.entries.append(RopaEntry(t("notice_statement"), [retention.notice_statement.get(lang)]))
    else:
        f.entries.append(_gap(t("notice_statement"), lang))
    covered: set[str] = set()
    for rule in retention.rules:
        covered |= set(rule.categories)
        start = " / ".join(rule.start_fields)
        period = f"{human_duration(rule.duration, lang)}, {rule.role}.{start} {t('from')}" if lang == "fi" else \
            f"{human_duration(rule.duration, lang)} {t('from')} {rule.role}.{start}"
        if rule.anchor == "end_of_year":
            period += f" ({t('end_of_year')})"
        lines = [f"{period}; {t('then')}: {t(rule.action)}"]
        lines.append(f"{t('data')}: " + (", ".join(cat(cid) for cid in rule.categories) if rule.categories
                                         else f"{t('table')} {rule.role}"))
        if rule.legal:
            lines.append(f"{t('legal')}: " + "; ".join(rule.legal))
        if not rule.stated_in_notice:
            lines.append(Gap(t("internal")))
        f.entries.append(RopaEntry(rule.label.get(lang), lines))
    uncovered = [cat(cid) for cid in categories if cid not in covered]
    f.entries.append(RopaEntry(t("no_rule"), [Gap(", ".join(uncovered))] if uncovered else [t("all_covered")]))

    # (g) security measures
    g = RopaSection("g", t("g"))
    measures = [m.get(lang) for m in register.security_measures]
    g.entries.append(RopaEntry(t("measures"), measures) if measures else _gap(t("measures"), lang))
    return [a, b, c, d, e, f, g]


def ropa_frame(register: "Register", lang: str = "en") -> "pd.DataFrame":
    """The record as a table: one row per entry (article, section, item, value, gap)."""
    import pandas as pd

    rows = [{"article": section.article, "section": section.title, "item": entry.label,
             "value": "\n".join(entry.lines), "gap": entry.gap}
            for section in build_ropa(register, lang) for entry in section.entries]
    return pd.DataFrame(rows, columns=["article", "section", "item", "value", "gap"])


def ropa_markdown(register: "Register", lang: str = "en", source_sha256: str | None = None) -> str:
    """The record as Markdown: every value from register.yaml escaped (``audit_lib.markdown``: no
    heading, HTML, link or table cell can come from it); gaps in bold."""
    from audit_lib.markdown import escape_markdown as md

    out = [f"# {md(_t('title', lang))}: {md(register.register_info.name.get(lang))}", "",
           f"*{md(_t('subtitle', lang))}*", ""]
    if source_sha256:
        out += [f"{md(_t('source', lang))} register.yaml, SHA-256 `{md(source_sha256)}`.", ""]
    out += [md(_t("gap_legend", lang)), ""]
    for section in build_ropa(register, lang):
        out += [f"## ({section.letter}) {md(section.title)}", "", f"*{md(section.article)}*", "", "| | |", "|---|---|"]
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
                      source_sha256: str | None = None) -> str:
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
    for section in build_ropa(register, lang):
        parts.append(f'<section class="ropa-point" id="ropa-{section.letter}">')
        parts.append(f"<{h2}>({section.letter}) {e(section.title)}</{h2}>")
        parts.append(f'<p class="ropa-article">{e(section.article)}</p><table>')
        for entry in section.entries:
            lines = [f'<span class="ropa-gap-mark">{e(line)}</span>' if isinstance(line, Gap) else e(line)
                     for line in entry.lines]
            value = lines[0] if len(lines) == 1 else "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"
            row_class = ' class="ropa-gap"' if entry.gap else ""
            parts.append(f'<tr{row_class}><th scope="row">{e(entry.label)}</th><td>{value}</td></tr>')
        parts.append("</table></section>")
    parts.append("</div>")
    return "\n".join(parts)


def ropa_html(register: "Register", lang: str = "en", source_sha256: str | None = None) -> str:
    """The record as a self-contained HTML document (no scripts, no external resources), print-friendly."""
    title = html.escape(f"{_t('title', lang)}: {register.register_info.name.get(lang)}")
    body = ropa_html_section(register, lang, heading_level=1, source_sha256=source_sha256)
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{title}</title>\n'
            '<style>body { margin: 2rem; } @page { size: A4; margin: 18mm 15mm; } '
            '@media print { body { margin: 0; } }</style>\n'
            f"</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_ropa(register: "Register", out_dir: str | Path, langs: tuple[str, ...] = LANGS,
               source_sha256: str | None = None) -> list[Path]:
    """Write ``ropa_<lang>.md``, ``.html`` and ``.csv`` for each language into ``out_dir`` (atomically)."""
    from audit_lib.outputs import atomic_write_text, write_csv_safe

    target = Path(out_dir)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        written.append(atomic_write_text(target / f"ropa_{lang}.md", ropa_markdown(register, lang, source_sha256)))
        written.append(atomic_write_text(target / f"ropa_{lang}.html", ropa_html(register, lang, source_sha256)))
        written.append(write_csv_safe(ropa_frame(register, lang), target / f"ropa_{lang}.csv"))
    return written
