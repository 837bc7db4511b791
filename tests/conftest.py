"""Fixtures shared by the test modules: one report of the bundled sample for the whole session.

A report takes tens of seconds (the notebook's kernel, nbconvert, Chromium, Ghostscript, GnuPG), so the
tests that read a finished report read this one: tests/test_report_pipeline.py, tests/test_report_signing.py
and tests/test_no_pii.py. A test that needs a report of its own (a second run to compare with, a run that
fails, hostile data) still makes it. Tests only read the shared folder; one that changes files changes a copy.
Every test that uses the report is marked slow here (`make test-fast` leaves it out).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from typing import Iterator

import pytest

from gpgkit import Keyring, throwaway_keyring
from reportkit import PREVIOUS, REPORT_KEY, SAMPLE, SampleReport, run_sample, written_folder


@pytest.fixture(scope="session")
def report_keyring() -> Iterator[Keyring]:
    """A throwaway GnuPG key for the session's signed report."""
    with throwaway_keyring() as keys:
        yield keys


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory, report_keyring) -> SampleReport:
    """The session's one report of the bundled sample (see SampleReport)."""
    from audit_lib.report import pipeline

    root = tmp_path_factory.mktemp("sample-report")
    shutil.copytree(SAMPLE, root / "sample")
    (root / "pseudonym.key").write_text(REPORT_KEY + "\n", encoding="utf-8")
    out = root / "reports"
    previous = pipeline.run_report(root / "sample" / "register.yaml", root / "sample" / "exports.yaml", PREVIOUS,
                                   out, pseudonym_key_file=root / "pseudonym.key", pdf=False)
    began = datetime.now().astimezone()
    result = run_sample(root, report_keyring, out)
    ended = datetime.now().astimezone()
    return SampleReport(root=root, out=out, folder=written_folder(result), previous=previous,
                        keyring=report_keyring, began=began, ended=ended)


def pytest_collection_modifyitems(items) -> None:
    """A test that reads the session's report (through any fixture) is slow: it waits for the report."""
    for item in items:
        if "sample_report" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
