"""Subject ids of every shape are pseudonymised whole, in every output: the bundled sample with each
customer and provider id rewritten to hold a slash, a blank, a comma, a semicolon, quotes or a hash
(``C0001890`` -> ``K/Z1890Q``), audited for 2026-Q2 and 2026-Q3, through findings CSV/JSON/Parquet,
check results, the quarantine, changes since the previous period, audit.json and the report's HTML.

Neither an id nor its part after the separator (``Z1890Q``) may appear anywhere: a pattern that
guessed where an id ends left ``subjects/S-…/0001890`` behind.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from checkkit import SAMPLE, KEY

SEPARATORS = ["/", " ", ",", ";", '"', "'", "#", "/ ,;#"]
ID_COLUMNS = {"customer_id", "provider_id"}


def shaped(subject_id: str, index: int) -> str:
    """``C0001890`` as an id holding a separator: ``K/Z1890Q`` (the tail is what a partial pseudonym leaks)."""
    return f"K{SEPARATORS[index % len(SEPARATORS)]}{tail(subject_id)}"


def tail(subject_id: str) -> str:
    """The part of a shaped id after its separator: distinctive, so that any trace of it is found."""
    return f"Z{subject_id[0]}{int(subject_id[1:])}Q"


def _ids_in_findings_first() -> list[str]:
    """Subject ids of the sample's expected findings first (so every shape reaches a finding), then the rest."""
    with (SAMPLE / "expected_findings.csv").open(encoding="utf-8", newline="") as handle:
        named = [m.group(1) for r in csv.DictReader(handle) for m in [re.search(r"subjects/([CP]\d+)", r["record_ref"])]
                 if m]
    with (SAMPLE / "exports" / "customers.csv").open(encoding="utf-8", newline="") as handle:
        every = [r["customer_id"] for r in csv.DictReader(handle)]
    return list(dict.fromkeys(named + every))


class Shapes(dict):
    """Subject id -> shaped id; an id met first while rewriting an export gets the next shape."""

    def __missing__(self, subject_id: str) -> str:
        if not isinstance(subject_id, str) or not re.fullmatch(r"[CP]\d+", subject_id):
            return subject_id  # an empty cell, or not a subject id
        self[subject_id] = shaped(subject_id, len(self))
        return self[subject_id]

    def get(self, key, default=None):
        return self[key]


def _rewrite_csv(path: Path, mapping: dict[str, str], duplicate_first: bool = False) -> None:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    for row in rows:
        for column in ID_COLUMNS & set(row):
            row[column] = mapping.get(row[column], row[column])
    if duplicate_first:
        rows.append(dict(rows[0]))  # a second row with the same key: quarantined as a duplicate
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def _rewrite_exports(exports: Path, mapping: dict[str, str]) -> None:
    from openpyxl import load_workbook

    for path in exports.glob("*.csv"):
        _rewrite_csv(path, mapping, duplicate_first=path.name == "customers.csv")
    for path in exports.glob("*.parquet"):
        frame = pd.read_parquet(path)
        for column in ID_COLUMNS & set(frame.columns):
            frame[column] = frame[column].map(lambda v: mapping.get(v, v))
        frame.to_parquet(path, index=False)
    services = json.loads((exports / "services.json").read_text(encoding="utf-8"))
    for item in services:
        item["provider_id"] = mapping.get(item["provider_id"], item["provider_id"])
    (exports / "services.json").write_text(json.dumps(services, ensure_ascii=False), encoding="utf-8")
    for path in exports.glob("*.xlsx"):
        book = load_workbook(path)
        for sheet in book.worksheets:
            header = [c.value for c in sheet[1]]
            for column, name in enumerate(header, start=1):
                if name in ID_COLUMNS:
                    for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
                        cell.value = mapping.get(cell.value, cell.value)
        book.save(path)


def _texts(folder: Path):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = pd.read_parquet(path).to_csv(index=False) if path.suffix == ".parquet" else path.read_text("utf-8")
        yield path.relative_to(folder).as_posix(), text


@pytest.fixture(scope="module")
def shaped_run(tmp_path_factory) -> dict:
    """Q2 then Q3 of the sample with shaped ids: both report folders, the Q3 result and its HTML."""
    from audit_lib.audit import run_audit
    from audit_lib.report import manifest, sections
    from audit_lib.report.runtime import write_outputs

    root = tmp_path_factory.mktemp("shapes")
    sample = root / "sample"
    shutil.copytree(SAMPLE, sample)
    mapping = Shapes()
    for subject_id in _ids_in_findings_first():
        mapping[subject_id]  # noqa: B018 - the ids of the expected findings take the shapes first
    _rewrite_exports(sample / "exports", mapping)
    mapping = dict(mapping)
    reports, results = root / "reports", {}
    for period in ("2026-Q2", "2026-Q3"):
        result = run_audit(None, sample / "exports.yaml", period, pseudonym_key=KEY)
        previous = reports / "2026-Q2" / "findings.parquet" if period == "2026-Q3" else None
        folder = write_outputs(result, reports / period, previous)
        now = datetime.now(timezone.utc)
        manifest.write_manifest(folder, run_id=result.run_id, period=period, parameters={}, inputs=result.inputs,
                                declaration_hashes=result.declaration_hashes, started_at=now, finished_at=now,
                                key_fingerprint=result.key_fingerprint)
        results[period] = result
    result = results["2026-Q3"]
    previous = reports / "2026-Q2" / "findings.parquet"
    html = "".join([
        sections.cover(result, "en", previous), sections.scope_section(result), sections.declaration_section(result),
        sections.summary_section(result), sections.check_results_table(result.check_results),
        sections.top_findings_table(result.findings),
        *[sections.family_section(result, family) for family in sections.families(result)],
        sections.comparison_section(result.findings, previous, "2026-Q2", "en", "2026-Q3",
                                    key_fingerprint=result.key_fingerprint),
        sections.not_run_section(result), sections.accepted_section(result.findings),
        sections.catalogue_section(result), sections.manifest_section(result)])
    return {"reports": reports, "result": result, "html": html, "mapping": mapping}


def _leaks(text: str, mapping: dict[str, str]) -> list[str]:
    # Quotes are doubled in CSV and escaped in JSON and HTML: the tail is what any form keeps.
    return sorted({v for k, v in mapping.items() if tail(k) in text or v in text})


@pytest.mark.slow  # audits the whole bundled sample twice
def test_every_shape_reaches_a_finding(shaped_run):
    from audit_lib.pseudonym import pseudonym

    by_pseudonym = {pseudonym(v, KEY): v for v in shaped_run["mapping"].values()}
    findings = shaped_run["result"].findings
    named = {by_pseudonym[ref] for ref in findings["subject_ref"].dropna()}
    assert {next(s for s in SEPARATORS if s in v[1:-len("Q")]) for v in named} >= set(SEPARATORS[:-1])
    # References to a subject's own record, and to another subject (the earlier of a duplicate pair).
    refs = findings.loc[findings["record_ref"].str.startswith("subjects/"), "record_ref"]
    assert len(refs) >= 10 and refs.str.fullmatch(r"subjects/S-[0-9a-f]{16}(#.+)?").all()
    duplicates = findings[findings["check_id"] == "quality_duplicate_subject"]
    assert len(duplicates) and duplicates["evidence"].str.contains(r'"duplicate_of": "subjects/S-[0-9a-f]{16}"').all()


@pytest.mark.slow
def test_no_id_or_part_of_one_in_any_output_file(shaped_run):
    leaks = {}
    for period in ("2026-Q2", "2026-Q3"):
        for name, text in _texts(shaped_run["reports"] / period):
            found = _leaks(text, shaped_run["mapping"])
            if found:
                leaks[f"{period}/{name}"] = found[:3]
    assert leaks == {}
    written = {p.name for p in (shaped_run["reports"] / "2026-Q3").iterdir()}
    assert {"findings.csv", "findings.json", "findings.parquet", "quarantine.csv", "changes.csv", "audit.json",
            "check_results.csv", "manifest.json"} <= written


@pytest.mark.slow
def test_no_id_or_part_of_one_in_the_report_html(shaped_run):
    import html

    assert _leaks(shaped_run["html"], shaped_run["mapping"]) == []
    assert _leaks(html.unescape(shaped_run["html"]), shaped_run["mapping"]) == []
    assert "subjects/S-" in shaped_run["html"]


@pytest.mark.slow
def test_the_duplicate_key_is_in_the_quarantine_as_its_pseudonym(shaped_run):
    from audit_lib.pseudonym import pseudonym

    with (shaped_run["reports"] / "2026-Q3" / "quarantine.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["reason_code"] == "duplicate_key"]
    with (SAMPLE / "exports" / "customers.csv").open(encoding="utf-8", newline="") as handle:
        first = shaped_run["mapping"][next(csv.DictReader(handle))["customer_id"]]  # the row given twice
    assert [(r["file"], r["key_ref"]) for r in rows] == [("customers.csv", pseudonym(first, KEY))]
    assert "raw" not in rows[0]


@pytest.mark.slow
def test_changes_since_the_previous_period_match_by_fingerprint(shaped_run):
    changes = pd.read_csv(shaped_run["reports"] / "2026-Q3" / "changes.csv", dtype=str)
    # Same key both periods: unchanged findings about subjects are still open, not new and resolved.
    assert (changes["change"] == "still_open").sum() >= 5


def test_pseudonyms_replace_known_ids_whole_and_only_them():
    from audit_lib.findings import SubjectPseudonyms
    from audit_lib.pseudonym import pseudonym

    subjects = SubjectPseudonyms(["C1", "C10", "a b/c#d"], KEY)
    text = "subjects/C10 and subjects/C1#x, subjects/a b/c#d#cat; subjects/C100"
    p1, p10, p3 = (pseudonym(i, KEY) for i in ("C1", "C10", "a b/c#d"))
    # C100 is nobody the row names: it stays as it is (the runner refuses such a check, see below).
    assert subjects.text(text) == f"subjects/{p10} and subjects/{p1}#x, subjects/{p3}#cat; subjects/{p10}0"
    shown = subjects.row({"subject_id": "C1", "duplicate_of_subject_id": "C10", "n": 3, "ref": "subjects/C10"})
    assert shown == {"subject_id": p1, "duplicate_of_subject_id": p10, "n": 3, "ref": f"subjects/{p10}"}


def test_a_check_naming_a_subject_outside_its_subject_fields_is_an_error(tmp_path):
    """A reference the findings cannot pseudonymise from a field is refused, not written: the check errs,
    and its reason names no record."""
    from checkkit import write_register

    from audit_lib.audit import run_audit
    from audit_lib.checks.registry import parse_sql_check

    (tmp_path / "quality").mkdir()
    path = tmp_path / "quality" / "quality_names_another.sql"
    path.write_text('''/*---
id: quality_names_another
title: {en: t, fi: t}
severity: low
legal: ["GDPR Art. 5"]
message: {en: "{record_ref} is like {other}", fi: "{record_ref} on kuin {other}"}
remediation: {en: r, fi: r}
---*/
SELECT 'subjects/' || subject_id AS record_ref, subject_id, 'subjects/X' || subject_id AS other FROM subjects
''', encoding="utf-8")
    exports = write_register(tmp_path / "reg", {"subjects": [{"subject_id": "C1 2", "subject_type": "consumer"}]})
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=(parse_sql_check(path, "quality"),))
    row = result.check_results.iloc[0]
    assert row["status"] == "error" and "column other refers to a subject" in row["reason"]
    assert "C1 2" not in row["reason"] and result.findings.empty
