"""Fixtures shared by the test modules: one report of the bundled sample for the whole session, and the
audits (AuditResult) the tests of the report's sections read: the bundled sample's, and an incomplete one.

A report takes tens of seconds (the notebook's kernel, nbconvert, Chromium, Ghostscript, GnuPG), so the
tests that read a finished report read this one: tests/test_report_pipeline.py, tests/test_report_signing.py
and tests/test_no_pii.py. A test that needs a report of its own (a second run to compare with, a run that
fails, hostile data) still makes it. Tests only read the shared folder; one that changes files changes a copy.
Every test that uses the report or one of the audits is marked slow here (`make test-fast` leaves it out).
The browser tests (the explore notebook in JupyterLab, the report's print layout) share the system Chromium
driven by Playwright (``page``); without either the test fails, it never skips.
"""

from __future__ import annotations

import shutil
from datetime import datetime
from typing import Iterator

import pytest

from gpgkit import Keyring, throwaway_keyring
from reportkit import PERIOD, PREVIOUS, REPORT_KEY, SAMPLE, SampleReport, incomplete_sample, run_sample, written_folder


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


@pytest.fixture(scope="session")
def sample_audit(tmp_path_factory):
    """The audit of 2026-Q3 of a copy of the bundled sample (complete; one finding accepted), with REPORT_KEY.
    Tests read it; one that needs other data makes a changed copy (``dataclasses.replace``)."""
    from audit_lib.audit import run_audit

    sample = tmp_path_factory.mktemp("sample-audit") / "sample"
    shutil.copytree(SAMPLE, sample)
    return run_audit(None, sample / "exports.yaml", PERIOD, pseudonym_key=REPORT_KEY.encode())


@pytest.fixture(scope="session")
def incomplete_audit(tmp_path_factory):
    """The audit of 2026-Q3 of the bundled sample made incomplete (reportkit.incomplete_sample): an input in
    error, one rejected, one not mapped, one ignored, and the checks that needed the missing one not run."""
    from audit_lib.audit import run_audit

    exports = incomplete_sample(tmp_path_factory.mktemp("incomplete-audit") / "sample")
    return run_audit(None, exports, PERIOD, pseudonym_key=REPORT_KEY.encode())


_SLOW_FIXTURES = {"sample_report", "sample_audit", "incomplete_audit"}


@pytest.fixture
def chromium() -> str:
    """The system Chromium; the test fails (never skips) without it."""
    path = shutil.which("chromium")
    if not path:
        pytest.fail("Chromium is not installed (`chromium` not on PATH): run scripts/install-system-deps.sh")
    return path


@pytest.fixture
def page(chromium: str):
    """A Chromium page driven by Playwright; the browser is closed after."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[browser]' (or run `make`)")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


@pytest.fixture(scope="session")
def spark():
    """One local Spark of two threads for the Spark suites (test_spark_parity.py, test_spark_loader.py): it
    starts once (5-15 s); one shuffle partition, as fits registers of a few thousand rows."""
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("regaudit-tests")
               .config("spark.sql.shuffle.partitions", "1").config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    yield session
    session.stop()


# The session fixtures whose users run on one test worker (pytest-xdist's --dist loadgroup, as the
# Makefile runs the suite), so that each is made once and not once per worker: a report takes tens
# of seconds. Spark's users are grouped by module instead: each module's own fixtures (lake tables,
# the sample loaded into Spark) take a minute or more, and the two modules run on two workers, each
# with a Spark of its own (5-15 s to start), rather than for eight minutes on one.
_GROUPS = {"sample_report": "sample-report", "sample_audit": "sample-audits", "incomplete_audit": "sample-audits",
           "spark": "spark:{module}"}


def pytest_collection_modifyitems(items) -> None:
    """A test that reads the session's report or one of its audits (through any fixture) is slow: it waits
    for the report, or audits a whole sample. A test that uses a session fixture of _GROUPS runs in its group."""
    for item in items:
        fixtures = list(getattr(item, "fixturenames", ()))
        if _SLOW_FIXTURES & set(fixtures):
            item.add_marker(pytest.mark.slow)
        group = next((_GROUPS[name] for name in fixtures if name in _GROUPS), None)
        if group:
            item.add_marker(pytest.mark.xdist_group(group.format(module=item.module.__name__)))
