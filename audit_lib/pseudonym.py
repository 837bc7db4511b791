"""Keyed pseudonyms for data subjects: HMAC-SHA256 of the subject id, stable across periods."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_ENV = "REGAUDIT_PSEUDONYM_KEY"
KEY_FILE_ENV = "REGAUDIT_PSEUDONYM_KEY_FILE"
PREFIX = "S-"
# 16 hex characters = 64 bits: collisions are negligible at register sizes (birthday bound ~4e9).
LENGTH = 16


def pseudonym(subject_id: str | None, key: bytes) -> str | None:
    """Return the keyed pseudonym of ``subject_id`` (None stays None)."""
    if subject_id is None or subject_id == "":
        return None
    digest = hmac.new(key, str(subject_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:LENGTH]


def load_key(key_file: str | os.PathLike | None = None) -> bytes:
    """Read the pseudonym key: ``$REGAUDIT_PSEUDONYM_KEY``, else the key file given or named by
    ``$REGAUDIT_PSEUDONYM_KEY_FILE``. Raises RegauditError saying how to provide one."""
    from audit_lib.errors import RegauditError

    if os.environ.get(KEY_ENV):
        return os.environ[KEY_ENV].encode("utf-8")
    path = key_file or os.environ.get(KEY_FILE_ENV)
    if path and Path(path).is_file():
        return Path(path).read_bytes().strip()
    raise RegauditError(
        "No pseudonym key: set REGAUDIT_PSEUDONYM_KEY, or pass --key-file / set "
        "REGAUDIT_PSEUDONYM_KEY_FILE to a file kept outside the reports folder "
        "(create one with: python -c \"import secrets; print(secrets.token_hex(32))\" > key)."
    )


def ensure_key_file(path: str | os.PathLike) -> Path:
    """Create a random key file at ``path`` (mode 600) unless it exists; return its path."""
    key_path = Path(path)
    if not key_path.exists():
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        key_path.chmod(0o600)
    return key_path
