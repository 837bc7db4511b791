"""The model of one preset file: where its format is documented, its role, identifiers and columns."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from audit_lib.declaration.exports import ConsentState, Constant, Fact, ReadOptions
from audit_lib.declaration.register import Strict


class PresetSource(Strict):
    """The vendor's own page describing the format (or why none was found: url left out, note says so)."""

    url: str | None = None
    title: str | None = None
    retrieved: date | None = None
    note: str | None = None


class PresetColumn(Strict):
    """One column the vendor documents: the canonical field and/or fideslang category it holds."""

    field: str | None = None
    fides_key: str | None = Field(None, description="the fideslang data category the column holds; resolved to "
                                                    "the register's category of that key or its nearest parent")
    aliases: list[str] = Field(default_factory=list, description="the column's localised headers, where documented")
    values: dict[str, str] | None = None
    free_text: bool = False
    not_personal: str | None = None


class Preset(Strict):
    """A vendor export's map: an exports.yaml entry without its file, with fideslang keys for categories."""

    name: str = ""                      # set from the file's place: <vendor>/<export>
    title: str
    source: PresetSource | list[PresetSource]
    note: str | None = None
    role: str | None = None
    key: str | None = None
    subject: dict[str, str] = Field(default_factory=dict)
    set: dict[str, Constant] = Field(default_factory=dict)
    derive: dict[str, list[str]] = Field(default_factory=dict)
    not_applicable: dict[str, str] = Field(default_factory=dict)
    facts: list[Fact] = Field(default_factory=list)
    states: dict[str, ConsentState] = Field(default_factory=dict)
    options: ReadOptions = Field(default_factory=ReadOptions)
    columns: dict[str, PresetColumn]

    @property
    def sources(self) -> list[PresetSource]:
        """The preset's sources as a list."""
        return self.source if isinstance(self.source, list) else [self.source]

    def header_names(self) -> dict[str, str]:
        """Every header the preset knows (its columns and their aliases), case-folded -> its column."""
        names: dict[str, str] = {}
        for column, spec in self.columns.items():
            for name in (column, *spec.aliases):
                names.setdefault(name.strip().casefold(), column)
        return names
