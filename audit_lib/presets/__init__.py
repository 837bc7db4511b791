"""Presets: the column maps of common vendors' exports (Shopify, Mailchimp, WooCommerce, Klaviyo), as data files."""

from audit_lib.presets.catalogue import load_preset, preset_names
from audit_lib.presets.expand import expand_entry, resolve_category
from audit_lib.presets.model import Preset, PresetColumn, PresetSource
from audit_lib.presets.recognise import PresetMatch, recognise

__all__ = ["Preset", "PresetColumn", "PresetMatch", "PresetSource", "expand_entry", "load_preset",
           "preset_names", "recognise", "resolve_category"]
