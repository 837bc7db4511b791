"""SHA-256 of input and output files, computed on a spare thread while DuckDB reads the same files."""

from __future__ import annotations

import hashlib
import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file's bytes (streamed: exports can be large)."""
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class BackgroundHashes:
    """Hashes files on one background thread (hashlib and file reads release the GIL), so hashing an
    export overlaps with loading it; ``sha256`` waits for a file's digest. Use as a context manager."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="regaudit-sha256")
        self._digests: dict[Path, Future[str]] = {}

    def submit(self, paths: list[Path]) -> None:
        """Start hashing ``paths`` (in order) unless already started."""
        for path in paths:
            if path not in self._digests:
                self._digests[path] = self._pool.submit(sha256_file, path)

    def sha256(self, path: Path) -> str:
        """The digest of ``path`` (hashing it now if it was not submitted)."""
        self.submit([path])
        return self._digests[path].result()

    def __enter__(self) -> "BackgroundHashes":
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
