"""The audit's files as the programs that open them read them: the CSV dialects as Excel reads them
(byte-order mark, ``;`` and decimal commas), the Parquet files with real types, inputs.csv in plain values."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.outputs import CSV_DIALECTS, csv_text, read_csv_output, sniff_csv_dialect, write_csv_safe
from checkkit import KEY, SAMPLE, copy_sample, write_register

ENV = {"REGAUDIT_PSEUDONYM_KEY": KEY.decode(), "COLUMNS": "200"}


@pytest.fixture(scope="module")
def audited():
    """The bundled sample audited in Finnish (messages with ä and ö; one finding accepted)."""
    from audit_lib.audit import run_audit

    return run_audit(None, SAMPLE / "exports.yaml", "2026-Q3", pseudonym_key=KEY, lang="fi")


@pytest.fixture(scope="module")
def tables(audited, tmp_path_factory) -> dict[str, Path]:
    """The tables of the audit written once in each dialect: dialect -> folder."""
    root = tmp_path_factory.mktemp("dialects")
    for name in CSV_DIALECTS:
        audited.write_tables(root / name, csv_dialect=name)
    return {name: root / name for name in CSV_DIALECTS}


def _excel_decode(data: bytes) -> str:
    """What Excel does with a CSV's bytes: UTF-8 when they start with a byte-order mark, else the ANSI
    code page (Windows-1252 in Western Europe)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8")
    return data.decode("cp1252", errors="replace")


@pytest.mark.slow  # audits the whole bundled sample
def test_the_default_is_excel_commas_with_a_byte_order_mark(audited, tables, tmp_path):
    data = (tables["excel"] / "findings.csv").read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    text = _excel_decode(data)
    assert "ä" in text and "Ã¤" not in text
    # Without the mark Excel would have shown the mojibake this default avoids.
    assert "Ã¤" in data[3:].decode("cp1252", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == list(audited.findings.columns)
    assert [r[rows[0].index("message")] for r in rows[1:]] == list(audited.findings["message"])
    # With no dialect named, write_csv_safe writes the same bytes as `excel`.
    write_csv_safe(audited.findings, tmp_path / "default.csv")
    assert (tmp_path / "default.csv").read_bytes() == data


@pytest.mark.slow
def test_excel_fi_is_read_by_a_finnish_excel_with_semicolons_and_decimal_commas(audited, tables):
    data = (tables["excel-fi"] / "check_results.csv").read_bytes()
    text = _excel_decode(data)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    header = rows[0]
    assert header == list(audited.check_results.columns)
    assert all(len(row) == len(header) for row in rows)  # "GDPR Art. 5(1)(f); ..." stays one cell
    # Run times are bare numbers with a decimal comma, as Finnish Excel takes a number.
    seconds = [row[header.index("duration_s")] for row in rows[1:]]
    assert all(re.fullmatch(r"\d+(,\d+)?(e-\d+)?", cell) for cell in seconds), seconds
    assert any("," in cell for cell in seconds)
    assert re.search(r";\d+,\d+\n", text)  # unquoted in the file itself
    back = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert back["duration_s"].dtype == "float64"
    assert back["duration_s"].tolist() == pytest.approx(audited.check_results["duration_s"].tolist())
    assert back["failures"].tolist() == audited.check_results["failures"].tolist()
    findings = pd.read_csv(tables["excel-fi"] / "findings.csv", sep=";", decimal=",", encoding="utf-8-sig",
                           keep_default_na=False)
    assert findings["message"].tolist() == audited.findings["message"].tolist()
    assert any("ä" in m for m in findings["message"])


@pytest.mark.slow
def test_rfc4180_is_plain(tables):
    data = (tables["rfc4180"] / "findings.csv").read_bytes()
    assert not data.startswith(codecs.BOM_UTF8)
    assert data.count(b"\r\n") >= data.count(b"\n") > 1  # every line ends in CRLF
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0][:3] == ["run_id", "period", "check_id"]


@pytest.mark.parametrize("name", list(CSV_DIALECTS))
def test_a_csv_is_read_back_in_the_dialect_it_was_written_in(name, tmp_path):
    frame = pd.DataFrame({"change": ["new", "resolved"], "first_seen": ["2026-Q2", "2026-Q3"], "n": [1.5, -2.25]})
    path = write_csv_safe(frame, tmp_path / "changes.csv", name)
    assert sniff_csv_dialect(path).name == name
    back = read_csv_output(path, keep_default_na=False)
    assert back["change"].tolist() == ["new", "resolved"] and back["first_seen"].tolist() == ["2026-Q2", "2026-Q3"]
    # The negative number was neutralised (a formula guard): it is text, with the dialect's decimal mark.
    assert back["n"].tolist()[1] == ("'-2,25" if name == "excel-fi" else "'-2.25")


def test_the_first_seen_period_carries_over_from_a_report_in_another_dialect(tmp_path):
    from audit_lib.report.diff import _first_seen

    previous = tmp_path / "2026-Q2"
    write_csv_safe(pd.DataFrame({"change": ["new"], "fingerprint": ["f1"], "first_seen": ["2026-Q1"]}),
                   previous / "changes.csv", "excel-fi")
    assert _first_seen(previous / "findings.parquet") == {"f1": "2026-Q1"}


@pytest.mark.slow
def test_findings_parquet_has_real_types(audited, tables):
    path = tables["excel"] / "findings.parquet"
    schema = pq.read_schema(path)
    assert schema.field("event_at").type == pa.timestamp("us", tz="Europe/Helsinki")
    assert schema.field("accepted_until").type == pa.date32()
    assert all(schema.field(c).type == pa.string() for c in ("check_id", "record_ref", "message", "evidence"))
    table = pq.read_table(path)
    events = table.column("event_at").to_pylist()
    assert any(e is not None for e in events) and any(e is None for e in events)  # notice findings have none
    expected = [None if t is pd.NaT else t.to_pydatetime() for t in audited.findings["event_at"]]
    assert events == expected
    assert {e.utcoffset().total_seconds() for e in events if e is not None} <= {7200.0, 10800.0}
    accepted = [d for d in table.column("accepted_until").to_pylist() if d is not None]
    assert accepted and all(type(d).__name__ == "date" for d in accepted)
    # DuckDB reads the event time as an instant with its zone.
    import duckdb

    described = {row[0]: row[1] for row in duckdb.sql(f"DESCRIBE SELECT * FROM '{path}'").fetchall()}
    assert described["event_at"] == "TIMESTAMP WITH TIME ZONE"


@pytest.mark.slow
def test_csv_and_json_show_the_event_time_as_the_findings_do(audited, tables):
    """The wall time in the register's zone, to the minute: what the messages and the report show."""
    parquet = pq.read_table(tables["excel"] / "findings.parquet").column("event_at").to_pylist()
    csv_rows = list(csv.DictReader(io.StringIO((tables["excel"] / "findings.csv").read_text("utf-8-sig"), newline="")))
    records = json.loads((tables["excel"] / "findings.json").read_text("utf-8"))
    for instant, row, record in zip(parquet, csv_rows, records):
        shown = "" if instant is None else instant.strftime("%Y-%m-%d %H:%M" if not instant.second else "%Y-%m-%d %H:%M:%S")
        assert row["event_at"] == shown and (record["event_at"] or "") == shown


@pytest.mark.slow
def test_check_results_parquet_has_integers_and_booleans(audited, tables):
    schema = pq.read_schema(tables["excel"] / "check_results.parquet")
    assert schema.field("population").type == pa.int64() and schema.field("failures").type == pa.int64()
    assert schema.field("tested_nothing").type == pa.bool_() and schema.field("out_of_scope").type == pa.bool_()
    assert schema.field("duration_s").type == pa.float64() and schema.field("status").type == pa.string()
    table = pq.read_table(tables["excel"] / "check_results.parquet")
    assert table.column("failures").to_pylist() == audited.check_results["failures"].tolist()
    assert table.column("population").to_pylist() == [None if v is pd.NA else int(v)
                                                       for v in audited.check_results["population"]]
    assert table.column("tested_nothing").to_pylist() == audited.check_results["tested_nothing"].tolist()


def test_inputs_csv_holds_plain_values_and_json(tmp_path):
    from audit_lib.audit import run_audit
    from audit_lib.checks.registry import catalogue

    exports = write_register(tmp_path / "reg", {"subjects": [{"subject_id": "C1", "subject_type": "consumer"}]})
    (tmp_path / "reg" / "exports" / "stray.csv").write_text("a\n1\n", encoding="utf-8")  # a file nothing maps
    checks = tuple(c for c in catalogue() if c.id == "inventory_unmapped_file")
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=checks)
    result.write_tables(tmp_path / "out")
    text = (tmp_path / "out" / "inputs.csv").read_text("utf-8-sig")
    rows = {r["file"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    loaded, stray = rows["subjects.csv"], rows["stray.csv"]
    assert loaded["rows_read"] == "1" and loaded["bytes"].isdigit()
    assert stray["status"] == "not_mapped" and stray["rows_read"] == "" and stray["bytes"].isdigit()
    detected = json.loads(loaded["detected"])
    assert detected["delimiter"] == "," and detected["header"] is True
    assert json.loads(stray["detected"]) == {}
    # No Python repr anywhere: no {'…'}, no True/False/None words.
    assert not re.search(r"\{'|\bTrue\b|\bFalse\b|\bNone\b", loaded["detail"] + loaded["detected"]), loaded


def test_check_writes_the_dialect_asked_for(tmp_path):
    sample = copy_sample(tmp_path / "sample")
    done = CliRunner().invoke(app, ["check", "--exports", str(sample / "exports.yaml"), "--period", "2026-Q3",
                                    "--only", "access_bulk_read", "--out", str(tmp_path / "out"),
                                    "--csv-dialect", "excel-fi"], env=ENV)
    assert done.exit_code == 1, done.output
    for name in ("findings.csv", "check_results.csv", "inputs.csv", "quarantine.csv"):
        head = (tmp_path / "out" / name).read_bytes().split(b"\n", 1)[0]
        assert head.startswith(codecs.BOM_UTF8 + b'"') and b'";"' in head and b'","' not in head, name
        assert sniff_csv_dialect(tmp_path / "out" / name).name == "excel-fi", name


def test_an_unknown_dialect_is_a_usage_error_and_a_bad_environment_value_stops_early(tmp_path):
    sample = copy_sample(tmp_path / "sample")
    args = ["check", "--exports", str(sample / "exports.yaml"), "--period", "2026-Q3", "--out", str(tmp_path / "o")]
    done = CliRunner().invoke(app, [*args, "--csv-dialect", "excel-de"], env=ENV)
    assert done.exit_code == 64 and "excel-fi" in done.output
    done = CliRunner().invoke(app, args, env={**ENV, "REGAUDIT_CSV_DIALECT": "semicolon"})
    assert done.exit_code == 4, done.output
    assert "unknown CSV dialect 'semicolon' (from $REGAUDIT_CSV_DIALECT)" in done.output
    assert not (tmp_path / "o" / "findings.csv").exists()


@pytest.mark.slow
def test_the_report_writes_its_tables_in_the_dialect_of_its_kernel(audited, tmp_path, monkeypatch):
    """The pipeline tells the notebook's kernel the dialect through $REGAUDIT_CSV_DIALECT, which the
    notebook's write_outputs follows; an unknown dialect stops run_report before any kernel starts."""
    from audit_lib.errors import RegauditError
    from audit_lib.report.pipeline import run_report
    from audit_lib.report.runtime import write_outputs

    monkeypatch.setenv("REGAUDIT_CSV_DIALECT", "excel-fi")
    folder = write_outputs(audited, tmp_path / "report")
    assert {sniff_csv_dialect(p).name for p in folder.glob("*.csv")} == {"excel-fi"}
    with pytest.raises(RegauditError, match="unknown CSV dialect 'excel-se'"):
        run_report(None, SAMPLE / "exports.yaml", "2026-Q3", tmp_path / "never", csv_dialect="excel-se")
    assert not (tmp_path / "never").exists()


def test_ropa_writes_the_dialect_asked_for(tmp_path):
    done = CliRunner().invoke(app, ["ropa", "--register", str(SAMPLE / "register.yaml"), "--out", str(tmp_path),
                                    "--lang", "fi", "--csv-dialect", "excel-fi"], env=ENV)
    assert done.exit_code == 0, done.output
    back = read_csv_output(tmp_path / "ropa_fi.csv")
    assert sniff_csv_dialect(tmp_path / "ropa_fi.csv").name == "excel-fi"
    assert list(back.columns) == ["article", "section", "item", "value", "gap"]


def test_a_frame_with_nested_values_is_written_as_json_not_repr():
    text = csv_text(pd.DataFrame({"detected": [{"bom": False, "read_natively": {"at": "TIMESTAMP"}}, ["a", "b"]]}))
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [json.loads(r["detected"]) for r in rows] == [{"bom": False, "read_natively": {"at": "TIMESTAMP"}},
                                                         ["a", "b"]]
