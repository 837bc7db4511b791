"""The declaration snapshot: the validated declaration another process audits without reading the YAML again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
from pathlib import Path

import pytest

from audit_lib.declaration import load_declaration
from audit_lib.declaration.snapshot import decode, encode, read_snapshot, snapshot_json, write_snapshot
from audit_lib.errors import DeclarationError

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "data_samples"
KEY = b"0123456789abcdef" * 4
PRESET_EXPORTS = """\
exports_dir: exports
exports:
  - file: woocommerce_orders.csv
    preset: woocommerce/orders
  - file: klaviyo_profiles.csv
    preset: klaviyo/profiles
    set: {subject_type: consumer}
"""


def _round_trip(declaration, tmp_path: Path):
    return read_snapshot(write_snapshot(declaration, tmp_path / "snapshot.json"))


def _assert_same(restored, declaration) -> None:
    # Models compare field by field, private state (a preset's expansion) included.
    assert restored.register == declaration.register and restored.exports == declaration.exports
    assert restored.register_source == declaration.register_source
    assert restored.exports_source == declaration.exports_source
    assert restored.hashes == declaration.hashes and restored.exports_dir == declaration.exports_dir


@pytest.mark.parametrize("sample", ["hyvinvoivin", "webshop_vendor"])
def test_a_bundled_declaration_comes_back_as_validated(sample, tmp_path):
    declaration = load_declaration(None, SAMPLES / sample / "exports.yaml")
    _assert_same(_round_trip(declaration, tmp_path), declaration)


def test_a_declaration_of_presets_comes_back_with_their_expansion(tmp_path):
    (tmp_path / "exports.yaml").write_text(PRESET_EXPORTS, encoding="utf-8")
    (tmp_path / "exports").mkdir()
    declaration = load_declaration(SAMPLES / "webshop_vendor" / "register.yaml", tmp_path / "exports.yaml",
                                   allow_outside=[SAMPLES])
    restored = _round_trip(declaration, tmp_path)
    _assert_same(restored, declaration)
    assert restored.exports.exports[1].set == {"subject_type": "consumer"}
    assert [e._preset_aliases for e in restored.exports.exports] == [e._preset_aliases for e in declaration.exports.exports]


def test_yaml_values_json_lacks_survive():
    value = {"at": dt.datetime(2026, 9, 30, 22, 0, tzinfo=dt.timezone(dt.timedelta(hours=3))),
             "naive": dt.datetime(2026, 9, 30, 22, 0), "day": dt.date(2026, 2, 28), "blob": b"\x00\xff",
             "flags": {"a", "b"}, 1: "an integer key", False: "a no key", None: [1.5, float("inf"), -0.0],
             "$date": "a key that looks like a tag", "nested": {"$set": [1]}, "pairs": [("a", 1)]}
    back = decode(json.loads(json.dumps(encode(value))))
    assert back == value
    assert back["at"].utcoffset() == dt.timedelta(hours=3) and back["naive"].tzinfo is None
    assert math.isnan(decode(json.loads(json.dumps(encode(float("nan"))))))


def test_a_file_edited_after_validation_does_not_change_the_snapshot(tmp_path):
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLES / "hyvinvoivin", sample)
    declaration = load_declaration(None, sample / "exports.yaml")
    snapshot = write_snapshot(declaration, tmp_path / "snapshot.json")
    original = hashlib.sha256((sample / "register.yaml").read_bytes()).hexdigest()
    (sample / "register.yaml").write_text("not: [valid\n", encoding="utf-8")
    restored = read_snapshot(snapshot)
    assert restored.hashes["register.yaml"] == original
    assert restored.register.controller.name == declaration.register.controller.name


@pytest.mark.slow
def test_the_audit_of_a_snapshot_is_the_audit_of_the_files(tmp_path):
    from audit_lib.audit import run_audit

    sample = tmp_path / "sample"
    shutil.copytree(SAMPLES / "hyvinvoivin", sample)
    snapshot = write_snapshot(load_declaration(None, sample / "exports.yaml"), tmp_path / "snapshot.json")
    only = ["consent_marketing_to_erased_subject", "retention_erased_subject_residue"]
    direct = run_audit(exports=sample / "exports.yaml", pseudonym_key=KEY, only=only)
    (sample / "exports.yaml").unlink()  # the snapshot's audit reads neither file; accepted.yaml stays
    (sample / "register.yaml").unlink()
    through = run_audit(declaration=snapshot, pseudonym_key=KEY, only=only)
    assert through.run_id == direct.run_id and through.declaration_hashes == direct.declaration_hashes
    assert through.findings.equals(direct.findings) and through.accepted_path == direct.accepted_path


def test_what_is_no_snapshot_is_a_declaration_error_naming_it(tmp_path):
    declaration = load_declaration(None, SAMPLES / "hyvinvoivin" / "exports.yaml")
    cases = {"garbage.json": "{not json", "other.json": json.dumps({"format": "something else"})}
    data = json.loads(snapshot_json(declaration))
    data["register"]["data"]["controller"] = "edited"
    cases["edited.json"] = json.dumps(data)
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        with pytest.raises(DeclarationError) as raised:
            read_snapshot(tmp_path / name)
        assert str(tmp_path / name) in str(raised.value) and "run regaudit again" in str(raised.value)
    assert "no longer validates" in str(pytest.raises(DeclarationError, read_snapshot, tmp_path / "edited.json").value)
    finnish = pytest.raises(DeclarationError, read_snapshot, tmp_path / "other.json").value.in_language("fi")
    assert "selosteen tilannevedosta ei voi lukea (ei ole muodon regaudit declaration snapshot versiota" in finnish
    assert "aja regaudit uudelleen" in finnish
