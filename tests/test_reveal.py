"""regaudit reveal: from a report's subject reference back to the subject id, with the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.errors import RegauditError
from audit_lib.exit_codes import ExitCode
from audit_lib.pseudonym import pseudonym
from audit_lib.reveal import reveal

SAMPLE = Path(__file__).resolve().parents[1] / "data_samples" / "hyvinvoivin"
# 64 hex digits, as load_key requires (a run of one digit is refused).
KEY = "3a9e7c1f5b2d8046" * 4


@pytest.fixture
def key_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("REGAUDIT_PSEUDONYM_KEY", raising=False)
    path = tmp_path / "pseudonym.key"
    path.write_text(KEY + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
def test_reveal_finds_the_subject(key_file):
    reference = pseudonym("C0000001", KEY.encode())
    found = reveal(reference, SAMPLE / "exports.yaml", key_file=key_file)
    assert found.found and list(found.subjects) == ["C0000001"]
    assert found.subjects["C0000001"][0] == "subjects"


@pytest.mark.slow
def test_reveal_with_another_key_finds_nothing(key_file):
    reference = pseudonym("C0000001", b"0f1e2d3c4b5a6978" * 4)
    assert not reveal(reference, SAMPLE / "exports.yaml", key_file=key_file).found


def test_reveal_rejects_what_is_not_a_reference(key_file):
    with pytest.raises(RegauditError, match="not a subject reference"):
        reveal("C0000001", SAMPLE / "exports.yaml", key_file=key_file)


@pytest.mark.slow
def test_cli_reveal_prints_the_id_and_exit_codes(key_file):
    runner = CliRunner()
    reference = pseudonym("C0000002", KEY.encode())
    done = runner.invoke(app, ["reveal", reference, "--exports", str(SAMPLE / "exports.yaml"),
                               "--key-file", str(key_file)])
    assert done.exit_code == 0, done.output
    assert reference in done.output and "C0000002" in done.output
    missing = runner.invoke(app, ["reveal", "S-" + "0" * 16, "--exports", str(SAMPLE / "exports.yaml"),
                                  "--key-file", str(key_file)])
    assert missing.exit_code == ExitCode.NOT_FOUND == 7
