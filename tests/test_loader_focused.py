"""Focused loader tests: encodings, time zones, path safety, hostile names, thresholds, formats."""

from __future__ import annotations

import codecs
import csv
import gzip
import json
import os
from pathlib import Path

import pytest

from audit_lib.declaration.exports import Export
from audit_lib.errors import LoadError
from audit_lib.loader import INPUT_COLUMNS, QUARANTINE_COLUMNS
from audit_lib.loader.csv_records import has_interior_blank_line
from audit_lib.loader.encoding import copy_with_lf_newlines, detect_encoding, sniff_dialect, transcode_to_utf8
from audit_lib.loader.readers import resolve_files
from loaderkit import load, quarantine

MM = {"message_id": {"field": "message_id"}, "customer_id": {"field": "subject_id"}, "channel": {"field": "channel"},
      "sent_at": {"field": "sent_at"}}
HEADER = "message_id,customer_id,channel,sent_at\n"


def _mm(name: str = "mm.csv", **extra) -> dict:
    return {"file": name, "role": "marketing_messages", "key": "message_id", "columns": MM, **extra}


# --- encodings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "expected"), [
    ("a;€\n".encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + "a;ä\n".encode("utf-8"), "utf-8-sig"),
    ("a;ä\n".encode("utf-16"), "utf-16"),
    ("a;ä\n".encode("utf-16-le"), "utf-16-le"),
    ("a;5 € – ä\n".encode("cp1252"), "cp1252"),
    ("a;ä ö å\n".encode("latin-1"), "latin-1"),
])
def test_detect_encoding(data: bytes, expected: str) -> None:
    assert detect_encoding(data) == expected


def test_transcode_streams_cp1252_to_utf8(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_bytes(("x\n" + "5 €\n" * 400_000).encode("cp1252"))  # > one block
    target = tmp_path / "out.csv"
    transcode_to_utf8(source, "cp1252", target)
    assert target.read_text(encoding="utf-8") == "x\n" + "5 €\n" * 400_000


def test_transcode_error_names_the_file(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(b"a\n\x81\n")
    with pytest.raises(LoadError, match="bad.csv.*not valid cp1252"):
        transcode_to_utf8(source, "cp1252", tmp_path / "out.csv")


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a,b,c\n1,2,3\n", ","), ("a;b;c\n1,5;2;3\n", ";"), ("a\tb\n1\t2\n", "\t"), ('"a;b",c\n"1;2",3\n', ","),
])
def test_sniff_dialect(text: str, delimiter: str) -> None:
    assert sniff_dialect(text, 0, None, None)[0] == delimiter


# --- time ----------------------------------------------------------------------------------------

def test_naive_times_are_read_in_the_declared_zone_across_dst(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + "M1,C1,sms,2026-09-30 23:30\nM2,C2,sms,1.10.2026 00:30\n"
                                     "M3,C3,sms,2026-03-29 03:30\nM4,C4,sms,2026-10-25 03:30\n")
    con, report = load(tmp_path, [_mm()])
    got = dict(con.execute("SELECT message_id, strftime(sent_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') "
                           "FROM marketing_messages").fetchall())
    # Quarter boundary: 23:30 on 30 September in Helsinki (EEST, +03) is still Q3.
    assert got["M1"] == "2026-09-30 20:30"
    assert got["M2"] == "2026-09-30 21:30"
    # The spring gap: 03:30 does not exist and is moved forward by the gap (04:30+03).
    assert got["M3"] == "2026-03-29 01:30"
    # The autumn fold: 03:30 occurs twice; the later (standard time, +02) instant is taken.
    assert got["M4"] == "2026-10-25 01:30"
    assert con.execute("SELECT typeof(sent_at) FROM marketing_messages LIMIT 1").fetchone()[0] == \
        "TIMESTAMP WITH TIME ZONE"


def test_export_timezone_overrides_the_default(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + "M1,C1,sms,2026-07-01 12:00\n")
    con, _ = load(tmp_path, [_mm(timezone="UTC")])
    assert con.execute("SELECT strftime(sent_at AT TIME ZONE 'UTC', '%H:%M') FROM marketing_messages").fetchone() == \
        ("12:00",)


# --- paths and hostile names ------------------------------------------------------------------------

def test_symlink_out_of_the_exports_folder_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.csv"
    outside.write_text(HEADER + "M1,C1,sms,2026-07-01\n")
    exports = tmp_path / "exports"
    exports.mkdir()
    os.symlink(outside, exports / "mm.csv")
    with pytest.raises(LoadError, match="outside the exports folder"):
        resolve_files(exports, "mm.csv")
    con, report = load(exports, [_mm()])
    assert report.inputs[0]["status"] == "error"
    assert "outside the exports folder" in report.inputs[0]["detail"]


def test_symlinked_folder_in_a_glob_is_refused(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "a.csv").write_text(HEADER)
    exports = tmp_path / "exports"
    exports.mkdir()
    os.symlink(tmp_path / "other", exports / "logs")
    with pytest.raises(LoadError, match="outside"):
        resolve_files(exports, "logs/*.csv")


@pytest.mark.parametrize("name", ["../x.csv", "/etc/passwd", "a/../../x.csv", "~/x.csv", "C:/x.csv"])
def test_export_paths_must_stay_inside(name: str) -> None:
    with pytest.raises(ValueError, match="outside the exports folder"):
        Export.model_validate({"file": name, "role": "subjects", "format": "csv", "columns": {}})


def test_hostile_names_and_values_stay_data(tmp_path: Path) -> None:
    hostile = ['=HYPERLINK("http://x")', "'; DROP TABLE quarantine; --", 'a"b', "../../etc/passwd", "<script>"]
    with (tmp_path / "mm.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["message_id", "customer_id", "channel", "sent_at", *hostile])
        writer.writerow(["M1", hostile[1], "sms", "2026-07-01", *hostile])
        writer.writerow(["M2", hostile[0], "sms", "not a date", *hostile])
    columns = dict(MM) | {name: {"category": "email"} for name in hostile}
    con, report = load(tmp_path, [_mm(columns=columns)])
    assert report.inputs[0]["rows_read"] == 2
    assert con.execute("SELECT subject_id FROM marketing_messages").fetchall() == [(hostile[1],)]
    assert sorted(r[0] for r in con.execute("SELECT column_name FROM export_columns").fetchall()) == \
        sorted(["message_id", "customer_id", "channel", "sent_at", *hostile])
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert "quarantine" in tables
    (row,) = quarantine(con)
    assert '=HYPERLINK(\\"http://x\\")' in row["raw"]
    # The quarantine CSV beside the findings never starts a cell with a formula character.
    from audit_lib.outputs import write_csv_safe

    frame = con.execute("SELECT * FROM quarantine").fetch_df()
    path = write_csv_safe(frame, tmp_path / "out" / "quarantine.csv")
    for cells in csv.reader(Path(path).open(encoding="utf-8-sig")):
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in cells), cells


# --- reconciliation, thresholds, reporting columns --------------------------------------------------

def test_threshold_marks_the_file_rejected_and_the_report_incomplete(tmp_path: Path) -> None:
    rows = "".join(f"M{i},C{i},sms,2026-07-01\n" for i in range(98)) + "X1,C,sms,bad\nX2,C,sms,bad\n"
    (tmp_path / "mm.csv").write_text(HEADER + rows)
    _, lenient = load(tmp_path, [_mm(max_reject_ratio=0.02)])
    assert lenient.inputs[0]["status"] == "loaded" and lenient.complete
    _, strict = load(tmp_path, [_mm()], max_reject_ratio=0.01)
    row = strict.inputs[0]
    assert row["status"] == "rejected" and not strict.complete
    assert "2 of 100 rows quarantined" in row["detail"]


def test_input_and_quarantine_columns(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + "M1,C1,sms,2026-07-01\n")
    con, report = load(tmp_path, [_mm()])
    assert list(report.inputs_frame().columns) == INPUT_COLUMNS
    assert report.detected == {"mm.csv": report.inputs[0]["detected"]}
    assert report.detected["mm.csv"]["encoding"] == "utf-8"
    assert [r[0] for r in con.execute("DESCRIBE quarantine").fetchall()] == QUARANTINE_COLUMNS
    # AuditResult.quarantine selects these four first.
    assert QUARANTINE_COLUMNS[:4] == ["file", "row", "reason", "raw"]


def test_parquet_and_json_read_with_duckdb(tmp_path: Path) -> None:
    import duckdb

    duck = duckdb.connect()
    duck.execute(f"COPY (SELECT 'M' || i AS message_id, 'C' || i AS customer_id, 'sms' AS channel, "
                 f"TIMESTAMP '2026-07-01 12:00' + INTERVAL (i) HOUR AS sent_at, i % 2 = 0 AS has_opt_out "
                 f"FROM range(5) t(i)) TO '{tmp_path / 'mm.parquet'}' (FORMAT parquet)")
    duck.execute(f"COPY (SELECT * FROM '{tmp_path / 'mm.parquet'}') TO '{tmp_path / 'mm.json'}' (FORMAT json, ARRAY true)")
    columns = MM | {"has_opt_out": {"field": "has_opt_out"}}
    for name in ("mm.parquet", "mm.json"):
        con, report = load(tmp_path, [_mm(name, columns=columns)])
        assert report.inputs[0]["rows_loaded"] == 5, report.inputs
        assert con.execute("SELECT count(*) FILTER (WHERE has_opt_out), max(_source_row), "
                           "strftime(min(sent_at) AT TIME ZONE 'UTC', '%H:%M') FROM marketing_messages").fetchone() == \
            (3, 5, "09:00")


def test_native_fast_path_gives_way_to_the_loaders_casts_for_a_late_value(tmp_path: Path) -> None:
    # The first 6,000 rows (more than the sample) are ISO; then a Finnish date, which the loader
    # reads, and a date that does not exist, which it quarantines.
    good = "".join(f"M{i},C{i},sms,2026-07-01 10:00:00\n" for i in range(6000))
    (tmp_path / "mm.csv").write_text(HEADER + good + "M9998,C,sms,31.12.2026\nM9999,C,sms,31.13.2026\n")
    con, report = load(tmp_path, [_mm()], max_reject_ratio=0.5)
    row = report.inputs[0]
    assert row["detected"]["read_natively"] == {}
    assert row["detected"]["native_cast_failed"].startswith("2 value(s) the reader could not cast")
    assert "first: line 6002:" in row["detected"]["native_cast_failed"]
    assert (row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (6002, 6001, 1)
    (q,) = quarantine(con)
    assert (q["row"], q["line"], q["reason_code"]) == (6002, 6003, "bad_date")
    # The reason names the column, never the value: that is kept apart, for internal use only.
    assert "31.13.2026" not in q["reason"] and q["value"] == "sent_at: 31.13.2026"
    assert json.loads(q["raw"])["message_id"] == "M9999"
    assert con.execute("SELECT strftime(sent_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M') FROM marketing_messages "
                       "WHERE message_id = 'M9998'").fetchone() == ("2026-12-30 22:00",)
    assert con.execute("SELECT max(_source_row), count(*) FROM marketing_messages").fetchone() == (6001, 6001)
    # Nothing of the abandoned first read is left behind.
    assert con.execute("SELECT count(*) FROM export_columns").fetchone() == (4,)


def test_native_booleans_match_the_loaders_own(tmp_path: Path) -> None:
    rows = "".join(f"M{i},C{i},sms,2026-07-01,{v}\n" for i, v in enumerate(["true", "FALSE", "t", "0", "yes", "N"]))
    (tmp_path / "mm.csv").write_text(HEADER.rstrip("\n") + ",has_opt_out\n" + rows)
    columns = {**_mm()["columns"], "has_opt_out": {"field": "has_opt_out"}}
    expected = [("M0", True), ("M1", False), ("M2", True), ("M3", False), ("M4", True), ("M5", False)]
    query = "SELECT message_id, has_opt_out FROM marketing_messages ORDER BY 1"
    native, report = load(tmp_path, [_mm(columns=columns)])
    assert report.inputs[0]["detected"]["read_natively"] == {"sent_at": "TIMESTAMP", "has_opt_out": "BOOLEAN"}
    assert native.execute(query).fetchall() == expected
    # A Finnish "kyllä" in the sample keeps the column on the loader's own cast: same meanings.
    (tmp_path / "mm.csv").write_text(HEADER.rstrip("\n") + ",has_opt_out\n" + rows + "M6,C6,sms,2026-07-01,kyllä\n")
    own, report = load(tmp_path, [_mm(columns=columns)])
    assert report.inputs[0]["detected"]["read_natively"] == {"sent_at": "TIMESTAMP"}
    assert own.execute(query).fetchall() == expected + [("M6", True)]
    # Lists that give a reader value another meaning turn the shortcut off.
    _, strict = load(tmp_path, [_mm(columns=columns, options={"true_values": ["true"], "false_values": ["false"]})],
                     max_reject_ratio=1)
    assert "has_opt_out" not in strict.inputs[0]["detected"]["read_natively"]
    assert strict.inputs[0]["rows_quarantined"] == 5  # t, 0, yes, N, kyllä


def test_row_numbers_after_a_structural_reject(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + "M1,C1,sms,2026-07-01\nM2,C2\nM3,C3,sms,2026-07-01\n"
                                     "M4,C4,sms,2026-07-01,X\nM5,C5,sms,2026-07-01\n")
    con, _ = load(tmp_path, [_mm()], max_reject_ratio=1)
    assert con.execute("SELECT message_id, _source_row FROM marketing_messages ORDER BY 1").fetchall() == \
        [("M1", 1), ("M3", 3), ("M5", 5)]


def test_blank_keys_are_missing_and_padded_keys_are_trimmed(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + 'M1,C1,sms,2026-07-01\n   ,C2,sms,2026-07-01\n"",C3,sms,2026-07-01\n'
                                     ' M4,C4,sms,2026-07-01\n!M5,C5,sms,2026-07-01\n')
    con, _ = load(tmp_path, [_mm()], max_reject_ratio=1)
    assert [(q["row"], q["reason_code"]) for q in quarantine(con)] == [(2, "missing_key"), (3, "missing_key")]
    assert con.execute("SELECT message_id FROM marketing_messages ORDER BY 1").fetchall() == \
        [("!M5",), ("M1",), ("M4",)]


@pytest.mark.parametrize(("keys", "duplicated"), [
    (["M1", "M2", "M3", "M4"], []),            # rising: no grouping needed
    (["M4", "M3", "M2", "M1"], []),            # falling
    (["M2", "M1", "M3", "M4"], []),            # out of order, all distinct
    (["M1", "M2", "M2", "M3"], [3]),           # in order, a repeat
    (["M3", "M1", "M2", "M1", "M3"], [4, 5]),  # out of order: later rows lose
])
def test_duplicate_keys_whatever_the_order(tmp_path: Path, keys: list[str], duplicated: list[int]) -> None:
    (tmp_path / "mm.csv").write_text(HEADER + "".join(f"{k},C{i},sms,2026-07-01\n" for i, k in enumerate(keys)))
    con, _ = load(tmp_path, [_mm()], max_reject_ratio=1)
    assert [(q["row"], q["reason_code"]) for q in quarantine(con)] == [(row, "duplicate_key") for row in duplicated]
    # The connection is free for the next statement whichever way the order check ended.
    assert con.execute("SELECT count(*) FROM marketing_messages").fetchone() == (len(keys) - len(duplicated),)


@pytest.mark.parametrize(("text", "blank"), [
    ("a\n1\n2\n", False), ("a\n1\n2\n\n\r\n", False),   # trailing blank lines number nothing
    ("a\n1\n\n2\n", True), ("a\r\n1\r\n\r\n2\r\n", True), ('a\n"x\n\ny"\n', True),
])
def test_interior_blank_lines_are_found(tmp_path: Path, text: str, blank: bool) -> None:
    (tmp_path / "f.csv").write_bytes(text.encode())
    assert has_interior_blank_line(tmp_path / "f.csv") is blank
    with gzip.open(tmp_path / "f.csv.gz", "wb") as handle:
        handle.write(text.encode())
    assert has_interior_blank_line(tmp_path / "f.csv.gz") is blank


def test_lf_copy_keeps_every_byte_but_line_endings(tmp_path: Path) -> None:
    # A CR at a block boundary must still pair with its LF.
    body = b"x" * ((1 << 20) - 1) + b"\r\n\xff\rend\r"
    (tmp_path / "in.csv").write_bytes(body)
    copy_with_lf_newlines(tmp_path / "in.csv", tmp_path / "out.csv")
    assert (tmp_path / "out.csv").read_bytes() == b"x" * ((1 << 20) - 1) + b"\n\xff\nend\n"


def test_keys_that_differ_only_by_blanks_are_duplicates(tmp_path: Path) -> None:
    # In key order as read (" M4" sorts before "M4"), yet one key once trimmed, as the role view has it.
    (tmp_path / "mm.csv").write_text(HEADER + "M1,C1,sms,2026-07-01\n M4,C2,sms,2026-07-01\nM4 ,C3,sms,2026-07-01\n")
    con, _ = load(tmp_path, [_mm()], max_reject_ratio=1)
    # The key is kept apart from the reason, for outputs to pseudonymise (audit_lib/quarantine.py).
    assert [(q["row"], q["reason_code"], q["reason"], q["key_value"]) for q in quarantine(con)] == \
        [(3, "duplicate_key", "duplicate key in column message_id", "M4")]
    assert con.execute("SELECT message_id, subject_id FROM marketing_messages ORDER BY 1").fetchall() == \
        [("M1", "C1"), ("M4", "C2")]


def test_printable_edges_reads_offsets_of_sliced_and_large_arrays() -> None:
    import pyarrow as pa

    from audit_lib.loader.keys import _printable_edges

    for kind in (pa.string(), pa.large_string()):
        keys = pa.array(["M1", "M2 ", " M3", "M4", "Ä5", "M6"], type=kind)
        assert _printable_edges(keys.slice(0, 1)) and _printable_edges(keys.slice(3, 1))
        assert not _printable_edges(keys.slice(1, 1)) and not _printable_edges(keys.slice(2, 1))
        assert not _printable_edges(keys.slice(4, 1))  # a non-ASCII edge: trimming rules not assumed
        assert _printable_edges(keys.slice(5, 1)) and not _printable_edges(keys)
        assert not _printable_edges(pa.array(["", "M1"], type=kind))


def test_a_key_column_mapped_only_to_a_category_skips_empty_keys(tmp_path: Path) -> None:
    (tmp_path / "mm.csv").write_text("ref,customer_id,channel,sent_at\nR2,C1,sms,2026-07-01\n,C2,sms,2026-07-01\n"
                                     ",C3,sms,2026-07-01\nR1,C4,sms,2026-07-01\nR2,C5,sms,2026-07-01\n")
    columns = {"ref": {"category": "system.operations"}, "customer_id": {"field": "subject_id"},
               "channel": {"field": "channel"}, "sent_at": {"field": "sent_at"}}
    con, _ = load(tmp_path, [{"file": "mm.csv", "role": "marketing_messages", "key": "ref", "columns": columns}],
                  max_reject_ratio=1)
    # Rows without a value in it are not one another's duplicates; the second R2 is.
    assert [(q["row"], q["reason_code"]) for q in quarantine(con)] == [(5, "duplicate_key")]


def test_parquet_glob_rows_are_numbered_per_file(tmp_path: Path) -> None:
    import duckdb

    duck = duckdb.connect()
    (tmp_path / "logs").mkdir()
    for month, count in (("07", 3), ("08", 0), ("09", 2)):
        duck.execute(f"COPY (SELECT 'M{month}-' || i AS message_id, 'C' || i AS customer_id, 'sms' AS channel, "
                     f"TIMESTAMP '2026-{month}-01' AS sent_at FROM range({count}) t(i)) "
                     f"TO '{tmp_path / 'logs' / f'mm_{month}.parquet'}' (FORMAT parquet)")
    con, report = load(tmp_path, [_mm("logs/mm_*.parquet")])
    assert [(r["file"], r["rows_read"]) for r in report.inputs] == \
        [("logs/mm_07.parquet", 3), ("logs/mm_08.parquet", 0), ("logs/mm_09.parquet", 2)]
    assert con.execute("SELECT _source_file, _source_row, message_id FROM marketing_messages ORDER BY 1, 2").fetchall() == [
        ("logs/mm_07.parquet", 1, "M07-0"), ("logs/mm_07.parquet", 2, "M07-1"), ("logs/mm_07.parquet", 3, "M07-2"),
        ("logs/mm_09.parquet", 1, "M09-0"), ("logs/mm_09.parquet", 2, "M09-1")]


def test_mixed_line_endings_and_a_late_finnish_date_take_both_retries(tmp_path: Path) -> None:
    good = "".join(f"M{i},C{i},sms,2026-07-01 10:00:00\r\n" for i in range(6000))
    (tmp_path / "mm.csv").write_bytes((HEADER + good + "M9998,C,sms,31.12.2026\nM9999,C,sms,x\n").encode())
    con, report = load(tmp_path, [_mm()], max_reject_ratio=0.5)
    detected = report.inputs[0]["detected"]
    assert detected["line_endings"].startswith("mixed") and detected["native_cast_failed"].startswith("2 value(s)")
    assert (report.inputs[0]["rows_loaded"], [(q["row"], q["line"]) for q in quarantine(con)]) == (6001, [(6002, 6003)])
