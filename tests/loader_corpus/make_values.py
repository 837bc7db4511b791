"""Corpus files of values that change meaning on the way in: two-digit and implausible years, spreadsheet
formulas and error cells, amounts with too many decimals or separators that can be read two ways.

Written byte for byte (files prefixed ``v``; outcomes in ``cases_values.yaml``). The XLSX files are
written from their XML by hand: openpyxl cannot store a formula's cached value or an error cell,
and those are what the cases are about.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MM = "message_id,customer_id,channel,sent_at\n"
ORDERS = "order_id;customer_id;ordered_at;amount_eur\n"
# Zip entries with a fixed time, so that the files are the same on every run.
_ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def main(folder: Path) -> None:
    """Write every committed file of this class into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _years(folder)
    _formulas(folder)
    _amounts(folder)


# ------------------------------------------------------------------------------------------ years

def _years(folder: Path) -> None:
    # The loader's own formats (%d.%m.%Y and %d/%m/%Y read "19" as the year 19).
    (folder / "v01_two_digit_year.csv").write_text(
        MM + "M1,C1,email,05.01.2019\nM2,C2,sms,05.01.19\nM3,C3,sms,5.1.19 14:05\nM4,C4,email,05/01/19\n"
             "M5,C5,sms,1.7.2026 klo 14.05\n")
    # Every value ISO with four digits: DuckDB's CSV reader casts the column itself.
    (folder / "v02_native_years.csv").write_text(
        MM + "M1,C1,email,2019-01-05\nM2,C2,sms,0019-01-05\nM3,C3,sms,1019-01-05 10:00:00\n"
             "M4,C4,email,2206-01-05\n")
    # ISO forms with a two-digit year, with and without an offset, and an "open end" sentinel.
    (folder / "v03_iso_short_years.csv").write_text(
        MM + "M1,C1,email,19-01-05\nM2,C2,sms,19-01-05T10:00:00Z\nM3,C3,sms,2019-01-05T10:00:00+02:00\n"
             "M4,C4,email,9999-12-31\n")
    _duck(f"COPY (SELECT * FROM (VALUES ('M1', 'C1', 'email', TIMESTAMP '2019-01-05 10:00:00'), "
          f"('M2', 'C2', 'sms', TIMESTAMP '0019-01-05 10:00:00'), "
          f"('M3', 'C3', 'sms', TIMESTAMP '2206-01-05 10:00:00')) "
          f"t(message_id, customer_id, channel, sent_at)) TO '{folder / 'v04_years.parquet'}' (FORMAT parquet)")
    _duck(f"COPY (SELECT * FROM (VALUES ('M1', 'C1', 'email', TIMESTAMPTZ '2019-01-05 10:00:00+00'), "
          f"('M2', 'C2', 'sms', TIMESTAMPTZ '0019-01-05 10:00:00+00'), "
          f"('M3', 'C3', 'sms', TIMESTAMPTZ '1899-12-31 00:00:00+00')) "
          f"t(message_id, customer_id, channel, sent_at)) TO '{folder / 'v05_years_tz.parquet'}' (FORMAT parquet)")
    # Every value "YY-MM-DD": DuckDB's JSON reader detects a date and guesses the century.
    (folder / "v06_two_digit_years.json").write_text(
        "".join(json.dumps({"message_id": m, "customer_id": c, "channel": "sms", "sent_at": at}) + "\n"
                for m, c, at in [("M1", "C1", "19-01-05"), ("M2", "C2", "26-07-01")]))
    # Date cells (serial numbers with a date format) and a two-digit year typed as text.
    _xlsx(folder / "v07_dates.xlsx", [
        [_s("message_id"), _s("customer_id"), _s("channel"), _s("sent_at")],
        [_s("M1"), _s("C1"), _s("email"), _n(43470, date=True)],    # 2019-01-05
        [_s("M2"), _s("C2"), _s("sms"), _n(0, date=True)],          # Excel's day zero, 1899-12-31
        [_s("M3"), _s("C3"), _s("sms"), _s("05.01.19")],
        [_s("M4"), _s("C4"), _s("email"), _n(113948, date=True)],   # 2211-12-23: a slip of the keyboard
    ])
    # Words DuckDB's casts take or drop, and a date without a time (read once in the session's zone).
    (folder / "v09_words_and_zones.csv").write_text(
        MM + "M1,C1,email,2026-07-01\nM2,C2,sms,1.7.2026\nM3,C3,sms,epoch\nM4,C4,sms,2026-07-01 10:00 PM\n"
             "M5,C5,email,2026-07-01 10:00:00 EST\nM6,C6,sms,2026-07-01 10:00:00 UTC\n")
    # A window declared in exports.yaml (2015-2030).
    (folder / "v08_declared_window.csv").write_text(
        MM + "M1,C1,email,31.12.2014\nM2,C2,sms,1.1.2015\nM3,C3,sms,2031-01-01\nM4,C4,email,2030-12-31 23:59\n")


# --------------------------------------------------------------------------------------- formulas

def _formulas(folder: Path) -> None:
    header = [_s("message_id"), _s("customer_id"), _s("channel"), _s("sent_at"), _s("campaign")]
    _xlsx(folder / "v10_formulas.xlsx", [
        header,
        # A formula with its value saved: read as that value.
        [_s("M1"), _s("C1"), _s("email"), _s("2026-07-01"), _f('"Kesä-"&amp;2026', "Kesä-2026", kind="str")],
        [_s("M2"), _s("C2"), _s("sms"), _f("DATE(2026,7,2)", "46205", date=True), _s("Heinä")],
        # No value saved (as openpyxl and other generators write formulas): unknown, not empty.
        [_s("M3"), _s("C3"), _s("email"), _s("2026-07-03"), _f('A4&amp;"x"', None)],
        # An error value: calamine reads it as an empty cell.
        [_s("M4"), _s("C4"), _s("sms"), _s("2026-07-04"), _f("1/0", "#DIV/0!", kind="e")],
        # A shared formula: the first cell holds the text and a value, the second neither.
        [_s("M5"), _s("C5"), _s("email"), _s("2026-07-05"), _f('B6&amp;"!"', "C5!", kind="str", shared="E6:E7")],
        [_s("M6"), _s("C6"), _s("sms"), _s("2026-07-06"), _f(None, None, shared="E6:E7")],
        # A row whose only cell is a formula without a value: calamine's range ends before it.
        [_f('"M"&amp;7', None)],
    ])
    # The workbook asks to be recalculated when opened (openpyxl, XlsxWriter): the saved values,
    # here XlsxWriter's default 0, are not what the formulas give.
    _xlsx(folder / "v11_recalc_on_open.xlsx", [
        header,
        [_s("M1"), _s("C1"), _s("email"), _s("2026-07-01"), _s("Kesä")],
        [_s("M2"), _s("C2"), _s("sms"), _s("2026-07-02"), _f('"Heinä"&amp;"-2026"', "0")],
    ], recalculate=True)


# ---------------------------------------------------------------------------------------- amounts

def _amounts(folder: Path) -> None:
    def orders(values: list[str]) -> str:
        return ORDERS + "".join(f"O{i};C{i};1.7.2026;{v}\n" for i, v in enumerate(values, start=1))

    # No decimal separator declared: the last of "," and "." is the decimal one, if that can be told.
    (folder / "v20_amounts_auto.csv").write_text(orders(
        ["12,345", "0,005", "1.234", "1.234.567", "1 234,50", "12,50 €", "1_000", "1,234.5", "12.5"]), encoding="utf-8")
    # decimal_separator ",": "." groups thousands, and only thousands.
    (folder / "v21_amounts_comma.csv").write_text(orders(
        ["12,345", "0,005", "1.234", "1.5", "1.234,50", "12,5"]), encoding="utf-8")
    # decimal_separator ".": "," groups thousands, and only thousands.
    (folder / "v22_amounts_dot.csv").write_text(orders(["12.345", "1,234", "1,5", "1,234.50"]), encoding="utf-8")
    (folder / "v23_amounts.json").write_text(json.dumps([
        {"order_id": f"O{i}", "customer_id": f"C{i}", "ordered_at": "2026-07-01", "amount_eur": v}
        for i, v in enumerate([12.345, 0.1 + 0.2, 1.234, 149], start=1)]))
    _duck(f"COPY (SELECT * FROM (VALUES ('O1', 'C1', DATE '2026-07-01', 12.3450::DECIMAL(18,4)), "
          f"('O2', 'C2', DATE '2026-07-01', 12.3400::DECIMAL(18,4)), "
          f"('O3', 'C3', DATE '2026-07-01', 0.0050::DECIMAL(18,4))) "
          f"t(order_id, customer_id, ordered_at, amount_eur)) TO '{folder / 'v24_amounts.parquet'}' (FORMAT parquet)")
    header = [_s("order_id"), _s("customer_id"), _s("ordered_at"), _s("amount_eur")]
    # Numbers as numbers: 1.234 in a number cell is one and a quarter, not a thousand.
    _xlsx(folder / "v25_amounts.xlsx", [header] + [
        [_s(f"O{i}"), _s(f"C{i}"), _s("2026-07-01"), _n(v)] for i, v in enumerate([12.345, 1.234, 149.5, 0.005], 1)])
    # A Finnish workbook (decimal_separator ","): number cells and amounts typed as text in one column.
    _xlsx(folder / "v26_amounts_mixed.xlsx", [header] + [
        [_s(f"O{i}"), _s(f"C{i}"), _s("2026-07-01"), cell] for i, cell in enumerate([_n(1.5), _s("12,5"), _n(2)], 1)])
    # A whole-number field (disclosures.rows): a fraction or a hexadecimal is not a count.
    (folder / "v27_rows_integer.csv").write_text(
        "disclosure_id;recipient;at;rows\n" + "".join(f"D{i};Posti;1.7.2026;{v}\n" for i, v in enumerate(
            ["1,5", "1.000", "0x10", "1 000", "2.5", "12"], start=1)), encoding="utf-8")


# ------------------------------------------------------------------------------------------ tools

def _duck(sql: str) -> None:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute("SET TimeZone = 'UTC'")
        con.execute(sql)
    finally:
        con.close()


def _s(text: str) -> str:
    """An inline text cell (its reference is added by _xlsx)."""
    return f'<c{{r}} t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _n(value: float, date: bool = False) -> str:
    """A number cell; ``date``: formatted as a date (style 1), as a spreadsheet stores a date."""
    style = ' s="1"' if date else ""
    return f"<c{{r}}{style}><v>{value!r}</v></c>"


def _f(formula: str | None, cached: str | None, kind: str | None = None, date: bool = False,
       shared: str | None = None) -> str:
    """A formula cell (XML-escaped ``formula``; None: a follower of a shared formula) with its saved
    value ``cached`` (None: none saved), of type ``kind`` (str, e, b; None: a number)."""
    attributes = (f' t="{kind}"' if kind else "") + (' s="1"' if date else "")
    if shared is not None:
        head = f'<f t="shared" si="0" ref="{shared}">{formula}</f>' if formula else '<f t="shared" si="0"/>'
    else:
        head = f"<f>{formula}</f>"
    value = f"<v>{escape(cached)}</v>" if cached is not None else ""
    return f"<c{{r}}{attributes}>{head}{value}</c>"


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>{calc}</workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>')


def _xlsx(path: Path, rows: list[list[str]], recalculate: bool = False) -> None:
    """A one-sheet workbook ("Data") of ``rows`` of cells from _s, _n and _f, from sheet row 1 on."""
    lines = []
    for number, cells in enumerate(rows, start=1):
        placed = [cell.replace("{r}", f' r="{chr(ord("A") + column)}{number}"') for column, cell in enumerate(cells)]
        lines.append(f'<row r="{number}">{"".join(placed)}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(lines) + "</sheetData></worksheet>")
    calc = '<calcPr calcId="124519" fullCalcOnLoad="1"/>' if recalculate else '<calcPr calcId="191029"/>'
    parts = {"[Content_Types].xml": _CONTENT_TYPES, "_rels/.rels": _ROOT_RELS,
             "xl/workbook.xml": _WORKBOOK.format(calc=calc), "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
             "xl/styles.xml": _STYLES, "xl/worksheets/sheet1.xml": sheet}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():
            book.writestr(zipfile.ZipInfo(name, date_time=_ZIP_TIME), text.encode("utf-8"),
                          compress_type=zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main(Path(__file__).resolve().parent / "files")
