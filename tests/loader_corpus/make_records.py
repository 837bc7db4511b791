"""Corpus files about physical records of text exports: where a record ends, how long it is, what it
is encoded in, what its names are.

Quotes left open early, mid-file and in the last row; records too long to read; rows in another
encoding than the file's; NUL padding and CR-only line ends; headers of thousands of columns;
names that differ only in case (CSV, JSON, Parquet, XLSX); JSON lines that are no JSON. Files are
prefixed ``r``; outcomes in ``cases_records.yaml``. Files too big to commit are written at test
time by the functions below (``generate: make_records:<function>``), at the smallest size that
shows the defect.
"""

from __future__ import annotations

import gzip
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MM = "message_id,customer_id,channel,sent_at\n"
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def _rows(first: int, last: int, channel: str = "sms") -> str:
    return "".join(f"M{i},C{i},{channel},2026-07-02\n" for i in range(first, last + 1))


def main(folder: Path) -> None:
    """Write every committed file of this class into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _quotes(folder)
    _encodings(folder)
    _line_ends(folder)
    _names(folder)
    _json_lines(folder)


# ------------------------------------------------------------------------------------------ quotes

def _quotes(folder: Path) -> None:
    # A quote opened and never closed: early, mid-file, in the last row, and in a gzip file.
    (folder / "r01_quote_open_early.csv").write_text(MM + _rows(1, 1) + 'M2,"C2,sms,2026-07-02\n' + _rows(3, 40))
    (folder / "r02_quote_open_mid.csv").write_text(MM + _rows(1, 19) + 'M20,"C20,sms,2026-07-02\n' + _rows(21, 40))
    (folder / "r03_quote_open_last.csv").write_text(MM + _rows(1, 39) + 'M40,"C40,sms,2026-07-02\n')
    (folder / "r04_quote_open.csv.gz").write_bytes(
        gzip.compress((MM + _rows(1, 9) + 'M10,"C10,sms,2026-07-02\n' + _rows(11, 30)).encode(), mtime=0))
    # Quotes that are characters (a quote inside an unquoted value, one space before an opening
    # quote): nothing is lost, and the count of records says so.
    (folder / "r05_literal_quotes.csv").write_text(
        "message_id,customer_id,channel,sent_at,campaign\n"
        'M1,C1,sms,2026-07-02,TV 32" tarjous\n'
        'M2,C2,sms,2026-07-02,5" näyttö\n'
        'M3,C3,sms,2026-07-02, "kesä, ""ale""\nosa 2"\n'
        "M4,C4,sms,2026-07-02,loppu\n")
    # A broken quote the reader recovers from at the end of its row: that row is set aside.
    (folder / "r06_stray_quote_mid.csv").write_text(MM + _rows(1, 2) + 'M3,"C"3,sms,2026-07-02\n' + _rows(4, 6))


def quote_spans_many_lines(path: Path) -> None:
    """A quote opened in row 5 and closed, by another stray quote, 1,200 lines later: one value of
    1,201 lines, and 1,200 rows gone into it."""
    path.write_text(MM + _rows(1, 4) + 'M5,"C5,sms,2026-07-02\n' + _rows(6, 1205)
                    + 'M1206,C1206",sms,2026-07-02\n' + _rows(1207, 1210))


# ------------------------------------------------------------------------------ records too long

_LONG = 33 << 20  # longer than DuckDB's 32 MiB buffer: such a record used to vanish uncounted


def _long_record(size: int = _LONG) -> bytes:
    return b"MX,C" + b"y" * size + b",sms,2026-07-02\n"


def long_record_first(path: Path) -> None:
    """The first record longer than the buffer, a bad date later."""
    path.write_bytes(MM.encode() + _long_record() + _rows(1, 3).encode() + b"M9,C9,sms,huono\n")


def long_record_mid(path: Path) -> None:
    """A record longer than the buffer between others, a bad date after it."""
    path.write_bytes(MM.encode() + _rows(1, 3).encode() + _long_record() + _rows(4, 6).encode()
                     + b"M9,C9,sms,huono\n")


def long_record_last(path: Path) -> None:
    """The last record longer than the buffer, without a line end."""
    path.write_bytes(MM.encode() + _rows(1, 3).encode() + _long_record()[:-1])


def long_record_gzip(path: Path) -> None:
    """A record longer than the buffer mid-file, gzip-compressed."""
    data = MM.encode() + _rows(1, 3).encode() + _long_record() + _rows(4, 6).encode()
    path.write_bytes(gzip.compress(data, compresslevel=1, mtime=0))


def long_quoted_record(path: Path) -> None:
    """A record of 3.5 MB, over DuckDB's 2,000,000-byte line limit, whose quoted value spans 700
    lines (so the lines after it count them too)."""
    value = ("y" * 5000 + "\n") * 700
    path.write_text(MM + _rows(1, 3) + f'MX,"{value}",sms,2026-07-02\n' + _rows(4, 6) + "M9,C9,sms,huono\n")


# ------------------------------------------------------------------------------------- encodings

def _encodings(folder: Path) -> None:
    # One latin-1 row among UTF-8 ones: that row is set aside, the others keep their ä and ö.
    (folder / "r10_latin1_row_in_utf8.csv").write_bytes(
        (MM + "M1,Cä1,sms,2026-07-02\n").encode() + "M2,Cä2,sms,2026-07-02\n".encode("latin-1")
        + "M3,Cö3,sms,2026-07-02\nM4,Cå4,sms,2026-07-02\n".encode())
    # One UTF-8 row among cp1252 ones: it is decoded as UTF-8, and the manifest says which line.
    (folder / "r11_utf8_row_in_cp1252.csv").write_bytes(
        (MM + "M1,Cä1,sms,2026-07-02\nM2,C€2,sms,2026-07-02\nM3,Cö3,sms,2026-07-02\n").encode("cp1252")
        + "M4,Cå4,sms,2026-07-02\n".encode())


def utf8_row_after_sample(path: Path) -> None:
    """A latin-1 file whose one UTF-8 row comes after the 64 KiB the encoding is told from."""
    body = "".join(f"M{i},Cä{i},sms,2026-07-02\n" for i in range(1, 4001))
    path.write_bytes((MM + body).encode("latin-1") + "M4001,Cö4001,sms,2026-07-02\n".encode())


# ------------------------------------------------------------------------------------ line ends

def _line_ends(folder: Path) -> None:
    # NUL bytes padding the end (a preallocated file written short), after a line end and without.
    (folder / "r20_nul_padding.csv").write_bytes((MM + _rows(1, 3)).encode() + b"\x00" * 4096)
    (folder / "r21_nul_padding_no_line_end.csv").write_bytes((MM + _rows(1, 3)).encode()[:-1] + b"\x00" * 300)
    # CR alone ends every line (classic Mac OS), a quoted value holding one too.
    (folder / "r22_cr_only.csv").write_bytes((MM + 'M1,C1,sms,2026-07-02\nM2,"C\n2",sms,2026-07-02\n'
                                              "M3,C3,sms,huono\n").replace("\n", "\r").encode())
    # CR alone among LF line ends (a file edited on two systems).
    (folder / "r23_cr_among_lf.csv").write_bytes((MM + _rows(1, 2)).encode() + b"M3,C3,sms,2026-07-02\r"
                                                 + _rows(4, 5).encode())
    # Blank lines before the header: the reader would take the first for the header.
    (folder / "r24_blank_lines_before_header.csv").write_text("\n\n" + MM + _rows(1, 2) + "M3,C3,sms,huono\n")


# ---------------------------------------------------------------------------------------- names

def wide_header(path: Path) -> None:
    """A header of 8,200 columns and a row to quarantine: DuckDB used to die (SIGFPE) writing its raw text."""
    names = ["message_id", "customer_id", "channel", "sent_at"] + [f"c{i}" for i in range(4, 8200)]
    path.write_text(",".join(names) + "\n" + ",".join(["M1", "C1", "sms", "2026-07-02"] + ["x"] * 8196) + "\n"
                    + ",".join(["M2", "C2", "sms", "huono"] + ["x"] * 8196) + "\n")


def wide_with_bad_row(path: Path) -> None:
    """1,500 columns and a row to quarantine: placing its line used to fail DuckDB's expression depth."""
    names = ["message_id", "customer_id", "channel", "sent_at"] + [f"c{i}" for i in range(4, 1500)]
    path.write_text(",".join(names) + "\n" + ",".join(["M1", "C1", "sms", "2026-07-02"] + ["x"] * 1496) + "\n"
                    + ",".join(["M2", "C2", "sms", "huono"] + ["x"] * 1496) + "\n")


def million_columns(path: Path) -> None:
    """A header of 1,000,000 columns (it used to keep the loader busy for more than five minutes)."""
    path.write_text("message_id,customer_id,channel,sent_at," + ",".join(f"c{i}" for i in range(4, 1_000_000))
                    + "\nM1,C1,sms,2026-07-02\n")


def long_header(path: Path) -> None:
    """3,000 columns with long names: a header line of 130 KB, beyond the 64 KiB sampled for the dialect."""
    names = ["message_id", "customer_id", "channel", "sent_at"] + [f"lisatieto_{i:04d}_pitka_sarakkeen_nimi"
                                                                   for i in range(4, 3000)]
    path.write_text(",".join(names) + "\n" + ",".join(["M1", "C1", "sms", "2026-07-02"] + ["x"] * 2996) + "\n"
                    + ",".join(["M2", "C2", "sms", "2026-07-02"] + ["y"] * 2996) + "\n")


def _names(folder: Path) -> None:
    header = ["message_id", "customer_id", "channel", "sent_at", "EMAIL", "email"]
    row = ["M1", "C1", "sms", "2026-07-02", "a@example.com", "b@example.com"]
    (folder / "r30_case_clash.csv").write_text(",".join(header) + "\n" + ",".join(row) + "\n")
    (folder / "r31_case_clash.jsonl").write_text(json.dumps(dict(zip(header, row))) + "\n")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({name: [value] for name, value in zip(header, row)}), folder / "r32_case_clash.parquet")
    _xlsx(folder / "r33_case_clash.xlsx", [header, row])


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    """A one-sheet workbook of inline strings, written from its XML (the same bytes on every run)."""
    def cell(column: int, row: int, value: str) -> str:
        letter = chr(ord("A") + column)
        return f'<c r="{letter}{row}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    sheet_rows = "".join(f'<row r="{r}">' + "".join(cell(c, r, v) for c, v in enumerate(values)) + "</row>"
                         for r, values in enumerate(rows, start=1))
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Viestit" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
            f'openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text)


# ----------------------------------------------------------------------------------- JSON lines

def _message(number: int, **changes: object) -> str:
    record = {"message_id": f"M{number}", "customer_id": f"C{number}", "channel": "sms", "sent_at": "2026-07-02"}
    return json.dumps(record | changes)


def _json_lines(folder: Path) -> None:
    # Bad lines between good ones: cut short, an array, NaN, not UTF-8; a blank line is no row.
    lines = [_message(1), '{"message_id": "M2", "customer_id": ', _message(3), "", "[1, 2]", _message(5),
             _message(6).replace('"C6"', "NaN"), _message(7)]
    (folder / "r40_bad_lines.jsonl").write_bytes("\n".join(lines).encode() + b"\n"
                                                 + b'{"message_id": "M8", "customer_id": "C\xe48"}\n'
                                                 + (_message(9) + "\n").encode())
    (folder / "r41_bad_line.jsonl.gz").write_bytes(gzip.compress(
        "\n".join([_message(1), _message(2), "{oops", _message(4)]).encode() + b"\n", mtime=0))
    # 300 keys: DuckDB's reader would make one map column "json" of them unless told not to.
    wide = {"message_id": "M1", "customer_id": "C1", "channel": "sms", "sent_at": "2026-07-02"}
    wide |= {f"lisatieto_{i}": str(i) for i in range(296)}
    (folder / "r42_wide_object.jsonl").write_text(json.dumps(wide) + "\n")


def json_long_line(path: Path) -> None:
    """A JSON line of 40 MiB between short ones: DuckDB's JSON reader refuses the whole file for it."""
    path.write_text(_message(1) + "\n" + _message(2, campaign="y" * (40 << 20)) + "\n" + _message(3) + "\n")


if __name__ == "__main__":
    main(Path(__file__).resolve().parent / "files")
