"""Values that must not change meaning on the way in: numbers read exactly, dates inside the plausible
years, spreadsheet formulas and error cells found (the corpus, cases_values.yaml, has the files)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import duckdb
import pytest

from audit_lib.declaration import load_declaration
from audit_lib.errors import DeclarationError
from audit_lib.loader import xlsx_cells
from audit_lib.loader.casting import CastSpec, cast_expression, failure_reason
from audit_lib.roles import DECIMAL, INTEGER, TIMESTAMP
from loaderkit import load, quarantine

HERE = Path(__file__).resolve().parent
SAMPLE = HERE.parent / "data_samples" / "hyvinvoivin"


def _make_values():
    """The corpus's make_values.py (its hand-written XLSX writer)."""
    spec = importlib.util.spec_from_file_location("make_values", HERE / "loader_corpus" / "make_values.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'Europe/Helsinki'")
    yield connection
    connection.close()


def _cast(con, value: object, source_type: str, **spec: object) -> tuple[str | None, str | None]:
    """(typed value as text, reason code) of one value cast as the loader casts it."""
    zone = str(spec.pop("timezone", "Europe/Helsinki"))
    cast = CastSpec(source_type=source_type, timezone=zone, **spec)  # type: ignore[arg-type]
    _, code = failure_reason("v", "field", cast, "typed", required=False)
    typed = con.execute(f"SELECT CAST(typed AS VARCHAR), {code} FROM (SELECT v, {cast_expression('v', cast)} AS typed "
                        f"FROM (SELECT CAST(? AS {source_type}) AS v))", [value]).fetchone()
    return typed[0], typed[1]


# --- numbers ------------------------------------------------------------------------------------

NUMBERS = [
    # (text, decimal_separator, target, typed, code)
    ("12,5", None, DECIMAL, "12.50", None),
    ("1 234,50", None, DECIMAL, "1234.50", None),
    ("1.234,50 €", None, DECIMAL, "1234.50", None),
    ("1\u00a0000", None, DECIMAL, "1000.00", None),
    ("1,234.50", None, DECIMAL, "1234.50", None),
    ("1.234.567", None, DECIMAL, "1234567.00", None),
    ("1,234,567", None, DECIMAL, "1234567.00", None),
    ("-12,50", None, DECIMAL, "-12.50", None),
    ("0,500", None, DECIMAL, "0.50", None),
    ("1.5E3", None, DECIMAL, "1500.00", None),
    ("12,345", None, DECIMAL, None, "ambiguous_number"),
    ("1.234", None, DECIMAL, None, "ambiguous_number"),
    ("-1.234", None, DECIMAL, None, "ambiguous_number"),
    ("12,300", None, DECIMAL, None, "ambiguous_number"),
    ("0,005", None, DECIMAL, None, "precision_loss"),
    ("12.3456", None, DECIMAL, None, "precision_loss"),
    ("1_000", None, DECIMAL, None, "bad_number"),
    ("1234567890123", None, DECIMAL, None, "bad_number"),
    ("kaksi", None, DECIMAL, None, "bad_number"),
    ("1.234", ",", DECIMAL, "1234.00", None),
    ("1.234,5", ",", DECIMAL, "1234.50", None),
    ("12,345", ",", DECIMAL, None, "precision_loss"),
    ("1.5", ",", DECIMAL, None, "ambiguous_number"),
    ("1,234.5", ",", DECIMAL, None, "ambiguous_number"),
    ("1,234", ".", DECIMAL, "1234.00", None),
    ("1,5", ".", DECIMAL, None, "ambiguous_number"),
    ("12.345", ".", DECIMAL, None, "precision_loss"),
    ("12", None, INTEGER, "12", None),
    ("1 000", None, INTEGER, "1000", None),
    ("1,0", None, INTEGER, "1", None),
    ("2.5", None, INTEGER, None, "precision_loss"),
    ("1.000", None, INTEGER, None, "ambiguous_number"),
    ("0x10", None, INTEGER, None, "bad_number"),
]


@pytest.mark.parametrize("text, separator, target, typed, code", NUMBERS,
                         ids=[f"{n[0]}|{n[1]}|{n[2]}" for n in NUMBERS])
def test_numbers_are_read_exactly_or_quarantined(con, text, separator, target, typed, code) -> None:
    assert _cast(con, text, "VARCHAR", target=target, decimal_separator=separator) == (typed, code)


@pytest.mark.parametrize("value, source_type, typed, code", [
    (12.345, "DOUBLE", None, "precision_loss"),
    (0.1 + 0.2, "DOUBLE", "0.30", None),
    (1.234, "DOUBLE", None, "precision_loss"),
    ("12.3400", "DECIMAL(18,4)", "12.34", None),
    ("12.3450", "DECIMAL(18,4)", None, "precision_loss"),
    (5, "BIGINT", "5.00", None),
])
def test_typed_numbers_are_compared_exactly(con, value, source_type, typed, code) -> None:
    assert _cast(con, value, source_type, target=DECIMAL) == (typed, code)


def test_the_csv_reader_does_not_cast_dot_decimals_in_a_comma_export(tmp_path: Path) -> None:
    # Every value has the reader's plain form; with ',' declared, "149.00" is no such number, so the
    # reader must not read it as 149 while the loader's own cast would not (a row further down).
    (tmp_path / "orders.csv").write_text("order_id;customer_id;ordered_at;amount\nO1;C1;2026-07-01;149.00\n"
                                         "O2;C2;2026-07-01;12\n", encoding="utf-8")
    columns = {"order_id": {"field": "order_id"}, "customer_id": {"field": "subject_id"},
               "ordered_at": {"field": "ordered_at"}, "amount": {"field": "amount"}}
    con, report = load(tmp_path, [{"file": "orders.csv", "role": "orders", "key": "order_id", "columns": columns,
                                   "options": {"decimal_separator": ","}}], max_reject_ratio=1)
    assert "amount" not in report.inputs[0]["detected"]["read_natively"]
    assert [(q["row"], q["reason_code"]) for q in quarantine(con)] == [(1, "ambiguous_number")]
    assert con.execute("SELECT order_id, amount FROM orders").fetchall()[0][0] == "O2"


# --- dates and times ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, years, code", [
    ("1900-01-01", None, None), ("1899-12-31 23:59", None, "implausible_year"),
    ("2100-12-31 23:59:59", None, None), ("2101-01-01", None, "implausible_year"),
    ("05.01.19", None, "implausible_year"), ("5.1.219 10:00", None, "implausible_year"),
    ("19-01-05T10:00:00Z", None, "implausible_year"), ("2014-12-31", (2015, 2030), "implausible_year"),
    ("1.1.2015", (2015, 2030), None), ("epoch", None, "bad_date"), ("infinity", None, "bad_date"),
    ("2026-07-01 10:00 PM", None, "bad_date"),
])
def test_dates_outside_the_plausible_years_are_quarantined(con, text, years, code) -> None:
    spec = {"years": years} if years else {}
    typed, found = _cast(con, text, "VARCHAR", target=TIMESTAMP, **spec)
    assert found == code and (typed is None) == (code is not None)


@pytest.mark.parametrize("value, source_type", [("0019-01-05 10:00:00", "TIMESTAMP"), ("0019-01-05", "DATE"),
                                                ("0019-01-05 10:00:00+00", "TIMESTAMPTZ"),
                                                ("2206-01-05 10:00:00", "TIMESTAMP")])
def test_typed_timestamps_are_held_to_the_window_too(con, value, source_type) -> None:
    assert _cast(con, value, source_type, target=TIMESTAMP) == (None, "implausible_year")


def test_a_date_alone_is_read_in_the_exports_zone_not_the_sessions(con) -> None:
    # "2026-07-01" once matched the offset pattern (its "-01") and was read in the session's zone.
    typed, _ = _cast(con, "2026-07-01", "VARCHAR", target=TIMESTAMP, timezone="UTC")
    assert typed is not None and typed.startswith("2026-07-01 03:00:00")  # UTC midnight, shown in Helsinki


@pytest.mark.parametrize("options, words", [
    ("{timestamp_formats: ['%d.%m.%y']}", ["%d.%m.%y", "two-digit year", "%Y"]),
    ("{plausible_years: [19, 2030]}", ["four-digit years"]),
    ("{plausible_years: [2030, 2015]}", ["four-digit years"]),
])
def test_a_two_digit_year_cannot_be_declared(tmp_path: Path, options: str, words: list[str]) -> None:
    for name in ("register.yaml", "exports.yaml"):
        shutil.copy(SAMPLE / name, tmp_path / name)
    exports = tmp_path / "exports.yaml"
    text = exports.read_text(encoding="utf-8")
    exports.write_text(text.replace("    key: customer_id\n", f"    key: customer_id\n    options: {options}\n", 1),
                       encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, exports)
    (problem,) = exc.value.problems
    assert Path(problem.file) == exports and "options" in problem.path
    for word in words:
        assert word in problem.message, (word, problem.message)


# --- spreadsheet formulas and error cells -------------------------------------------------------

def test_a_sheet_without_formulas_is_not_parsed(tmp_path: Path, monkeypatch) -> None:
    make = _make_values()
    make._xlsx(tmp_path / "plain.xlsx", [[make._s("a"), make._n(1.5)]] * 3)

    def refuse(*args, **kwargs):
        raise AssertionError("the sheet's XML was parsed")

    monkeypatch.setattr(xlsx_cells._CellCollector, "__init__", refuse)
    assert xlsx_cells.scan(tmp_path / "plain.xlsx", "Data").cells == {}


def test_cells_without_references_are_placed_by_their_order(tmp_path: Path) -> None:
    make = _make_values()
    make._xlsx(tmp_path / "book.xlsx", [[make._s("a"), make._s("b"), make._s("c")]])
    # Rewrite the sheet: a row and cells without references, then a reference, then none again.
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             '<row><c t="inlineStr"><is><t>x</t></is></c><c><f>1/0</f></c></row>'
             '<row r="4"><c r="C4"><f>A1</f><v>7</v></c><c t="e"><v>#N/A</v></c></row></sheetData></worksheet>')
    _replace_part(tmp_path / "book.xlsx", "xl/worksheets/sheet1.xml", sheet)
    cells = xlsx_cells.scan(tmp_path / "book.xlsx", "Data").cells
    assert {position: (c.reference, c.formula, c.saved, c.error) for position, c in cells.items()} == {
        (1, 1): ("B1", "1/0", False, None), (4, 2): ("C4", "A1", True, None), (4, 3): ("D4", None, True, "#N/A")}


def test_many_formula_rows_are_all_found(tmp_path: Path) -> None:
    make = _make_values()
    rows = [[make._s("id"), make._s("value")]] + [
        [make._s(f"R{i}"), make._f('"v"&amp;1', "v1" if i % 100 else None, kind="str")] for i in range(2, 3002)]
    make._xlsx(tmp_path / "big.xlsx", rows)
    found = xlsx_cells.scan(tmp_path / "big.xlsx", "Data")
    assert len(found.cells) == 3000
    assert sorted(row for (row, _), cell in found.cells.items() if not cell.saved) == list(range(100, 3002, 100))


def test_formula_rows_are_numbered_after_skipped_rows(tmp_path: Path) -> None:
    make = _make_values()
    make._xlsx(tmp_path / "mm.xlsx", [
        [make._s("Raportti")], [],
        [make._s("message_id"), make._s("customer_id"), make._s("channel"), make._s("sent_at")],
        [make._s("M1"), make._s("C1"), make._s("sms"), make._s("2026-07-01")],
        [make._s("M2"), make._f('"C"&amp;2', None), make._s("sms"), make._s("2026-07-01")],
    ])
    columns = {"message_id": {"field": "message_id"}, "customer_id": {"field": "subject_id"},
               "channel": {"field": "channel"}, "sent_at": {"field": "sent_at"}}
    con, report = load(tmp_path, [{"file": "mm.xlsx", "role": "marketing_messages", "key": "message_id",
                                   "columns": columns, "options": {"skip_rows": 2}}], max_reject_ratio=1)
    (q,) = quarantine(con)
    assert (q["row"], q["line"], q["reason_code"], q["column_name"]) == (2, 5, "formula_without_value", "customer_id")
    assert '="C"&2' not in q["reason"] and "cell B5" in q["reason"] and q["value"] == 'customer_id: ="C"&2'
    assert (report.inputs[0]["rows_read"], report.inputs[0]["rows_loaded"]) == (2, 1)


def _replace_part(path: Path, part: str, text: str) -> None:
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[part] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
