"""Compliance frameworks as data: provisions of the law mapped to the checks that test them."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

FRAMEWORKS_DIR = Path(__file__).resolve().parent
DEFAULT = "gdpr_fi"

__all__ = ["DEFAULT", "Framework", "Provision", "load_framework", "provisions_for"]


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


@dataclass(frozen=True)
class Framework:
    """A framework file: its provisions in the order of the law."""

    id: str
    title_en: str
    title_fi: str
    provisions: tuple[Provision, ...] = field(default=())

    def provisions_for(self, check_id: str) -> list[Provision]:
        """The provisions that ``check_id`` tests, in framework order."""
        return [p for p in self.provisions if check_id in p.checks]

    @property
    def check_ids(self) -> set[str]:
        """Every check id the framework names."""
        return {c for p in self.provisions for c in p.checks}


@lru_cache(maxsize=None)
def load_framework(name: str = DEFAULT) -> Framework:
    """Read ``frameworks/<name>.yaml``; ValueError naming the provision when an entry is inconsistent
    (a provision with no check must say testable_from_data: false and why; ids are unique)."""
    from audit_lib.declaration.yaml_source import read_yaml

    path = FRAMEWORKS_DIR / f"{name}.yaml"
    data = read_yaml(path).data  # regaudit's one YAML loader: a provision's key written twice is an error
    provisions, seen = [], set()
    for entry in data["provisions"]:
        checks = tuple(entry.get("checks") or ())
        testable = bool(entry.get("testable_from_data", True))
        where = f"{path.name}: provision {entry.get('id')!r}"
        if entry["id"] in seen:
            raise ValueError(f"{where} is listed twice")
        seen.add(entry["id"])
        if testable and not checks:
            raise ValueError(f"{where} names no check; list its checks or set testable_from_data: false with a reason")
        if not testable and (checks or not entry.get("reason")):
            raise ValueError(f"{where} is marked not testable: give a reason and list no checks")
        provisions.append(Provision(id=entry["id"], ref=entry["ref"], title_en=entry["title"]["en"],
                                    title_fi=entry["title"]["fi"], checks=checks, testable_from_data=testable,
                                    reason=entry.get("reason"), note=entry.get("note")))
    return Framework(id=data["id"], title_en=data["title"]["en"], title_fi=data["title"]["fi"],
                     provisions=tuple(provisions))


def provisions_for(check_id: str, name: str = DEFAULT) -> list[Provision]:
    """The provisions of framework ``name`` that ``check_id`` tests."""
    return load_framework(name).provisions_for(check_id)
