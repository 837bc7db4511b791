"""A report that dates and signs itself, end to end: one signed report of the sample, made through
`regaudit run`, then checked from the outside (sha256sum, pdfinfo, pdffonts, pdftotext) and with
`regaudit verify`, before and after one byte of each of its files changes.

The report is the session's (tests/conftest.py: it takes tens of seconds); each test that changes files
does so on its own copy of the folder.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.exit_codes import ExitCode
from audit_lib.report import manifest as manifest_module, signing, sums
from audit_lib.report.times import zoned_iso
from gpgkit import throwaway_keyring
from reportkit import AUDITOR

pytestmark = pytest.mark.slow

ZONE = "Europe/Helsinki"
# ISO 8601 with the offset, then the zone's name (RFC 9557's suffix).
ZONED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d\[Europe/Helsinki\]")


@pytest.fixture(scope="module")
def keyring(sample_report):
    """The throwaway key the session's report is signed with."""
    return sample_report.keyring


@pytest.fixture(scope="module")
def signed(sample_report) -> dict:
    """The session's 2026-Q3 report of the sample: `regaudit run` signed with the throwaway key, naming an
    auditor (with spaces around the name) and no approver."""
    return {"folder": sample_report.folder, "root": sample_report.root, "began": sample_report.began,
            "ended": sample_report.ended, "manifest": sample_report.manifest()}


def _verify(folder: Path, *args: str, home: str | None = None):
    return CliRunner().invoke(app, ["verify", str(folder), *args], env={"GNUPGHOME": home, "REGAUDIT_DEBUG": ""})


def _pdftotext(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def _pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))


def test_the_folder_carries_its_seals(signed, keyring):
    folder, data = signed["folder"], signed["manifest"]
    present = {p.name for p in folder.iterdir()}
    assert {"manifest.json", "SHA256SUMS", "manifest.json.asc", "report.pdf", "report.html"} <= present
    assert data["manifest_version"] == manifest_module.MANIFEST_VERSION >= 4
    assert data["signature"] == {"file": "manifest.json.asc", "key_fingerprint": keyring.fingerprint,
                                 "user_id": keyring.user_id}
    assert data["time_zone"] == ZONE
    # The auditor as given, trimmed; the approver absent; the start is recorded once, as started_at.
    assert data["parameters"]["auditor"] == AUDITOR and data["parameters"]["approver"] is None
    assert data["parameters"]["signing_key"] == keyring.fingerprint
    assert "started_at" not in data["parameters"]
    # The manifest lists every output but its seals; SHA256SUMS lists every file but itself.
    assert {o["file"] for o in data["outputs"]} == present - {"manifest.json", "SHA256SUMS", "manifest.json.asc"}
    listed = sums.parse((folder / "SHA256SUMS").read_text(encoding="utf-8"))
    assert set(listed) == present - {"SHA256SUMS"}


def test_sha256sum_checks_the_folder(signed, tmp_path):
    folder = signed["folder"]
    done = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    checked = {line.rsplit(": ", 1)[0] for line in done.stdout.splitlines() if line.endswith(": OK")}
    assert checked == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
    # The same tool notices one changed byte.
    copy = shutil.copytree(folder, tmp_path / "copy")
    path = copy / "findings.csv"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    done = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True, text=True)
    assert done.returncode == 1 and "findings.csv: FAILED" in done.stdout


def test_verify_passes_on_the_fresh_report(signed, keyring, tmp_path):
    result = _verify(signed["folder"], home=keyring.home)
    assert result.exit_code == ExitCode.OK, result.output
    assert f"signature: good, by {keyring.fingerprint}" in result.output
    assert "all" in result.output and "match manifest.json and SHA256SUMS" in result.output
    # With only the lead's exported public key, and a keyring that holds nothing.
    public = keyring.export_public(tmp_path / "lead.asc")
    empty = tmp_path / "empty-gnupg"
    empty.mkdir(mode=0o700)
    result = _verify(signed["folder"], "--public-key", public, "--require-signature", home=str(empty))
    assert result.exit_code == ExitCode.OK, result.output


def test_verify_fails_after_one_byte_of_any_file_changes(signed, keyring, tmp_path):
    copy = shutil.copytree(signed["folder"], tmp_path / "copy")
    names = sums.folder_files(copy)
    assert len(names) >= 12 and "SHA256SUMS" in names and "manifest.json.asc" in names
    for name in names:
        path = copy / name
        original = path.read_bytes()
        changed = bytearray(original)
        changed[len(changed) // 2] ^= 0x01
        path.write_bytes(bytes(changed))
        try:
            result = _verify(copy, home=keyring.home)
        finally:
            path.write_bytes(original)
        assert result.exit_code == ExitCode.VERIFY_FAILED == 6, (name, result.output)
        assert name in result.output and "does not verify" in result.output, (name, result.output)
        assert "Traceback" not in result.output
    assert _verify(copy, home=keyring.home).exit_code == ExitCode.OK  # every byte put back


def test_verify_names_a_missing_and_an_extra_file(signed, keyring, tmp_path):
    copy = shutil.copytree(signed["folder"], tmp_path / "copy")
    (copy / "changes.csv").unlink(missing_ok=True)
    (copy / "audit.json").unlink()
    (copy / "notes.txt").write_text("added later\n", encoding="utf-8")
    result = _verify(copy, home=keyring.home)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    assert "audit.json: listed in manifest.json but missing" in result.output
    assert "notes.txt: extra" in result.output
    assert "SHA256SUMS: lists audit.json, which is missing" in result.output


def test_a_consistently_rewritten_folder_fails_on_its_signature(signed, keyring, tmp_path):
    """Whoever changes a finding and rewrites the manifest and SHA256SUMS to match cannot sign again."""
    copy = shutil.copytree(signed["folder"], tmp_path / "copy")
    findings = copy / "findings.csv"
    findings.write_bytes(findings.read_bytes().replace(b'"high"', b'"low"', 1))
    assert findings.read_bytes() != (signed["folder"] / "findings.csv").read_bytes()
    data = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    for entry in data["outputs"]:
        if entry["file"] == "findings.csv":
            entry["sha256"], entry["bytes"] = manifest_module.sha256_file(findings), findings.stat().st_size
    (copy / "manifest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    sums.write_sums(copy)
    assert subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=copy, capture_output=True).returncode == 0
    result = _verify(copy, home=keyring.home)
    assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
    problems = [line.strip() for line in result.output.splitlines() if line.startswith("  ")]
    assert problems == ["manifest.json.asc: the signature of manifest.json does not verify (signature bad)"], \
        result.output


def test_a_signature_by_another_key_fails(signed, keyring, tmp_path):
    copy = shutil.copytree(signed["folder"], tmp_path / "copy")
    with throwaway_keyring("Someone Else", "else@example.invalid") as other:
        forged = signing.signer(other.fingerprint, home=other.home)
        signing.sign(copy / "manifest.json", forged, copy / "manifest.json.asc", home=other.home)
        sums.write_sums(copy)
        # Unknown to the lead's keyring ...
        result = _verify(copy, home=keyring.home)
        assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
        assert "manifest.json.asc: the signature of manifest.json does not verify" in result.output
        assert "not in the keyring" in result.output
        # ... and a good signature by a key the verifier knows, but not the one the manifest names.
        both = tmp_path / "both.asc"
        both.write_text(Path(keyring.export_public(tmp_path / "a.asc")).read_text()
                        + Path(other.export_public(tmp_path / "b.asc")).read_text())
        result = _verify(copy, "--public-key", str(both), home=keyring.home)
        assert result.exit_code == ExitCode.VERIFY_FAILED, result.output
        assert f"by the key {other.fingerprint}, not by {keyring.fingerprint}" in result.output
    # The genuine signature, checked against another key only, does not verify either.
    with throwaway_keyring("Third Party", "third@example.invalid") as third:
        result = _verify(signed["folder"], "--public-key", third.export_public(tmp_path / "c.asc"),
                         home=keyring.home)
    assert result.exit_code == ExitCode.VERIFY_FAILED and "not in the keyring of" in result.output


def test_a_removed_signature_is_noticed(signed, keyring, tmp_path):
    copy = shutil.copytree(signed["folder"], tmp_path / "copy")
    (copy / "manifest.json.asc").unlink()
    sums.write_sums(copy)
    result = _verify(copy, home=keyring.home)
    assert result.exit_code == ExitCode.VERIFY_FAILED
    assert "manifest.json.asc: missing (manifest.json says the report was signed by" in result.output


def test_cover_and_every_footer_carry_the_start_with_its_zone(signed, keyring):
    folder, data = signed["folder"], signed["manifest"]
    started = datetime.fromisoformat(data["started_at"])
    # Recorded to the second, when the run began: not before the fixture noted the time (give or take that
    # second), and before the run finished, which a start recorded at the end would not be.
    finished = datetime.fromisoformat(data["finished_at"])
    assert (started - signed["began"]).total_seconds() >= -1
    assert started < finished and (finished - signed["ended"]).total_seconds() <= 1
    shown = zoned_iso(started, ZONE)
    assert ZONED.fullmatch(shown)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert f"<tr><th>Run started</th><td>{shown}</td></tr>" in html
    assert f"<tr><th>Auditor</th><td>{AUDITOR}</td></tr>" in html
    assert "<tr><th>Approver</th><td>not named</td></tr>" in html
    assert f"OpenPGP signature of manifest.json by the key {keyring.fingerprint}" in html
    pdf = folder / "report.pdf"
    cover = _pdftotext(pdf, 1)
    assert "Run started" in cover and "Auditor" in cover and AUDITOR in cover and "not named" in cover
    pages = _pages(pdf)
    assert pages > 1
    for page in range(1, pages + 1):
        text = _pdftotext(pdf, page)
        assert f"started {shown}" in text, f"page {page}: no start in the footer"
        assert re.search(rf"Page {page} / {pages}\b", text), f"page {page}: no page number"


def test_event_times_carry_their_zone(signed):
    html = (signed["folder"] / "report.html").read_text(encoding="utf-8")
    breakable = ZONE.replace("/", "/\u200b")  # the heading may break after the zone's "/"
    assert f"<th>Event time ({breakable})</th>" in html
    zoned_cells = re.findall(r"<td>(\d{4}-\d\d-\d\d \d\d:\d\d) ([+-]\d\d:\d\d(?:/[+-]\d\d:\d\d)?)</td>", html)
    assert zoned_cells, "no event time with its offset in the report"
    # Summer time in the third quarter, Helsinki: three hours ahead of UTC.
    assert {offset for day, offset in zoned_cells if "-07-" in day or "-08-" in day} == {"+03:00"}
    assert not re.search(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", html), "an event time without its zone"


def test_pdf_is_archived_as_pdfa_2b(signed):
    pdf = signed["folder"] / "report.pdf"
    meta = subprocess.run(["pdfinfo", "-meta", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"pdfaid:part(?:='2'|=\"2\"|>2<)", meta), meta
    assert re.search(r"pdfaid:conformance(?:='B'|=\"B\"|>B<)", meta), meta
    assert "Register audit report 2026-Q3" in meta and AUDITOR in meta  # dc:title, dc:creator
    raw = pdf.read_bytes()
    # The output intent with its ICC profile (GTS_PDFA1 is the subtype of every PDF/A output intent).
    assert b"/OutputIntents" in raw and b"/GTS_PDFA1" in raw and b"/DestOutputProfile" in raw
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Author:\s+Aino Tarkastaja$", info, flags=re.M), info
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts, "no fonts: the text would not be text"
    for line in fonts:
        # Columns: name, type (may hold a blank), encoding, emb, sub, uni, object id, generation.
        emb, sub, uni = line.split()[-5:-2]
        assert emb == "yes" and uni == "yes", line
    text = _pdftotext(pdf)
    assert "Register audit report" in text and "Scope and inputs" in text and "Appendix: manifest" in text
    # Letter for letter: dashes stay dashes, "fi" stays two letters (no ligature read back as one).
    cover = _pdftotext(pdf, 1)
    assert "2026-07-01 – 2026-10-01" in cover and "open findings" in cover, cover
    assert "\ufb01" not in text and "\ufb02" not in text and "Every file the audit read" in text
    assert "—" in text  # the em dash of the Art. 30 record's "— not listed"
