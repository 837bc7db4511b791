"""Tiny inline registers for check tests: tables as lists of dicts, written as CSV and audited."""

from __future__ import annotations

import copy
import csv
import functools
import hashlib
import shutil
from pathlib import Path
from typing import Any

import yaml

from audit_lib.audit import AuditResult, run_audit
from audit_lib.checks.registry import catalogue

SAMPLE = Path(__file__).resolve().parent.parent / "data_samples" / "hyvinvoivin"


def strong_key(label: str) -> bytes:
    """A deterministic pseudonym key of 64 hex digits (256 bits, as load_key requires), named by ``label``."""
    return hashlib.sha256(label.encode("utf-8")).hexdigest().encode("ascii")


KEY = strong_key("test-pseudonym-key")


@functools.lru_cache(maxsize=1)
def _sample_register_once() -> dict[str, Any]:
    return yaml.load((SAMPLE / "register.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _sample_register() -> dict[str, Any]:
    """The bundled register.yaml as data, a copy each test may patch (parsed once per run)."""
    return copy.deepcopy(_sample_register_once())


def write_register(folder: Path, tables: dict[str, list[dict[str, Any]]], *,
                   register_patch: dict[str, Any] | None = None, extra_columns: dict[str, dict] | None = None) -> Path:
    """Write ``tables`` (role -> rows) as CSV exports with a 1:1 mapping; return exports.yaml's path."""
    exports_dir = folder / "exports"
    exports_dir.mkdir(parents=True, exist_ok=True)
    register = _sample_register()
    for dotted, value in (register_patch or {}).items():
        target = register
        *parents, last = dotted.split(".")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value
    (folder / "register.yaml").write_text(yaml.dump(register, Dumper=yaml.CSafeDumper, allow_unicode=True,
                                                    sort_keys=False), encoding="utf-8")
    exports = []
    for role, rows in tables.items():
        columns = list(dict.fromkeys(k for row in rows for k in row)) if rows else []
        with (exports_dir / f"{role}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
        mapping = {c: {"field": c} for c in columns}
        mapping.update((extra_columns or {}).get(role, {}))
        exports.append({"file": f"{role}.csv", "role": role, "columns": mapping})
    (folder / "exports.yaml").write_text(yaml.dump({"schema_version": 1, "register": "register.yaml",
                                                    "exports_dir": "exports", "exports": exports},
                                                   Dumper=yaml.CSafeDumper, sort_keys=False), encoding="utf-8")
    return folder / "exports.yaml"


def audit(folder: Path, tables: dict[str, list[dict[str, Any]]], check_id: str, period: str = "2026-Q3",
          *, checks: Any = None, **kwargs: Any) -> AuditResult:
    """Audit ``tables`` with the single check ``check_id`` of ``checks`` (default: the catalogue; a check
    discovered elsewhere, as a new one in a temporary folder, is given here)."""
    exports = write_register(folder, tables, **kwargs)
    checks = tuple(c for c in (catalogue() if checks is None else checks) if c.id == check_id)
    assert checks, f"no check {check_id}"
    return run_audit(None, exports, period, pseudonym_key=KEY, checks=checks)


def reveal_references(text: str, subject_ids) -> str:
    """``text`` with every ``subjects/S-…`` pseudonym (made with KEY) turned back into its subject id:
    the tests hold the key, as the data protection lead does."""
    from audit_lib.findings import pseudonymise_references

    for subject_id in subject_ids:
        text = text.replace(pseudonymise_references(f"subjects/{subject_id}", KEY), f"subjects/{subject_id}")
    return text


def refs(result: AuditResult) -> list[str]:
    """The record references of the findings, sorted, with subject pseudonyms revealed."""
    ids = result.con.execute("SELECT subject_id FROM subjects").fetchall() if "subjects" in result.load_report.available else []
    return sorted(reveal_references(ref, [row[0] for row in ids]) for ref in result.findings["record_ref"])


def copy_sample(target: Path) -> Path:
    """Copy the bundled sample into ``target``; return the copy's folder."""
    shutil.copytree(SAMPLE, target, dirs_exist_ok=True)
    return target
