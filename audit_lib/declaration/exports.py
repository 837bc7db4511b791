"""The model of exports.yaml: where the register's data is and how each column maps."""

from __future__ import annotations

import re
from dataclasses import dataclass, field as dataclass_field
from datetime import datetime
from typing import Literal, Union

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from audit_lib.declaration.register import Strict
from audit_lib.i18n import T_

FORMAT_BY_SUFFIX = {
    ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".json": "json", ".jsonl": "json", ".ndjson": "json",
    ".xlsx": "xlsx",
}
Format = Literal["csv", "parquet", "json", "xlsx"]


Constant = Union[str, bool, int, float]
# ``table: catalog:crm.messages``: a table of Spark's catalog, not a folder (a folder may be named
# ``messages.parquet``, so a dotted name alone cannot tell the two apart).
CATALOG_PREFIX = "catalog:"
_CATALOG_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){1,2}")
# The years a date or time may fall in unless an export declares its own (options.plausible_years).
PLAUSIBLE_YEARS = (1900, 2100)


def _canonical_values() -> str:
    """The canonical value sets of roles.py, as one sentence for the JSON Schema (editors show it)."""
    from audit_lib.roles import ROLES, SUBJECT_TYPES

    sets: dict[tuple[str, ...] | str, list[str]] = {}
    for role in ROLES.values():
        for field in role.fields:
            if field.vocabulary is not None:
                sets.setdefault(field.vocabulary, []).append(f"{role.name}.{field.name}")
    parts = [f"{', '.join(names)}: " + ("the subject_types ids of register.yaml" if values == SUBJECT_TYPES
                                        else ", ".join(values)) for values, names in sets.items()]
    return "Canonical values (any other is quarantined): " + "; ".join(parts) + "."


CANONICAL_VALUES = _canonical_values()


class ColumnSpec(Strict):
    """How one export column maps: a canonical field, a declared category, or both; free text to scan."""

    field: str | None = None
    category: str | None = None
    values: dict[str, str] | None = Field(None, description="export value -> canonical value. " + CANONICAL_VALUES)
    not_personal: str | None = Field(None, description="why this column holds no personal data")
    free_text: bool = Field(False, description="free text written by people: scanned for personal data")
    text_at: str | None = Field(None, description="the column holding the time the free text refers to; "
                                                  "none = scanned as held at the snapshot")


class FactColumn(Strict):
    """A column feeding one field of a fact, optionally through a value map."""

    field: str
    values: dict[str, str] | None = Field(None, description="export value -> canonical value. " + CANONICAL_VALUES)


class Fact(Strict):
    """One more fact each row of an export gives: a record of another role, or a second event."""

    role: str
    set: dict[str, Constant] = Field(default_factory=dict, description="field -> one value for every row. "
                                     + CANONICAL_VALUES)
    when: str | None = Field(None, description="only rows where this column has a value give the fact")
    columns: dict[str, str | FactColumn] = Field(default_factory=dict, description="column -> field")
    derive: dict[str, list[str]] = Field(default_factory=dict,
                                         description="field -> the columns whose values, hashed, make it")
    not_applicable: dict[str, str] = Field(default_factory=dict, description="field -> why the export lacks it")

    def field_specs(self) -> dict[str, FactColumn]:
        """Column -> its field spec (a bare field name made a FactColumn)."""
        return {c: FactColumn(field=v) if isinstance(v, str) else v for c, v in self.columns.items()}


class ConsentState(Strict):
    """A consent held as a state (yes/no per channel), with the time it last changed where exported."""

    column: str
    changed_at: str | None = None
    values: dict[str, str] | None = Field(None, description="export value -> granted or withdrawn; default: the "
                                                            "export's yes/no words")


class Snapshot(Strict):
    """When the export was taken: a declared instant, a date in the file name, or a column."""

    at: datetime | None = None
    from_file_name: str | None = Field(None, description="regular expression whose first group is the date "
                                                         "(YYYY-MM-DD, optionally with time) in the file name")
    column: str | None = None

    @model_validator(mode="after")
    def _one_way(self) -> "Snapshot":
        given = [name for name in ("at", "from_file_name", "column") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(T_("a snapshot is given one way: at, from_file_name or column"))
        if self.from_file_name is not None:
            import re

            try:
                if re.compile(self.from_file_name).groups < 1:
                    raise ValueError(T_("{pattern!r} has no group (...) around the date", pattern=self.from_file_name))
            except re.error as exc:
                raise ValueError(T_("{pattern!r} is not a regular expression: {error}", pattern=self.from_file_name,
                                    error=exc)) from None
        return self


@dataclass(frozen=True)
class FactPlan:
    """One role record each row of an export gives, as the loader builds it (see Export.plans)."""

    role: str
    fields: dict[str, tuple[str, dict[str, str] | None]]   # field -> (column, value map)
    constants: dict[str, Constant] = dataclass_field(default_factory=dict)
    when: str | None = None
    derive: dict[str, tuple[str, ...]] = dataclass_field(default_factory=dict)
    not_applicable: dict[str, str] = dataclass_field(default_factory=dict)
    location: tuple = ()                                  # where in the export entry it is declared

    @property
    def provided(self) -> set[str]:
        """Fields this fact gives a value or declares not applicable."""
        return set(self.fields) | set(self.constants) | set(self.derive) | set(self.not_applicable)


class ReadOptions(Strict):
    """Parsing options; anything left unset is sniffed and the detected value recorded."""

    delimiter: str | None = None
    header: bool | None = None
    encoding: str | None = None
    quote: str | None = None
    skip_rows: int | None = Field(None, ge=0)
    decimal_separator: Literal[".", ","] | None = Field(
        None, description="the decimal separator of the export's numbers; the other of ',' and '.' may only group "
                          "thousands (1.234,50 with ','). Unset: the one that comes last in a value, and a value "
                          "that can be read both ways (1.234, 12,345) is quarantined as ambiguous_number. A number "
                          "with more decimals than its field holds (12,345 as an amount) is quarantined as "
                          "precision_loss, never rounded")
    timestamp_formats: list[str] | None = Field(
        None, description="strptime formats tried after ISO 8601 (default: the Finnish forms 31.12.2026 14:05, "
                          "31.12.2026 klo 14.05, 31/12/2026 ...). A year written with fewer than four digits (05.01.19 "
                          "read by %d.%m.%Y as the year 19) falls outside plausible_years; %y is refused: a "
                          "two-digit year is never given a century by guessing")
    plausible_years: tuple[int, int] = Field(
        PLAUSIBLE_YEARS, description="the first and last year a date or time of this export may fall in. A value "
                                     "outside them, in any format (05.01.19 read by %d.%m.%Y as the year 19, a "
                                     "typed timestamp of the year 19, 2206 for 2026, a spreadsheet's day zero "
                                     "1899-12-31), is quarantined as implausible_year, never loaded; four-digit "
                                     "years only")
    true_values: list[str] | None = None
    false_values: list[str] | None = None
    null_values: list[str] | None = None
    sheet: str | None = None
    json_format: Literal["auto", "array", "newline_delimited"] | None = None

    @field_validator("timestamp_formats")
    @classmethod
    def _four_digit_years(cls, formats: list[str] | None) -> list[str] | None:
        for fmt in formats or []:
            if "%y" in fmt or "%-y" in fmt:
                raise ValueError(T_("{format!r} reads a two-digit year (%y), whose century DuckDB guesses; use %Y "
                                    "(four digits), or have the system export four-digit years", format=fmt))
        return formats

    @field_validator("plausible_years")
    @classmethod
    def _four_digit_window(cls, years: tuple[int, int]) -> tuple[int, int]:
        first, last = years
        # Four-digit years only: a window reaching below 1000 would let a two-digit year (read as
        # the year 19) in again.
        if not 1000 <= first <= last <= 9999:
            raise ValueError(T_("{years} is not a window of four-digit years, first to last (such as {example})",
                                years=list(years), example=list(PLAUSIBLE_YEARS)))
        return years


class Export(Strict):
    """One export file (or glob of files), or one lake table: the role its rows play, and any further facts
    they give."""

    file: str
    table: str | None = Field(
        None, description="instead of file: a lake table, as the Parquet directory a data lake writes (Spark, "
                          "Hive, Databricks exports), relative to exports_dir: every *.parquet part file under it, "
                          "in partition folders too, read as one export; files and folders whose names start with "
                          "_ or . (_SUCCESS, _delta_log, .crc) are not part of the table, as Spark reads it; "
                          "or catalog:database.table, a table of Spark's catalog (read with --engine spark only)")
    preset: str | None = Field(
        None, description="a bundled vendor preset (shopify/customers, shopify/orders, mailchimp/audience, "
                          "mailchimp/campaign_activity, woocommerce/customers, woocommerce/orders, klaviyo/profiles): "
                          "its role, key, subject, constants, facts, states, options and columns fill in what the "
                          "entry does not say; a column of the entry's columns replaces the preset's column, and a "
                          "preset column's fideslang category becomes the register's category of that key or its "
                          "nearest declared parent (none declared: the column is undeclared). Columns the file lacks "
                          "are left out")
    role: str | None = Field(None, description="the canonical role of the file's rows; may be left out when "
                                               "facts or states say what the file gives")
    format: Format | None = None
    key: str | None = None
    subject: dict[str, str] | None = Field(
        None, description="identifier (declared in register.yaml) -> the column holding it")
    set: dict[str, Constant] = Field(default_factory=dict, description="field of the role -> one value for "
                                                                       "every row. " + CANONICAL_VALUES)
    derive: dict[str, list[str]] = Field(default_factory=dict,
                                         description="field -> the columns whose values, hashed, make it "
                                                     "(for example a message id from campaign, recipient, time)")
    not_applicable: dict[str, str] = Field(default_factory=dict,
                                           description="field of the role -> why the export lacks it")
    facts: list[Fact] = Field(default_factory=list)
    states: dict[str, ConsentState] = Field(default_factory=dict, description="marketing channel -> its consent "
                                                                              "state column")
    snapshot: Snapshot | None = None
    on_unknown_value: Literal["quarantine", "fail"] = Field(
        "quarantine", description="a value outside a canonical vocabulary: quarantine the row, or fail the file")
    timezone: str | None = None
    max_reject_ratio: float | None = Field(None, ge=0, le=1)
    options: ReadOptions = Field(default_factory=ReadOptions)
    columns: dict[str, ColumnSpec] = Field(default_factory=dict)
    # Filled in from a preset: the columns it (not the entry) names, which a file may lack, and their aliases.
    _preset_optional: frozenset[str] = PrivateAttr(frozenset())
    _preset_aliases: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _expand_preset(cls, data, handler, info: ValidationInfo):
        # Expanded here, so everything after (checks, loader) sees an ordinary entry; the register, when
        # the caller passes it as context, resolves the preset's fideslang categories and identifiers.
        from audit_lib.presets.catalogue import preset_names

        if not (isinstance(data, dict) and data.get("preset") in preset_names()):
            return handler(data)  # an unknown preset is reported by _known_preset, at its key
        from audit_lib.presets.expand import expand_entry

        expanded, optional, aliases = expand_entry(data, (info.context or {}).get("register"))
        export = handler(expanded)
        export._preset_optional, export._preset_aliases = optional, aliases
        return export

    @field_validator("preset")
    @classmethod
    def _known_preset(cls, value: str | None) -> str | None:
        from audit_lib.presets.catalogue import preset_names, unknown_preset_message

        if value is not None and value not in preset_names():
            raise ValueError(unknown_preset_message(value))
        return value

    def narrowed(self, header: list[str]) -> "Export":
        """This entry fitted to a file's header: the preset's columns the file lacks left out (see presets)."""
        from audit_lib.presets.narrow import narrowed

        return narrowed(self, header)

    @model_validator(mode="before")
    @classmethod
    def _lake_table(cls, data):
        # A table is its Parquet part files: the entry becomes a glob of them, so that every later step
        # (hashes, reconciliation per file, quarantine) treats each part file as it treats any file.
        if not isinstance(data, dict) or data.get("table") is None:
            return data
        if "file" in data:
            raise ValueError(T_("give file or table, not both"))
        table = str(data["table"]).strip().rstrip("/")
        if not table or any(c in table for c in "*?["):
            raise ValueError(T_("table {table!r}: name the table's folder (no glob), relative to exports_dir",
                                table=data["table"]))
        if data.get("format", "parquet") != "parquet":
            raise ValueError(T_("table {table!r}: a lake table is read as Parquet; leave format out", table=table))
        if table.startswith(CATALOG_PREFIX):
            # A table of Spark's catalog, resolved with spark.table when the audit runs on Spark: the
            # entry is named by it (inputs, export_files), its part files by the table's location.
            name = table[len(CATALOG_PREFIX):].strip()
            if not _CATALOG_NAME.fullmatch(name):
                raise ValueError(T_("table {table!r}: name a catalog table as catalog:database.table (or "
                                    "catalog:catalog.database.table), in letters, digits and _", table=table))
            return {**data, "table": CATALOG_PREFIX + name, "file": name, "format": "parquet"}
        return {**data, "table": table, "file": f"{table}/**/*.parquet", "format": "parquet"}

    @property
    def catalog_table(self) -> str | None:
        """The Spark catalog name of a ``table: catalog:database.table`` entry; None for files and folders."""
        if self.table is not None and self.table.startswith(CATALOG_PREFIX):
            return self.table[len(CATALOG_PREFIX):]
        return None

    @field_validator("file")
    @classmethod
    def _inside_exports_dir(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith(("/", "~")) or ":" in parts[0] or ".." in parts:
            raise ValueError(T_("{file!r} points outside the exports folder; name files relative to exports_dir",
                                file=value))
        if any(ord(character) < 32 for character in value):  # a NUL or a line break: no file name holds one
            raise ValueError(T_("{file!r} holds a control character; write the file's name as it is in exports_dir",
                                file=value))
        return value

    @model_validator(mode="after")
    def _known_format(self) -> "Export":
        if self.format is None:
            lower = self.file.lower()
            for suffix in sorted(FORMAT_BY_SUFFIX, key=len, reverse=True):
                if lower.endswith(suffix):
                    self.format = FORMAT_BY_SUFFIX[suffix]  # type: ignore[assignment]
                    break
            else:
                raise ValueError(T_("cannot tell the format of {file!r} from its name; set format: csv, parquet, "
                                    "json or xlsx", file=self.file))
        return self

    @model_validator(mode="after")
    def _says_what_it_gives(self) -> "Export":
        if self.role is None and not self.facts and not self.states:
            raise ValueError(T_("{file!r} gives nothing: name its role, or its facts or states", file=self.file))
        return self

    def field_columns(self) -> dict[str, str]:
        """Canonical field -> export column, for the columns that map to a field of the export's role."""
        return {spec.field: name for name, spec in self.columns.items() if spec.field}

    @property
    def roles(self) -> list[str]:
        """Every role this export feeds, its own first."""
        return list(dict.fromkeys(plan.role for plan in self.plans()))

    def subject_columns(self, master: str) -> dict[str, str]:
        """Identifier -> column naming the subject; a column mapped to ``subject_id`` is the master identifier."""
        if self.subject:
            return dict(self.subject)
        column = self.field_columns().get("subject_id")
        if column is None:
            for fact in self.facts:
                column = next((c for c, spec in fact.field_specs().items() if spec.field == "subject_id"), None)
                if column:
                    break
        return {master: column} if column else {}

    def plans(self) -> list[FactPlan]:
        """The records each row gives, one plan per role record: the export's role, its facts, its states."""
        plans = []
        if self.role is not None:
            fields = {spec.field: (column, spec.values) for column, spec in self.columns.items() if spec.field}
            plans.append(FactPlan(self.role, fields, dict(self.set), None,
                                  {k: tuple(v) for k, v in self.derive.items()}, dict(self.not_applicable), ()))
        for index, fact in enumerate(self.facts):
            fields = {spec.field: (column, spec.values) for column, spec in fact.field_specs().items()}
            plans.append(FactPlan(fact.role, fields, dict(fact.set), fact.when,
                                  {k: tuple(v) for k, v in fact.derive.items()}, dict(fact.not_applicable),
                                  ("facts", index)))
        for channel, state in self.states.items():
            fields: dict[str, tuple[str, dict[str, str] | None]] = {"state": (state.column, state.values)}
            if state.changed_at:
                fields["changed_at"] = (state.changed_at, None)
            plans.append(FactPlan("consent_states", fields, {"channel": channel}, None, {}, {},
                                  ("states", channel)))
        return plans


class IgnoredFile(Strict):
    """A file (or glob) in the exports folder that the audit deliberately does not read."""

    file: str
    reason: str = Field(min_length=3)


class ExportMap(Strict):
    """exports.yaml: the map of the register's export files."""

    schema_version: Literal[1] = 1
    # Named with an alias: pydantic models already have a `register` attribute (ABC.register).
    register_file: str = Field("register.yaml", alias="register")
    exports_dir: str = "exports"
    timezone: str = "Europe/Helsinki"
    max_reject_ratio: float = Field(0.01, ge=0, le=1)
    min_resolved_share: float = Field(
        0.5, ge=0, le=1, description="a role whose subjects resolve to the master register less often than this "
                                     "makes the checks that join it an error")
    exports: list[Export]
    ignore: list[IgnoredFile] = Field(default_factory=list,
                                      description="files in the exports folder not read, each with a reason")
    not_exported: dict[str, str] = Field(
        default_factory=dict, description="role -> why the register has no export of it (a shop without an access "
                                          "log of its own): the checks that need it are not run, and the audit "
                                          "is complete without them")
