"""The Spark loader (audit_lib/backends/spark_loader.py) gives, for lake tables, what the DuckDB loader gives.

A small register whose marketing messages, consent events and orders are lake tables (part
files in partition folders, INT96 instants as Spark writes them, zone-less local times on both sides of
Helsinki's autumn fold and in its spring gap, text a lake keeps untyped, repeated and missing keys,
values outside the vocabularies, amounts that would be rounded, an empty part file, the table format's
own files) is loaded twice: by the DuckDB loader alone, and with --engine spark, where Spark loads the
lake tables itself. Every relation the checks read, the inputs, the quarantine and the findings of
the checks that read those tables are the same. Spark's zone rule is compared with ICU's every
quarter-hour. One local Spark session (conftest.py's) serves the Spark suites.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from checkkit import KEY, SAMPLE

from audit_lib.backends.lake_plan import CatalogTableNeedsSpark, split_loaders, spark_unsupported

pytestmark = pytest.mark.slow

HELSINKI = "Europe/Helsinki"
CHECKS = ("consent_message_without_opt_out", "consent_sent_after_withdrawal",
          "inventory_subject_outside_master_register", "retention_period_exceeded")
# The relations the checks read (loader/contract.py) that lake rows reach.
RELATIONS = ("marketing_messages", "consent_events", "orders", "export_files", "export_columns",
             "not_applicable_fields", "quarantine", "subject_index", "consent_timeline", "retention_items",
             "retention_due", "identity_phone_map", "unexported_roles")


def _instant(text: str) -> dt.datetime:
    """The UTC instant of an ISO text."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.timezone.utc)


def _write_table(folder: Path, table: pa.Table, partition: str | None = None, parts: int = 2,
                 int96: bool = True) -> None:
    """``table`` as Spark writes a table: part files (in ``partition=value`` folders), instants as INT96 (or
    every time as written: zone-less ones stay zone-less), ``_SUCCESS`` and a checksum file beside them,
    and one part file with no rows."""
    folder.mkdir(parents=True)
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / "._SUCCESS.crc").write_bytes(b"crc\n")
    groups = {None: table} if partition is None else {
        value: table.filter(pa.compute.equal(table[partition], value)).drop_columns([partition])
        for value in table[partition].unique().to_pylist()}
    for value, rows in groups.items():
        where = folder if value is None else folder / f"{partition}={value}"
        where.mkdir(exist_ok=True)
        step = -(-len(rows) // parts)
        for number in range(parts):
            pq.write_table(rows.slice(number * step, step), where / f"part-{number:05d}-c0ffee.c000.snappy.parquet",
                           use_deprecated_int96_timestamps=int96)
    pq.write_table(table.drop_columns([partition] if partition else []).slice(0, 0),
                   folder / (f"{partition}={table[partition][0]}" if partition else ".") / "part-00009-empty.parquet")


def _messages() -> pa.Table:
    """Marketing messages: keys repeated and missing, a channel outside the vocabulary, yes/no words as text."""
    rows = [("M1", "C1", "email", "2026-10-25 00:30:00", " syksy ", "kyllä"), ("M2", "C1", "email",
            "2026-10-25 01:30:00", "syksy", "ei"), (" M1", "C2", "sms", "2026-11-02 08:00:00", "talvi", "yes"),
            (None, "C2", "sms", "2026-11-03 08:00:00", "talvi", "yes"),          # M1 again (trimmed), no key
            ("M4", "C9", "email", "2026-11-04 08:00:00", "talvi", None), ("M5", "C3", "fax", "2026-11-05 08:00:00",
            "talvi", "1"), ("M6", "C3", "email", "1850-01-01 00:00:00", "vanha", "0"), ("M7", "", "sms",
            "2026-12-01 10:00:00", "talvi", "maybe"), ("M8", "C2", "EMAIL", "2026-12-02 10:00:00", None, "ei")]
    ids, customers, channels, sent, campaigns, opt_out = zip(*rows)
    return pa.table({"message_id": list(ids), "customer_id": list(customers), "channel": list(channels),
                     "sent_at": pa.array([_instant(t) for t in sent], pa.timestamp("us", "UTC")),
                     "campaign": list(campaigns), "has_opt_out": list(opt_out),
                     "opened_at": pa.array([None] * len(rows), pa.timestamp("us", "UTC"))})


def _consents() -> pa.Table:
    """Consent events known by e-mail, with a value map and times as text."""
    # Times as a lake keeps them from a Finnish system: text, the fold and the gap among them.
    rows = [("K1", " Anna.Aalto@Example.FI", "Sähköposti", "granted", "05.01.2026 12:00"),
            ("K2", "anna.aalto@example.fi", "sähköposti", "withdrawn", "25.10.2026 03:15"),
            ("K3", "bo@example.fi", "sms", "granted", "29.3.2026 03:30"), ("K4", "nobody@example.fi", "email",
            "granted", "2026-10-01T09:00:00+03:00"), ("K5", "bo@example.fi", "email", "granted", "31.02.2026"),
            ("K6", None, "email", "granted", "01.10.2026"), ("K7", "shared@example.fi", "email", "granted",
            "05.01.19")]
    ids, emails, channels, actions, at = zip(*rows)
    return pa.table({"event_id": list(ids), "customer_email": list(emails), "channel": list(channels),
                     "action": list(actions), "at": list(at)})


def _orders() -> pa.Table:
    """Orders known by phone: zone-less local times, dates, amounts that would be rounded."""
    # Zone-less local times (the fold, the gap, before 1900), dates, amounts that would be rounded.
    local = ["2026-10-25 03:30:00", "2026-10-25 02:59:59", "2026-03-29 03:30:00", "2019-01-05 10:00:00",
             "2026-10-25 03:00:00", "1899-12-31 23:00:00"]
    amounts = ["10.500", "10.005", "99.990", "1.000", None, "123456789012345.000"]
    return pa.table({"order_id": [f"O{n}" for n in range(len(local))],
                     "puhelin": ["040 123 4567", "+358401234567", "050 765 4321", "", "0401234567", "040 123 4567"],
                     "ordered_at": pa.array([dt.datetime.fromisoformat(t) for t in local], pa.timestamp("us")),
                     "deleted_at": pa.array([None, dt.date(2026, 10, 25), None, dt.date(2020, 1, 1), None, None]),
                     "amount": pa.array([None if a is None else Decimal(a) for a in amounts], pa.decimal128(20, 3))})


def _subjects_csv(folder: Path) -> None:
    """The master register (a CSV the DuckDB loader reads), with e-mails and phones; one e-mail shared."""
    (folder / "subjects.csv").write_text(
        "subject_id,subject_type,email,phone,created_at,marketing_ban\n"
        "C1,consumer,anna.aalto@example.fi,+358 40 1234567,2024-01-01 10:00:00,ei\n"
        "C2,consumer,bo@example.fi,050 765 4321,2024-02-01 10:00:00,kyllä\n"
        "C3,consumer,shared@example.fi,,2026-10-25 03:30:00,ei\n"
        "C4,consumer,shared@example.fi,,2025-01-01 00:00:00,ei\n", encoding="utf-8")


def lake_register(folder: Path) -> Path:
    """The register described in the module docstring; returns its exports.yaml."""
    exports_dir = folder / "exports"
    exports_dir.mkdir(parents=True)
    register = yaml.safe_load((SAMPLE / "register.yaml").read_text(encoding="utf-8"))
    register["identifiers"] = {"customer_number": {"master": True}, "email": {"normalise": "email"},
                               "phone": {"normalise": "phone", "region": "FI"}}
    (folder / "register.yaml").write_text(yaml.safe_dump(register, allow_unicode=True, sort_keys=False), "utf-8")
    _subjects_csv(exports_dir)
    _write_table(exports_dir / "lake" / "marketing_messages", _messages(), partition="channel")
    _write_table(exports_dir / "lake" / "consent_events", _consents())
    _write_table(exports_dir / "lake" / "orders", _orders(), parts=1, int96=False)
    fields = lambda *names: {n: {"field": n} for n in names}  # noqa: E731 (a table of mappings)
    exports = [
        {"file": "subjects.csv", "role": "subjects", "key": "subject_id",
         "subject": {"customer_number": "subject_id", "email": "email", "phone": "phone"},
         "columns": fields("subject_id", "subject_type", "email", "phone", "created_at", "marketing_ban")},
        {"table": "lake/marketing_messages", "role": "marketing_messages", "key": "message_id",
         "columns": {**fields("message_id", "channel", "sent_at", "campaign", "has_opt_out"),
                     "customer_id": {"field": "subject_id"}}},
        {"table": "lake/consent_events", "role": "consent_events", "key": "event_id",
         "subject": {"email": "customer_email"}, "set": {"source": "lake"},
         "columns": {**fields("event_id", "at", "action"), "customer_email": {"category": "email"},
                     "channel": {"field": "channel", "values": {"sähköposti": "email"}}}},
        {"table": "lake/orders", "role": "orders", "key": "order_id", "subject": {"phone": "puhelin"},
         "not_applicable": {"service_id": "the lake keeps no services"},
         "columns": {**fields("order_id", "ordered_at", "deleted_at", "amount"), "puhelin": {"category": "phone"}}},
    ]
    (folder / "exports.yaml").write_text(yaml.safe_dump({"schema_version": 1, "register": "register.yaml",
                                                         "exports_dir": "exports", "exports": exports},
                                                        allow_unicode=True, sort_keys=False), "utf-8")
    return folder / "exports.yaml"


# ------------------------------------------------------------------------------------ what loads where


def test_typed_lake_tables_are_sparks_and_the_rest_duckdbs(tmp_path):
    """Of the register, the three lake tables are Spark's; the CSV master register stays DuckDB's, as does a
    lake table whose entry needs what only the DuckDB loader builds (a derived key), or the master register."""
    from audit_lib.declaration import load_declaration

    declaration = load_declaration(None, lake_register(tmp_path))
    assert split_loaders("spark", declaration, None).spark == (1, 2, 3)
    chosen = split_loaders("spark", declaration, {0, 2})  # --only: the checks read subjects and consents
    assert (list(chosen.duckdb), chosen.spark) == ([0], (2,))
    assert split_loaders("duckdb", declaration, None).duckdb is None
    derived = declaration.exports.exports[1].model_copy(update={"derive": {"message_id": ["campaign"]}})
    assert "derive:" in spark_unsupported(declaration, derived)
    master = declaration.exports.exports[0].model_copy(update={"table": "lake/subjects"})
    assert "master register" in spark_unsupported(declaration, master)


def test_a_catalog_table_needs_spark_and_a_name_it_can_resolve(tmp_path):
    """On DuckDB a catalog table is refused up front; a name that is no dotted identifier, at its line."""
    from audit_lib.declaration import load_declaration
    from audit_lib.errors import DeclarationError

    exports = lake_register(tmp_path)
    data = yaml.safe_load(exports.read_text(encoding="utf-8"))
    data["exports"][1]["table"] = "catalog:regaudit_lake.messages"
    exports.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    declaration = load_declaration(None, exports)
    assert declaration.exports.exports[1].catalog_table == "regaudit_lake.messages"
    with pytest.raises(CatalogTableNeedsSpark, match="--engine spark"):
        split_loaders("duckdb", declaration, None)
    # explore and reveal open the register on DuckDB: the catalog table is an input in error that says
    # which command reads it, the other exports load; map --check finds no file missing for it.
    from audit_lib.mapdraft.compare import check_mapping
    from audit_lib.opening import open_register

    with open_register(None, exports) as opened:
        by_file = {row["file"]: row for row in opened.load_report.inputs}
        assert by_file["regaudit_lake.messages"]["status"] == "error"
        assert "table of Spark's catalog" in by_file["regaudit_lake.messages"]["detail"]
        assert "--engine spark" in by_file["regaudit_lake.messages"]["detail"]
        assert by_file["subjects.csv"]["status"] == "loaded"
    _folder, changes = check_mapping(exports)
    assert [c for c in changes if "regaudit_lake" in c.file] == []
    data["exports"][1]["table"] = "catalog:regaudit lake"
    exports.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(DeclarationError, match="catalog:database.table"):
        load_declaration(None, exports)


# ------------------------------------------------------------------------------------ the same relations


@pytest.fixture(scope="module")
def loaded(spark, tmp_path_factory):
    """The register loaded by the DuckDB loader alone, and with Spark loading its lake tables (what
    ``run_audit(engine="spark")`` does before the checks): (declaration, DuckDB's, Spark's DuckDB side,
    Spark's connection, the checks)."""
    from audit_lib.backends.spark_backend import spark_connection
    from audit_lib.backends.spark_loader import lake_loader
    from audit_lib.checks.registry import catalogue
    from audit_lib.declaration import load_declaration
    from audit_lib.opening import open_register

    declaration = load_declaration(None, lake_register(tmp_path_factory.mktemp("lake")))
    checks = tuple(c for c in catalogue() if c.id in CHECKS)
    duck = open_register(declaration=declaration)
    split = split_loaders("spark", declaration, None)
    opened = open_register(declaration=declaration, only=split.duckdb)
    controller = declaration.register.controller
    connection = spark_connection(opened.con, controller.timezone, controller.financial_period_ends, checks=checks,
                                  lake=lake_loader(opened.con, declaration, opened.load_report, split.spark))
    yield declaration, duck, opened, connection, checks
    connection.backend.close()
    duck.close()
    opened.close()


def _rows(rows) -> list[tuple]:
    """Rows as sorted text: a relation's rows have no order."""
    return sorted((tuple("" if v is None else str(v) for v in row) for row in rows))


def test_the_relations_the_checks_read_are_the_duckdb_loaders(loaded):
    """Every relation lake rows reach holds the same rows on Spark as the DuckDB loader makes."""
    _, duck, _, connection, _ = loaded
    views = [name for (name,) in duck.con.execute("SELECT view FROM export_files ORDER BY 1").fetchall()]
    compared = {}
    for relation in (*RELATIONS, *views):
        expected = duck.con.execute(f"SELECT * FROM {relation}").fetchall()
        assert _rows(connection.execute(f"SELECT * FROM {relation}").fetchall()) == _rows(expected), relation
        compared[relation] = len(expected)
    assert len(views) == 4 and all(compared.values())
    # The fold: an order placed at 03:30 local time on 2026-10-25 is the later, standard-time instant.
    placed = connection.execute("SELECT ordered_at FROM orders WHERE order_id = 'O0'").fetchone()[0]
    assert (placed.astimezone(dt.timezone.utc), placed.fold) == (dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc), 1)


def test_inputs_and_quarantine_are_the_duckdb_loaders(loaded):
    """Per part file the same reconciliation, hash and size; the same quarantined rows, reasons and codes."""
    _, duck, opened, _, _ = loaded
    expected, got = duck.load_report.inputs_frame(), opened.load_report.inputs_frame()
    assert got.astype(str).equals(expected.astype(str))
    parts = got[got["file"].str.startswith("lake/") & (got["status"] == "loaded")]
    assert len(parts) == 8 and parts["file"].str.endswith(".parquet").all()
    assert (parts["rows_read"] == parts["rows_loaded"] + parts["rows_quarantined"]).all()
    assert (parts["rows_read"] == 0).sum() >= 3 and parts["sha256"].str.fullmatch("[0-9a-f]{64}").all()
    assert set(got.loc[got["file"].str.contains("_SUCCESS|crc"), "status"]) == {"ignored"}
    sql = "SELECT * FROM quarantine ORDER BY file, row"
    assert opened.con.execute(sql).fetchall() == duck.con.execute(sql).fetchall()
    codes = {code for (code,) in duck.con.execute("SELECT DISTINCT reason_code FROM quarantine").fetchall()}
    assert codes == {"duplicate_key", "missing_key", "missing_value", "bad_value", "bad_boolean", "bad_date",
                     "implausible_year", "precision_loss"}
    # A row failing two fields has the first one's code and both reasons.
    reason = duck.con.execute("SELECT reason FROM quarantine WHERE file LIKE 'lake/orders/%' AND row = 6").fetchone()[0]
    assert "implausible year in column ordered_at" in reason and "unparseable number in column amount" in reason
    assert opened.load_report.available == duck.load_report.available


def test_the_checks_find_what_they_find_on_duckdb(loaded):
    """The checks that read the lake tables give the same results and findings on Spark's load."""
    from audit_lib.checks.runner import CheckContext, run_checks
    from audit_lib.checks.spec import Status
    from audit_lib.findings import build_findings
    from audit_lib.periods import parse_period

    declaration, duck, opened, connection, checks = loaded
    period = parse_period("2026-Q4", HELSINKI)
    params = {"period_start": period.start, "period_end": period.end, "as_of": period.as_of}
    results = {}
    for name, con, report in (("duckdb", duck.con, duck.load_report), ("spark", connection, opened.load_report)):
        context = CheckContext(con=con, params=params, available=report.available, declaration=declaration)
        results[name] = run_checks(checks, context)
    assert [(r.check.id, r.status, r.population, r.rows, r.reason) for r in results["spark"]] == \
        [(r.check.id, r.status, r.population, r.rows, r.reason) for r in results["duckdb"]]
    assert {r.status for r in results["duckdb"]} >= {Status.FAIL, Status.PASS}
    findings = {name: build_findings(found, run_id="r", period="2026-Q4", key=KEY, timezone=HELSINKI)
                for name, found in results.items()}
    assert len(findings["duckdb"]) >= 3 and findings["spark"].equals(findings["duckdb"])


def test_a_catalog_table_is_read_by_spark_with_its_files_hashed(spark, tmp_path):
    """``table: catalog:db.table``: Spark resolves it; each of its part files is an input (hashed, reconciled),
    with the provider and why there is no snapshot id; a name the catalog lacks, and an entry the Spark
    loader does not read, are errors of their inputs, named."""
    import hashlib

    from audit_lib.backends.spark_backend import SparkBackend, spark_session
    from audit_lib.backends.spark_loader import lake_loader
    from audit_lib.declaration import load_declaration
    from audit_lib.opening import open_register

    exports = lake_register(tmp_path / "register")
    location = tmp_path / "warehouse" / "messages"
    _write_table(location, _messages())
    spark.sql(f"CREATE DATABASE IF NOT EXISTS regaudit_lake LOCATION '{tmp_path / 'warehouse'}'")
    spark.sql(f"CREATE TABLE regaudit_lake.messages USING parquet LOCATION '{location}'")
    data = yaml.safe_load(exports.read_text(encoding="utf-8"))
    entry = data["exports"][1]
    data["exports"] = [data["exports"][0], {**entry, "table": "catalog:regaudit_lake.messages"},
                       {**entry, "table": "catalog:regaudit_lake.nowhere"},
                       {**entry, "table": "catalog:regaudit_lake.dated", "snapshot": {"at": "2026-10-01"}}]
    exports.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    declaration = load_declaration(None, exports)
    split = split_loaders("spark", declaration, None)
    opened = open_register(declaration=declaration, only=split.duckdb)
    backend = SparkBackend(spark_session(HELSINKI), HELSINKI)
    try:
        lake_loader(opened.con, declaration, opened.load_report, split.spark).stage(backend)
        inputs = opened.load_report.inputs_frame().set_index("file")
        parts = inputs[inputs.index.str.startswith("regaudit_lake.messages/")]
        assert split.spark == (1, 2, 3) and len(parts) == 3 and parts["rows_read"].sum() == 9
        for name, row in parts.iterrows():
            data_file = location / name.split("/", 1)[1]
            assert row["sha256"] == hashlib.sha256(data_file.read_bytes()).hexdigest(), name
            assert row["detected"]["provider"] == "parquet" and row["detected"]["snapshot"].startswith("none: ")
        assert (parts["rows_read"] == parts["rows_loaded"] + parts["rows_quarantined"]).all()
        codes = {c for (c,) in opened.con.execute("SELECT reason_code FROM quarantine WHERE file LIKE "
                                                  "'regaudit_lake.messages/%'").fetchall()}
        assert codes == {"duplicate_key", "missing_key", "bad_value", "bad_boolean", "implausible_year"}
        assert inputs.loc["regaudit_lake.nowhere", "status"] == "error"
        assert "is not a table of Spark's catalog" in inputs.loc["regaudit_lake.nowhere", "detail"]
        assert "snapshot: and derive: are read by the DuckDB loader only" in inputs.loc["regaudit_lake.dated", "detail"]
    finally:
        backend.close()
        opened.close()
        spark.sql("DROP TABLE IF EXISTS regaudit_lake.messages")
        spark.sql("DROP DATABASE IF EXISTS regaudit_lake")


# ------------------------------------------------------------------------------------ the zone rule on Spark

# (zone, first, last, step in seconds): every quarter-hour of a year where an audit's data lies, in the
# register's zone, a half-hour DST in the south, a half-hour offset and a zone of many changes a year; in
# Helsinki also of the half-years at both ends of the years the loader's table holds (1970-2100; beyond,
# Spark's own conversion with the fold turned), and every second of the hours around its autumn fold.
WINDOWS = [(zone, "2026-01-01", "2027-01-01", 900)
           for zone in (HELSINKI, "Australia/Lord_Howe", "America/St_Johns", "Africa/Casablanca")]
WINDOWS += [(HELSINKI, "1969-07-01", "1970-07-01", 900), (HELSINKI, "2100-07-01", "2101-07-01", 900),
            (HELSINKI, "2026-10-25 00:00", "2026-10-25 05:00", 1)]


def _micros(day: str) -> int:
    """Microseconds from 1970-01-01 to the wall time ``day``."""
    return (dt.datetime.fromisoformat(day) - dt.datetime(1970, 1, 1)) // dt.timedelta(microseconds=1)


def _offset_changes_on_spark(spark) -> list[tuple]:
    """Per window, each wall time (µs) where the offset Spark's rule gives changes, and the offset."""
    from audit_lib.backends.spark_timezones import _utc_ntz, instant_sql

    parts = [f"SELECT {n} AS w, id AS i, id - unix_micros({instant_sql('t', zone, 'id')}) AS o FROM (SELECT id, "
             f"{_utc_ntz('id')} AS t FROM range({_micros(first)}, {_micros(last)}, {step * 1_000_000}))"
             for n, (zone, first, last, step) in enumerate(WINDOWS)]
    sql = (f"SELECT w, i, o FROM (SELECT w, i, o, lag(o) OVER (PARTITION BY w ORDER BY i) AS p FROM "
           f"({' UNION ALL '.join(parts)})) WHERE p IS NULL OR p <> o ORDER BY w, i")
    return [tuple(row.values()) for row in spark.sql(sql).toArrow().to_pylist()]


def _offset_changes_by_icu() -> list[tuple]:
    """Per window, each wall time where ICU's offset (DuckDB's timezone()) changes, and the offset."""
    import duckdb

    parts = [f"SELECT {n} AS w, i, i - epoch_us(timezone('{zone}', make_timestamp(i))) AS o FROM "
             f"range({_micros(first)}, {_micros(last)}, {step * 1_000_000}) r(i)"
             for n, (zone, first, last, step) in enumerate(WINDOWS)]
    return duckdb.connect().execute(
        f"SELECT w, i, o FROM (SELECT w, i, o, lag(o) OVER (PARTITION BY w ORDER BY i) AS p FROM "
        f"({' UNION ALL '.join(parts)})) WHERE p IS NULL OR p <> o ORDER BY w, i").fetchall()


def test_local_times_become_the_instants_icu_gives_every_quarter_hour(spark):
    """Spark's rule equals ICU's (the DuckDB loader's, tests/test_loader_timezones.py) at every wall time
    compared: the offsets change at the same times, to the same values, in every window."""
    icu = _offset_changes_by_icu()
    assert _offset_changes_on_spark(spark) == icu
    # Each window was compared, and the autumn fold is in them: 03:00-03:59 of 2026-10-25 is standard
    # time, the later instant (Spark's own conversion takes the earlier, summer one).
    fold_day = [(i, o) for w, i, o in icu if w == len(WINDOWS) - 1]
    assert fold_day == [(_micros("2026-10-25 00:00"), 3 * 3_600_000_000),
                        (_micros("2026-10-25 03:00"), 2 * 3_600_000_000)]
    assert {w for w, _, _ in icu} == set(range(len(WINDOWS)))
    earlier = spark.sql("SELECT convert_timezone('Europe/Helsinki', 'UTC', TIMESTAMP_NTZ '2026-10-25 03:30:00') AS u")
    assert earlier.toArrow().to_pylist() == [{"u": dt.datetime(2026, 10, 25, 0, 30)}]
