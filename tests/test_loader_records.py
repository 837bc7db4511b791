"""Physical records of text exports, piece by piece: the independent record count (csv_scan), the
readable copy, encodings of single lines, header names and width, JSON lines set aside."""

from __future__ import annotations

import codecs
import gzip
import json
from pathlib import Path

import duckdb
import pytest

from audit_lib.errors import LoadError
from audit_lib.loader import csv_scan, encoding, headers, json_lines
from audit_lib.loader.csv_scan import scan_records, write_readable_copy
from loaderkit import load

H3 = b"c0,c1,c2\n"
# Inputs where a naive count goes wrong: blank lines, CRLF, quoted newlines, doubled quotes, quotes
# inside unquoted values, one space before an opening quote, spaces after a closing one, a quote
# the reader rejects ("a"b) and reads on through, a quote never closed, a BOM before a quote.
TRICKY = [
    H3 + b"1,2,3\n\n\n4,5,6\n\n",
    (H3 + b"1,2,3\n\n4,5,6\n").replace(b"\n", b"\r\n"),
    H3 + b"1,2,3\n  \n4,5,6",
    H3 + b'"1","x\ny","3"\n"4","5""q""",6\n',
    H3 + b'1,32" tv,3\n4,5,6\n7,x"y,9\n',
    H3 + b'a, "b\nc",d\n1,2,3\n',
    H3 + b'a,"b\nc"  ,d\n1,2,3\n',
    H3 + b'a,"b,c"  "x\ny",d\n1,2,3\n',
    H3 + b'1,2,3\n4,"x"y",6\n7,8,9\n',
    H3 + b'1,2,3\n4,"x,6\n7,8,9\n10,1"1,12\n13,14,15\n',
    H3 + b'1,2,3\n4,"x,6\n7,8,9\n',
    H3 + b'"""x""",2,3\n"",,""\n',
    b'\xef\xbb\xbf"c0",c1,c2\n"1",2,3\n',
]


def _duckdb_records(path: Path) -> int:
    """Rows plus rejected records, as DuckDB's strict reader gives them."""
    con = duckdb.connect()
    kept = con.execute(
        "SELECT count(*) FROM read_csv($file, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
        "header = true, columns = {'c0': 'VARCHAR', 'c1': 'VARCHAR', 'c2': 'VARCHAR'}, strict_mode = true, "
        "store_rejects = true)", {"file": str(path)}).fetchall()[0][0]
    return kept + con.execute("SELECT count(DISTINCT line) FROM reject_errors").fetchall()[0][0]


@pytest.mark.parametrize("data", TRICKY)
def test_scan_counts_the_records_duckdb_reads_whatever_the_block(data: bytes, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    expected = _duckdb_records(path)
    results = set()
    for block in (1 << 20, 1, 2, 3, 7):  # every pair of bytes split between blocks somewhere
        monkeypatch.setattr(csv_scan, "BLOCK", block)
        scan = scan_records(path, ",", '"', 0)
        results.add((scan.data_rows(True), str(scan.unclosed), str(scan.longest)))
    assert len(results) == 1
    assert next(iter(results))[0] == expected


def test_scan_tells_where_a_quote_stays_open(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(H3 + b"1,2,3\n" * 5 + b'4,"x,6\n' + b"7,8,9\n" * 4)
    scan = scan_records(path, ",", '"', 0)
    assert (scan.data_rows(True), scan.unclosed) == (6, csv_scan.QuotedValue(line=7, lines=5))


def test_scan_after_skipped_lines_counts_physical_lines(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(b'Report "x\nrun today\n' + H3 + b'1,"a\nb",3\n')
    scan = scan_records(path, ",", '"', 2)
    assert (scan.data_rows(True), scan.longest) == (1, csv_scan.QuotedValue(line=4, lines=2))


def test_oversized_records_are_found_wherever_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_scan, "MAX_RECORD_BYTES", 50)
    monkeypatch.setattr(csv_scan, "BLOCK", 16)
    long = b"9," + b"y" * 60 + b",9\n"
    path = tmp_path / "f.csv"
    path.write_bytes(H3 + long + b"1,2,3\n" + b'4,"' + b"z\n" * 30 + b'",6\r\n' + b"7,8,9\n" + long[:-1])
    scan = scan_records(path, ",", '"', 0)
    found = [(r.record, r.line, r.lines, r.size, r.terminator) for r in scan.oversized]
    assert found == [(2, 2, 1, 65, b"\n"), (4, 4, 31, 68, b"\r\n"), (6, 36, 1, 64, b"")]
    assert scan.data_rows(True) == 5


def test_readable_copy_keeps_every_line_and_leaves_out_the_padding(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_scan, "MAX_RECORD_BYTES", 50)
    monkeypatch.setattr(csv_scan, "BLOCK", 16)
    source, copy = tmp_path / "f.csv.gz", tmp_path / "copy.csv"
    data = H3 + b"1,2,3\n" + b'4,"' + b"z" * 70 + b"\n" * 3 + b'",6\n' + b"7,8,9\n"
    source.write_bytes(gzip.compress(data + b"\x00" * 40))
    scan = scan_records(source, ",", '"', 0)
    assert scan.nul_padding == 40
    prefixes = write_readable_copy(source, copy, scan)
    text = copy.read_bytes()
    # The record stands in as one quoted value over the reader's limit, with its three line ends.
    assert text == H3 + b"1,2,3\n" + b'"' + b"x" * 50 + b"\n" * 3 + b'"\n' + b"7,8,9\n"
    assert text.count(b"\n") == data.count(b"\n") and b"\x00" not in text
    assert prefixes == {3: b'4,"' + b"z" * 70 + b'\n\n\n",6\n'}
    again = scan_records(copy, ",", '"', 0)
    assert (again.data_rows(True), [r.line for r in again.oversized]) == (3, [3])


def test_a_record_miscounted_by_the_reader_never_passes(tmp_path: Path) -> None:
    # A broken record DuckDB's reader turns into a reject and a made-up row: the file holds two records.
    (tmp_path / "f.csv").write_bytes(b'message_id,customer_id,channel\nM1,C1,sms\n",a"a,,""a""aa,a,a')
    _, report = load(tmp_path, [{"file": "f.csv", "role": "marketing_messages", "key": "message_id",
                                 "columns": {"message_id": {"field": "message_id"}}}])
    row = report.inputs[0]
    if row["status"] == "error":
        assert "holds 2 records" in row["detail"] and "stray quote is on line 3" in row["detail"]
    else:
        assert row["rows_read"] == 2


@pytest.mark.parametrize(("data", "expected"), [
    (b"a,b\n1,2\n" + b"\x00" * 4096, "utf-8"),  # NUL padding is no UTF-16
    ("a;ä\n".encode("utf-16-le"), "utf-16-le"),
    ("a,ä\nb,ö\n".encode() + "c,å\n".encode("latin-1") + b"d,e\n", "utf-8"),  # mostly UTF-8
    ("a,ä\nb,ö\n".encode("latin-1") + "c,å\n".encode() + b"d,e\n", "latin-1"),  # mostly latin-1
])
def test_detect_encoding_of_padded_and_mixed_samples(data: bytes, expected: str) -> None:
    assert encoding.detect_encoding(data) == expected


def test_transcoding_decodes_the_utf8_lines_of_a_legacy_file(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes("x\r".encode() + "ä €\r".encode("cp1252") + "ö\r".encode() + "å\r".encode("cp1252"))
    assert encoding.transcode_to_utf8(source, "cp1252", target, lf_newlines=True) == [3]
    assert target.read_text(encoding="utf-8") == "x\nä €\nö\nå\n"


def test_header_names_never_clash_in_case_and_case_is_ascii_only() -> None:
    names, renamed = headers.dedupe_header(["NOTE_2", "note", "note", ""])
    assert names == ["NOTE_2", "note", "note_3", "column4"]
    headers.check_columns("f.csv", ["Ä", "ä", "Straße", "STRASSE"])  # DuckDB tells these apart
    with pytest.raises(LoadError, match="'EMAIL' and 'email'.*rename one"):
        headers.check_columns("f.csv", ["id", "EMAIL", "email"])
    with pytest.raises(LoadError, match="4,097 columns, more than the 4,096"):
        headers.check_columns("f.csv", [f"c{i}" for i in range(4097)])


def test_a_header_too_long_to_sample_is_counted_streamed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("title\r" + ";".join(f"c{i}" for i in range(300_000)) + "\r1;2\r")
    assert encoding.count_header_fields(path, "utf-8", 1, ";") == 300_000


@pytest.mark.parametrize("options", [{"delimiter": "||"}, {"quote": "''"}, {"quote": "€"}])
def test_dialect_options_the_reader_cannot_take_are_named(tmp_path: Path, options: dict) -> None:
    (tmp_path / "f.csv").write_text("message_id,customer_id\nM1,C1\n")
    _, report = load(tmp_path, [{"file": "f.csv", "role": "marketing_messages", "key": "message_id",
                                 "options": options, "columns": {"message_id": {"field": "message_id"}}}])
    assert report.inputs[0]["status"] == "error"
    assert "f.csv" in report.inputs[0]["detail"] and "exports.yaml" in report.inputs[0]["detail"]


def test_json_lines_are_set_aside_one_by_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_lines, "MAX_LINE_BYTES", 40)
    source, copy = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    good = json.dumps({"a": "1"})
    source.write_bytes("\n".join([good, "  ", json.dumps({"a": "y" * 50}), "{", "Infinity", good]).encode()
                       + b"\n\xff\n")
    rejects = json_lines.set_aside_bad_lines(source, "in.jsonl", copy)
    assert [(r.row, r.line, r.code) for r in rejects] == [
        (2, 3, "line_too_long"), (3, 4, "bad_json"), (4, 5, "bad_json"), (6, 7, "bad_encoding")]
    assert copy.read_text().split("\n") == [good, "  ", "", "", "", good, "", ""]
    assert json_lines.looks_like_lines(source)


def test_bom_and_big_endian_utf16_still_win_over_padding() -> None:
    assert encoding.detect_encoding(codecs.BOM_UTF16_BE + "a;b\n".encode("utf-16-be") + b"\x00" * 8) == "utf-16"


@pytest.mark.parametrize(("name", "text"), [
    ("cut.csv.gz", "message_id,customer_id\n" + "".join(f"M{i},C{i}\n" for i in range(20_000))),
    ("cut.jsonl.gz", "".join(json.dumps({"message_id": f"M{i}"}) + "\n" for i in range(20_000))),
])
def test_a_gzip_file_cut_short_is_named_not_a_traceback(tmp_path: Path, name: str, text: str) -> None:
    # The passes over the whole file (record count, bad JSON lines) meet the cut, not just DuckDB.
    data = gzip.compress(text.encode())
    (tmp_path / name).write_bytes(data[: len(data) // 2])
    _, report = load(tmp_path, [{"file": name, "format": "json" if "json" in name else "csv",
                                 "role": "marketing_messages", "key": "message_id",
                                 "columns": {"message_id": {"field": "message_id"}}}])
    assert report.inputs[0]["status"] == "error"
    assert name in report.inputs[0]["detail"] and "cut short or damaged" in report.inputs[0]["detail"]


@pytest.mark.parametrize(("name", "data", "message"), [
    ("nuls.csv", b"\x00" * 5000, "is empty"),  # NUL padding and nothing else
    ("nul_name.csv", b"message_id,a\x00b\nM1,x\n", "NUL byte"),
    ("nul_name.jsonl", b'{"message_id": "M1", "a\\u0000b": 1}\n', "NUL byte"),
])
def test_nul_bytes_in_names_or_only_padding_are_named(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(data)
    _, report = load(tmp_path, [{"file": name, "role": "marketing_messages", "key": "message_id",
                                 "columns": {"message_id": {"field": "message_id"}}}])
    assert report.inputs[0]["status"] == "error"
    assert name in report.inputs[0]["detail"] and message in report.inputs[0]["detail"]
