"""No e-mail, name, phone or street of a data subject appears in any output of a sample report run.

Values come from the sample's customers.csv: full names ("First Last"), e-mails, phones (as written and
digits only) and streets; single first names are not compared (they occur as ordinary words).
"""

from __future__ import annotations

import csv
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"


def personal_values(customers: Path, columns: tuple[str, ...] = ("name", "email", "phone", "street")) -> set[str]:
    """Full names, e-mails, phones (as written and digits only) and streets of every customer."""
    values: set[str] = set()
    with customers.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if "name" in columns and row.get("first_name", "").strip() and row.get("last_name", "").strip():
                values.add(f"{row['first_name'].strip()} {row['last_name'].strip()}")
            for column in ("email", "phone", "street"):
                if column in columns and row.get(column, "").strip():
                    values.add(" ".join(row[column].split()))
            if "phone" in columns and row.get("phone"):
                values.add(re.sub(r"[^\d+]", "", row["phone"]))
    return {v for v in values if len(v) >= 6}


def occurrences(values: set[str], text: str, workdir: Path) -> set[str]:
    """Which of ``values`` occur in ``text``: grep -F (Aho-Corasick), fast for thousands of values."""
    patterns, haystack = workdir / "patterns.txt", workdir / "text.txt"
    patterns.write_text("\n".join(sorted(values)) + "\n", encoding="utf-8")
    haystack.write_text(text, encoding="utf-8")
    done = subprocess.run(["grep", "-F", "-o", "-f", str(patterns), str(haystack)], capture_output=True, text=True)
    assert done.returncode in (0, 1), done.stderr
    return set(done.stdout.splitlines()) & values


def output_texts(folder: Path):
    import pandas as pd

    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        elif path.suffix == ".parquet":
            text = pd.read_parquet(path).to_csv(index=False)
        else:
            text = path.read_text(encoding="utf-8", errors="replace")
        yield path.name, text


@pytest.fixture(scope="module")
def report(sample_report) -> Path:
    """The session's 2026-Q3 report of the sample (tests/conftest.py), with its PDF."""
    return sample_report.folder


def test_values_are_found_when_present(tmp_path):
    """The comparison itself works: the customers file contains its own e-mails, and a planted name is found."""
    customers = SAMPLE / "exports" / "customers.csv"
    emails = personal_values(customers, ("email",))
    text = customers.read_text(encoding="utf-8")
    assert len(emails) > 1000 and len(occurrences(emails, text, tmp_path)) >= 0.95 * len(emails)
    names = personal_values(customers, ("name",))
    one = sorted(names)[0]
    assert occurrences(names, f"<td>{one}</td>", tmp_path) == {one}


def test_no_personal_data_in_any_output(report, tmp_path):
    # The copy the report read (the checkout's sample may change while tests run).
    values = personal_values(report.parents[1] / "sample" / "exports" / "customers.csv")
    kinds = {p.suffix for p in report.iterdir()}
    assert {".html", ".pdf", ".ipynb", ".csv", ".json", ".parquet"} <= kinds
    leaks = {}
    for name, text in output_texts(report):
        hits = sorted(occurrences(values, text, tmp_path))
        if hits:
            leaks[name] = hits[:5]
    assert leaks == {}


def test_subject_references_are_pseudonyms(report):
    import pandas as pd

    findings = pd.read_parquet(report / "findings.parquet")
    refs = findings["subject_ref"].dropna()
    assert len(refs) and refs.str.fullmatch(r"S-[0-9a-f]{16}").all()
