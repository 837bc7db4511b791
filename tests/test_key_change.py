"""A pseudonym key changed between periods is noticed: the manifest keeps the key's fingerprint, and the
next period's report made with another key does not compare its findings (every finding about a subject
would show as new and again as resolved); its cover, comparison section, audit.json and the CLI say why."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from audit_lib.pseudonym import key_fingerprint
from checkkit import KEY, strong_key, write_register

# Each test audits the bundled sample for two periods.
pytestmark = pytest.mark.slow

OTHER_KEY = strong_key("another quarter's key")
SUBJECTS = [{"subject_id": f"C{i}", "subject_type": "consumer", "last_active_at": "2020-01-01 00:00:00"}
            for i in range(1, 6)]


def _report(exports: Path, reports: Path, period: str, key: bytes, previous: Path | None = None):
    """An audit's outputs and manifest in ``reports/<period>``, as the report pipeline writes them."""
    from audit_lib.audit import run_audit
    from audit_lib.report import manifest
    from audit_lib.report.runtime import write_outputs

    result = run_audit(None, exports, period, pseudonym_key=key)
    folder = write_outputs(result, reports / period, previous)
    now = datetime.now(timezone.utc)
    manifest.write_manifest(folder, run_id=result.run_id, period=period, parameters={}, inputs=result.inputs,
                            declaration_hashes=result.declaration_hashes, started_at=now, finished_at=now,
                            key_fingerprint=result.key_fingerprint)
    return result, folder


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> Path:
    return write_register(tmp_path_factory.mktemp("keys"), {"subjects": SUBJECTS})


@pytest.fixture(scope="module")
def previous(exports, tmp_path_factory) -> Path:
    reports = tmp_path_factory.mktemp("reports")
    _report(exports, reports, "2026-Q2", KEY)
    return reports / "2026-Q2" / "findings.parquet"


def test_the_manifest_records_the_keys_fingerprint_not_the_key(previous):
    data = json.loads((previous.parent / "manifest.json").read_text(encoding="utf-8"))
    assert data["pseudonym_key_fingerprint"] == key_fingerprint(KEY)
    assert KEY.decode() not in json.dumps(data)


def test_same_key_the_findings_are_compared(exports, previous, tmp_path):
    from audit_lib.report.runtime import comparison_warning

    result, folder = _report(exports, tmp_path, "2026-Q3", KEY, previous)
    changes = pd.read_csv(folder / "changes.csv")
    assert len(changes) and set(changes["change"]) == {"still_open"}
    assert comparison_warning(folder) is None


def test_another_key_is_warned_about_and_nothing_is_compared(exports, previous, tmp_path):
    from audit_lib.report import sections
    from audit_lib.report.runtime import comparison_warning, read_summary

    result, folder = _report(exports, tmp_path, "2026-Q3", OTHER_KEY, previous)
    # Compared, every finding about a subject would be new, and resolved too: no change table at all.
    assert not (folder / "changes.csv").exists()
    audit = read_summary(folder)
    assert audit["comparison"]["comparable"] is False and audit["comparison"]["key"] == "changed"
    warning = comparison_warning(folder)  # what `regaudit run` prints on stderr
    assert key_fingerprint(KEY) in warning and key_fingerprint(OTHER_KEY) in warning and "2026-Q2" in warning
    cover = sections.cover(result, "en", previous)
    assert "another pseudonym key" in cover and "ra-key-changed" in cover
    comparison = sections.comparison_section(result.findings, previous, "2026-Q2", "en", "2026-Q3",
                                             key_fingerprint=result.key_fingerprint)
    assert "another pseudonym key" in comparison and "<table" not in comparison
    assert "eri pseudonymisointiavaimella" in sections.cover(result, "fi", previous)
    # Without a previous report there is nothing to warn about.
    assert "ra-key-changed" not in sections.cover(result, "en", None)


def test_a_previous_manifest_without_a_fingerprint_is_said_to_be_unverified(exports, previous, tmp_path):
    import shutil

    from audit_lib.audit import run_audit
    from audit_lib.report import sections

    old = tmp_path / "2026-Q2"
    shutil.copytree(previous.parent, old)
    data = json.loads((old / "manifest.json").read_text(encoding="utf-8"))
    del data["pseudonym_key_fingerprint"]  # as an older regaudit wrote it
    (old / "manifest.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY)
    html = sections.comparison_section(result.findings, old / "findings.parquet", "2026-Q2", "en", "2026-Q3",
                                       key_fingerprint=result.key_fingerprint)
    assert "does not record its pseudonym key" in html and "<table" in html
