"""Keyed pseudonyms for data subjects: HMAC-SHA256 of the subject id, stable across periods.

The key. Whoever holds it can tell which subject a reference ``S-…`` names, and without it nobody
can: a weak key lets anyone try every customer number in seconds. So a key must carry at least
``MIN_KEY_BITS`` (256) bits, and a weaker one is refused with the command that makes a good one.

How key text maps to key material: the key is the text of ``$REGAUDIT_PSEUDONYM_KEY`` as set, or of
the key file with surrounding blanks (its final newline) removed; its UTF-8 bytes are the HMAC key, as
they always were, so pseudonyms made with a key that passes stay what they were in earlier quarters.
What the text carries is judged by its alphabet, because a key is meant to be random characters:

* hexadecimal digits only: 4 bits a digit, so 64 digits are 32 bytes, 256 bits (the key that
  ``python -c "import secrets; print(secrets.token_hex(32))"`` prints, and the demo key); decimal
  digits only: log2(10) bits a digit (78 of them);
* anything else (base64, a passphrase): per character, log2 of the size of the character classes
  it uses (lower case 26, upper case 26, digits 10, ASCII punctuation and space 33, any other
  character 128), so 43 base64 characters carry 256 bits and a passphrase of lower-case words and
  spaces needs 54 characters. That is an upper bound for text a person chose: prefer a random key.

A key of fewer than ``MIN_DISTINCT`` different characters (``0000…``, ``aaaa…``) is refused whatever
its length. Bytes given directly (``run_audit(pseudonym_key=…)``) are judged as the text they
decode to, else at 8 bits a byte.

The key's fingerprint (``key_fingerprint``) is a keyed hash of a constant: it tells two keys apart
(the manifest keeps it, so that a changed key between quarters is noticed) and reveals nothing of
the key.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import os
import secrets
import string
from pathlib import Path

from audit_lib.i18n import T_

KEY_ENV = "REGAUDIT_PSEUDONYM_KEY"
KEY_FILE_ENV = "REGAUDIT_PSEUDONYM_KEY_FILE"
PREFIX = "S-"
# 16 hex characters = 64 bits: collisions are negligible at register sizes (birthday bound ~4e9).
LENGTH = 16
MIN_KEY_BITS = 256
MIN_DISTINCT = 10
MAKE_KEY = "python -c \"import secrets; print(secrets.token_hex(32))\" > pseudonym.key && chmod 600 pseudonym.key"
_FINGERPRINT_INPUT = b"regaudit pseudonym key fingerprint v1"
_HEX = frozenset(string.hexdigits)
_CLASSES = ((frozenset(string.ascii_lowercase), 26), (frozenset(string.ascii_uppercase), 26),
            (frozenset(string.digits), 10), (frozenset(string.punctuation + " "), 33))
_OTHER_CLASS = 128


def key_bits(material: bytes) -> float:
    """How many bits of secret ``material`` carries by the rule in this module's docstring."""
    try:
        text = material.decode("utf-8")
    except UnicodeDecodeError:
        return 8.0 * len(material) if len(set(material)) >= MIN_DISTINCT else 0.0
    if len(set(text)) < MIN_DISTINCT:
        return 0.0
    if text.isascii() and text.isdigit():
        return len(text) * math.log2(10)
    if set(text) <= _HEX:
        return 4.0 * len(text)
    pool = sum(size for members, size in _CLASSES if any(c in members for c in text))
    pool += _OTHER_CLASS if any(not c.isascii() or not c.isprintable() for c in text) else 0
    return len(text) * math.log2(pool)


@functools.lru_cache(maxsize=16)
def _checked(material: bytes, origin: str) -> bytes:
    """``material`` if strong enough, else a RegauditError saying where it came from and the fix.

    Cached: ``pseudonym`` calls it for every subject, and the verdict on one key never changes.
    """
    from audit_lib.errors import RegauditError

    bits = key_bits(material)
    if bits >= MIN_KEY_BITS:
        return material
    what = T_("is empty") if not material else T_("carries about {bits} bits", bits=int(bits))
    raise RegauditError(T_(
        "The pseudonym key from {origin} {what}; at least {minimum} bits are needed (64 hexadecimal digits), or "
        "anyone could find the subject behind every S-… reference by trying ids. Make a key and keep it outside "
        "the reports folder: {make_key}; then pass --key-file pseudonym.key, or set {variable}. (Pseudonyms "
        "change with the key: keep using one key across quarters.)", origin=origin, what=what, minimum=MIN_KEY_BITS,
        make_key=MAKE_KEY, variable=KEY_FILE_ENV))


def require_strong_key(material: bytes, origin: str = T_("the caller")) -> bytes:
    """Return ``material`` if it carries at least MIN_KEY_BITS bits; raise RegauditError otherwise."""
    return _checked(bytes(material), origin)


def pseudonym(subject_id: str | None, key: bytes) -> str | None:
    """Return the keyed pseudonym of ``subject_id`` (None stays None); a weak ``key`` is refused."""
    if subject_id is None or subject_id == "":
        return None
    require_strong_key(key)
    digest = hmac.new(key, str(subject_id).encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest[:LENGTH]


def key_fingerprint(key: bytes) -> str:
    """A short keyed hash of a constant: equal for one key, different for two, and no help in guessing it."""
    return hmac.new(require_strong_key(key), _FINGERPRINT_INPUT, hashlib.sha256).hexdigest()[:LENGTH]


def load_key(key_file: str | os.PathLike | None = None) -> bytes:
    """Read the pseudonym key: ``$REGAUDIT_PSEUDONYM_KEY``, else the key file given or named by
    ``$REGAUDIT_PSEUDONYM_KEY_FILE``. Raises RegauditError saying how to provide one, and for a key
    weaker than MIN_KEY_BITS (see the module docstring for how its text is judged)."""
    from audit_lib.errors import RegauditError

    if os.environ.get(KEY_ENV):
        # Used as set (not stripped), as before: the same variable gives the same pseudonyms.
        return require_strong_key(os.environ[KEY_ENV].encode("utf-8"), f"${KEY_ENV}")
    path = key_file or os.environ.get(KEY_FILE_ENV)
    if path and Path(path).is_file():
        return require_strong_key(Path(path).read_bytes().strip(), T_("the key file {path}", path=path))
    raise RegauditError(T_(
        "No pseudonym key: set {variable}, or pass --key-file / set {file_variable} to a file kept outside the "
        "reports folder (create one with: {make_key}).", variable=KEY_ENV, file_variable=KEY_FILE_ENV,
        make_key=MAKE_KEY))


def ensure_key_file(path: str | os.PathLike) -> Path:
    """Create a random key file at ``path`` (mode 600) unless it exists; return its path."""
    key_path = Path(path)
    if not key_path.exists():
        key_path.parent.mkdir(parents=True, exist_ok=True)
        key_path.write_text(secrets.token_hex(32) + "\n", encoding="utf-8")
        key_path.chmod(0o600)
    return key_path
