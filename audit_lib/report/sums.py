"""SHA256SUMS: every file of a report folder, in the format of GNU coreutils' ``sha256sum``.

So that anyone can check a report with the tools of any Linux or macOS machine, without regaudit:
``cd REPORT_DIR && sha256sum -c SHA256SUMS`` (``shasum -a 256 -c SHA256SUMS`` on macOS). Each line is
the hexadecimal digest, a space, the mode character (a space: text mode, sha256sum's default; ``*``:
binary mode, the same bytes on POSIX systems) and the file's path relative to the folder. A path
holding a backslash is written as sha256sum writes it: the line starts with a backslash, and the
path's backslashes are doubled.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from audit_lib.hashing import sha256_file
from audit_lib.outputs import atomic_write_text

SUMS = "SHA256SUMS"
_LINE = re.compile(r"(\\?)([0-9a-f]{64}) ([ *])(.+)")


def _escape(name: str) -> tuple[str, str]:
    """The line prefix and the path as sha256sum writes them (``\\`` and doubled backslashes)."""
    if "\\" in name:
        return "\\", name.replace("\\", "\\\\")
    return "", name


def _unescape(name: str, line: int) -> str:
    out, chars = [], iter(name)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        if following == "\\":
            out.append("\\")
        elif following == "n":
            out.append("\n")
        else:
            raise ValueError(f"line {line}: the escape \\{following} is not one sha256sum writes")
    return "".join(out)


def render(entries: dict[str, str]) -> str:
    """The text of SHA256SUMS for ``entries`` (relative POSIX path -> SHA-256), sorted by path."""
    lines = []
    for name in sorted(entries):
        if any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
            # sha256sum would escape a line break; a report folder never holds such a name.
            raise ValueError(f"{name!r}: a file name with a control character cannot be listed in {SUMS}")
        prefix, written = _escape(name)
        lines.append(f"{prefix}{entries[name]}  {written}\n")
    return "".join(lines)


def parse(text: str) -> dict[str, str]:
    """The entries of a SHA256SUMS text (path -> digest); ValueError naming the line of a malformed
    one, a path listed twice, or a path that leaves the folder."""
    entries: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if line == "" and number == text.count("\n") + 1:
            break  # after the last line end
        match = _LINE.fullmatch(line)
        if match is None:
            raise ValueError(f"line {number} is not `<64 lower-case hex digits>  <file>`")
        escaped, digest, _mode, name = match.groups()
        name = _unescape(name, number) if escaped else name
        parts = name.split("/")
        if name.startswith("/") or ".." in parts or "" in parts:
            raise ValueError(f"line {number}: {name!r} is not a path inside the report folder")
        if name in entries:
            raise ValueError(f"line {number}: {name} is listed twice")
        entries[name] = digest
    return entries


def folder_files(folder: str | os.PathLike) -> list[str]:
    """Every file under ``folder`` (hidden ones too), as relative POSIX paths, sorted."""
    root = Path(folder)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def write_sums(folder: str | os.PathLike) -> Path:
    """Write ``folder/SHA256SUMS`` listing every other file of the folder, atomically."""
    root = Path(folder)
    entries = {name: sha256_file(root / name) for name in folder_files(root) if name != SUMS}
    return atomic_write_text(root / SUMS, render(entries))
