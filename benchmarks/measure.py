"""Measuring one benchmark step in a fresh interpreter: wall seconds and peak resident memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def peak_rss_mb() -> float:
    """Peak resident set size of this process (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(script: str, *arguments: str, memory_cap_mb: int | None = None) -> dict:
    """Run ``script --child ARGUMENTS`` in a fresh interpreter; its last output line is a JSON dict.

    A child that fails (for example killed by the kernel's OOM killer, or stopped by
    ``memory_cap_mb``, an address-space limit) is a result too: ``{"failed": reason, "seconds": …,
    "peak_rss_mb": …}`` with the peak resident memory it reached (polled from /proc while it ran).
    """
    import resource
    import threading
    import time

    def limit() -> None:
        if memory_cap_mb:
            cap = memory_cap_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, script, "--child", *arguments], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, preexec_fn=limit if memory_cap_mb else None)
    peak = [0.0]

    def poll() -> None:
        status = Path(f"/proc/{child.pid}/status")
        while child.poll() is None:
            try:
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)
            except OSError:
                return
            time.sleep(0.5)

    watcher = threading.Thread(target=poll, daemon=True)
    watcher.start()
    stdout, stderr = child.communicate()
    watcher.join(timeout=1)
    if child.returncode != 0:
        last = (stderr.strip().splitlines() or [f"exit status {child.returncode}"])[-1]
        reason = "killed (out of memory?)" if child.returncode < 0 else last[-200:]
        return {"failed": reason, "seconds": time.perf_counter() - started, "peak_rss_mb": peak[0], "findings": None}
    return json.loads(stdout.strip().splitlines()[-1])
