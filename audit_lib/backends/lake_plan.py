"""Which loader reads each export on ``--engine spark``: lake tables Spark's own (spark_loader.py), the rest DuckDB's.

The Spark loader is smaller than the file loader: it reads a typed lake table (a Parquet folder, or a
table of Spark's catalog) that maps columns to the fields of one role, with identifiers, constants,
``not_applicable``, value maps and the read options that casts use. An entry that needs more (facts,
states, a snapshot, derived keys, free text), or whose rows other loader steps need before the checks
(the master register, whose identities every export resolves against; requests, whose deadlines are
DuckDB SQL), is read by the DuckDB loader as before. A catalog table has no such way round: only Spark
reads it, so an entry the Spark loader cannot take is an error of that entry. Light: no pyspark here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Collection

from audit_lib.errors import RegauditError
from audit_lib.i18n import T_

if TYPE_CHECKING:
    from audit_lib.declaration import Declaration, Export

# Roles the Spark loader leaves to the DuckDB loader, and why.
_DUCKDB_ROLES = {
    "requests": "request deadlines are derived in DuckDB SQL that has no Spark port",
    "support_contacts": "its texts feed free_texts, which the DuckDB loader builds",
}


class CatalogTableNeedsSpark(RegauditError):
    """exports.yaml names a table of Spark's catalog, and the audit does not run on Spark."""


def spark_unsupported(declaration: "Declaration", export: "Export") -> str | None:
    """Why the Spark loader does not read ``export`` (None: it does): a lake table of one role whose
    columns map to its fields, and nothing the DuckDB loader alone builds."""
    if export.table is None:
        return "it is a file, not a lake table"
    if export.role is None or export.facts or export.states:
        return "facts: and states: are read by the DuckDB loader only"
    if export.snapshot is not None or export.derive:
        return "snapshot: and derive: are read by the DuckDB loader only"
    if any(spec.free_text or spec.text_at for spec in export.columns.values()):
        return "free_text: columns feed free_texts, which the DuckDB loader builds"
    if export.role in _DUCKDB_ROLES:
        return f"role {export.role}: {_DUCKDB_ROLES[export.role]}"
    master = declaration.register.master_identifier
    if export.role == "subjects" and master in export.subject_columns(master):
        return "it is the master register, whose identities every other export is resolved against first"
    if export.on_unknown_value == "fail":
        return "on_unknown_value: fail is read by the DuckDB loader only"
    return None


@dataclass(frozen=True)
class LoaderSplit:
    """The entries (indices of exports.yaml) each loader reads: ``duckdb`` for ``load_exports``'s
    ``only`` (None: every entry), ``spark`` for the Spark loader."""

    duckdb: Collection[int] | None
    spark: tuple[int, ...] = ()


def split_loaders(engine: str, declaration: "Declaration", only: Collection[int] | None) -> LoaderSplit:
    """Which loader reads which entry of ``declaration`` (``only``: the entries ``--only`` needs, None
    for all). On DuckDB every entry is DuckDB's, and a catalog table cannot be read: raises
    CatalogTableNeedsSpark naming it."""
    entries = declaration.exports.exports
    if engine != "spark":
        catalog = [e.table for e in entries if e.catalog_table is not None]
        if catalog:
            raise CatalogTableNeedsSpark(T_(
                "exports.yaml: table {table!r} is a table of Spark's catalog, which only Spark reads: run with "
                "--engine spark, or name the table's Parquet folder instead", table=catalog[0]))
        return LoaderSplit(only)
    wanted = set(range(len(entries))) if only is None else set(only)
    spark = tuple(i for i, e in enumerate(entries) if i in wanted and e.table is not None
                  and (e.catalog_table is not None or spark_unsupported(declaration, e) is None))
    if not spark:
        return LoaderSplit(only)
    return LoaderSplit(sorted(wanted - set(spark)), spark)
