"""The same audit on Spark as on DuckDB: every check's rows, population, status and reason, and every output file
byte for byte, on the bundled sample (both periods) and on a small hostile register.

Spark is part of the test environment (the Makefile installs the ``spark`` extra, scripts/install-system-deps.sh
Java 17): without it this module fails, it is not skipped. One ``local[2]`` session (conftest.py's ``spark``)
serves the Spark suites.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from checkkit import KEY, SAMPLE, write_register

from audit_lib.audit import run_audit
from audit_lib.backends.spark_backend import (PortError, SparkBackend, SparkConnection, define_functions, ship,
                                              spark_session)
from audit_lib.checks.registry import catalogue
from audit_lib.checks.runner import CheckContext, run_check
from audit_lib.checks.spec import Status

pytestmark = pytest.mark.slow


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def _assert_same_audit(exports: Path, period: str, tmp_path: Path) -> tuple:
    duck = run_audit(None, exports, period, pseudonym_key=KEY)
    spark = run_audit(None, exports, period, pseudonym_key=KEY, engine="spark")
    assert spark.engine == "spark" and duck.engine == "duckdb"
    assert [r.check.id for r in spark.results] == [r.check.id for r in duck.results]
    differences = [
        (d.check.id, d.status.value, s.status.value, d.population, s.population, len(d.rows), len(s.rows), s.reason)
        for d, s in zip(duck.results, spark.results)
        if (d.status, d.population, d.rows, d.reason) != (s.status, s.population, s.rows, s.reason)]
    assert differences == []
    duck.write_tables(tmp_path / "duckdb")
    spark.write_tables(tmp_path / "spark")
    duck_files, spark_files = _files(tmp_path / "duckdb"), _files(tmp_path / "spark")
    # check_results hold each check's duration, which varies run to run; all else is the same bytes.
    timed = {name for name in duck_files if name.startswith("check_results.")}
    assert "findings.csv" in duck_files and timed
    assert {k: v for k, v in duck_files.items() if k not in timed} == {k: v for k, v in spark_files.items() if k not in timed}
    assert duck.check_results.drop(columns="duration_s").equals(spark.check_results.drop(columns="duration_s"))
    return duck, spark


@pytest.mark.parametrize("period", ["2026-Q3", "2026-Q2"])
def test_bundled_sample_gives_the_same_findings_on_spark(spark, period, tmp_path):
    duck, _ = _assert_same_audit(SAMPLE / "exports.yaml", period, tmp_path)
    # The comparison tested something: checks failed, passed and were not run alike on both engines.
    statuses = {r.status for r in duck.results}
    assert {Status.FAIL, Status.PASS} <= statuses
    assert len(duck.findings) > 50


def _hostile(folder: Path) -> Path:
    """A register made to trip an engine: the autumn daylight-saving fold (Helsinki's 03:00–04:00 of
    2026-10-25 happens twice), NULL and blank keys, e-mails and postal codes with odd whitespace and
    case, and an export with a header and no rows."""
    subjects = [
        {"subject_id": "C1", "subject_type": "kuluttaja", "email": " Anna.Aalto@Example.FI ", "phone": "+358 40 1234567",
         "postal_code": " 00100", "created_at": "2024-01-01 10:00:00", "marketing_ban": "ei"},
        {"subject_id": "C2", "subject_type": "kuluttaja", "email": "anna.aalto@example.fi", "phone": "040 123 4567",
         "postal_code": "00100 ", "created_at": "2024-02-01 10:00:00", "marketing_ban": "ei"},
        {"subject_id": "C3", "subject_type": "kuluttaja", "email": "\tbo@example.fi", "phone": "",
         "postal_code": "001OO", "created_at": "2026-10-25 03:30:00", "marketing_ban": "kyllä"},
        {"subject_id": "", "subject_type": "kuluttaja", "email": "nobody@example.fi", "phone": "",
         "postal_code": "", "created_at": "2025-01-01 00:00:00", "marketing_ban": "ei"},
        {"subject_id": "C4", "subject_type": "palveluntarjoaja", "email": "", "phone": "+358 50 7654321",
         "postal_code": "33100", "created_at": "2026-10-25 02:59:59", "marketing_ban": "ei"},
    ]
    consent_events = [
        {"event_id": "K1", "subject_id": "C1", "channel": "email", "action": "granted", "at": "2026-01-05 12:00:00",
         "source": "checkout_checkbox"},
        {"event_id": "K2", "subject_id": "C1", "channel": "email", "action": "withdrawn", "at": "2026-10-25 03:15:00",
         "source": "account_settings"},
        {"event_id": "K3", "subject_id": "C2", "channel": "sms", "action": "granted", "at": "2026-10-25 03:45:00",
         "source": "account_settings"},
        {"event_id": "K4", "subject_id": "", "channel": "email", "action": "granted", "at": "2026-10-01 09:00:00",
         "source": "account_settings"},
        {"event_id": "K5", "subject_id": "C3", "channel": "email", "action": "granted", "at": "2026-10-25 03:30:00",
         "source": "account_settings"},
    ]
    marketing_messages = [
        {"message_id": "M1", "subject_id": "C1", "channel": "email", "sent_at": "2026-10-25 03:30:00",
         "campaign": "syksy", "has_opt_out": "true"},
        {"message_id": "M2", "subject_id": "C1", "channel": "email", "sent_at": "2026-10-25 03:00:00",
         "campaign": "syksy", "has_opt_out": "true"},
        {"message_id": "M3", "subject_id": "C2", "channel": "sms", "sent_at": "2026-10-25 03:50:00",
         "campaign": "syksy", "has_opt_out": "false"},
        {"message_id": "M4", "subject_id": "", "channel": "email", "sent_at": "2026-10-26 08:00:00",
         "campaign": "syksy", "has_opt_out": "true"},
        {"message_id": "M5", "subject_id": "C3", "channel": "email", "sent_at": "2026-11-02 08:00:00",
         "campaign": "talvi", "has_opt_out": "true"},
    ]
    requests = [
        {"request_id": "R1", "subject_id": "C2", "kind": "access", "received_at": "2026-10-25 03:20:00",
         "completed_at": "", "outcome": ""},
        {"request_id": "R2", "subject_id": "C3", "kind": "erasure", "received_at": "2026-10-01 09:00:00",
         "completed_at": "2026-10-20 09:00:00", "outcome": "completed"},
    ]
    support_contacts = [{"contact_id": "T1", "subject_id": "C1", "at": "2026-10-25 03:10:00", "text": "x"}]
    exports = write_register(folder, {"subjects": subjects, "consent_events": consent_events,
                                      "marketing_messages": marketing_messages, "requests": requests,
                                      "support_contacts": support_contacts},
                             extra_columns={"subjects": {
                                 "subject_type": {"field": "subject_type",
                                                  "values": {"kuluttaja": "consumer",
                                                             "palveluntarjoaja": "service_provider"}},
                                 }})
    # An empty input: the header, no rows.
    (folder / "exports" / "support_contacts.csv").write_text("contact_id,subject_id,at,text\n", encoding="utf-8")
    return exports


def test_hostile_register_gives_the_same_findings_on_spark(spark, tmp_path):
    duck, spark_result = _assert_same_audit(_hostile(tmp_path / "register"), "2026-Q4", tmp_path)
    # The fold was read: two instants an hour apart carry the same wall-clock time, and the checks that
    # read them ran on both engines.
    ran = {r.check.id: r for r in duck.results}
    assert ran["consent_sent_after_withdrawal"].status in (Status.FAIL, Status.PASS)
    assert ran["quality_duplicate_subject"].status == Status.FAIL
    assert any(r.status == Status.NOT_TESTED for r in duck.results) or any(r.population == 0 for r in duck.results)


def test_a_check_that_does_not_port_is_an_error_on_spark(spark):
    """A check whose SQL leaves a leftover (an ASOF join and no .spark.sql) is an error with the reason, never a pass."""
    import dataclasses

    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT 1 AS a, 'x' AS subject_id")
    backend = SparkBackend(spark_session("Europe/Helsinki"), "Europe/Helsinki")
    define_functions(backend)
    ship(con, backend, ["t"])
    check = next(c for c in catalogue() if c.id == "consent_sent_after_withdrawal")
    broken = dataclasses.replace(check, sql="SELECT 'r' AS record_ref FROM t a ASOF JOIN t b ON a.a >= b.a",
                                 meta=check.meta.model_copy(update={"needs": {}, "population": None, "shared": []}))
    result = run_check(broken, CheckContext(con=SparkConnection(backend), params={}, available={}))
    assert result.status == Status.ERROR
    assert "ASOF JOIN" in result.reason and "PortError" in result.reason
    backend.close()


def test_the_connection_refuses_statements_it_cannot_carry_over(spark):
    backend = SparkBackend(spark_session("Europe/Helsinki"), "Europe/Helsinki")
    connection = SparkConnection(backend)
    connection.execute("CREATE OR REPLACE TEMP TABLE shared_probe AS SELECT 1 AS a UNION ALL SELECT 2")
    assert connection.execute("SELECT sum(a) AS n FROM shared_probe").fetchone() == (3,)
    assert connection.columns("shared_probe") == {"a": "INTEGER"}
    connection.execute("DROP TABLE IF EXISTS shared_probe")
    assert connection.columns("shared_probe") is None
    with pytest.raises(PortError, match="not a query"):
        connection.execute("UPDATE t SET a = 1")
    backend.close()


def test_times_come_back_in_the_registers_zone_as_duckdb_gives_them(spark):
    """An instant of the autumn fold comes back with its fold set, as DuckDB's fetchall gives it."""
    import duckdb

    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Helsinki'")
    sql = "SELECT TIMESTAMPTZ '2026-10-25 00:30:00+00' AS a, TIMESTAMPTZ '2026-10-25 01:30:00+00' AS b"
    backend = SparkBackend(spark_session("Europe/Helsinki"), "Europe/Helsinki")
    assert SparkConnection(backend).execute(sql).fetchall() == con.execute(sql).fetchall()
    first, second = SparkConnection(backend).execute(sql).fetchone()
    assert (first.hour, first.fold, second.hour, second.fold) == (3, 0, 3, 1)


def test_a_lake_table_reads_as_the_export_it_was_written_from(spark, tmp_path):
    """The sample's marketing messages written by Spark as a partitioned Parquet table (part files in
    channel=... folders, _SUCCESS and .crc beside them) and named by ``table:``: every check gives what the
    single file gave, the part files are each an input, the table format's own files are accounted for,
    and Spark gives DuckDB's findings on it."""
    import shutil

    import yaml

    folder = tmp_path / "lake"
    shutil.copytree(SAMPLE, folder)
    table_dir = folder / "exports" / "lake" / "marketing_messages"
    source = folder / "exports" / "marketing_messages.parquet"
    spark.read.parquet(str(source)).repartition(3).write.partitionBy("channel").parquet(str(table_dir))
    source.unlink()
    exports = yaml.safe_load((folder / "exports.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in exports["exports"] if e.get("file") == "marketing_messages.parquet")
    entry["table"] = "lake/marketing_messages"
    del entry["file"]
    (folder / "exports.yaml").write_text(yaml.safe_dump(exports, allow_unicode=True, sort_keys=False), encoding="utf-8")

    files = run_audit(None, SAMPLE / "exports.yaml", "2026-Q3", pseudonym_key=KEY)
    duck, _ = _assert_same_audit(folder / "exports.yaml", "2026-Q3", tmp_path / "out")
    inputs = duck.inputs
    parts = inputs[inputs["file"].str.startswith("lake/marketing_messages/")]
    loaded = parts[parts["status"] == "loaded"]
    assert len(loaded) >= 2 and all("/channel=" in name and name.endswith(".parquet") for name in loaded["file"])
    own = parts[parts["status"] == "ignored"]
    assert any(name.endswith("_SUCCESS") for name in own["file"]) and any(".crc" in name for name in own["file"])
    assert int(loaded["rows_loaded"].sum()) == int(
        files.inputs.loc[files.inputs["file"] == "marketing_messages.parquet", "rows_loaded"].iloc[0])
    # Checks whose records or population name files: a table's files are its part files (and the
    # format's own files, accounted for as ignored), so they name other files, by design.
    by_file = {"inventory_undeclared_column", "inventory_subject_outside_master_register", "inventory_unmapped_file"}
    differing = [d.check.id for d, s in zip(files.results, duck.results)
                 if (d.status, d.population, d.rows) != (s.status, s.population, s.rows)]
    assert set(differing) <= by_file
    assert all(d.status == s.status for d, s in zip(files.results, duck.results))
    # Spark writes its timestamps as INT96 (UTC instants): read as instants, the sends fall where they did.
    sends = "SELECT message_id, sent_at FROM marketing_messages ORDER BY message_id"
    assert duck.con.execute(sends).fetchall() == files.con.execute(sends).fetchall()


def test_spark_that_cannot_start_is_a_message_not_a_traceback(tmp_path):
    """Without Java, --engine spark ends with exit code 4 and the fix, and no traceback."""
    import os
    import subprocess
    import sys

    from checkkit import strong_key

    key = tmp_path / "key"
    key.write_text(strong_key("spark-start").decode() + "\n", encoding="utf-8")
    env = {**os.environ, "JAVA_HOME": str(tmp_path / "no-java"), "PATH": str(Path(sys.executable).parent)}
    env.pop("SPARK_HOME", None)
    result = subprocess.run([sys.executable, "-m", "audit_lib", "check", "--exports", str(SAMPLE / "exports.yaml"),
                             "--period", "2026-Q3", "--key-file", str(key), "--engine", "spark", "--only",
                             "quality_invalid_email"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 4, result.stderr
    assert "Spark did not start" in result.stderr and "openjdk-17-jre-headless" in result.stderr
    assert "Traceback" not in result.stderr


def test_relations_are_staged_as_parquet_in_the_folder_given_and_removed_at_close(spark, tmp_path):
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE TABLE shipped AS SELECT range AS n FROM range(5)")
    con.execute("CREATE TABLE nothing AS SELECT 1 AS n WHERE false")
    backend = SparkBackend(spark_session("Europe/Helsinki"), "Europe/Helsinki")
    ship(con, backend, ["shipped", "nothing"], staging=tmp_path / "staging")
    staged = list((tmp_path / "staging").rglob("*.parquet"))
    assert len(staged) == 1  # the empty relation goes as Arrow
    assert SparkConnection(backend).execute("SELECT sum(n) FROM shipped").fetchone() == (10,)
    assert SparkConnection(backend).execute("SELECT count(*) FROM nothing").fetchone() == (0,)
    backend.close()
    assert not list((tmp_path / "staging").rglob("*.parquet"))
