"""Finding and reading the bundled preset files (audit_lib/presets/<vendor>/<export>.yaml)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml

from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_, Text


class UnknownPreset(ValueError):
    """A preset name that no bundled file has (a ValueError, so pydantic reports it where it is used)."""


def _root():
    return resources.files("audit_lib.presets")


@lru_cache(maxsize=1)
def preset_names() -> list[str]:
    """The bundled presets' names, <vendor>/<export>, sorted."""
    names = []
    for vendor in _root().iterdir():
        if vendor.is_dir() and not vendor.name.startswith(("_", ".")):
            names += [f"{vendor.name}/{f.name[:-5]}" for f in vendor.iterdir() if f.name.endswith(".yaml")]
    return sorted(names)


def unknown_preset_message(name: str) -> Text:
    """The sentence telling that ``name`` is no preset, listing the presets."""
    import difflib

    close = difflib.get_close_matches(name, preset_names(), n=1, cutoff=0.6)
    if close:
        return T_("unknown preset {name!r}; did you mean {close!r}? the presets are: {presets}", name=name,
                  close=close[0], presets=", ".join(preset_names()))
    return T_("unknown preset {name!r}; the presets are: {presets}", name=name, presets=", ".join(preset_names()))


@lru_cache(maxsize=None)
def find_preset(name: str):
    """The validated preset ``name``; UnknownPreset (a ValueError) if there is none."""
    from audit_lib.presets.model import Preset

    if not isinstance(name, str) or name not in preset_names():
        raise UnknownPreset(unknown_preset_message(str(name)))
    vendor, export = name.split("/")
    text = _root().joinpath(vendor, f"{export}.yaml").read_text(encoding="utf-8")
    preset = Preset.model_validate(yaml.safe_load(text))
    preset.name = name
    return preset


def load_preset(name: str):
    """The preset ``name`` (<vendor>/<export>); a DeclarationError listing the presets if there is none."""
    try:
        return find_preset(name)
    except UnknownPreset as exc:
        raise DeclarationError([Problem("preset", str(name), exc.args[0] if exc.args else str(exc),
                                        fix=T_("use one of: {choices}", choices=", ".join(preset_names())))]) from None
