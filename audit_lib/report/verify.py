"""``regaudit verify``: is a report folder still byte for byte what regaudit published?

Three seals are checked, each against the files themselves: manifest.json (the SHA-256 and size of
every output), SHA256SUMS (every file, the manifest and its signature included, in sha256sum's
format, and written exactly as regaudit writes it) and, when the report is signed, the detached
signature manifest.json.asc of the manifest, by the key the manifest names. Every problem is
collected, so one run names every file that changed, is missing or is extra.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from audit_lib.errors import RegauditError, VerificationError
from audit_lib.hashing import sha256_file
from audit_lib.i18n import T_
from audit_lib.report import signing, sums
from audit_lib.report.manifest import MANIFEST, SEALS

# The manifest version from which a report folder has SHA256SUMS (report/manifest.py).
SUMS_SINCE = 4


@dataclass
class Verified:
    """What a folder that verified holds: the files checked and the signature's key, if signed."""

    folder: Path
    files: int
    signer: str | None = None
    signer_user_id: str | None = None
    notes: list[str] = field(default_factory=list)  # T_ texts


def _load_manifest(root: Path, problems: list[str]) -> dict | None:
    path = root / MANIFEST
    if not path.is_file():
        problems.append(T_("{file}: missing (a report folder written by `regaudit run` has one)", file=MANIFEST))
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(T_("{file}: not valid JSON any more ({error})", file=MANIFEST, error=exc))
        return None
    outputs = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(outputs, list) or not all(
            isinstance(o, dict) and isinstance(o.get("file"), str) and isinstance(o.get("sha256"), str)
            for o in outputs):
        problems.append(T_("{file}: has no list of outputs with file and sha256", file=MANIFEST))
        return None
    return data


def _check_outputs(root: Path, manifest: dict, digests: dict[str, str], problems: list[str]) -> None:
    """Each output the manifest lists exists with its size and SHA-256; nothing else is there."""
    listed = set()
    for entry in manifest["outputs"]:
        name = entry["file"]
        listed.add(name)
        if name not in digests:
            problems.append(T_("{file}: listed in {manifest} but missing", file=name, manifest=MANIFEST))
        elif digests[name] != entry["sha256"]:
            problems.append(T_("{file}: changed (its SHA-256 differs from {manifest})", file=name, manifest=MANIFEST))
        elif isinstance(entry.get("bytes"), int) and (root / name).stat().st_size != entry["bytes"]:
            problems.append(T_("{file}: changed (its size differs from {manifest})", file=name, manifest=MANIFEST))
    for name in sorted(set(digests) - listed - set(SEALS)):
        problems.append(T_("{file}: extra (in the folder, in no seal of the report)", file=name))


def _check_sums(root: Path, digests: dict[str, str], problems: list[str]) -> None:
    """SHA256SUMS lists every other file with its digest, and is written exactly as regaudit writes it."""
    path = root / sums.SUMS
    if not path.is_file():
        problems.append(T_("{file}: missing", file=sums.SUMS))
        return
    raw = path.read_bytes()
    try:
        entries = sums.parse(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(T_("{file}: not in sha256sum's format ({error})", file=sums.SUMS, error=exc))
        return
    expected = {name: digest for name, digest in digests.items() if name != sums.SUMS}
    found = len(problems)
    for name in sorted(set(entries) | set(expected)):
        if name not in expected:
            problems.append(T_("{file}: lists {name}, which is missing", file=sums.SUMS, name=name))
        elif name not in entries:
            if name not in SEALS:  # an extra output is reported once, by the manifest's check
                continue
            problems.append(T_("{file}: does not list {name}", file=sums.SUMS, name=name))
        elif entries[name] != expected[name]:
            problems.append(T_("{file}: the SHA-256 of {name} differs from the file's", file=sums.SUMS, name=name))
    if len(problems) == found and raw != sums.render(entries).encode("utf-8"):
        problems.append(T_("{file}: changed (the same entries, written otherwise than regaudit wrote them)",
                           file=sums.SUMS))


def _check_signature(root: Path, manifest: dict, public_key: str | os.PathLike | None, required: bool,
                     problems: list[str], verified: Verified) -> None:
    """The signature the manifest announces (or that lies beside it) is good, by the key it names."""
    announced = manifest.get("signature") if isinstance(manifest.get("signature"), dict) else None
    path = root / signing.SIGNATURE
    if not path.is_file():
        if announced:
            problems.append(T_("{file}: missing ({manifest} says the report was signed by {fingerprint})",
                               file=signing.SIGNATURE, manifest=MANIFEST, fingerprint=announced.get("key_fingerprint")))
        elif required:
            problems.append(T_("{file}: missing (the report is not signed, and --require-signature was given)",
                               file=signing.SIGNATURE))
        else:
            verified.notes.append(T_("not signed: the hashes show the folder is intact, not who made it"))
        return
    try:
        checked = signing.check(root / MANIFEST, path, public_key=public_key)
    except RegauditError as exc:  # gpg is missing, the key file is not one: no verdict on the folder
        raise RegauditError(T_("Verify: the signature {path} could not be checked: {error}", path=path,
                               error=exc)) from None
    if not checked.valid:
        problems.append(T_("{file}: the signature of {manifest} does not verify ({reason})", file=signing.SIGNATURE,
                           manifest=MANIFEST, reason=checked.reason))
        return
    expected = announced.get("key_fingerprint") if announced else None
    if expected and checked.fingerprint != expected:
        problems.append(T_("{file}: a good signature, but by the key {fingerprint}, not by {expected}, which "
                           "{manifest} names", file=signing.SIGNATURE, fingerprint=checked.fingerprint,
                           expected=expected, manifest=MANIFEST))
        return
    if not announced:
        problems.append(T_("{file}: {manifest} names no signing key; the signature was added after the report was "
                           "published", file=signing.SIGNATURE, manifest=MANIFEST))
        return
    verified.signer, verified.signer_user_id = checked.fingerprint, checked.user_id


def verify_folder(folder: str | os.PathLike, *, public_key: str | os.PathLike | None = None,
                  require_signature: bool = False) -> Verified:
    """Check every seal of the report ``folder``; return what verified, or raise VerificationError
    naming every file that changed, is missing or extra, and a signature that fails.

    ``public_key`` (a file of OpenPGP public keys) checks the signature against those keys only; by
    default GnuPG's keyring ($GNUPGHOME or ~/.gnupg) is used. ``require_signature`` makes an
    unsigned report fail. A folder that does not exist, or a gpg that cannot run, is a RegauditError
    (exit code 4): no verdict either way.
    """
    root = Path(folder)
    if not root.is_dir():
        raise RegauditError(T_("Verify: {folder} is not a folder; name a report folder (reports/<period>/).",
                               folder=root))
    problems: list[str] = []
    manifest = _load_manifest(root, problems)
    digests = {name: sha256_file(root / name) for name in sums.folder_files(root)}
    verified = Verified(root, len(digests))
    if manifest is not None:
        _check_outputs(root, manifest, digests, problems)
    if manifest is not None and manifest.get("manifest_version", 0) < SUMS_SINCE and not (root / sums.SUMS).exists():
        verified.notes.append(T_("no {file}: the report was made before regaudit wrote one; checked against "
                                 "{manifest} alone", file=sums.SUMS, manifest=MANIFEST))
    else:
        _check_sums(root, digests, problems)
    if manifest is not None:
        _check_signature(root, manifest, public_key, require_signature, problems, verified)
    if problems:
        raise VerificationError(root, problems)
    return verified
