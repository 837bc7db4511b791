"""Legal citations as checks and frameworks write them, read into the instrument and the parts of it they name.

``GDPR Art. 5(1)(a)`` names point (a) of paragraph 1 of Article 5 of the GDPR; ``GDPR Art. 15–20`` six
articles; ``Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom.`` a paragraph (momentti) of a section of a chapter;
``Tietosuojalaki 1050/2018`` the whole act. Each part is a path from the top of the instrument, so one
citation lies within another when each of its paths continues one of the other's: 5(1)(a) lies within 5(1).
A citation of something that is not a numbered statute (a decision of the Data Protection Ombudsman, a
case) has no instrument here, and ``parse_citation`` gives None for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

Path = tuple[str, ...]

# An EU instrument cited by articles and recitals; any other instrument is cited by chapters (luku),
# sections (§) and paragraphs (mom.), as Finnish statutes are.
_EU_NAME = re.compile(r"^(?P<instrument>GDPR)(?:\s+(?P<locator>.*))?$")
# A statute by its number (1050/2018, 1182/71), followed by the locator or by nothing; a decision's
# register number (9885/157/19) is no statute number.
_NUMBERED = re.compile(r"^(?P<instrument>\S.*?(?<![\d/])\d+/\d{2,4})(?![\d/])(?:\s+(?P<locator>.*))?$")
_DASH = r"[–-]"
_ARTICLE = re.compile(rf"^(?:Art\.\s*)?(?P<number>\d+)(?P<subs>(?:\([0-9a-z]+\))*)"
                      rf"(?:{_DASH}(?:(?P<to_number>\d+)|\((?P<to_sub>[0-9a-z]+)\)))?$")
_RECITAL = re.compile(r"^recital\s+(?P<number>\d+)$")
_SECTION = re.compile(rf"^(?:(?P<chapter>\d+)\s+luku)?\s*(?:(?P<section>\d+)(?:{_DASH}(?P<to_section>\d+))?\s*§)?"
                      r"\s*(?:(?P<paragraph>\d+)\s+mom\.)?$")


class CitationError(ValueError):
    """A citation of a known instrument whose locator does not follow the grammar above."""


@dataclass(frozen=True)
class Citation:
    """A citation: its text, its instrument, and the paths of the parts it names (``()``: all of it)."""

    text: str
    instrument: str
    parts: frozenset[Path]

    def within(self, other: "Citation") -> bool:
        """Every part this citation names lies within a part ``other`` names (5(1)(a) within 5(1))."""
        return self.instrument == other.instrument and all(
            any(path[:len(outer)] == outer for outer in other.parts) for path in self.parts)

    def overlaps(self, other: "Citation") -> bool:
        """Some part of one lies within some part of the other (Art. 6(1) and Art. 6(1)(a)–(f))."""
        return self.instrument == other.instrument and any(
            a[:len(b)] == b or b[:len(a)] == a for a in self.parts for b in other.parts)


def _span(start: str, end: str, text: str) -> list[str]:
    """The numbers or letters from ``start`` to ``end``, both included (15–20, (a)–(f))."""
    if start.isdigit() and end.isdigit():
        values = [str(n) for n in range(int(start), int(end) + 1)]
    elif len(start) == len(end) == 1 and start.isalpha() and end.isalpha():
        values = [chr(c) for c in range(ord(start), ord(end) + 1)]
    else:
        values = []
    if not values:
        raise CitationError(f"{text!r}: the range {start}–{end} is empty or mixes numbers and letters")
    return values


def _eu_parts(locator: str, text: str) -> set[Path]:
    """Articles and recitals: ``Art. 5(1)(f), Art. 32``, ``Art. 17(1), 17(3)(b)``, ``recital 60``."""
    parts: set[Path] = set()
    for item in (i.strip() for i in locator.split(",")):
        recital = _RECITAL.match(item)
        if recital:
            parts.add(("recital", recital["number"]))
            continue
        article = _ARTICLE.match(item)
        if not article or (not parts and not item.startswith("Art.")):
            raise CitationError(f"{text!r}: cite articles as 'Art. 5(1)(a)', 'Art. 15–20' or 'Art. 17(1), 17(3)(b)', "
                                "recitals as 'recital 60'")
        subs = re.findall(r"\(([0-9a-z]+)\)", article["subs"])
        if article["to_sub"]:
            if not subs:
                raise CitationError(f"{text!r}: a range of paragraphs or points follows one: 'Art. 9(1)–(2)'")
            parts.update(("art", article["number"], *subs[:-1], s) for s in _span(subs[-1], article["to_sub"], text))
        elif article["to_number"]:
            if subs:
                raise CitationError(f"{text!r}: a range of articles has no paragraphs: 'Art. 15–20'")
            parts.update(("art", n) for n in _span(article["number"], article["to_number"], text))
        else:
            parts.add(("art", article["number"], *subs))
    return parts


def _section_parts(locator: str, text: str) -> set[Path]:
    """Chapters, sections and paragraphs: ``2 luku 10 §``, ``200 § 1 mom.``, ``5 luku``, ``29 §``."""
    parts: set[Path] = set()
    for item in (i.strip() for i in locator.split(",")):
        match = _SECTION.match(item)
        if not item or not match:
            raise CitationError(f"{text!r}: cite a Finnish statute as '29 §', '200 § 1 mom.', '2 luku 10 §' or "
                                "'5 luku'")
        chapter = ("luku", match["chapter"]) if match["chapter"] else ()
        paragraph = ("mom", match["paragraph"]) if match["paragraph"] else ()
        if match["to_section"]:
            parts.update((*chapter, "§", s, *paragraph)
                         for s in _span(match["section"], match["to_section"], text))
        elif match["section"]:
            parts.add((*chapter, "§", match["section"], *paragraph))
        elif paragraph:
            raise CitationError(f"{text!r}: a paragraph (mom.) belongs to a section (§)")
        else:
            parts.add(chapter)
    return parts


def instrument_of(text: str) -> str | None:
    """The instrument ``text`` cites (``GDPR``, ``Tietosuojalaki 1050/2018``), or None for a non-statute."""
    match = _EU_NAME.match(text.strip()) or _NUMBERED.match(text.strip())
    return match["instrument"] if match else None


def parse_citation(text: str) -> Citation | None:
    """``text`` as a Citation; None when it cites no numbered statute (a decision, a case). Raises
    CitationError when the part after the instrument follows neither grammar of this module."""
    match = _EU_NAME.match(text.strip()) or _NUMBERED.match(text.strip())
    if not match:
        return None
    locator = (match["locator"] or "").strip()
    if not locator:
        return Citation(text, match["instrument"], frozenset({()}))
    eu = match["instrument"] == "GDPR" or locator.startswith(("Art.", "recital"))
    parts = _eu_parts(locator, text) if eu else _section_parts(locator, text)
    return Citation(text, match["instrument"], frozenset(parts))
