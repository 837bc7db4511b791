"""The committed JSON Schemas are generated from the models, and the sample YAMLs validate against them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from audit_lib.declaration.schema import FILES, SCHEMA_DIR, schema_text, stale_schemas, write_schemas

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"
DOCUMENTS = [(SAMPLE / "register.yaml", "register.schema.json"), (SAMPLE / "exports.yaml", "exports.schema.json"),
             (ROOT / "tests" / "fixtures" / "compliant_register.yaml", "register.schema.json")]


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_schema_is_current(name):
    assert not stale_schemas(), "run `regaudit schema --out audit_lib/schemas/` and commit the result"
    assert (SCHEMA_DIR / name).read_text(encoding="utf-8") == schema_text(FILES[name])


def test_write_schemas_is_deterministic(tmp_path):
    write_schemas(tmp_path)
    assert stale_schemas(tmp_path) == []
    assert {p.name for p in tmp_path.iterdir()} == set(FILES)


@pytest.mark.parametrize("document, name", DOCUMENTS, ids=[d[0].name + "-" + d[0].parent.name for d in DOCUMENTS])
def test_yaml_validates_against_schema(document, name):
    data = yaml.safe_load(document.read_text(encoding="utf-8"))
    errors = [f"{list(e.path)}: {e.message}" for e in _validator(name).iter_errors(data)]
    assert errors == []
    # The sample points editors at the committed schema.
    first = document.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=") and first.endswith(name)


def test_schema_rejects_what_the_models_reject():
    data = yaml.safe_load((SAMPLE / "register.yaml").read_text(encoding="utf-8"))
    data["retention"]["rules"][0]["duration"] = "6 years"
    data["data_categories"][1]["fides_key"] = "user.contact.emial"
    data["rights"]["withdrawl_of_consent_stated"] = False
    messages = " ".join(e.message for e in _validator("register.schema.json").iter_errors(data))
    assert "'6 years' does not match" in messages
    assert "'user.contact.emial' is not one of" in messages
    assert "withdrawl_of_consent_stated" in messages


def test_the_schema_lists_every_canonical_value():
    """Editors show the canonical value sets where a mapping translates or sets values."""
    import json

    from audit_lib.roles import ROLES

    text = json.dumps(json.loads((SCHEMA_DIR / "exports.schema.json").read_text(encoding="utf-8")))
    for role in ROLES.values():
        for field in role.fields:
            if isinstance(field.vocabulary, tuple):
                listed = f"{role.name}.{field.name}"
                assert listed in text, listed
                assert all(value in text for value in field.vocabulary), listed
