"""Fides interop: dataset and system validated by fideslang; a dataset round-trips every category."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fideslang.models import Dataset, System

from audit_lib.declaration import load_declaration
from audit_lib.declaration.exports import ExportMap
from audit_lib.errors import DeclarationError
from audit_lib.fides import export_dataset, export_system, import_dataset, write_fides

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"


@pytest.fixture(scope="module")
def declaration():
    return load_declaration(None, SAMPLE / "exports.yaml")


def test_written_files_are_valid_fides_resources(tmp_path, declaration):
    write_fides(declaration, tmp_path)
    dataset = yaml.safe_load((tmp_path / "dataset.yml").read_text(encoding="utf-8"))["dataset"][0]
    system = yaml.safe_load((tmp_path / "system.yml").read_text(encoding="utf-8"))["system"][0]
    Dataset.model_validate(dataset)
    System.model_validate(system)
    assert [c["name"] for c in dataset["collections"]] == [e.file for e in declaration.exports.exports]
    assert system["dataset_references"] == [dataset["fides_key"]]


def test_dataset_fields_carry_the_categories_keys(declaration):
    dataset = export_dataset(declaration)
    customers = next(c for c in dataset["collections"] if c["name"] == "customers.csv")
    fields = {f["name"]: f for f in customers["fields"]}
    assert fields["email"]["data_categories"] == ["user.contact.email"]
    assert fields["interests"]["data_categories"] == ["user.demographic.profile"]
    assert fields["customer_id"]["fides_meta"] == {"primary_key": True}
    assert "data_categories" not in fields["customer_type"]


def test_system_has_one_privacy_declaration_per_purpose(declaration):
    register = declaration.register
    system = export_system(register)
    declarations = system["privacy_declarations"]
    assert [d["data_use"] for d in declarations] == [p.fides_use for p in register.purposes]
    sms = declarations[-1]
    assert sms["data_categories"] == ["user.contact.phone_number", "user.name", "user.privacy_preferences"]
    assert sms["data_subjects"] == ["customer", "supplier_vendor"]
    # The notice asks separate consent for SMS marketing (register.yaml: lawful_basis consent).
    assert sms["legal_basis_for_processing"] == "Consent"
    assert "legal_basis_for_processing" not in declarations[0]  # none stated: nothing is invented
    assert system["legal_name"] == "Liikkuvaa Hyvinvointia Oy" and system["uses_profiling"] is True


def test_round_trip_keeps_every_category(tmp_path, declaration):
    write_fides(declaration, tmp_path)
    text = import_dataset(tmp_path / "dataset.yml", declaration.register)
    skeleton = yaml.safe_load(text)
    ExportMap.model_validate(skeleton)  # the skeleton is a well-formed exports.yaml (roles still TODO)
    assert [e["file"] for e in skeleton["exports"]] == [e.file for e in declaration.exports.exports]
    for original, imported in zip(declaration.exports.exports, skeleton["exports"]):
        assert imported["role"] == "TODO"
        assert imported.get("key") == original.key
        assert list(imported["columns"]) == list(original.columns)
        assert {c: s.get("category") for c, s in imported["columns"].items()} == \
            {c: s.category for c, s in original.columns.items()}
    assert text.count("role: TODO") == len(declaration.exports.exports)


def test_import_without_register_keeps_fides_keys_marked_todo(tmp_path):
    dataset = tmp_path / "dataset.yml"
    dataset.write_text(yaml.safe_dump({"dataset": [{
        "fides_key": "shop", "collections": [{"name": "users", "fields": [
            {"name": "mail", "data_categories": ["user.contact.email", "user.name"]},
            {"name": "address", "fields": [{"name": "city", "data_categories": ["user.contact.address.city"]}]},
            {"name": "internal_flag", "data_categories": ["system.operations"]},
            {"name": "yes"},
        ]}]}]}), encoding="utf-8")
    text = import_dataset(dataset)
    columns = yaml.safe_load(text)["exports"][0]["columns"]
    assert columns == {"mail": {"category": "user.contact.email"}, "address.city": {"category": "user.contact.address.city"},
                       "internal_flag": {"not_personal": "TODO: why"}, "yes": {}}
    assert "also gives user.name" in text and "declare one" in text


def test_import_rejects_an_invalid_dataset(tmp_path):
    bad = tmp_path / "dataset.yml"
    bad.write_text("dataset:\n- name: no key and no collections\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        import_dataset(bad)
    assert {p.path for p in exc.value.problems} >= {"fides_key", "collections"}


def test_cli_export_then_import(tmp_path):
    run = lambda *args: subprocess.run([sys.executable, "-m", "audit_lib", *args], capture_output=True,  # noqa: E731
                                       text=True, cwd=ROOT)
    result = run("fides", "export", "--exports", str(SAMPLE / "exports.yaml"), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "exports.yaml"
    result = run("fides", "import", str(tmp_path / "dataset.yml"), "--out", str(out),
                 "--register", str(SAMPLE / "register.yaml"))
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "TODO" in out.read_text(encoding="utf-8")
    assert run("fides", "import", str(tmp_path / "dataset.yml"), "--out", str(out)).returncode == 4
