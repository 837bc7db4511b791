"""What the report notebook calls besides the sections: run ids, the pseudonym key, writing outputs."""

from __future__ import annotations

import json
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from audit_lib.outputs import atomic_write_text
from audit_lib.pseudonym import ensure_key_file, load_key

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


def summary(result: Any) -> dict[str, Any]:
    """What the pipeline needs from the audit to write the manifest, as JSON-ready data."""
    inputs = json.loads(result.inputs.to_json(orient="records", date_format="iso"))
    statuses = result.check_results["status"].value_counts()
    return {
        "run_id": result.run_id,
        "period": result.period.label,
        "complete": bool(result.complete),
        "declaration_hashes": dict(result.declaration_hashes),
        "inputs": inputs,
        "checks": {status: int(statuses.get(status, 0)) for status in ("pass", "fail", "error", "not_run")},
        "findings": int(len(result.findings)),
    }


def write_outputs(result: Any, output_dir: str | os.PathLike) -> Path:
    """Write the audit's tables (result.write_tables) and ``audit.json`` into ``output_dir``.

    Tables go to files from Python, never through cell outputs: papermill can trim a cell's output
    and still succeed (architecture, Known traps).
    """
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    result.write_tables(folder)
    atomic_write_text(folder / SUMMARY, json.dumps(summary(result), indent=2, ensure_ascii=False) + "\n")
    return folder


def read_summary(folder: str | os.PathLike) -> dict[str, Any]:
    """Read the ``audit.json`` a notebook run wrote into ``folder``."""
    return json.loads((Path(folder) / SUMMARY).read_text(encoding="utf-8"))
