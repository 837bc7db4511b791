"""Writing the working tables as export files (CSV, Parquet, JSON via DuckDB COPY; XLSX via openpyxl)
and the ground truth as expected_findings.csv, all byte-reproducible."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from audit_lib.sample.layout import ExportFile
from audit_lib.sample.timeline import ZONE
from audit_lib.sql import ident

if TYPE_CHECKING:
    import duckdb

    from audit_lib.sample.plants import Finding

# Row order of each file: by key, except the tables that have none.
ORDER_BY = {
    "subjects": "customer_type, customer_id",
    "consent_events": "consent_id",
    "marketing_messages": "message_id",
    "orders": "order_id",
    "services": "service_id",
    "support_contacts": "contact_id",
    "requests": "request_id",
    "staff_accounts": "_idx",
    "access_log": "accessed_at, user_id, customer_id, table_accessed, action, log_id",
    "disclosures": "disclosure_id",
    "usage_events": "event_id",
}
# Columns written as UTC instants (TIMESTAMP WITH TIME ZONE) rather than local wall time: the
# newsletter tool exports Parquet with real instants, the other systems local time.
INSTANT_COLUMNS = {("marketing_messages", "sent_at")}
CSV_TIMESTAMP = "%Y-%m-%d %H:%M:%S"
CSV_DATE = "%Y-%m-%d"
# Zip entries and document properties carry this time instead of "now", so XLSX bytes repeat.
FIXED_XLSX_TIME = datetime(2026, 10, 1, 0, 0, 0)


def _column_types(con: "duckdb.DuckDBPyConnection", table: str) -> dict[str, str]:
    return {row[0]: row[1] for row in con.execute(f"DESCRIBE {ident(table)}").fetchall()}


def _select(con: "duckdb.DuckDBPyConnection", role: str, columns: list[str], kind: str) -> str:
    types = _column_types(con, role)
    parts = []
    for column in columns:
        col, kind_of = ident(column), types[column]
        if (role, column) in INSTANT_COLUMNS and kind_of == "TIMESTAMP":
            parts.append(f"timezone(getvariable('writer_zone'), {col}) AS {col}")
        elif kind == "csv" and kind_of == "TIMESTAMP":
            parts.append(f"strftime({col}, getvariable('writer_timestamp')) AS {col}")
        elif kind == "csv" and kind_of == "DATE":
            parts.append(f"strftime({col}, getvariable('writer_date')) AS {col}")
        else:
            parts.append(col)
    return f"SELECT {', '.join(parts)} FROM {ident(role)} ORDER BY {ORDER_BY[role]}"


def write_export(con: "duckdb.DuckDBPyConnection", export: ExportFile, path: Path, fmt: str,
                 extra_columns: Iterable[str] = ()) -> int:
    """Write the table of ``export.role`` to ``path``: the declared columns, then ``extra_columns``;
    return the number of rows."""
    columns = list(export.columns) + [c for c in extra_columns if c not in export.columns]
    kind = "parquet" if fmt == "parquet" else path.suffix.lstrip(".")
    for name, value in (("writer_zone", ZONE), ("writer_timestamp", CSV_TIMESTAMP), ("writer_date", CSV_DATE)):
        con.execute(f"SET VARIABLE {name} = ?", [value])
    query = _select(con, export.role, columns, kind)
    path.unlink(missing_ok=True)
    if kind == "csv":
        con.execute(f"COPY ({query}) TO ? (FORMAT CSV, HEADER true, DELIMITER ',')", [str(path)])
    elif kind == "parquet":
        con.execute(f"COPY ({query}) TO ? (FORMAT PARQUET, COMPRESSION zstd)", [str(path)])
    elif kind == "json":
        con.execute(f"COPY ({query}) TO ? (FORMAT JSON, ARRAY true)", [str(path)])
    elif kind == "xlsx":
        _write_xlsx(con.execute(query), columns, path)
    else:
        raise ValueError(f"no writer for {path.name}")
    return con.execute(f"SELECT count(*) FROM {ident(export.role)}").fetchone()[0]


def _write_xlsx(cursor: "duckdb.DuckDBPyConnection", columns: list[str], path: Path) -> None:
    def rows():
        while batch := cursor.fetchmany(10_000):
            yield from batch

    write_xlsx(path, columns, rows(), sheet=path.stem, date_format="yyyy-mm-dd hh:mm:ss", creator="regaudit sample")


def write_xlsx(path: Path, header: list[str], rows: Iterable[Sequence[object]], *, sheet: str, date_format: str,
               creator: str) -> None:
    """One sheet of ``rows`` under ``header``, dates in ``date_format``, byte for byte the same on every run."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = date_format
            cells.append(cell)
        worksheet.append(cells)
    workbook.properties.creator = creator
    workbook.properties.created = FIXED_XLSX_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(_repeatable_zip(buffer.getvalue(), workbook.properties))


def _repeatable_zip(data: bytes, properties) -> bytes:
    """Re-pack an XLSX with fixed entry times and fixed document times (openpyxl stamps "now")."""
    from openpyxl.xml.functions import tostring

    properties.modified = FIXED_XLSX_TIME
    properties.created = FIXED_XLSX_TIME
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():  # openpyxl's own, fixed, order
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = tostring(properties.to_tree())
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_XLSX_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()


def write_expected_findings(findings: Iterable["Finding"], path: Path) -> int:
    """Write ``period,check_id,record_ref`` rows, sorted; return how many."""
    rows = sorted({(f.period, f.check_id, f.record_ref) for f in findings})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["period", "check_id", "record_ref"])
        writer.writerows(rows)
    return len(rows)
