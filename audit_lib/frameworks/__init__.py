"""Compliance frameworks as data: the provisions of the law, with the checks that test each taken from the
checks' own ``legal:`` headers.

A framework file (``frameworks/<name>.yaml``) says what no check can: which provisions are in scope, their
titles, notes, and which of them cannot be tested from the register's data, and why. Which checks test a
provision follows from what the checks cite: a check is placed under the narrowest provision each of its
citations lies within (``GDPR Art. 30(1)(d)`` under ``GDPR Art. 30(1)``; ``GDPR Art. 17(1)`` under
``Art. 17(1), 17(3)(b)`` rather than ``Art. 15–20``), or, for a citation broader than every provision, under
those it overlaps (``GDPR Art. 6(1)`` under ``Art. 6(1)(a)–(f)``). A citation within no provision (a
decision of the Ombudsman, a section the framework does not list) places the check nowhere; it is kept in
``Framework.outside``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from audit_lib.frameworks.citations import Citation, CitationError, instrument_of, parse_citation

if TYPE_CHECKING:
    from audit_lib.checks.spec import Check

FRAMEWORKS_DIR = Path(__file__).resolve().parent
DEFAULT = "gdpr_fi"
_PROVISION_KEYS = {"id", "ref", "title", "testable_from_data", "reason", "note"}

__all__ = ["DEFAULT", "Framework", "Provision", "framework_for", "load_framework", "provisions_cited",
           "provisions_for", "read_framework"]


@dataclass(frozen=True)
class Provision:
    """One provision: its reference as cited, a title, and the checks that test it (or why none can)."""

    id: str
    ref: str
    title_en: str
    title_fi: str
    checks: tuple[str, ...] = ()
    testable_from_data: bool = True
    reason: str | None = None
    note: str | None = None
    # The reference read as a citation (audit_lib/frameworks/citations.py): what a check's citation is placed by.
    citation: Citation | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Framework:
    """A framework: its provisions in the order of the law, each with the checks whose headers cite it."""

    id: str
    title_en: str
    title_fi: str
    provisions: tuple[Provision, ...] = field(default=())
    # (check id, citation) for each citation of a check that lies within none of the provisions.
    outside: tuple[tuple[str, str], ...] = ()

    def provisions_for(self, check_id: str) -> list[Provision]:
        """The provisions that ``check_id`` tests, in framework order."""
        return [p for p in self.provisions if check_id in p.checks]

    @property
    def check_ids(self) -> set[str]:
        """Every check id the framework names."""
        return {c for p in self.provisions for c in p.checks}


@lru_cache(maxsize=None)
def read_framework(name: str = DEFAULT) -> Framework:
    """The provisions of ``frameworks/<name>.yaml`` as the file states them, with no checks yet.

    ValueError naming the provision when an entry is inconsistent: an id listed twice, a reference that is
    not a citation, a key the file does not know (``checks:`` among them: checks come from their headers),
    a provision marked not testable without a reason."""
    from audit_lib.declaration.yaml_source import read_yaml

    path = FRAMEWORKS_DIR / f"{name}.yaml"
    data = read_yaml(path).data  # regaudit's one YAML loader: a provision's key written twice is an error
    provisions, seen = [], set()
    for entry in data["provisions"]:
        where = f"{path.name}: provision {entry.get('id')!r}"
        if entry["id"] in seen:
            raise ValueError(f"{where} is listed twice")
        seen.add(entry["id"])
        if "checks" in entry:
            raise ValueError(f"{where} lists checks; which checks test a provision comes from the checks' legal: "
                             "headers (audit_lib/checks), so remove its checks:")
        unknown = sorted(set(entry) - _PROVISION_KEYS)
        if unknown:
            raise ValueError(f"{where} has unknown keys {', '.join(unknown)}; a provision has "
                             f"{', '.join(sorted(_PROVISION_KEYS))}")
        testable = bool(entry.get("testable_from_data", True))
        if not testable and not entry.get("reason"):
            raise ValueError(f"{where} is marked not testable: give the reason")
        try:
            citation = parse_citation(entry["ref"])
        except CitationError as exc:
            raise ValueError(f"{where}: {exc}") from None
        if citation is None:
            raise ValueError(f"{where}: ref {entry['ref']!r} cites no numbered statute ('GDPR Art. 5(1)(a)', "
                             "'Tietosuojalaki 1050/2018 29 §')")
        provisions.append(Provision(id=entry["id"], ref=entry["ref"], title_en=entry["title"]["en"],
                                    title_fi=entry["title"]["fi"], testable_from_data=testable,
                                    reason=entry.get("reason"), note=entry.get("note"), citation=citation))
    return Framework(id=data["id"], title_en=data["title"]["en"], title_fi=data["title"]["fi"],
                     provisions=tuple(provisions))


def provisions_cited(citation: Citation, provisions: Iterable[Provision]) -> list[Provision]:
    """The provisions ``citation`` is placed under: the narrowest it lies within, else those it overlaps."""
    same = [p for p in provisions if p.citation is not None and p.citation.instrument == citation.instrument]
    containing = [p for p in same if citation.within(p.citation)]
    if not containing:
        return [p for p in same if citation.overlaps(p.citation)]
    # Art. 17(1) lies within both "Art. 15–20" and "Art. 17(1), 17(3)(b)": the narrower one is meant.
    return [p for p in containing
            if not any(q.citation.within(p.citation) and not p.citation.within(q.citation) for q in containing)]


def framework_for(checks: Iterable["Check"], name: str = DEFAULT, *, complete: bool = False) -> Framework:
    """Framework ``name`` with each provision's checks taken from the ``legal:`` headers of ``checks``.

    ValueError naming the check when a citation of an instrument the framework cites is malformed, or
    places a check under a provision the file marks not testable from data; with ``complete``, also when
    a provision testable from data is cited by none of ``checks`` (as the whole catalogue must)."""
    framework = read_framework(name)
    instruments = {p.citation.instrument for p in framework.provisions if p.citation is not None}
    placed: dict[str, list[str]] = {p.id: [] for p in framework.provisions}
    outside: list[tuple[str, str]] = []
    for check in checks:
        for text in check.meta.legal:
            if instrument_of(text) not in instruments:
                outside.append((check.id, text))
                continue
            try:
                citation = parse_citation(text)
            except CitationError as exc:
                raise ValueError(f"check {check.id} ({check.source}): {exc}") from None
            found = provisions_cited(citation, framework.provisions) if citation is not None else []
            if not found:
                outside.append((check.id, text))
            for provision in found:
                if not provision.testable_from_data:
                    raise ValueError(f"check {check.id} cites {text!r}, which falls under provision {provision.id!r} "
                                     f"({provision.ref}); frameworks/{name}.yaml marks it not testable from data: "
                                     "drop testable_from_data: false and its reason there")
                if check.id not in placed[provision.id]:
                    placed[provision.id].append(check.id)
    provisions = tuple(replace(p, checks=tuple(placed[p.id])) for p in framework.provisions)
    if complete:
        for provision in provisions:
            if provision.testable_from_data and not provision.checks:
                raise ValueError(f"frameworks/{name}.yaml: no check cites provision {provision.id!r} "
                                 f"({provision.ref}); cite it in a check's legal: header, or mark it "
                                 "testable_from_data: false with a reason")
    return replace(framework, provisions=provisions, outside=tuple(outside))


@lru_cache(maxsize=None)
def load_framework(name: str = DEFAULT) -> Framework:
    """Framework ``name`` over the bundled check catalogue (every testable provision cited by a check)."""
    from audit_lib.checks.registry import catalogue

    return framework_for(catalogue(), name, complete=True)


def provisions_for(check_id: str, name: str = DEFAULT) -> list[Provision]:
    """The provisions of framework ``name`` that ``check_id`` of the bundled catalogue tests."""
    return load_framework(name).provisions_for(check_id)
