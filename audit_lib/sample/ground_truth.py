"""Which checks the end-to-end ground truth holds to a planted violation: those in a bundled sample's
``expected_findings.csv`` (tests/test_end_to_end.py audits each sample and compares)."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from audit_lib.resources import DATA_SAMPLES


def ground_truth_files(samples: Path = DATA_SAMPLES) -> list[Path]:
    """The ``expected_findings.csv`` of every bundled sample, in name order."""
    return sorted(samples.glob("*/expected_findings.csv"))


@lru_cache(maxsize=None)
def ground_truth_checks(samples: Path = DATA_SAMPLES) -> frozenset[str]:
    """Ids of the checks that some bundled sample plants a violation of (a check without one is allowed,
    and the report says that the end-to-end ground truth does not cover it)."""
    ids: set[str] = set()
    for path in ground_truth_files(samples):
        with path.open(encoding="utf-8", newline="") as handle:
            ids.update(row["check_id"] for row in csv.DictReader(handle))
    return frozenset(ids)
