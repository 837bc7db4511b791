"""Formula injection through every separator a spreadsheet may split a cell on: every CSV regaudit writes,
opened as ``;``-separated (Finnish and German Excel), ``,``, tab or ``|``, honouring quotes or not,
has no cell that starts with = + - @."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.outputs import CSV_DIALECTS, FORMULA_PREFIXES, csv_text, write_csv_safe

PAYLOADS = ["access_log/L1;=cmd|' /C calc'!A0", "a,=1+1", "a\t=HYPERLINK(\"http://x\")", "x|@SUM(A1)",
            "r\n-2+3", "r\r\n+1", "ok; =1", "=1", "\t=1", "-5"]
DELIMITERS = [";", ",", "\t", "|"]
PACKAGE = Path(__file__).resolve().parents[1] / "audit_lib"


def formula_cells(text: str) -> list[str]:
    """Cells of ``text`` that start a formula, read with each delimiter, by a reader that honours quotes
    and by one that splits on every separator and line break as they come."""
    found = []
    for delimiter in DELIMITERS:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found += [c for c in row if c.lstrip(" ").startswith(FORMULA_PREFIXES)]
    for cell in re.split(r"[;,\t|\r\n]", text):
        bare = cell.strip(" ").lstrip('"')
        if bare.startswith(("=", "+", "-", "@")):
            found.append(cell)
    return found


def test_every_segment_of_a_cell_is_neutralised_for_every_delimiter():
    frame = pd.DataFrame({"record_ref": PAYLOADS, "n": range(len(PAYLOADS))})
    text = csv_text(frame)
    assert formula_cells(text) == []
    # Text cells are quoted: a reader that honours quotes keeps each whole, whatever its delimiter
    # (read with ";", tab or "|", each line is one cell: no separator is outside quotes).
    for delimiter in (";", "\t", "|"):
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert len(rows) == len(PAYLOADS) + 1 and all(len(r) == 1 for r in rows)
    back = list(csv.DictReader(io.StringIO(text, newline="")))
    assert back[0]["record_ref"] == "access_log/L1;'=cmd|' /C calc'!A0"
    assert [r["n"] for r in back] == [str(i) for i in range(len(PAYLOADS))]


@pytest.mark.parametrize("dialect", list(CSV_DIALECTS))
def test_no_cell_starts_a_formula_in_any_dialect(dialect, tmp_path):
    """Every dialect (``;`` and decimal commas included) goes through the same guard, whatever the
    separator a spreadsheet then splits the file on."""
    frame = pd.DataFrame({"record_ref": PAYLOADS, "x": [-1.5 - i for i in range(len(PAYLOADS))],
                          "n": [-i for i in range(len(PAYLOADS))]})
    text = write_csv_safe(frame, tmp_path / "f.csv", dialect).read_bytes().decode("utf-8-sig")
    assert formula_cells(text) == []
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=CSV_DIALECTS[dialect].delimiter))
    assert len(rows) == len(PAYLOADS) + 1 and all(len(r) == 3 for r in rows)
    assert rows[1][0] == "access_log/L1;'=cmd|' /C calc'!A0"
    mark = CSV_DIALECTS[dialect].decimal
    assert rows[1][1:] == [f"'-1{mark}5", "0"] and rows[2][1:] == [f"'-2{mark}5", "'-1"]


def test_plain_text_and_numbers_are_unchanged():
    frame = pd.DataFrame({"a": ["plain", "GDPR Art. 6(1)(a); Kirjanpitolaki", "2026-07-01", None], "b": [1, 2.5, 3, 4]})
    rows = list(csv.DictReader(io.StringIO(csv_text(frame), newline="")))
    assert [r["a"] for r in rows] == ["plain", "GDPR Art. 6(1)(a); Kirjanpitolaki", "2026-07-01", ""]
    assert [r["b"] for r in rows] == ["1.0", "2.5", "3.0", "4.0"]


def test_every_csv_regaudit_writes_goes_through_the_one_writer():
    """No module but outputs.py serialises CSV (the sample generator writes inputs, not outputs)."""
    # A COPY ... TO in Parquet (the Spark engine's staging of relations) writes no CSV.
    writers = re.compile(r"\.to_csv\(|csv\.writer\(|csv\.DictWriter\(|COPY\b.*\bTO\b(?!.*\(FORMAT parquet\))")
    offenders = [f"{path.relative_to(PACKAGE)}:{n}" for path in PACKAGE.rglob("*.py")
                 if path.name != "outputs.py" and "sample" not in path.relative_to(PACKAGE).parts
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if writers.search(line)]
    assert offenders == []


@pytest.fixture(scope="module")
def hostile_outputs(tmp_path_factory) -> Path:
    """findings, check results, inputs and quarantine of an audit whose export has a hostile column name
    (an undeclared-column finding names it) and hostile values, plus the Art. 30 record's CSV."""
    import yaml

    from checkkit import KEY, write_register

    from audit_lib.audit import run_audit
    from audit_lib.checks.registry import catalogue
    from audit_lib.declaration import load_register
    from audit_lib.ropa import write_ropa

    root = tmp_path_factory.mktemp("csv")
    subjects = [{"subject_id": "C1", "subject_type": "consumer", PAYLOADS[0]: "x"},
                {"subject_id": "C2", "subject_type": "consumer", PAYLOADS[0]: "y", "created_at": PAYLOADS[0]}]
    exports = write_register(root / "reg", {"subjects": subjects})
    doc = yaml.safe_load(exports.read_text(encoding="utf-8"))
    del doc["exports"][0]["columns"][PAYLOADS[0]]  # an undeclared column: its name is in a finding
    exports.write_text(yaml.safe_dump(doc), encoding="utf-8")
    checks = tuple(c for c in catalogue() if c.id == "inventory_undeclared_column")
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=checks)
    assert (result.findings["record_ref"].str.contains("L1;", regex=False)).any()
    out = root / "out"
    result.write_tables(out, include_raw=True)
    register = yaml.safe_load((root / "reg" / "register.yaml").read_text(encoding="utf-8"))
    register["controller"]["name"] = PAYLOADS[0]
    (root / "register.yaml").write_text(yaml.safe_dump(register, allow_unicode=True), encoding="utf-8")
    write_ropa(load_register(root / "register.yaml")[0], out, ("en",))
    write_csv_safe(pd.DataFrame({"x": PAYLOADS}), out / "direct.csv")
    return out


def test_no_csv_output_has_a_formula_cell_for_any_delimiter(hostile_outputs):
    written = sorted(hostile_outputs.glob("*.csv"))
    assert {p.name for p in written} >= {"findings.csv", "quarantine.csv", "ropa_en.csv", "inputs.csv"}
    found = {p.name: formula_cells(p.read_text(encoding="utf-8")) for p in written}
    assert {name: cells for name, cells in found.items() if cells} == {}
    # The hostile text did reach them (neutralised, not dropped).
    assert "L1;'=cmd" in (hostile_outputs / "findings.csv").read_text(encoding="utf-8")
    assert "L1;'=cmd" in (hostile_outputs / "ropa_en.csv").read_text(encoding="utf-8")
