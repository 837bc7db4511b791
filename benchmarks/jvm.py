"""CPU seconds and peak memory of the JVM that PySpark starts (a child process of the benchmark's step)."""

from __future__ import annotations

import threading

import psutil


class JvmMeter:
    """Samples this process's child processes (Spark's JVM) every ``interval`` seconds while in use:
    ``peak_rss_mb`` their largest summed RSS, ``cpu_seconds`` their CPU time at the last sample."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.peak_rss_mb = 0.0
        self.cpu_seconds = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> "JvmMeter":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._measure()  # the JVM still runs: the audit closes its views, not the session
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self._measure()

    def _measure(self) -> None:
        rss, cpu = 0, 0.0
        for child in psutil.Process().children(recursive=True):
            try:
                rss += child.memory_info().rss
                times = child.cpu_times()
                cpu += times.user + times.system
            except psutil.NoSuchProcess:
                continue
        self.peak_rss_mb = max(self.peak_rss_mb, rss / 2**20)
        self.cpu_seconds = max(self.cpu_seconds, cpu)
