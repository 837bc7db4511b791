"""What the report notebook calls besides the sections: run ids, the pseudonym key, writing outputs.

The sections (audit_lib/report/sections) never import this module: it imports them, to show the families.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from audit_lib.outputs import atomic_write_text
from audit_lib.pseudonym import ensure_key_file, load_key
# The notebook's set-up cell imports evidence_hashes from here (report/evidence.py computes it).
from audit_lib.report.evidence import catalogue_of, evidence_hashes
from audit_lib.vocabulary import STATUSES

if TYPE_CHECKING:
    from audit_lib.audit import AuditResult
    from audit_lib.report.diff import KeyComparison

SUMMARY = "audit.json"
DEMO_KEY_NAME = "demo-pseudonym.key"


def new_run_id(period: str, now: datetime | None = None) -> str:
    """A run id that sorts by time and cannot collide: ``2026-Q3-20261125T141900Z-1a2b3c``."""
    stamp = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{period}-{stamp}-{secrets.token_hex(3)}"


def notebook_key(key_file: str | os.PathLike | None) -> bytes:
    """The pseudonym key for a notebook run.

    The notebook's default parameter names the demo key (``.regaudit/demo-pseudonym.key``), which is
    created on first use so that the notebook runs as it stands; any other key file must exist
    (``audit_lib.pseudonym.load_key`` says how to provide one). ``$REGAUDIT_PSEUDONYM_KEY`` wins.
    """
    if key_file and Path(key_file).name == DEMO_KEY_NAME and not os.environ.get("REGAUDIT_PSEUDONYM_KEY"):
        ensure_key_file(key_file)
    return load_key(key_file)


QUARANTINE = "quarantine.csv"  # written by AuditResult.write_tables, by the policy of audit_lib/quarantine.py
CHECK_RESULTS = "check_results.csv"
# Columns of check_results.csv that change from run to run (the rest repeats byte for byte).
TIMING_COLUMNS = ("duration_s",)


def summary(result: "AuditResult", previous_findings: str | os.PathLike | None = None) -> dict[str, Any]:
    """What the pipeline needs from the audit to write the manifest, as JSON-ready data; with the
    previous period's findings, whether they could be compared (``comparison``, report/diff.py)."""
    from audit_lib.findings import breaches
    from audit_lib.report.diff import compare_keys

    inputs = json.loads(result.inputs.to_json(orient="records", date_format="iso"))
    statuses = result.check_results["status"].value_counts()
    findings = result.findings
    open_findings = findings[findings["state"] == "open"] if len(findings) else findings  # as AuditResult.open_findings
    open_breaches = breaches(open_findings)
    return {
        "run_id": result.run_id,
        "period": result.period.label,
        "lang": result.lang,
        "complete": bool(result.complete),
        "incomplete_reasons": list(result.incomplete_reasons),
        "catalogue_version": catalogue_of(result),
        "key_fingerprint": result.key_fingerprint,
        "comparison": _comparison(compare_keys(previous_findings, result.key_fingerprint),
                                  result.period.previous().label),
        "declaration_hashes": dict(result.declaration_hashes),
        "evidence_hashes": evidence_hashes(result),
        "inputs": inputs,
        "checks": {status: int(statuses.get(status, 0)) for status in STATUSES},
        "findings": int(len(findings)),
        # Items to verify are open too, but they are not breaches: the exit code counts breaches alone.
        "open_by_severity": {k: int(v) for k, v in open_breaches["severity"].value_counts().sort_index().items()},
        "open_to_verify": int(len(open_findings) - len(open_breaches)),
        "accepted": int(len(findings) - len(open_findings)),
        "check_seconds": {str(k): float(v) for k, v in zip(result.check_results["check_id"],
                                                            result.check_results["duration_s"])},
    }


def write_outputs(result: "AuditResult", output_dir: str | os.PathLike, previous_findings: str | os.PathLike | None = None,
                  csv_dialect: str | None = None) -> Path:
    """Write the audit's tables and ``audit.json`` into ``output_dir``; with the previous period's
    findings.parquet, also ``changes.csv`` (new, still open, resolved by fingerprint). Every CSV is in
    ``csv_dialect`` (audit_lib/outputs.py; None: ``excel``).

    Tables go to files from Python, never through cell outputs: papermill can trim a cell's output
    and still succeed (architecture, Known traps).
    """
    from audit_lib.outputs import write_csv_safe
    from audit_lib.report.diff import CHANGES, changes_frame

    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    # check_results.csv keeps each check's run time (duration_s): it is how a long audit is
    # profiled. Reproducibility is promised for the findings files; TIMING_COLUMNS names the
    # columns of check_results.csv that differ from run to run (audit.json repeats them).
    # The quarantine too, by the one policy of audit_lib/quarantine.py (no raw text, keys pseudonymised):
    # the report's quarantine.csv and `regaudit check --out`'s are the same file.
    result.write_tables(folder, csv_dialect=csv_dialect)
    changes = changes_frame(result.findings, previous_findings, result.period.label, result.key_fingerprint)
    if changes is not None:  # none without a previous report, or with one made with another key
        write_csv_safe(changes, folder / CHANGES, csv_dialect)
    atomic_write_text(folder / SUMMARY,
                      json.dumps(summary(result, previous_findings), indent=2, ensure_ascii=False) + "\n")
    return folder


def _comparison(keys: "KeyComparison", previous_label: str) -> dict[str, Any]:
    """audit.json's record of the comparison with the previous period: the key check and its warning."""
    return {"key": keys.state, "comparable": keys.comparable, "previous_key_fingerprint": keys.previous,
            "warning": keys.warning(previous_label)}


def comparison_warning(folder: str | os.PathLike) -> str | None:
    """The warning a published report's audit.json records when its findings could not be compared with
    the previous period's (another pseudonym key); None otherwise. For the CLI."""
    comparison = read_summary(folder).get("comparison") or {}
    return comparison.get("warning") or None


def show_families(result: "AuditResult", lang: str = "en") -> None:
    """Display one section per check family: its checks, its chart, its most severe findings."""
    from IPython.display import HTML, display

    from audit_lib.report import charts, sections

    for family in sections.families(result):
        html = sections.family_section(result, family, lang)
        split = html.index("</table>") + len("</table>")  # the checks table, then the chart
        display(HTML(html[:split]))
        display(charts.family_chart(result, family, lang))
        display(HTML(html[split:]))


def read_summary(folder: str | os.PathLike) -> dict[str, Any]:
    """Read the ``audit.json`` a notebook run wrote into ``folder``."""
    return json.loads((Path(folder) / SUMMARY).read_text(encoding="utf-8"))
