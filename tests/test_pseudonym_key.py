"""The pseudonym key must carry 256 bits: an empty, one-byte or guessable key is refused, from the
environment, a key file, the CLI or a caller, with the command that makes a good one."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.errors import RegauditError
from audit_lib.pseudonym import (KEY_ENV, KEY_FILE_ENV, MIN_KEY_BITS, ensure_key_file, key_bits, key_fingerprint,
                                 load_key, pseudonym)
from checkkit import SAMPLE

# Keys of random-looking digits, fixed so that every run (and every test worker) collects the same tests.
_DIGITS = hashlib.sha256(b"regaudit pseudonym key tests").digest()
WEAK = ["", "x", "secret", "cli-test-key", "0" * 64, "a" * 64, "ab" * 40, "correct horse battery staple",
        _DIGITS[:31].hex()]
STRONG = [_DIGITS.hex(), base64.b64encode(hashlib.sha256(_DIGITS).digest()).decode(),
          "ten words of a passphrase chosen by dice and written down nowhere at all"]


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)


@pytest.mark.parametrize("text", WEAK)
def test_a_weak_key_file_is_refused_with_the_command_that_makes_a_good_one(tmp_path, text):
    path = tmp_path / "pseudonym.key"
    path.write_text(text + "\n", encoding="utf-8")
    with pytest.raises(RegauditError) as refused:
        load_key(path)
    message = str(refused.value)
    assert str(path) in message and f"at least {MIN_KEY_BITS} bits" in message
    assert "secrets.token_hex(32)" in message


@pytest.mark.parametrize("text", [w for w in WEAK if w])
def test_a_weak_key_in_the_environment_is_refused(monkeypatch, text):
    monkeypatch.setenv(KEY_ENV, text)
    with pytest.raises(RegauditError, match=f"\\${KEY_ENV}"):
        load_key()


@pytest.mark.parametrize("text", STRONG)
def test_a_key_of_256_bits_is_accepted_and_used_as_its_text(tmp_path, monkeypatch, text):
    path = tmp_path / "pseudonym.key"
    path.write_text(text + "\n", encoding="utf-8")
    assert load_key(path) == text.encode()  # the text's bytes, as before: pseudonyms stay what they were
    monkeypatch.setenv(KEY_ENV, text)
    assert load_key() == text.encode()


def test_how_key_text_is_counted():
    assert key_bits(b"0123456789abcdef" * 4) == 256  # 64 hex digits: 32 bytes
    assert key_bits(b"0123456789abcdef" * 4 + b"0") == 260
    assert key_bits(b"0123456789" * 7) < MIN_KEY_BITS  # digits only: log2(10) a character
    assert key_bits(b"") == key_bits(b"\x00" * 64) == 0
    assert key_bits(bytes(range(128, 160))) == 256  # 32 bytes that are not text: 8 bits a byte


def test_the_demo_key_file_is_strong(tmp_path):
    path = ensure_key_file(tmp_path / ".regaudit" / "demo-pseudonym.key")
    assert len(load_key(path)) == 64 and (path.stat().st_mode & 0o777) == 0o600


def test_pseudonyms_and_audits_refuse_a_weak_key_given_directly(tmp_path):
    from audit_lib.audit import run_audit

    with pytest.raises(RegauditError, match="bits"):
        pseudonym("C1", b"k")
    # Before anything is loaded: the key is checked first.
    with pytest.raises(RegauditError, match="pseudonym_key"):
        run_audit(None, SAMPLE / "exports.yaml", "2026-Q3", pseudonym_key=b"short", checks=())


def test_the_cli_refuses_a_weak_key_without_a_traceback():
    result = CliRunner().invoke(app, ["check", "--exports", str(SAMPLE / "exports.yaml"), "--period", "2026-Q3"],
                                env={KEY_ENV: "x", "COLUMNS": "200"})
    assert result.exit_code == 4, result.output
    assert "secrets.token_hex(32)" in result.output and "Traceback" not in result.output


def test_the_key_fingerprint_tells_keys_apart_and_hides_them():
    one, other = secrets.token_hex(32).encode(), secrets.token_hex(32).encode()
    assert key_fingerprint(one) == key_fingerprint(one) != key_fingerprint(other)
    assert len(key_fingerprint(one)) == 16 and key_fingerprint(one) not in one.decode()
