"""What the DuckDB side records of a lake table Spark loaded: its part files' reconciliation, and the small tables.

Per part file, as load._reconcile: rows read (its Parquet footer's count, which Spark's must equal;
Spark's own for a file not on this machine) = rows loaded + rows quarantined, the reject threshold,
size and SHA-256. And, in the DuckDB loader's tables, before they are shipped to Spark: the entry in
``export_files``, its ``not_applicable_fields``, and the E.164 form of each phone number its
identifier columns hold (``identity_phone_map``, phonenumbers per distinct value, as identity.py does).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.backends.spark_casts import spark_ident, spark_text
from audit_lib.sql import insert_rows

if TYPE_CHECKING:
    import duckdb
    from pyspark.sql import DataFrame

    from audit_lib.backends.spark_lake_source import LakeRead
    from audit_lib.declaration import Declaration, Export
    from audit_lib.hashing import BackgroundHashes


def inputs_rows(declaration: "Declaration", export: "Export", read: "LakeRead", marked: dict[str, int],
                hashes: "BackgroundHashes") -> list[dict[str, object]]:
    """One inputs row per part file of ``read``; ``marked``: rows quarantined per file."""
    from audit_lib.loader.load import _plain

    threshold = export.max_reject_ratio if export.max_reject_ratio is not None else declaration.exports.max_reject_ratio
    detected = {"format": "parquet", **read.detected}
    described = ", ".join(f"{k}={_plain(v)}" for k, v in detected.items())
    rows = []
    for item in read.files:
        total = item.footer_rows if item.footer_rows is not None else item.rows
        quarantined = marked.get(item.name, 0)
        ratio = quarantined / total if total else 0.0
        status = "rejected" if ratio > threshold else "loaded"
        detail = (f"{quarantined} of {total} rows quarantined ({ratio:.1%}), above the threshold {threshold:.1%}; "
                  f"{described}" if status == "rejected" else described)
        local = item.path is not None
        rows.append({"file": item.name, "role": ", ".join(export.roles), "format": export.format,
                     "sha256": hashes.sha256(item.path) if local else None,
                     "bytes": item.path.stat().st_size if local else None, "rows_read": total,
                     "rows_loaded": total - quarantined, "rows_quarantined": quarantined, "status": status,
                     "detail": detail, "detected": dict(detected)})
    return rows


def record_entry(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", export: "Export",
                 stage: "DataFrame", view: str) -> None:
    """The entry's rows of ``export_files`` and ``not_applicable_fields``, and its phone numbers' E.164 forms."""
    from audit_lib.loader.contract import _create_files_table

    _create_files_table(con)
    subjects = export.subject_columns(declaration.register.master_identifier)
    con.execute("INSERT INTO export_files VALUES (?, ?, ?, ?, ?)",
                [export.file, view, export.roles, bool(subjects), False])
    plan = export.plans()[0]
    if plan.not_applicable:
        insert_rows(con, "not_applicable_fields",
                    [(export.file, plan.role, name, reason) for name, reason in plan.not_applicable.items()])
    _phone_forms(con, declaration, subjects, stage)


def _phone_forms(con: "duckdb.DuckDBPyConnection", declaration: "Declaration", subjects: dict[str, str],
                 stage: "DataFrame") -> None:
    """Add to ``identity_phone_map`` each phone value of the identifier columns it lacks."""
    from audit_lib.loader.identity import _region
    from audit_lib.normalise import phone

    for identifier, column in subjects.items():
        if declaration.register.identifier_map[identifier].normalise != "phone":
            continue
        region = _region(declaration, identifier)
        text = spark_text(spark_ident(column))
        values = stage.selectExpr(f"{text} AS v").where("v IS NOT NULL").distinct().toArrow().column(0).to_pylist()
        known = {raw for (raw,) in con.execute("SELECT raw FROM identity_phone_map WHERE region = ?", [region]).fetchall()}
        fresh = [(region, raw, phone(raw, region)) for raw in values if raw not in known]
        insert_rows(con, "identity_phone_map", fresh)
