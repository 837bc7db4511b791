"""The Spark loader: typed lake tables loaded by Spark itself on ``--engine spark``, into the DuckDB loader's relations.

Which entries it reads is lake_plan.py's choice (a lake table of one role, mapped column by column);
the DuckDB loader reads the others, as before. For each of its entries it does in Spark what
loader/load.py does in DuckDB, and gives the same relations the same columns:

- before the relations are shipped (``stage``): read the table (spark_lake_source.py), type it with
  the loader's casts (spark_stage.py, spark_casts.py, the time-zone rule of spark_timezones.py), mark
  repeated keys; then, in DuckDB, where the report and the outputs read them: the quarantined rows
  (worded by the loader's SQL, spark_quarantine.py), ``export_columns``, ``export_files``,
  ``not_applicable_fields``, the phone numbers' E.164 forms, and per part file its reconciliation
  (rows read = loaded + quarantined), size and SHA-256 in the inputs;
- after (``publish``): each row's subject resolved against the shipped ``identity_lookup``, the
  entry's ``export_rows_NN``, its rows added to its role's view, and the relations derived from role
  views made again over them from the loader's own SQL (``subject_index``, ``consent_timeline``,
  ``retention_items``, ``retention_due``), ported to Spark SQL.

The rows never reach the driver, only the quarantined ones and each column's distinct values where
a column needs the loader's own casts (text holding dates, numbers or yes/no words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_lib.backends.lake_plan import spark_unsupported
from audit_lib.backends.spark_casts import spark_ident
from audit_lib.backends.spark_lake_source import LakeRead, read_lake
from audit_lib.backends.spark_quarantine import write_quarantine
from audit_lib.backends.spark_stage import quarantined_rows, typed_stage
from audit_lib.errors import LoadError
from audit_lib.hashing import BackgroundHashes
from audit_lib.i18n import T_
from audit_lib.loader.mapping import referenced_columns
from audit_lib.roles import ROLES

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame

    from audit_lib.backends.spark_backend import SparkBackend
    from audit_lib.declaration import Declaration, Export
    from audit_lib.loader import LoadReport


def _spark_errors() -> tuple[type[BaseException], ...]:
    """The exceptions Spark raises for a table it cannot read (pyspark's, the JVM's through py4j)."""
    from py4j.protocol import Py4JJavaError
    from pyspark.errors import PySparkException

    return (PySparkException, Py4JJavaError)


def spark_message(exc: BaseException) -> str:
    """The first line of what Spark (or the JVM under it) says of ``exc``, without its stack trace."""
    java = getattr(exc, "java_exception", None)
    text = str(java.toString()) if java is not None else str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@dataclass
class _Staged:
    """An entry Spark staged: its place in exports.yaml, the entry fitted to its columns, what was read,
    the checkpointed stage and each field's Spark SQL over it."""

    index: int
    export: "Export"
    read: LakeRead
    stage: "DataFrame"
    exprs: dict[str, str]

    @property
    def key(self) -> str:
        """The entry's number as the loader's relation names carry it (``export_rows_NN``)."""
        return f"{self.index:02d}"


class SparkLakeLoader:
    """Loads the lake-table entries ``indices`` of ``declaration`` with Spark (see the module docstring);
    ``report`` is the DuckDB loader's, which these entries join, and ``con`` its connection."""

    def __init__(self, con: "duckdb.DuckDBPyConnection", declaration: "Declaration", report: "LoadReport",
                 indices: tuple[int, ...]) -> None:
        """Nothing is read until ``stage``."""
        self.con, self.declaration, self.report, self.indices = con, declaration, report, indices
        self.staged: list[_Staged] = []

    def stage(self, backend: "SparkBackend") -> None:
        """Read, type, quarantine and reconcile every entry; never raises for one bad table (its input is
        an ``error``, as the DuckDB loader records one)."""
        spark_errors = _spark_errors()
        failed = []
        with BackgroundHashes() as hashes:
            for index in self.indices:
                export = self.declaration.exports.exports[index]
                try:
                    try:
                        self._stage_one(backend, index, export, hashes)
                    except spark_errors as exc:  # a part file Spark cannot read, a corrupt checksum file
                        raise LoadError(export.file, T_("cannot be read by Spark: {error}",
                                                        error=spark_message(exc))) from exc
                except LoadError as exc:
                    self._record_error(export, exc)
                    failed.append(export)
        self._unexported(failed)

    def _unexported(self, failed: list["Export"]) -> None:
        """``unexported_roles`` as the DuckDB loader would have left it: a role only a failed table gives is
        not exported; consent states are, once consent events are (an empty view, see
        load._create_consent_timeline, made again in ``publish``)."""
        for role in dict.fromkeys(e.role for e in failed if e.role):
            if role not in self.report.available:
                self.con.execute("INSERT INTO unexported_roles VALUES (?)", [role])
        if "consent_events" in self.report.available and "consent_states" not in self.report.available:
            self.con.execute("DELETE FROM unexported_roles WHERE role = 'consent_states'")

    def _stage_one(self, backend: "SparkBackend", index: int, export: "Export", hashes: BackgroundHashes) -> None:
        """Stage entry ``index`` (LoadError when it cannot be read) and record it."""
        from audit_lib.backends.spark_reconcile import inputs_rows, record_entry
        from audit_lib.loader.load import _record_columns

        reason = spark_unsupported(self.declaration, export) if export.catalog_table is not None else None
        if reason is not None:
            raise LoadError(export.file, T_("a table of Spark's catalog is read by the Spark loader only, which does "
                                            "not read this entry: {reason}", reason=reason))
        read = read_lake(backend.session, self.declaration, export)
        hashes.submit([f.path for f in read.files if f.path is not None])
        export = export.narrowed(read.columns)
        _record_columns(self.con, self.declaration, export, read.columns)
        missing = [c for c in referenced_columns(self.declaration, export) if c not in read.columns]
        if missing:
            raise LoadError(read.files[0].name if read.files else export.file,
                            T_("column(s) {missing} named in exports.yaml are not in the file; its columns are: "
                               "{columns}", missing=", ".join(map(repr, missing)),
                               columns=", ".join(map(repr, read.columns))), column=missing[0])
        stage, exprs = typed_stage(backend, self.con, self.declaration, export, read, f"{index:02d}")
        marked = write_quarantine(self.con, self.declaration, export, read.columns,
                                  quarantined_rows(stage, read.columns))
        self._place(export, inputs_rows(self.declaration, export, read, marked, hashes))
        staged = _Staged(index, export, read, stage, exprs)
        record_entry(self.con, self.declaration, staged.export, staged.stage, f"export_rows_{staged.key}")
        self.report.available[export.role] = self._available(export)
        self.staged.append(staged)

    def _available(self, export: "Export") -> set[str]:
        """The fields of the entry's role every one of its records has, with the role's records from other
        exports (load._create_role_view): the mapped, constant and not applicable ones, the subject once
        resolved, and a record's place standing for a key the role does not require."""
        role = ROLES[export.role]
        provided = set(export.plans()[0].provided)
        if export.subject_columns(self.declaration.register.master_identifier) and "subject_id" in role.field_names:
            provided.add("subject_id")
        if role.key not in provided and not role.field(role.key).required:
            provided.add(role.key)
        return self.report.available.get(export.role, provided) & provided

    def _place(self, export: "Export", rows: list[dict[str, object]]) -> None:
        """Put ``rows`` where the DuckDB loader listed the entry's files as ``skipped`` (it left them to Spark)."""
        names = {str(row["file"]) for row in rows} | {export.file}
        inputs = self.report.inputs
        places = [i for i, row in enumerate(inputs) if row["status"] == "skipped" and str(row["file"]) in names]
        at = places[0] if places else len(inputs)
        for place in reversed(places):
            del inputs[place]
        inputs[at:at] = rows

    def _record_error(self, export: "Export", exc: LoadError) -> None:
        """The entry's input as an ``error`` with the reason, as the DuckDB loader records one."""
        self.report.problems.append(str(exc))
        self._place(export, [{"file": export.file, "role": ", ".join(export.roles), "format": export.format,
                              "sha256": None, "bytes": None, "rows_read": 0, "rows_loaded": 0,
                              "rows_quarantined": 0, "status": "error", "detail": str(exc), "detected": {}}])

    def publish(self, backend: "SparkBackend") -> None:
        """After the DuckDB loader's relations are shipped: the entries' rows into the role views, their
        ``export_rows_NN``, and the derived relations made again over the role views."""
        from audit_lib.backends.spark_derived import rebuild_derived
        from audit_lib.backends.spark_views import export_rows, role_part, subject_rows

        parts: dict[str, list["DataFrame"]] = {}
        for staged in self.staged:
            backend.view(f"stg_{staged.key}", staged.stage)
            rows, subject = subject_rows(backend, self.declaration, staged.export, f"stg_{staged.key}")
            backend.view(f"stg_{staged.key}_rows", rows)
            backend.view(f"export_rows_{staged.key}",
                         export_rows(backend, staged.export, staged.read.columns, staged.exprs, subject,
                                     f"stg_{staged.key}_rows"))
            parts.setdefault(staged.export.role, []).append(
                role_part(backend, staged.export, staged.exprs, subject, f"stg_{staged.key}_rows"))
        for role, frames in parts.items():
            union = backend.session.table(spark_ident(role))
            for frame in frames:
                union = union.unionByName(frame)
            backend.view(role, union)
        if parts:
            rebuild_derived(backend, self.declaration, self.report, set(parts))


def lake_loader(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", report: "LoadReport",
                indices: tuple[int, ...]) -> SparkLakeLoader | None:
    """The Spark loader of the entries ``indices`` (lake_plan.split_loaders' ``spark``), None when there are none."""
    return SparkLakeLoader(con, declaration, report, tuple(indices)) if indices else None

