"""Country lists the transfer rules need (EU/EEA, adequacy decisions), read from countries.yaml."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

COUNTRIES_FILE = Path(__file__).with_name("countries.yaml")


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    from audit_lib.declaration.yaml_source import read_yaml

    data = read_yaml(COUNTRIES_FILE).data  # regaudit's one YAML loader: a list written twice is an error
    lists = {"eea": frozenset([*data["eea"]["eu"], *data["eea"]["efta"]]), "adequacy": frozenset(data["adequacy"])}
    if not all(isinstance(c, str) and len(c) == 2 for codes in lists.values() for c in codes):
        raise ValueError(f"{COUNTRIES_FILE}: every country is a quoted two-letter code")
    return lists


def eea_countries() -> frozenset[str]:
    """The EU member states and the EEA EFTA states: no transfer rules apply between them."""
    return _lists()["eea"]


def adequate_countries() -> frozenset[str]:
    """Countries with a whole-country adequacy decision of the Commission (GDPR Art. 45(3))."""
    return _lists()["adequacy"]
