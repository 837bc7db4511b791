"""A lake table as Spark reads it: every row with its part file and row number, and each part file accounted for.

A folder (``table: lake/messages``) is read from the part files the DuckDB loader would read
(readers.resolve_files: partition folders give their columns, ``_``/``.`` files are the format's own),
in the same order; a catalog table (``table: catalog:crm.messages``) with ``spark.table``, its part
files as Spark lists them. Each row carries its file (named as reports name files) and its row number
in it (``_metadata``); each file its rows as Spark read them and, when it is on this machine, as its
Parquet footer says (the two must agree), its size and SHA-256. A catalog table records its provider
and its snapshot id where the format keeps one (Delta's version, Iceberg's snapshot), or why it has none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlparse

from audit_lib.errors import LoadError
from audit_lib.i18n import T_
from audit_lib.loader.headers import check_columns
from audit_lib.loader.readers import FILE_COLUMN, RESERVED_PREFIX, ROW_COLUMN, relative_name, resolve_files

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from audit_lib.declaration import Declaration, Export

ORDER_COLUMN = "regaudit:order"
_PATH = "regaudit:path"


@dataclass
class LakeFile:
    """One part file: its name in reports, Spark's name for it, where it is here (None: not on this
    machine), the rows Spark read and, from its footer, the rows it holds (None: not readable here)."""

    name: str
    uri: str
    path: Path | None
    rows: int = 0
    footer_rows: int | None = None


@dataclass
class LakeRead:
    """A lake table read by Spark: ``frame`` holds its columns as read and each row's file, row number and
    file order; ``types`` each column's Spark type (simpleString); ``detected`` what the inputs record."""

    frame: "DataFrame"
    columns: list[str]
    types: dict[str, str]
    files: list[LakeFile]
    detected: dict[str, object] = field(default_factory=dict)


def _local_path(uri: str) -> Path | None:
    """The file a Spark path names on this machine (a ``file:`` URI or a plain path), else None."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path)).resolve()
    return None


def _folder(session: "SparkSession", declaration: "Declaration", export: "Export") -> tuple["DataFrame", dict]:
    """The part files of a table folder, read with its partition columns; name of each file by its path."""
    paths = resolve_files(declaration.exports_dir, export.file, export.table)
    base = declaration.exports_dir.resolve() / export.table
    frame = session.read.option("basePath", str(base)).parquet(*[str(p) for p in paths])
    return frame, {p.resolve(): relative_name(p, declaration.exports_dir) for p in paths}


def _catalog(session: "SparkSession", export: "Export") -> tuple["DataFrame", dict[str, str]]:
    """A table of Spark's catalog and what the inputs record of it; LoadError when the name resolves to none."""
    name = export.catalog_table
    try:
        found = session.catalog.tableExists(name)
    except Exception as exc:  # a catalog or database Spark does not know
        found, why = False, str(exc).strip().splitlines()[0]
    else:
        why = "no such table"
    if not found:
        raise LoadError(export.file, T_("is not a table of Spark's catalog ({why}); check `table:` in exports.yaml "
                                        "and the catalog and database the Spark session uses", why=why))
    described = {str(row[0]).strip(): str(row[1]).strip() for row in
                 session.sql(f"DESCRIBE TABLE EXTENDED {export.catalog_table}").collect() if row[0]}
    provider = described.get("Provider", "unknown").lower()
    detected = {"table": name, "provider": provider, "location": described.get("Location"),
                "snapshot": _snapshot(session, name, provider)}
    return session.table(name), detected


def _snapshot(session: "SparkSession", name: str, provider: str) -> str:
    """The table's snapshot id where its format keeps one, else why there is none."""
    queries = {"delta": (f"DESCRIBE HISTORY {name} LIMIT 1", "version"),
               "iceberg": (f"SELECT snapshot_id FROM {name}.snapshots ORDER BY committed_at DESC LIMIT 1",
                           "snapshot_id")}
    if provider not in queries:
        return (f"none: a {provider} table of Spark's catalog keeps no snapshot id; the SHA-256 of its part "
                "files (where they are on this machine) say what was read")
    sql, column = queries[provider]
    try:
        rows = session.sql(sql).collect()
    except Exception as exc:  # the format's own extension not loaded in this session
        return f"not available: {str(exc).strip().splitlines()[0]}"
    return f"{provider} {column} {rows[0][column]}" if rows else f"none: the {provider} table has no snapshot yet"


def _catalog_names(export: "Export", uris: list[str], location: str | None) -> dict[str, str]:
    """Each part file of a catalog table named ``<table>/<path under its location>``."""
    root = _local_path(location) if location else None
    names = {}
    for uri in uris:
        path = _local_path(uri)
        if root is not None and path is not None and path.is_relative_to(root):
            relative = path.relative_to(root).as_posix()
        elif location and uri.startswith(location.rstrip("/") + "/"):
            relative = unquote(uri[len(location.rstrip("/")) + 1:])
        else:
            relative = unquote(uri.rsplit("/", 1)[-1])
        names[uri] = f"{export.file}/{relative}"
    return names


def _counts(frame: "DataFrame") -> dict[str, int]:
    """Rows per part file as Spark reads them (one pass over its row metadata, no data columns)."""
    from pyspark.sql import functions as F

    table = frame.select(F.col("_metadata.file_path").alias(_PATH)).groupBy(_PATH).count().toArrow()
    return dict(zip(table.column(0).to_pylist(), table.column(1).to_pylist()))


def read_lake(session: "SparkSession", declaration: "Declaration", export: "Export") -> LakeRead:
    """Read ``export``'s table with Spark (LoadError when it cannot be, naming why)."""
    if export.catalog_table is not None:
        frame, detected = _catalog(session, export)
        names_by_path: dict = {}
    else:
        frame, names_by_path = _folder(session, declaration, export)
        detected = {}
    columns = list(frame.columns)
    check_columns(export.file, columns)
    bad = [c for c in columns if c.startswith(RESERVED_PREFIX)]
    if bad:
        raise LoadError(export.file, T_("column name {name!r} starts with {prefix!r}, which regaudit reserves; "
                                        "rename the column in the export", name=bad[0], prefix=RESERVED_PREFIX),
                        column=bad[0])
    try:
        counts = _counts(frame)
    except Exception as exc:  # no _metadata: a table not stored as files Spark reads itself
        raise LoadError(export.file, T_("Spark gives no part file and row number of its rows ({error}); the Spark "
                                        "loader reads tables stored as Parquet files",
                                        error=str(exc).strip().splitlines()[0])) from None
    files = _files(frame, export, counts, names_by_path, detected)
    return LakeRead(_numbered(session, frame, files), columns,
                    {f.name: f.dataType.simpleString() for f in frame.schema}, files, detected)


def _files(frame: "DataFrame", export: "Export", counts: dict[str, int], names_by_path: dict,
           detected: dict) -> list[LakeFile]:
    """Every part file, in the DuckDB loader's order for a folder (by path), by name for a catalog table,
    each checked against its footer when it is on this machine."""
    import pyarrow.parquet as pq

    if names_by_path:
        by_path = {_local_path(uri): uri for uri in counts}
        strays = [uri for path, uri in by_path.items() if path not in names_by_path]
        if strays:  # rows of a file the loader did not list would be lost in the join below
            raise LoadError(export.file, T_("Spark read rows of {path}, which is not a part file of the table",
                                            path=strays[0]))
        files = [LakeFile(name, by_path.get(path, path.as_uri()), path, counts.get(by_path.get(path), 0))
                 for path, name in names_by_path.items()]
    else:
        # One entry per file, however Spark spells its path (the rows' spelling wins: the join uses it).
        spelled = {str(_local_path(u) or u): u for u in frame.inputFiles()}
        spelled.update({str(_local_path(u) or u): u for u in counts})
        uris = list(spelled.values())
        names = _catalog_names(export, uris, detected.get("location"))
        files = sorted((LakeFile(names[u], u, _local_path(u), counts.get(u, 0)) for u in uris), key=lambda f: f.name)
    for item in files:
        if item.path is not None and item.path.is_file():
            footer = pq.ParquetFile(item.path)
            check_columns(item.name, list(footer.schema_arrow.names))
            item.footer_rows = footer.metadata.num_rows
            if item.footer_rows != item.rows:
                raise LoadError(item.name, T_("holds {footer:,} rows (its Parquet footer) but Spark read {read:,}; "
                                              "check that no other process is writing the table",
                                              footer=item.footer_rows, read=item.rows))
        else:
            item.path = None
    return files


def _numbered(session: "SparkSession", frame: "DataFrame", files: list[LakeFile]) -> "DataFrame":
    """``frame`` with each row's file name, row number in it (1 = its first row) and file order."""
    from pyspark.sql import functions as F

    named = session.createDataFrame([(f.uri, f.name, n) for n, f in enumerate(files)],
                                    f"`{_PATH}` STRING, `{FILE_COLUMN}` STRING, `{ORDER_COLUMN}` INT")
    rows = frame.select("*", F.col("_metadata.file_path").alias(_PATH),
                        (F.col("_metadata.row_index") + 1).alias(ROW_COLUMN))
    return rows.join(F.broadcast(named), _PATH).drop(_PATH)
