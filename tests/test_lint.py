"""`regaudit lint`: validation errors (exit 3), notice findings (exit 1), or clean (exit 0)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit_lib.lint import lint, parse_record_ref

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"
COMPLIANT = ROOT / "tests" / "fixtures" / "compliant_register.yaml"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "audit_lib", "lint", *args], capture_output=True, text=True,
                          cwd=ROOT, env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"})


def test_sample_register_has_findings_located_by_line():
    result = lint(SAMPLE / "register.yaml")
    assert result.kind == "register" and result.exit_code == 1 and not result.problems
    lines = (SAMPLE / "register.yaml").read_text(encoding="utf-8").splitlines()
    repealed = next(f for f in result.findings if f.check_id == "notice_repealed_act_cited")
    assert "523/1999" in lines[repealed.line - 1]
    basis = [f for f in result.findings if f.check_id == "notice_lawful_basis_missing"]
    # Five purposes name no basis; e-mail and SMS marketing rest on the consent the notice asks separately.
    assert len(basis) == 5 and all("lawful_basis: null" in lines[f.line - 1] for f in basis)
    assert [f.line for f in result.findings] == sorted(f.line for f in result.findings)


def test_exports_yaml_lints_its_register():
    result = lint(SAMPLE / "exports.yaml")
    assert result.kind == "exports" and result.exit_code == 1
    assert {f.check_id for f in result.findings} == {f.check_id for f in lint(SAMPLE / "register.yaml").findings}


def test_compliant_register_is_clean():
    result = lint(COMPLIANT)
    assert result.exit_code == 0 and result.findings == [] and len(result.results) >= 14


def test_invalid_file_exit_3(tmp_path):
    shutil.copy(SAMPLE / "register.yaml", tmp_path / "register.yaml")
    shutil.copy(SAMPLE / "exports.yaml", tmp_path / "exports.yaml")
    text = (tmp_path / "exports.yaml").read_text(encoding="utf-8")
    (tmp_path / "exports.yaml").write_text(text.replace("category: email}", "category: emial}", 1), encoding="utf-8")
    result = lint(tmp_path / "exports.yaml")
    assert result.exit_code == 3 and result.problems and not result.findings


def test_record_refs_parse_back_to_key_paths():
    assert parse_record_ref("register.yaml#purposes[3].lawful_basis") == ("purposes", 3, "lawful_basis")
    assert parse_record_ref("r.yaml#register.notice.legal_framework_cited[0]") == (
        "register", "notice", "legal_framework_cited", 0)


@pytest.mark.slow
def test_cli_exit_codes_and_output(tmp_path):
    result = _cli(str(SAMPLE / "register.yaml"))
    assert result.returncode == 1
    assert "notice_repealed_act_cited" in result.stdout and "items to verify from" in result.stdout
    assert _cli(str(COMPLIANT)).returncode == 0
    broken = tmp_path / "register.yaml"
    broken.write_text("register: [\n", encoding="utf-8")
    result = _cli(str(broken))
    assert result.returncode == 3 and "YAML syntax error" in result.stdout
    assert _cli(str(tmp_path / "missing.yaml")).returncode == 3
    help_text = " ".join(_cli("--help").stdout.split())
    assert "0 valid and no notice findings" in help_text and "3 invalid file" in help_text


def test_items_to_verify_alone_do_not_fail_lint(tmp_path):
    """Silence on transfers, with no recipient outside the EU/EEA declared, is an item to verify: lint
    shows it with its kind and exits 0; a breach makes it exit 1."""
    import yaml

    data = yaml.safe_load(COMPLIANT.read_text(encoding="utf-8"))
    data["disclosures"]["transfers_outside_eea"] = None
    for recipient in data.get("recipients", []):
        recipient["country"] = "FI"
    path = tmp_path / "register.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = lint(path)
    assert [(f.check_id, f.kind) for f in result.findings] == [("notice_transfers_not_stated", "verify")]
    assert result.exit_code == 0
    shown = _cli(str(path))
    assert shown.returncode == 0 and "verify" in shown.stdout and "0 breaches and 1 items to verify" in shown.stdout
    data["rights"]["complaint_to_authority_stated"] = False
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert lint(path).exit_code == 1
