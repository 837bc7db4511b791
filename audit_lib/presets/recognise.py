"""Which presets a file's header looks like: the share of each preset's columns it has."""

from __future__ import annotations

from dataclasses import dataclass, field

from audit_lib.presets.catalogue import find_preset, preset_names


@dataclass(frozen=True)
class PresetMatch:
    """How well one preset fits a header: score = share of the preset's columns present (0..1)."""

    name: str
    score: float
    matched: dict[str, str] = field(default_factory=dict)   # header name -> the preset's column
    unknown: list[str] = field(default_factory=list)         # header names the preset does not know


def recognise(header: list[str]) -> list[PresetMatch]:
    """Every preset with at least one of its columns in ``header``, best first (ties: more matched, name)."""
    matches = []
    for name in preset_names():
        preset = find_preset(name)
        known = preset.header_names()
        matched: dict[str, str] = {}
        unknown = []
        for column in header:
            target = known.get(str(column).strip().casefold())
            if target is not None and target not in matched.values():
                matched[column] = target
            else:
                unknown.append(column)
        if matched:
            matches.append(PresetMatch(name, round(len(matched) / len(preset.columns), 4), matched, unknown))
    return sorted(matches, key=lambda m: (-m.score, -len(m.matched), m.name))
