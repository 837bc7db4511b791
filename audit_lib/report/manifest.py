"""manifest.json: hashes and row counts of every input, parameters, versions, times, output hashes."""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

from audit_lib.hashing import sha256_file
from audit_lib.outputs import atomic_write_text
from audit_lib.report.signing import SIGNATURE
from audit_lib.report.sums import SUMS

MANIFEST = "manifest.json"
# The files written after the manifest, which cover it and so cannot be in it: SHA256SUMS (report/sums.py)
# and the signature (report/signing.py).
SEALS = (MANIFEST, SUMS, SIGNATURE)
# 3: the pseudonym key's fingerprint (``pseudonym_key_fingerprint``), so that the next period's report
# notices a changed key (report/diff.py). 4: the register's ``time_zone`` (the zone the cover shows the
# start in) and the ``signature`` (file and signing key), beside SHA256SUMS.
MANIFEST_VERSION = 4
PACKAGES = ("regaudit", "duckdb", "pandas", "plotly", "papermill", "nbconvert")


def package_versions(names: tuple[str, ...] = PACKAGES) -> dict[str, str | None]:
    """Installed versions of ``names`` (None for one that is not installed as a distribution)."""
    versions: dict[str, str | None] = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    if "regaudit" in versions and versions["regaudit"] is None:
        # A checkout run without `pip install -e .` still knows its own version.
        import audit_lib

        versions["regaudit"] = getattr(audit_lib, "__version__", None)
    return versions


def output_hashes(folder: str | os.PathLike) -> list[dict[str, Any]]:
    """Every file in ``folder`` except the manifest and what seals it (SEALS), and hidden temporaries:
    path, bytes, SHA-256."""
    root = Path(folder)
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative in SEALS or any(part.startswith(".") for part in path.relative_to(root).parts):
            continue
        files.append({"file": relative, "bytes": path.stat().st_size, "sha256": sha256_file(path)})
    return files


def _records(frame: Any) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts (numpy integers and NaN made plain)."""
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def build_manifest(*, run_id: str, period: str, parameters: dict[str, Any], inputs: Any,
                   declaration_hashes: dict[str, str], started_at: datetime, finished_at: datetime,
                   folder: str | os.PathLike, complete: bool | None = None,
                   catalogue_version: str | None = None, evidence_hashes: dict[str, str] | None = None,
                   incomplete_reasons: list[str] | None = None,
                   key_fingerprint: str | None = None, time_zone: str | None = None,
                   signature: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest as a dict; ``inputs`` is AuditResult.inputs (file, role, sha256, row counts).

    ``started_at`` and ``finished_at`` are recorded in UTC (they sort as text); ``time_zone`` is the
    register's, in which the cover and the PDF footer show the start. ``signature`` names the file of
    the detached signature that will be made of this manifest and the key that makes it
    (``{"file", "key_fingerprint", "user_id"}``), None for an unsigned report: so that a signature
    removed later, or one made by another key, is noticed by ``regaudit verify``.

    ``key_fingerprint`` is audit_lib.pseudonym.key_fingerprint of the pseudonym key: a keyed hash of a
    constant, which tells whether two reports were made with one key and reveals nothing of it.

    ``evidence_hashes`` are the other files that shaped the report (accepted.yaml, the framework
    mapping), by name; ``catalogue_version`` is audit.catalogue_version of the checks that ran.
    """
    return {
        "manifest_version": MANIFEST_VERSION,
        "run_id": run_id,
        "period": period,
        "complete": complete,
        "incomplete_reasons": list(incomplete_reasons or []),
        "started_at": started_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "finished_at": finished_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
        "time_zone": time_zone,
        "signature": signature,
        "parameters": parameters,
        "catalogue_version": catalogue_version,
        "pseudonym_key_fingerprint": key_fingerprint,
        "declaration": dict(sorted(declaration_hashes.items())),
        "evidence": dict(sorted((evidence_hashes or {}).items())),
        "inputs": _records(inputs),
        "packages": package_versions(),
        "outputs": output_hashes(folder),
    }


def write_manifest(folder: str | os.PathLike, **fields: Any) -> Path:
    """Write manifest.json into ``folder``, last, so it covers every other output there."""
    manifest = build_manifest(folder=folder, **fields)
    return atomic_write_text(Path(folder) / MANIFEST,
                             json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=False) + "\n")


def key_fingerprint_of(folder: str | os.PathLike) -> tuple[bool, str | None]:
    """Whether ``folder`` has a manifest, and the pseudonym key fingerprint it records (None when it
    has none, or was written before manifests recorded one)."""
    path = Path(folder) / MANIFEST
    if not path.is_file():
        return False, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, None
    value = data.get("pseudonym_key_fingerprint") if isinstance(data, dict) else None
    return True, value if isinstance(value, str) and value else None


def verify_manifest(folder: str | os.PathLike) -> list[str]:
    """Problems found re-hashing the outputs a manifest lists (empty when every hash matches)."""
    root = Path(folder)
    manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    problems = []
    listed = set()
    for entry in manifest["outputs"]:
        listed.add(entry["file"])
        path = root / entry["file"]
        if not path.is_file():
            problems.append(f"{entry['file']}: listed but missing")
        elif sha256_file(path) != entry["sha256"]:
            problems.append(f"{entry['file']}: SHA-256 differs from the manifest")
    for entry in output_hashes(root):
        if entry["file"] not in listed:
            problems.append(f"{entry['file']}: present but not in the manifest")
    return problems
