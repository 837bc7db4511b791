"""A detached OpenPGP signature of manifest.json (manifest.json.asc), made and checked with GnuPG.

The manifest holds the SHA-256 of every other file of the report, so signing it signs the folder.
GnuPG is driven through python-gnupg; the keyring is GnuPG's own ($GNUPGHOME, else ~/.gnupg), so the
key stays where whoever signs keeps it. A key with a passphrase is unlocked by gpg-agent as usual, or
from the file $REGAUDIT_SIGN_PASSPHRASE_FILE names (a file, so the passphrase is in no process list).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from audit_lib.errors import ReportError
from audit_lib.i18n import T_
from audit_lib.outputs import atomic_write_text
from audit_lib.report.programs import find_program
from audit_lib.stale import temp_prefix

SIGNATURE = "manifest.json.asc"
SIGN_KEY_ENV = "REGAUDIT_SIGN_KEY"
PASSPHRASE_FILE_ENV = "REGAUDIT_SIGN_PASSPHRASE_FILE"
GPG_ENV = "REGAUDIT_GPG"


@dataclass(frozen=True)
class Signer:
    """The key that signs: its primary key's fingerprint and its first user id."""

    fingerprint: str
    user_id: str


@dataclass(frozen=True)
class Checked:
    """What checking a signature found: ``valid``, the signer's primary fingerprint, why not."""

    valid: bool
    fingerprint: str | None
    user_id: str | None
    reason: str


def find_gpg() -> str:
    """Path of the gpg program: ``$REGAUDIT_GPG``, else gpg on PATH."""
    return find_program(GPG_ENV, ("gpg",), T_("Signature"), T_("Signature: GnuPG (gpg) was not found. Install it "
                                                               "(sudo apt-get install gnupg) or set {env} to its path.",
                                                               env=GPG_ENV))


def _gnupg(home: str | os.PathLike | None = None):
    """A python-gnupg handle on ``home`` (None: GnuPG's own choice, $GNUPGHOME or ~/.gnupg)."""
    import gnupg

    try:
        return gnupg.GPG(gpgbinary=find_gpg(), gnupghome=os.fspath(home) if home else None)
    except (OSError, ValueError) as exc:  # gpg would not start, or its home folder is unusable
        raise ReportError(T_("Signature: GnuPG could not be started: {error}", error=exc)) from None


def _keyring_name() -> str:
    return os.environ.get("GNUPGHOME") or "~/.gnupg"


def signer(key_id: str, home: str | os.PathLike | None = None) -> Signer:
    """The one secret key ``key_id`` (a fingerprint, key id or user id) names; ReportError when it
    names none, or several (then the fingerprint must be given)."""
    wanted = (key_id or "").strip()
    if not wanted:
        raise ReportError(T_("Signature: the signing key is empty; give its fingerprint (--sign-key or {env}).",
                             env=SIGN_KEY_ENV))
    keys = _gnupg(home).list_keys(secret=True, keys=[wanted])
    if not keys:
        raise ReportError(T_("Signature: no secret key {key!r} in the keyring {keyring}; `gpg --list-secret-keys` "
                             "lists the keys there.", key=wanted, keyring=_keyring_name()))
    if len(keys) > 1:
        listed = ", ".join(k["fingerprint"] for k in keys)
        raise ReportError(T_("Signature: {key!r} names {count} secret keys ({listed}); give one fingerprint.",
                             key=wanted, count=len(keys), listed=listed))
    key = keys[0]
    return Signer(key["fingerprint"], (key.get("uids") or [""])[0])


def _passphrase() -> str | None:
    path = os.environ.get(PASSPHRASE_FILE_ENV)
    if not path:
        return None
    try:
        return Path(path).expanduser().read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise ReportError(T_("Signature: {env}={path!r} cannot be read: {cause}.", env=PASSPHRASE_FILE_ENV, path=path,
                             cause=exc.strerror)) from None


def sign(data: str | os.PathLike, key: Signer, out: str | os.PathLike,
         home: str | os.PathLike | None = None) -> Path:
    """Write an ASCII-armoured detached signature of the file ``data`` by ``key`` to ``out`` (atomically)."""
    gpg = _gnupg(home)
    with open(data, "rb") as handle:
        made = gpg.sign_file(handle, keyid=key.fingerprint, detach=True, passphrase=_passphrase())
    signature = str(made)
    if not made or not signature.startswith("-----BEGIN PGP SIGNATURE-----"):
        # python-gnupg's status ("bad passphrase", "no secret key", ...) or gpg's last words.
        said = (made.stderr or "").strip().splitlines()
        why = made.status or (said[-1] if said else "no signature made")
        raise ReportError(T_("Signature: gpg could not sign {name} with {fingerprint}: {why}. A key with a passphrase "
                             "needs gpg-agent to hold it, or {env}.", name=Path(data).name, fingerprint=key.fingerprint,
                             why=why, env=PASSPHRASE_FILE_ENV))
    return atomic_write_text(out, signature)


@contextlib.contextmanager
def _keyring_of(public_key: str | os.PathLike | None) -> Iterator[str | None]:
    """A temporary GnuPG home holding only the keys of the file ``public_key`` (None: the user's own)."""
    if public_key is None:
        yield None
        return
    path = Path(public_key)
    if not path.is_file():
        raise ReportError(T_("Verify: the public key file {path} does not exist.", path=path))
    with tempfile.TemporaryDirectory(prefix=temp_prefix("gpg")) as home:
        os.chmod(home, 0o700)
        try:
            imported = _gnupg(home).import_keys(path.read_bytes())
            if not imported.fingerprints:
                raise ReportError(T_("Verify: {path} holds no OpenPGP public key.", path=path))
            yield home
        finally:
            # Verifying starts no agent, but importing may: end this home's own, by its folder.
            gpgconf = shutil.which("gpgconf")
            if gpgconf:
                subprocess.run([gpgconf, "--homedir", home, "--kill", "all"], capture_output=True, check=False)


def check(data: str | os.PathLike, signature: str | os.PathLike, *,
          public_key: str | os.PathLike | None = None) -> Checked:
    """Check the detached ``signature`` of ``data`` against the keyring (or only the keys of the file
    ``public_key``). Valid only when every signature in it is good and made by a known key."""
    with _keyring_of(public_key) as home:
        with open(signature, "rb") as handle:
            result = _gnupg(home).verify_file(handle, os.fspath(data))
    fingerprint = result.pubkey_fingerprint or result.fingerprint
    if result.valid and not result.problems:
        return Checked(True, fingerprint, result.username, T_("good signature"))
    reason = result.status or T_("no signature found")  # python-gnupg's own status is English
    if result.status == "no public key":
        reason = (T_("made by key {key}, which is not in the keyring of {file}", key=result.key_id, file=public_key)
                  if public_key else T_("made by key {key}, which is not in the keyring {keyring}", key=result.key_id,
                                        keyring=_keyring_name()))
    return Checked(False, fingerprint, result.username, reason)
