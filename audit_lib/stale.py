"""Leftovers of killed regaudit processes: working folders named by their creator, and their removal.

A run that is killed (SIGKILL, a power cut) cannot clean up: DuckDB's spill folder (gigabytes), the
report's staging folder, Chromium's profile and the progress file stay behind. So every such name
carries its creator, ``<pid>-<host>``, and at start-up regaudit removes the ones whose creator is
gone: the host is this one, no process has that pid (or the one that has it started after the
folder was made, so the pid was reused), and the folder has not changed for ``STALE_AFTER_S``.
A folder of a live process is never removed, nor one made on another host (a shared reports
folder), nor one that belongs to another user.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

# A dead creator's folder is left alone this long after its last change: enough to be sure that
# nothing is still writing it (a process in another pid namespace on the same host name, say).
STALE_AFTER_S = 120
# A live process with the creator's pid is taken for a reuse of that pid only when it started this
# much later than the folder last changed: /proc's start times are only as exact as the boot time.
PID_REUSE_MARGIN_S = 60
# Names regaudit gives its working folders and files: regaudit-<kind>-<tag>-… in the temporary
# folder (kind: spill, chromium, progress, …) and .<name>.tmp-<tag>-… / .<name>.old-<tag>-… in a
# reports folder; <tag> is <pid>-<host>.
_OWNED = re.compile(r"(?:regaudit-[a-z]+-|\..+\.(?:tmp|old)-)(?P<pid>[0-9]+)-(?P<host>[A-Za-z0-9]+)-.*",
                    re.ASCII | re.DOTALL)


def host_tag() -> str:
    """This host's name reduced to letters and digits (it is part of folder names)."""
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:32] or "localhost"


def owner_tag() -> str:
    """``<pid>-<host>`` of this process, for the names of the folders it works in."""
    return f"{os.getpid()}-{host_tag()}"


def temp_prefix(kind: str) -> str:
    """The prefix of a temporary folder or file of this process: ``regaudit-<kind>-<pid>-<host>-``."""
    return f"regaudit-{kind}-{owner_tag()}-"


def temp_path(kind: str, suffix: str) -> str:
    """A fresh path in the system's temporary folder named ``regaudit-<kind>-<pid>-<host>-<suffix>``."""
    return os.path.join(tempfile.gettempdir(), temp_prefix(kind) + suffix)


@dataclass(frozen=True)
class Removed:
    """A leftover that was removed, and how many bytes it held."""

    path: Path
    size: int


def sweep(folders: Iterable[str | os.PathLike], *, stale_after_s: float = STALE_AFTER_S) -> list[Removed]:
    """Remove the leftovers of dead regaudit processes in ``folders`` (not recursively); return them.

    Never raises: a folder that cannot be listed or removed is left as it is.
    """
    removed: list[Removed] = []
    now = time.time()
    host = host_tag()
    for folder in dict.fromkeys(Path(f) for f in folders):
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            match = _OWNED.fullmatch(entry.name)
            if match is None or match["host"] != host:
                continue
            try:
                if not _is_stale(entry, int(match["pid"]), now, stale_after_s):
                    continue
                size = _size(entry)
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError:
                continue
            removed.append(Removed(entry, size))
    return removed


def sweep_temp_and(*folders: str | os.PathLike | None) -> list[Removed]:
    """``sweep`` the system's temporary folder and ``folders`` (None ignored)."""
    return sweep([tempfile.gettempdir(), *(f for f in folders if f is not None)])


def summary(removed: list[Removed], shown: int = 3) -> str | None:
    """One line naming what ``sweep`` removed and how much (a ``T_`` text), or None when it removed nothing."""
    from audit_lib.i18n import T_, Tn_

    if not removed:
        return None
    names = ", ".join(str(r.path) for r in removed[:shown])
    more = T_(" and {count} more", count=len(removed) - shown) if len(removed) > shown else ""
    count = len(removed)
    return Tn_("regaudit: removed {count} leftover of killed regaudit runs ({size}): {names}{more}",
               "regaudit: removed {count} leftovers of killed regaudit runs ({size}): {names}{more}", count,
               count=count, size=human_size(sum(r.size for r in removed)), names=names, more=more)


def human_size(size: int) -> str:
    """``size`` bytes as 512 B, 3.4 MB, 6.1 GB."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    raise AssertionError("unreachable")


def _is_stale(entry: Path, pid: int, now: float, stale_after_s: float) -> bool:
    """True when ``entry`` is ours, untouched for ``stale_after_s`` and its creator ``pid`` is gone."""
    info = entry.lstat()
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        return False  # another user's: not ours to judge (and /tmp's sticky bit forbids it anyway)
    if now - _last_change(entry, info.st_mtime) < stale_after_s:
        return False
    started = _process_start(pid)
    if started is None:
        return True  # no such process
    # The pid is taken. By its creator, unless that process started after the folder existed (the
    # pid was reused): st_ctime cannot be set back by anyone, so it bounds the folder's age.
    return started > info.st_ctime + PID_REUSE_MARGIN_S


def _last_change(entry: Path, mtime: float) -> float:
    """The latest modification time of ``entry`` and its direct contents (a spill file grows inside)."""
    latest = mtime
    if entry.is_dir() and not entry.is_symlink():
        for child in os.scandir(entry):
            try:
                latest = max(latest, child.stat(follow_symlinks=False).st_mtime)
            except OSError:
                continue
    return latest


def _process_start(pid: int) -> float | None:
    """When process ``pid`` started (epoch seconds; 0.0 if unknown), or None if there is no such
    process. A zombie counts as gone: it holds no folder open and will never write again."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # it exists, owned by someone else
    except OSError:
        return 0.0
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot = next(float(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
    except (OSError, StopIteration, ValueError):
        return 0.0  # no /proc (macOS): a live pid is taken as the creator
    fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) ": state is field 3, starttime 22
    if fields[0] == "Z":
        return None
    return boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _size(entry: Path) -> int:
    """Bytes in ``entry`` (a file, or a folder and everything under it), not following links."""
    if not entry.is_dir() or entry.is_symlink():
        return entry.lstat().st_size
    total = 0
    for root, _dirs, files in os.walk(entry):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total
