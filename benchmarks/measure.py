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


def in_child(script: str, *arguments: str) -> dict:
    """Run ``script --child ARGUMENTS`` in a fresh interpreter; its last output line is a JSON dict."""
    completed = subprocess.run([sys.executable, script, "--child", *arguments], capture_output=True, text=True)
    if completed.returncode != 0:
        raise RuntimeError(f"child {arguments} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
