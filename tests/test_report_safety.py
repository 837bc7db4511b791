"""Hostile register data reaches the report only as text: one Finnish run on a copy of the sample with
<script> planted in a name, a support contact's free text, a campaign name and an export column header."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from audit_lib.report import pipeline

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
PERIOD = "2026-Q3"
PLANTS = {name: f'<script>alert("{name}")</script>' for name in ("name", "text", "campaign", "column")}

pytestmark = pytest.mark.slow  # a report of its own: the session's (tests/conftest.py) holds no hostile data


def _expected_message(check_prefix: str) -> str:
    with (SAMPLE / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["period"] == PERIOD and row["check_id"].startswith(check_prefix) \
                    and row["record_ref"].startswith("marketing_messages/"):
                return row["record_ref"].split("/", 1)[1]
    pytest.fail("the sample has no consent finding on a marketing message to plant the campaign in")


def _plant_csv(path: Path, column: str, value: str, *, new_column: str | None = None) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    rows[0][column] = value
    if new_column:
        fields.append(new_column)
        for row in rows:
            row[new_column] = "x"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory) -> Path:
    import pandas as pd

    root = tmp_path_factory.mktemp("hostile")
    sample = root / "sample"
    shutil.copytree(SAMPLE, sample)
    exports = sample / "exports"
    _plant_csv(exports / "customers.csv", "first_name", PLANTS["name"])
    # A column exports.yaml does not map: an undeclared-column finding names it.
    _plant_csv(exports / "support_contacts.csv", "message", PLANTS["text"], new_column=PLANTS["column"])
    messages = pd.read_parquet(exports / "marketing_messages.parquet")
    target = _expected_message("consent_")
    messages.loc[messages["message_id"] == target, "campaign"] = PLANTS["campaign"]
    messages.to_parquet(exports / "marketing_messages.parquet", index=False)
    key = root / "pseudonym.key"
    key.write_text("1d5ea5e0cafe4b1d" * 4 + "\n", encoding="utf-8")
    return pipeline.run_report(sample / "register.yaml", sample / "exports.yaml", PERIOD, root / "reports",
                               pseudonym_key_file=key, lang="fi", pdf=False)


def test_html_has_no_injected_script(hostile_report):
    html = (hostile_report / "report.html").read_text(encoding="utf-8")
    for plant in PLANTS.values():
        assert plant not in html
    assert not re.search(r"<script[^>]*>\s*alert", html, flags=re.I)
    # Every inline script is plotly's or nbconvert's, never one of ours.
    for body in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S | re.I):
        assert 'alert("' not in body


def test_planted_values_are_shown_escaped(hostile_report):
    html = (hostile_report / "report.html").read_text(encoding="utf-8")
    # The campaign is in a consent finding's message and the column in an inventory finding: both
    # reach the report, as text.
    for plant in ("campaign", "column"):
        # Quotes may stay as they are in text content; the angle brackets may not.
        assert re.search(rf'&lt;script&gt;alert\((?:&quot;|"){plant}(?:&quot;|")\)&lt;/script&gt;', html), plant


def test_csv_cells_never_start_a_formula(hostile_report):
    for name in ("findings.csv", "check_results.csv", "inputs.csv", "quarantine.csv"):
        with (hostile_report / name).open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), (name, row)


def test_report_is_in_finnish(hostile_report):
    import pandas as pd

    html = (hostile_report / "report.html").read_text(encoding="utf-8")
    for heading in ("Rekisterin tarkastusraportti", "Laajuus ja aineistot", "Seloste", "Yhteenveto",
                    "Tarkastukset: suostumus", "Liite: tarkastusluettelo"):
        assert heading in html, heading
    assert '<html lang="fi"' in html or "lang=\"fi\"" in html
    results = pd.read_csv(hostile_report / "check_results.csv")
    findings = pd.read_csv(hostile_report / "findings.csv")
    # Check titles and messages come from the checks' Finnish headers.
    from audit_lib.checks.registry import catalogue

    titles = {check.id: check.meta.title.fi for check in catalogue()}
    assert all(results.set_index("check_id")["title"][cid] == titles[cid] for cid in results["check_id"])
    assert findings["message"].str.contains("lähetettiin|ei kerro|ilmoita|ei ", regex=True).any()
