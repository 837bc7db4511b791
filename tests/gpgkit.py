"""Throwaway OpenPGP keys for the signing tests: a GnuPG home in a temporary folder, removed after."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class Keyring:
    """A temporary GnuPG home and the fingerprint of the signing key made in it."""

    home: str
    fingerprint: str
    user_id: str

    def export_public(self, path: str | os.PathLike) -> str:
        """Write the key's public half (ASCII-armoured) to ``path``; return the path."""
        import gnupg

        armored = gnupg.GPG(gnupghome=self.home).export_keys(self.fingerprint)
        assert armored.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), armored
        with open(path, "w", encoding="ascii") as handle:
            handle.write(armored)
        return os.fspath(path)


@contextlib.contextmanager
def throwaway_keyring(name: str = "Report Lead", email: str = "lead@example.invalid",
                      passphrase: str | None = None) -> Iterator[Keyring]:
    """A new GnuPG home holding one Ed25519 signing key (protected by ``passphrase``, if given); gone afterwards.

    The folder is made directly under the system's temporary folder: gpg-agent's socket lives in it,
    and a socket path may not be longer than about 100 bytes (pytest's own folders can be).
    """
    import gnupg

    home = tempfile.mkdtemp(prefix="rg-gpg-")
    os.chmod(home, 0o700)
    try:
        gpg = gnupg.GPG(gnupghome=home)
        made = gpg.gen_key(gpg.gen_key_input(key_type="EDDSA", key_curve="ed25519", key_usage="sign",
                                             name_real=name, name_email=email, expire_date=0,
                                             **({"passphrase": passphrase} if passphrase else {"no_protection": True})))
        assert made.fingerprint, made.stderr
        yield Keyring(home, made.fingerprint, f"{name} <{email}>")
    finally:
        # The agent gpg started for this home, ended by the home's own control socket.
        subprocess.run(["gpgconf", "--homedir", home, "--kill", "all"], capture_output=True, check=False)
        shutil.rmtree(home, ignore_errors=True)
