"""The model of exports.yaml: where the register's data is and how each column maps."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from audit_lib.declaration.register import Strict

FORMAT_BY_SUFFIX = {
    ".csv": "csv", ".csv.gz": "csv", ".tsv": "csv", ".txt": "csv",
    ".parquet": "parquet", ".json": "json", ".jsonl": "json", ".ndjson": "json",
    ".xlsx": "xlsx",
}
Format = Literal["csv", "parquet", "json", "xlsx"]


class ColumnSpec(Strict):
    """How one export column maps: a canonical field, a declared category, or both."""

    field: str | None = None
    category: str | None = None
    values: dict[str, str] | None = Field(None, description="export value -> canonical value")
    not_personal: str | None = Field(None, description="why this column holds no personal data")


class ReadOptions(Strict):
    """Parsing options; anything left unset is sniffed and the detected value recorded."""

    delimiter: str | None = None
    header: bool | None = None
    encoding: str | None = None
    quote: str | None = None
    skip_rows: int | None = Field(None, ge=0)
    decimal_separator: Literal[".", ","] | None = None
    timestamp_formats: list[str] | None = None
    true_values: list[str] | None = None
    false_values: list[str] | None = None
    null_values: list[str] | None = None
    sheet: str | None = None
    json_format: Literal["auto", "array", "newline_delimited"] | None = None


class Export(Strict):
    """One export file (or glob of files) playing one canonical role."""

    file: str
    role: str
    format: Format | None = None
    key: str | None = None
    timezone: str | None = None
    max_reject_ratio: float | None = Field(None, ge=0, le=1)
    options: ReadOptions = Field(default_factory=ReadOptions)
    columns: dict[str, ColumnSpec]

    @field_validator("file")
    @classmethod
    def _inside_exports_dir(cls, value: str) -> str:
        parts = value.replace("\\", "/").split("/")
        if value.startswith(("/", "~")) or ":" in parts[0] or ".." in parts:
            raise ValueError(f"{value!r} points outside the exports folder; name files relative to exports_dir")
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
                raise ValueError(f"cannot tell the format of {self.file!r} from its name; "
                                 "set format: csv, parquet, json or xlsx")
        return self

    def field_columns(self) -> dict[str, str]:
        """Canonical field -> export column, for the columns that map to a field."""
        return {spec.field: name for name, spec in self.columns.items() if spec.field}


class ExportMap(Strict):
    """exports.yaml: the map of the register's export files."""

    schema_version: Literal[1] = 1
    # Named with an alias: pydantic models already have a `register` attribute (ABC.register).
    register_file: str = Field("register.yaml", alias="register")
    exports_dir: str = "exports"
    timezone: str = "Europe/Helsinki"
    max_reject_ratio: float = Field(0.01, ge=0, le=1)
    exports: list[Export]
