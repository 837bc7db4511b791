"""The JSON Schemas are as strict as `regaudit lint` on roles, fields per role and canonical values, and
work outside the checkout: written by `regaudit schema --out DIR`, checked with check-jsonschema."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.declaration import load_declaration
from audit_lib.declaration.schema import SCHEMA_ID
from audit_lib.errors import DeclarationError

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted(p for p in (ROOT / "data_samples").iterdir() if (p / "exports.yaml").is_file())


def check_jsonschema() -> str:
    """The check-jsonschema program of this environment (the `test` extra installs it): a test that needs
    it fails without it, never skips."""
    beside = Path(sys.executable).with_name("check-jsonschema")
    found = str(beside) if beside.is_file() else shutil.which("check-jsonschema")
    assert found, "check-jsonschema is missing: pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module")
def schemas(tmp_path_factory) -> Path:
    """The schemas as `regaudit schema --out DIR` publishes them, in a folder outside the checkout."""
    out = tmp_path_factory.mktemp("published") / "schemas"
    done = CliRunner().invoke(app, ["schema", "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert "# yaml-language-server: $schema=" in done.output  # it says how to point a file at them
    return out


def _validate(schema: Path, *documents: Path) -> dict[str, list[str]]:
    """check-jsonschema's errors per document (an empty list: valid)."""
    done = subprocess.run([check_jsonschema(), "-o", "json", "--schemafile", str(schema), *map(str, documents)],
                          capture_output=True, text=True)
    report = json.loads(done.stdout)
    errors: dict[str, list[str]] = {str(d): [] for d in documents}
    for error in report.get("errors", []):
        errors[error["filename"]].append(f"{error['path']}: {error['message']}")
    assert not report.get("parse_errors"), report["parse_errors"]
    assert (done.returncode == 0) == (not any(errors.values())), done.stdout + done.stderr
    return errors


def test_schema_ids_are_stable_wherever_they_are_written(schemas, tmp_path):
    for name, kind in (("register.schema.json", "register.yaml"), ("exports.schema.json", "exports.yaml")):
        schema = json.loads((schemas / name).read_text(encoding="utf-8"))
        assert schema["$id"] == SCHEMA_ID.format(name=kind) == f"urn:regaudit:schema:{kind}:v1"
        assert (schemas / name).read_bytes() == (ROOT / "audit_lib" / "schemas" / name).read_bytes()


@pytest.mark.slow  # runs check-jsonschema
def test_the_bundled_samples_are_valid_outside_the_checkout(schemas, tmp_path):
    """As an editor reads them: each sample copied out of the checkout, its yaml-language-server line
    naming the published schema relative to the file, validated against the schema that line names."""
    assert len(SAMPLES) >= 2
    for kind in ("register", "exports"):
        schema, documents = schemas / f"{kind}.schema.json", []
        for sample in SAMPLES:
            path = tmp_path / sample.name / f"{kind}.yaml"
            path.parent.mkdir(exist_ok=True)
            lines = (sample / f"{kind}.yaml").read_text(encoding="utf-8").splitlines()
            assert lines[0].startswith("# yaml-language-server: $schema=")
            lines[0] = f"# yaml-language-server: $schema={Path(os.path.relpath(schema, path.parent)).as_posix()}"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            named = (path.parent / lines[0].split("$schema=", 1)[1]).resolve()
            assert named == schema.resolve() and ROOT not in named.parents
            documents.append(path)
        assert _validate(schema, *documents) == {str(p): [] for p in documents}


# Each mutation of a valid file, and a fragment of the error check-jsonschema gives for it.
EXPORT_MUTATIONS = {
    "unknown_role": (lambda d: _entry(d, "subjects").update(role="subjectz"), "subjectz"),
    "unknown_field_for_the_role": (lambda d: _entry(d, "subjects")["columns"]["email"].update(field="emial"),
                                   "emial"),
    "a_field_of_another_role": (lambda d: _entry(d, "consent_events")["columns"]["channel"].update(field="sent_at"),
                                "sent_at"),
    "bad_canonical_value": (lambda d: _entry(d, "requests")["columns"]["kind"].update(values={"poisto": "erasur"}),
                            "erasur"),
    "bad_constant": (lambda d: _entry(d, "support_contacts").setdefault("facts", []).append(
        {"role": "consent_events", "set": {"channel": "mail", "action": "granted"}}), "mail"),
    "unknown_field_in_set": (lambda d: _entry(d, "consent_events").setdefault("set", {}).update(chanel="email"),
                             "chanel"),
    "unknown_field_not_applicable": (lambda d: _entry(d, "marketing_messages").setdefault(
        "not_applicable", {}).update(opt_out="never exported"), "opt_out"),
    "unknown_fact_role": (lambda d: _entry(d, "subjects").setdefault("facts", []).append(
        {"role": "consent_event", "columns": {"email": "subject_id"}}), "consent_event"),
    "unknown_fact_field": (lambda d: _entry(d, "subjects").setdefault("facts", []).append(
        {"role": "consent_events", "columns": {"email": {"field": "subjekt"}}}), "subjekt"),
    "bad_state_channel": (lambda d: _entry(d, "subjects").setdefault("states", {}).update(
        sähköposti={"column": "marketing_ban"}), "sähköposti"),
    "bad_state_value": (lambda d: _entry(d, "subjects").setdefault("states", {}).update(
        email={"column": "marketing_ban", "values": {"kyllä": "yes"}}), "yes"),
    "unknown_role_not_exported": (lambda d: d.setdefault("not_exported", {}).update(acces_log="none"), "acces_log"),
}
REGISTER_MUTATIONS = {
    "retention_on_an_unknown_table": (lambda d: d["retention"]["rules"][0].update(role="order"), "order"),
    "retention_from_a_field_that_is_no_time": (lambda d: d["retention"]["rules"][0].update(start="amount"),
                                               "amount"),
    "access_to_an_unknown_table": (lambda d: d["access"]["roles"][0]["may_access"].append("customers"),
                                   "customers"),
    "kept_after_erasure_unknown_field": (lambda d: d["rights"]["erasure"]["kept_after_erasure"]["orders"].append(
        "billing_email"), "billing_email"),
}


def _entry(document: dict, role: str) -> dict:
    """The entry of exports.yaml whose role is ``role``."""
    return next(e for e in document["exports"] if e.get("role") == role)


@pytest.fixture(scope="module")
def mutated(tmp_path_factory) -> dict[str, Path]:
    """A copy of the sample per mutation (exports.yaml or register.yaml changed), named by the mutation."""
    root = tmp_path_factory.mktemp("mutated")
    sample = ROOT / "data_samples" / "hyvinvoivin"
    exports = yaml.safe_load((sample / "exports.yaml").read_text(encoding="utf-8"))
    register = yaml.safe_load((sample / "register.yaml").read_text(encoding="utf-8"))
    folders = {}
    for name, (mutate, _) in {**EXPORT_MUTATIONS, **REGISTER_MUTATIONS}.items():
        folder = root / name
        shutil.copytree(sample, folder, ignore=shutil.ignore_patterns("exports"))
        (folder / "exports").mkdir()
        document = copy.deepcopy(exports if name in EXPORT_MUTATIONS else register)
        mutate(document)
        target = folder / ("exports.yaml" if name in EXPORT_MUTATIONS else "register.yaml")
        target.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
        folders[name] = target
    return folders


@pytest.mark.slow
@pytest.mark.parametrize("kind, mutations", [("exports", EXPORT_MUTATIONS), ("register", REGISTER_MUTATIONS)])
def test_what_lint_refuses_the_schema_refuses(kind, mutations, schemas, mutated):
    paths = [mutated[name] for name in mutations]
    errors = _validate(schemas / f"{kind}.schema.json", *paths)
    for name, (_, fragment) in mutations.items():
        found = errors[str(mutated[name])]
        assert found, f"{name}: the schema accepts it"
        assert fragment in " ".join(found), (name, found)
        # lint refuses it as well: the schema is not stricter than lint here, nor looser.
        folder = mutated[name].parent
        with pytest.raises(DeclarationError, match=fragment):
            load_declaration(folder / "register.yaml", folder / "exports.yaml")


@pytest.mark.slow
def test_canonical_values_are_read_in_any_letter_case_as_lint_reads_them(schemas, tmp_path):
    sample = ROOT / "data_samples" / "hyvinvoivin"
    document = yaml.safe_load((sample / "exports.yaml").read_text(encoding="utf-8"))
    _entry(document, "requests")["columns"]["kind"]["values"] = {"Poisto": "Erasure", "tarkastus": "ACCESS"}
    shutil.copytree(sample, tmp_path / "s", ignore=shutil.ignore_patterns("exports"))
    (tmp_path / "s" / "exports").mkdir()
    path = tmp_path / "s" / "exports.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert _validate(schemas / "exports.schema.json", path) == {str(path): []}
    load_declaration(tmp_path / "s" / "register.yaml", path)  # lint takes it too


def test_the_roles_and_fields_come_from_roles_py(schemas):
    """Generated, not copied: every role and every field of roles.py is in the exports schema, and no other."""
    from audit_lib.roles import ROLES

    schema = json.loads((schemas / "exports.schema.json").read_text(encoding="utf-8"))
    export = schema["$defs"]["Export"]
    assert export["properties"]["role"]["anyOf"][0]["enum"] == sorted(ROLES)
    by_role = {rule["if"]["properties"]["role"]["const"]: rule["then"]["properties"] for rule in export["allOf"]}
    assert set(by_role) == set(ROLES)
    for name, role in ROLES.items():
        assert by_role[name]["set"]["propertyNames"]["enum"] == role.field_names, name
