"""Fides interop: dataset and system validated by fideslang's models; regaudit's own mapping round-trips
without loss (roles, canonical fields, facts, states, presets); collections named by role, with keys,
identities and references; categories resolved to the register, their parents, or an error."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fideslang.models import Dataset, System

from audit_lib.declaration import load_declaration
from audit_lib.declaration.exports import ExportMap
from audit_lib.errors import DeclarationError
from audit_lib.exit_codes import ExitCode
from audit_lib.fides import collection_names, export_dataset, export_system, write_fides
from audit_lib.fides_import import import_dataset

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"
VENDOR = ROOT / "data_samples" / "webshop_vendor"


@pytest.fixture(scope="module")
def declaration():
    return load_declaration(None, SAMPLE / "exports.yaml")


def _copy(sample: Path, target: Path) -> Path:
    """The declaration files of ``sample`` in ``target`` (the export files are not needed to validate them)."""
    shutil.copytree(sample, target, ignore=shutil.ignore_patterns("exports", "*.csv"))
    (target / "exports").mkdir(exist_ok=True)
    return target


def _round_trip(folder: Path, out: Path) -> tuple:
    """Export ``folder``'s mapping to Fides, import it back beside it; both declarations and the dataset."""
    original = load_declaration(None, folder / "exports.yaml")
    write_fides(original, out)
    imported = folder / "imported.yaml"
    imported.write_text(import_dataset(out / "dataset.yml", original.register, register_path=folder / "register.yaml",
                                       out=imported), encoding="utf-8")
    dataset = yaml.safe_load((out / "dataset.yml").read_text(encoding="utf-8"))["dataset"][0]
    return original, load_declaration(None, imported), dataset


def _with_presets(folder: Path) -> Path:
    """The vendor sample's newsletter files mapped with the mailchimp presets (one with a column of its own)."""
    data = yaml.safe_load((folder / "exports.yaml").read_text(encoding="utf-8"))
    for index, entry in enumerate(data["exports"]):
        if entry["file"].startswith("newsletter_"):
            data["exports"][index] = {"file": entry["file"], "preset": "mailchimp/audience", "snapshot": entry["snapshot"]}
        elif entry["file"] == "campaign_activity.csv":
            data["exports"][index] = {"file": entry["file"], "preset": "mailchimp/campaign_activity",
                                      "columns": {"Notes": {"category": "feedback_contacts", "free_text": True}}}
    (folder / "exports.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", ["hyvinvoivin", "webshop_vendor", "webshop_vendor_with_presets"])
def test_export_then_import_gives_the_same_mapping(case, tmp_path):
    folder = _copy(VENDOR if case.startswith("webshop") else SAMPLE, tmp_path / "sample")
    if case.endswith("presets"):
        _with_presets(folder)
    original, imported, dataset = _round_trip(folder, tmp_path / "fides")
    Dataset.model_validate(dataset)
    assert imported.exports == original.exports  # every setting, column, fact, state, preset (and its columns)
    assert [e.model_dump() for e in imported.exports.exports] == [e.model_dump() for e in original.exports.exports]
    assert "TODO" not in (folder / "imported.yaml").read_text(encoding="utf-8")
    if case.endswith("presets"):
        text = (folder / "imported.yaml").read_text(encoding="utf-8")
        assert 'preset: "mailchimp/audience"' in text and "OPTIN_TIME" not in text  # the preset fills it in


def test_fides_keeps_the_mapping_in_the_datasets_meta(declaration):
    """fideslang's own model (as Fides stores a dataset) keeps the mapping, the keys, identities and references."""
    dataset = export_dataset(declaration)
    model = Dataset.model_validate(dataset)
    assert model.meta == dataset["meta"]
    kept = model.model_dump(mode="json", exclude_none=True)
    subjects = next(c for c in kept["collections"] if c["name"] == "subjects")
    assert next(f for f in subjects["fields"] if f["name"] == "email")["fides_meta"] == {"identity": "email"}
    orders = next(c for c in kept["collections"] if c["name"] == "orders")
    reference = next(f for f in orders["fields"] if f["name"] == "customer_id")["fides_meta"]["references"]
    assert reference == [{"dataset": dataset["fides_key"], "field": "subjects.customer_id", "direction": "from"}]
    recorded = dataset["meta"]["regaudit"]["collections"]["consent_events"]
    assert recorded["role"] == "consent_events" and recorded["columns"]["channel"] == {
        "field": "channel", "category": "marketing_preferences"}


def test_collections_are_named_by_role(declaration, tmp_path):
    dataset = export_dataset(declaration)
    assert [c["name"] for c in dataset["collections"]] == [e.role for e in declaration.exports.exports]
    assert [c["description"] for c in dataset["collections"]][0] == "regaudit role subjects: customers.csv"
    # Entries sharing a role: each named by its role and file, all apart.
    vendor = load_declaration(None, VENDOR / "exports.yaml")
    names = collection_names(vendor.exports)
    assert len(set(names)) == len(names)
    assert "consent_events_newsletter_subscribed_2026_09_30_csv" in names and "orders" in names


def test_identities_and_references_let_fides_walk_from_an_identity_to_every_collection():
    vendor = load_declaration(None, VENDOR / "exports.yaml")
    dataset = export_dataset(vendor)
    by_name = {c["name"]: {f["name"]: f.get("fides_meta") or {} for f in c["fields"]} for c in dataset["collections"]}
    subjects = by_name["subjects"]
    assert subjects["Asiakasnumero"] == {"identity": "customer_number"}  # the master id: a custom identity
    assert subjects["Sähköposti"] == {"identity": "email"} and subjects["Puhelin"] == {"identity": "phone_number"}
    orders = by_name["orders"]
    assert orders["Tilausnumero"] == {"primary_key": True}
    assert orders["Asiakasnumero"]["references"] == [
        {"dataset": dataset["fides_key"], "field": "subjects.Asiakasnumero", "direction": "from"}]
    newsletter = by_name["consent_events_newsletter_subscribed_2026_09_30_csv"]
    assert newsletter["Email Address"] == {"identity": "email"}  # named by e-mail, not by the master id
    # Every collection that names its subject is reachable: by an identity or a reference.
    reachable = {name for name, fields in by_name.items()
                 if any("identity" in m or "references" in m for m in fields.values())}
    named = {name for name, export in zip(collection_names(vendor.exports), vendor.exports.exports)
             if set(export.subject_columns(vendor.register.master_identifier).values()) & set(by_name[name])}
    assert named and named <= reachable


def test_what_fides_changed_comes_back(declaration, tmp_path):
    """The dataset's own columns, categories and keys are read first: an edit in Fides is not lost."""
    dataset = export_dataset(declaration)
    subjects = next(c for c in dataset["collections"] if c["name"] == "subjects")
    city = next(f for f in subjects["fields"] if f["name"] == "city")
    city["data_categories"] = ["user.contact.address.city"]  # a sub-category of the declared user.contact.address
    subjects["fields"].append({"name": "nickname", "data_categories": ["user.name"]})
    path = tmp_path / "dataset.yml"
    path.write_text(yaml.safe_dump({"dataset": [dataset]}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    columns = yaml.safe_load(import_dataset(path, declaration.register))["exports"][0]["columns"]
    assert columns["city"] == {"category": "postal_address"}  # resolved to its declared parent
    assert columns["nickname"] == {"category": "name"}
    assert columns["email"] == {"field": "email", "category": "email"}


def test_a_sub_category_maps_to_its_declared_parent_in_a_foreign_dataset(declaration, tmp_path):
    path = tmp_path / "dataset.yml"
    path.write_text(yaml.safe_dump({"dataset": [{"fides_key": "shop", "collections": [
        {"name": "orders", "fields": [{"name": "street", "data_categories": ["user.contact.address.street"]},
                                      {"name": "order_no", "fides_meta": {"primary_key": True}}]},
        {"name": "crm_contacts", "fields": [{"name": "mail", "data_categories": ["user.contact.email"],
                                             "fides_meta": {"identity": "email"}}]}]}]}), encoding="utf-8")
    text = import_dataset(path, declaration.register)
    entries = yaml.safe_load(text)["exports"]
    assert entries[0] == {"file": "orders.csv", "role": "orders", "key": "order_no",
                          "columns": {"street": {"category": "postal_address"}, "order_no": {}}}
    assert entries[1]["role"] == "TODO" and entries[1]["columns"] == {"mail": {"category": "email"}}
    assert "TODO: the canonical role of this file" in text and "this name is a guess" in text
    # A Fides identity names the subject where register.yaml declares that identifier.
    from audit_lib.declaration import load_register

    vendor = yaml.safe_load(import_dataset(path, load_register(VENDOR / "register.yaml")[0]))["exports"]
    assert vendor[1]["subject"] == {"email": "mail"} and "subject" not in vendor[0]


@pytest.mark.parametrize("key, message", [
    ("user.contact.emial", "'user.contact.emial' is not a data category of the fideslang taxonomy"),
    ("user.financial.bank_account", "register.yaml declares no category with fides_key 'user.financial.bank_account'"),
])
def test_an_unknown_category_is_an_error_naming_the_field(key, message, declaration, tmp_path):
    path = tmp_path / "dataset.yml"
    path.write_text(yaml.safe_dump({"dataset": [{"fides_key": "shop", "collections": [{"name": "users", "fields": [
        {"name": "mail", "data_categories": ["user.contact.email"]},
        {"name": "iban", "data_categories": [key]}]}]}]}), encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        import_dataset(path, declaration.register)
    [problem] = exc.value.problems
    assert message in problem.message and "column 'iban'" in problem.message
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if key in text)
    assert problem.path == "dataset[0].collections[0].fields[1].data_categories[0]" and problem.line == line
    assert problem.fix and exc.value.exit_code == ExitCode.INVALID_DECLARATION


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
    skeleton = yaml.safe_load(text)
    ExportMap.model_validate(skeleton)  # a well-formed exports.yaml (roles still TODO)
    assert skeleton["exports"][0]["columns"] == {
        "mail": {"category": "user.contact.email"}, "address.city": {"category": "user.contact.address.city"},
        "internal_flag": {"not_personal": "TODO: why"}, "yes": {}}
    assert "also gives user.name" in text and "name the category of register.yaml that has it" in text
    assert skeleton["register"] == "register.yaml"


def test_import_rejects_an_invalid_dataset(tmp_path):
    bad = tmp_path / "dataset.yml"
    bad.write_text("dataset:\n- name: no key and no collections\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        import_dataset(bad)
    assert {p.path for p in exc.value.problems} >= {"dataset[0].fides_key", "dataset[0].collections"}


def test_written_files_are_valid_fides_resources(tmp_path, declaration):
    write_fides(declaration, tmp_path)
    dataset = yaml.safe_load((tmp_path / "dataset.yml").read_text(encoding="utf-8"))["dataset"][0]
    system = yaml.safe_load((tmp_path / "system.yml").read_text(encoding="utf-8"))["system"][0]
    Dataset.model_validate(dataset)
    System.model_validate(system)
    assert len(dataset["collections"]) == len(declaration.exports.exports)
    assert system["dataset_references"] == [dataset["fides_key"]]


def test_dataset_fields_carry_the_categories_keys(declaration):
    dataset = export_dataset(declaration)
    customers = next(c for c in dataset["collections"] if c["name"] == "subjects")
    fields = {f["name"]: f for f in customers["fields"]}
    assert fields["email"]["data_categories"] == ["user.contact.email"]
    assert fields["interests"]["data_categories"] == ["user.demographic.profile"]
    assert fields["customer_id"]["fides_meta"] == {"primary_key": True, "identity": "subject_id"}
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


def _cli(*args: str):
    return subprocess.run([sys.executable, "-m", "audit_lib", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.mark.slow
def test_cli_export_then_import_names_the_register_it_was_given(tmp_path):
    register_folder = _copy(SAMPLE, tmp_path / "declared")
    result = _cli("fides", "export", "--exports", str(register_folder / "exports.yaml"), "--out", str(tmp_path / "fides"))
    assert result.returncode == 0, result.stderr
    (register_folder / "register.yaml").rename(register_folder / "rekisteri.yaml")
    out = tmp_path / "mapping" / "exports.yaml"
    out.parent.mkdir()
    result = _cli("fides", "import", str(tmp_path / "fides" / "dataset.yml"), "--out", str(out),
                  "--register", str(register_folder / "rekisteri.yaml"))
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["register"] == "../declared/rekisteri.yaml"
    assert "check it with `regaudit lint" in result.stdout
    # It names that register: lint reads it from there (a folder outside, allowed by the person running it).
    lint = _cli("lint", str(out), "--allow-outside", str(register_folder))
    assert lint.returncode in (ExitCode.OK, ExitCode.FINDINGS), lint.stdout + lint.stderr
    assert _cli("fides", "import", str(tmp_path / "fides" / "dataset.yml"), "--out", str(out)).returncode == 4


@pytest.mark.slow
def test_cli_an_unknown_category_exits_3(tmp_path):
    path = tmp_path / "dataset.yml"
    path.write_text(yaml.safe_dump({"dataset": [{"fides_key": "shop", "collections": [{"name": "users", "fields": [
        {"name": "mail", "data_categories": ["user.contact.emial"]}]}]}]}), encoding="utf-8")
    result = _cli("fides", "import", str(path), "--out", str(tmp_path / "exports.yaml"),
                  "--register", str(SAMPLE / "register.yaml"))
    assert result.returncode == ExitCode.INVALID_DECLARATION, result.stderr
    assert "user.contact.emial" in result.stderr and "user.contact.email" in result.stderr  # the near key
    assert "Traceback" not in result.stderr and not (tmp_path / "exports.yaml").exists()
