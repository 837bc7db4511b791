"""The quarantine leaves an audit by one policy: `check --out` and the report write the same
quarantine.csv, without the rows' raw text (unless --include-raw) and with duplicate keys pseudonymised;
the report counts it in DuckDB; and a gzip of a million-fold duplicate row does not take memory in
proportion to its rows."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.pseudonym import pseudonym
from checkkit import KEY, write_register

PERSONAL = ["matti.meikalainen@example.fi", "maija.virtanen@example.fi", "Liisa Ranta", "+358 40 765 4321"]
TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    """Subjects keyed on subject_id: C0000010 twice (a duplicate), and a row whose date column holds a
    name (a shifted column), which no reason may repeat."""
    root = tmp_path_factory.mktemp("quarantine")
    subjects = [{"subject_id": "C0000010", "subject_type": "consumer", "email": PERSONAL[0], "phone": PERSONAL[3]},
                {"subject_id": "C0000010", "subject_type": "consumer", "email": PERSONAL[1], "phone": ""},
                {"subject_id": "C0000011", "subject_type": "consumer", "email": "x@example.fi", "phone": "",
                 "created_at": PERSONAL[2]},
                {"subject_id": "C0000012", "subject_type": "consumer", "email": "y@example.fi", "phone": ""}]
    exports = write_register(root, {"subjects": subjects})
    doc = yaml.safe_load(exports.read_text(encoding="utf-8"))
    doc["exports"][0]["key"] = "subject_id"
    doc["max_reject_ratio"] = 1
    exports.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return exports


def _check(exports: Path, out: Path, *extra: str):
    return CliRunner().invoke(app, ["check", "--exports", str(exports), "--period", "2026-Q3", "--out", str(out),
                                    *extra], env={"REGAUDIT_PSEUDONYM_KEY": KEY.decode(), "COLUMNS": "200"})


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_check_and_the_report_write_the_same_quarantine(register, tmp_path):
    from audit_lib.audit import run_audit
    from audit_lib.report.runtime import write_outputs

    assert _check(register, tmp_path / "check").exit_code in (0, 1, 2)
    result = run_audit(None, register, "2026-Q3", pseudonym_key=KEY, checks=())
    write_outputs(result, tmp_path / "report")
    check, report = (tmp_path / name / "quarantine.csv" for name in ("check", "report"))
    assert check.read_bytes() == report.read_bytes()
    rows = _rows(check)
    assert [(r["row"], r["reason_code"]) for r in rows] == [("2", "duplicate_key"), ("3", "bad_date")]
    assert "raw" not in rows[0]
    # The duplicate key as the subject's pseudonym (the findings' subject_ref), never as itself.
    assert rows[0]["key_ref"] == pseudonym("C0000010", KEY)
    assert rows[0]["reason"] == "duplicate key in column subject_id"
    text = check.read_text(encoding="utf-8")
    assert not [value for value in PERSONAL + ["C0000010"] if value in text]


@pytest.mark.slow
def test_raw_text_only_on_explicit_request(register, tmp_path):
    result = _check(register, tmp_path, "--include-raw")
    assert result.exit_code in (0, 1, 2), result.output
    rows = _rows(tmp_path / "quarantine.csv")
    assert json.loads(rows[0]["raw"])["email"] == PERSONAL[1]
    assert rows[0]["key_ref"] == pseudonym("C0000010", KEY)
    # The value that failed is kept apart from the reason, and written only on request too.
    assert rows[1]["value"] == f"created_at: {PERSONAL[2]}" and PERSONAL[2] not in rows[1]["reason"]


def test_the_report_counts_the_quarantine_and_shows_no_key(register):
    from audit_lib.audit import run_audit
    from audit_lib.report import sections

    result = run_audit(None, register, "2026-Q3", pseudonym_key=KEY, checks=())
    summary = sections.quarantine_summary(result)
    assert summary.to_dict("records") == [
        {"file": "subjects.csv", "reason_code": "bad_date", "rows": 1, "lines": "4"},
        {"file": "subjects.csv", "reason_code": "duplicate_key", "rows": 1, "lines": "3"}]
    html = sections.scope_section(result)
    assert "C0000010" not in html and not [value for value in PERSONAL if value in html]
    assert list(result.quarantine.columns) == ["file", "row", "line", "column_name", "reason_code", "reason",
                                               "key_ref"]


# Run in a fresh interpreter: the Python memory (tracemalloc's peak: pandas, the CSV text, the rows as
# objects; not DuckDB, which keeps to its own limit) that writing every output and the report's
# quarantine section takes, for a gzip holding 1,000 and ROWS copies of one row. Batches are made
# small, so that ROWS spans many of them and a test of seconds shows what millions of rows would.
MEMORY_PROBE = textwrap.dedent("""
    import json, resource, sys, tempfile, tracemalloc
    from pathlib import Path
    sys.path.insert(0, {tests!r})
    sys.path.insert(0, {tests!r} + "/loader_corpus")
    import yaml
    from checkkit import KEY, write_register
    from make_quarantine import duplicate_rows_gz
    import audit_lib.quarantine
    from audit_lib.audit import run_audit
    from audit_lib.report import sections
    from audit_lib.report.runtime import write_outputs

    audit_lib.quarantine.BATCH_ROWS = 4096

    def audit(rows):
        root = Path(tempfile.mkdtemp())
        exports = write_register(root, {{"marketing_messages": [
            {{"message_id": "M0", "subject_id": "C0", "channel": "email", "sent_at": "2026-07-01 10:00:00"}}]}})
        doc = yaml.safe_load(exports.read_text())
        doc["exports"][0].update(file="mm.csv.gz", key="message_id", columns={{
            "message_id": {{"field": "message_id"}}, "customer_id": {{"field": "subject_id"}},
            "channel": {{"field": "channel"}}, "sent_at": {{"field": "sent_at"}}}})
        exports.write_text(yaml.safe_dump(doc))
        duplicate_rows_gz(root / "exports" / "mm.csv.gz", rows)
        result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=(), memory_limit="100MB")
        assert result.inputs["rows_quarantined"].sum() == rows - 1, result.inputs.to_dict("records")
        tracemalloc.start()
        write_outputs(result, root / "out")
        sections.scope_section(result)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        lines = sum(1 for _ in open(root / "out" / "quarantine.csv", encoding="utf-8"))
        return lines, peak / 2**20, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(json.dumps({{"small": audit(1000), "big": audit({rows})}}))
""")


@pytest.mark.slow  # loads 50,000 rows
def test_memory_for_the_quarantine_does_not_grow_with_its_rows():
    rows = 50_000
    probe = MEMORY_PROBE.format(tests=str(TESTS), rows=rows)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    (_, small_peak, _), (lines, big_peak, _) = measured["small"], measured["big"]
    assert lines == rows  # the header and every quarantined row (all but the first): none dropped
    # Fetched whole (as before), 50,000 rows took over 20 MB; streamed, about one batch's worth.
    assert big_peak < 8 and big_peak - small_peak < 6, measured
