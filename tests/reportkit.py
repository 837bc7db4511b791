"""The session's report of the bundled sample (tests/conftest.py's ``sample_report``): what it is and how
it was made, so that a test can make the same run again."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from gpgkit import Keyring

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
PERIOD, PREVIOUS = "2026-Q3", "2026-Q2"
# The shared report's pseudonym key (64 hex digits): tests recompute the sample's references with it.
REPORT_KEY = "0123456789abcdef" * 4
AUDITOR = "Aino Tarkastaja"


@dataclass(frozen=True)
class SampleReport:
    """The bundled sample's 2026-Q3 report (after its 2026-Q2 report, in the same reports folder), made by
    ``regaudit run`` with a PDF, signed with a throwaway key and naming an auditor (given with spaces
    around it) but no approver."""

    root: Path          # the temporary folder: sample/ (the copy the report read), pseudonym.key, reports/
    out: Path           # the reports folder
    folder: Path        # out/2026-Q3, as `regaudit run` reported it
    previous: Path      # out/2026-Q2: no PDF, unsigned; the period the report compares itself with
    keyring: Keyring    # the GnuPG home holding the signing key
    began: datetime     # noted just before `regaudit run` of 2026-Q3 started
    ended: datetime     # noted just after it returned

    @property
    def sample(self) -> Path:
        """The copy of the bundled sample the report read."""
        return self.root / "sample"

    @property
    def key_file(self) -> Path:
        """The pseudonym key file (REPORT_KEY), outside the reports folder."""
        return self.root / "pseudonym.key"

    def manifest(self) -> dict[str, Any]:
        """The 2026-Q3 report's manifest.json, parsed."""
        return json.loads((self.folder / "manifest.json").read_text(encoding="utf-8"))

    def run(self, out: Path, *options: str):
        """``regaudit run`` of 2026-Q3 on the same copy of the sample, with the same key, auditor and
        signing key, into ``out`` (plus ``options``, e.g. ``--no-pdf``): the CliRunner's result."""
        return run_sample(self.root, self.keyring, out, *options)


def incomplete_sample(folder: Path) -> Path:
    """Make ``folder`` a copy of the bundled sample whose audit is incomplete, and return its exports.yaml:
    staff_accounts.csv is missing (an input in error, the access checks not run), every row of
    support_contacts.csv is broken (the file rejected), and the exports folder holds a file no entry reads
    (``notes.csv``) and one listed under ``ignore:`` (``README.txt``)."""
    import shutil

    shutil.copytree(SAMPLE, folder)
    exports = folder / "exports"
    (exports / "staff_accounts.csv").unlink()
    contacts = exports / "support_contacts.csv"
    header, *rows = contacts.read_text(encoding="utf-8").splitlines()
    contacts.write_text("\n".join([header] + [row + ',extra,"open' for row in rows]) + "\n", encoding="utf-8")
    (exports / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (exports / "README.txt").write_text("notes of the export tool\n", encoding="utf-8")
    with (folder / "exports.yaml").open("a", encoding="utf-8") as handle:
        handle.write("\nignore:\n  - file: README.txt\n    reason: the export tool's own notes\n")
    return folder / "exports.yaml"


def run_sample(root: Path, keyring: Keyring, out: Path, *options: str):
    """``regaudit run`` as the shared report was made (see SampleReport.run)."""
    from typer.testing import CliRunner

    from audit_lib.cli import app

    return CliRunner().invoke(app, [
        "run", "--period", PERIOD, "--exports", str(root / "sample" / "exports.yaml"), "--out", str(out),
        "--key-file", str(root / "pseudonym.key"), "--auditor", f"  {AUDITOR} ", "--sign-key", keyring.fingerprint,
        *options,
    ], env={"GNUPGHOME": keyring.home, "REGAUDIT_DEBUG": "", "REGAUDIT_SIGN_KEY": None,
            "REGAUDIT_PSEUDONYM_KEY": None, "REGAUDIT_CSV_DIALECT": None})


def written_folder(result) -> Path:
    """The report folder a successful ``regaudit run`` names ("Report written to ...")."""
    from audit_lib.exit_codes import ExitCode

    assert result.exit_code in (ExitCode.OK, ExitCode.FINDINGS), result.output
    named = re.search(r"^Report written to (\S+)", result.output, flags=re.M)
    assert named, result.output
    return Path(named.group(1))
