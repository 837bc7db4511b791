"""The typed form of the tables regaudit writes: event times as instants with a zone, and the Arrow
schemas of findings.parquet and check_results.parquet (text, timestamps with zone, dates, integers, booleans)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

# The findings' columns that are not text, and the Arrow type of each (event_at takes the zone of its
# column: the register's controller.timezone).
FINDING_DATES = ("accepted_until",)
FINDING_INSTANTS = ("event_at",)
# check_results: whole numbers (population may be unknown: NULL), flags and the run time in seconds.
RESULT_TYPES = {"population": "int64", "failures": "int64", "tested_nothing": "bool", "out_of_scope": "bool",
                "duration_s": "float64"}
# inputs: the size and the row counts of each file (none for a file that was not read).
INPUT_COUNTS = ("bytes", "rows_read", "rows_loaded", "rows_quarantined")


def as_instant(value: Any, zone: Any) -> datetime | None:
    """One event time as an aware datetime: an aware one as it is, a naive one or a date as wall time in ``zone``.

    A check returns what its SQL gives: a TIMESTAMPTZ is aware; a TIMESTAMP or a DATE (a day, not an
    instant) is read as the register's wall time, as the findings' messages show it.
    """
    if value is None or value != value:  # None, NaN, NaT
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"event_at {value!r} is not a time (ISO 8601, e.g. 2026-07-01 10:00)") from None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=zone)
    raise ValueError(f"event_at {value!r} ({type(value).__name__}) is not a time")


def instants(values: Iterable[Any], timezone: str) -> "pd.Series":
    """Event times as one column of instants in ``timezone`` (pandas ``datetime64[us, timezone]``);
    None stays missing (NaT). Raises ValueError for a value that is no time."""
    from zoneinfo import ZoneInfo

    import pandas as pd

    zone = ZoneInfo(timezone)
    aware = [as_instant(v, zone) for v in values]
    utc = pd.to_datetime(pd.Series(aware, dtype=object), utc=True).astype("datetime64[us, UTC]")
    return utc.dt.tz_convert(timezone)


def wall_time(value: datetime) -> str:
    """An instant as the findings show it: the wall time of its own zone, to the minute, with the
    seconds when there are some (``2026-07-01 10:00``, ``2026-07-01 10:00:15``)."""
    return value.strftime("%Y-%m-%d %H:%M:%S") if value.second else value.strftime("%Y-%m-%d %H:%M")


def _zone_of(column: "pd.Series", default: str) -> str:
    import pandas as pd

    return str(column.dtype.tz) if isinstance(column.dtype, pd.DatetimeTZDtype) else default


def findings_schema(timezone: str = "Europe/Helsinki") -> "pa.Schema":
    """The Arrow schema of findings.parquet: text, ``event_at`` a timestamp in ``timezone``, dates as dates."""
    import pyarrow as pa

    from audit_lib.findings import FINDING_COLUMNS

    def kind(column: str) -> "pa.DataType":
        if column in FINDING_INSTANTS:
            return pa.timestamp("us", tz=timezone)
        if column in FINDING_DATES:
            return pa.date32()
        return pa.string()
    return pa.schema([pa.field(c, kind(c)) for c in FINDING_COLUMNS])


def check_results_schema() -> "pa.Schema":
    """The Arrow schema of check_results.parquet: text, and RESULT_TYPES' numbers and flags."""
    import pyarrow as pa

    from audit_lib.findings import RESULT_COLUMNS

    arrow = {"int64": pa.int64(), "bool": pa.bool_(), "float64": pa.float64()}
    return pa.schema([pa.field(c, arrow[RESULT_TYPES[c]] if c in RESULT_TYPES else pa.string())
                      for c in RESULT_COLUMNS])


def _text(column: "pd.Series") -> "pd.Series":
    """A column as text or missing (a float NaN of an all-empty column is missing, not "nan")."""
    cells = column.astype(object)
    return cells.where(cells.notna(), None).map(lambda v: v if v is None or isinstance(v, str) else str(v))


def _table(frame: "pd.DataFrame", schema: "pa.Schema") -> "pa.Table":
    import pyarrow as pa

    missing = [name for name in schema.names if name not in frame.columns]
    if missing:
        raise ValueError(f"the table lacks the columns {missing}")
    arrays = []
    for field in schema:
        column = frame[field.name]
        if pa.types.is_string(field.type):
            column = _text(column)
        arrays.append(pa.Array.from_pandas(column, type=field.type))
    return pa.Table.from_arrays(arrays, schema=schema)


def _date(value: Any) -> date | None:
    if value is None or value != value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def findings_table(findings: "pd.DataFrame", timezone: str = "Europe/Helsinki") -> "pa.Table":
    """The findings as an Arrow table of ``findings_schema``: ``event_at`` in its column's zone (else ``timezone``)."""
    zone = _zone_of(findings["event_at"], timezone)
    typed = findings.reset_index(drop=True)
    typed["event_at"] = instants(typed["event_at"], zone)
    typed["accepted_until"] = typed["accepted_until"].astype(object).map(_date).astype(object)
    return _table(typed, findings_schema(zone))


def check_results_table(results: "pd.DataFrame") -> "pa.Table":
    """The check results as an Arrow table of ``check_results_schema``."""
    typed = results.reset_index(drop=True)
    for column, kind in RESULT_TYPES.items():
        typed[column] = typed[column].astype({"int64": "Int64", "bool": "boolean", "float64": "Float64"}[kind])
    return _table(typed, check_results_schema())


def inputs_for_output(inputs: "pd.DataFrame") -> "pd.DataFrame":
    """The inputs table as inputs.csv holds it: sizes and row counts as whole numbers, empty for a file
    that was not read (never ``2084.0``); ``detected`` stays a mapping, which the CSV writer writes as JSON."""
    typed = inputs.copy()
    for column in INPUT_COUNTS:
        if column in typed:
            typed[column] = typed[column].astype("Int64")
    return typed


def parquet_bytes(table: "pa.Table") -> bytes:
    """``table`` as a Parquet file's bytes (written atomically by the caller)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()
