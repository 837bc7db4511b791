"""The parts of a report that date and seal it, on small inputs: zoned times, the cover's names,
SHA256SUMS against the real sha256sum, the signature with a throwaway GnuPG key, `regaudit verify`
on a folder made here, and the PDF/A step's errors. The whole report is tests/test_report_signing.py.
"""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.errors import RegauditError, ReportError, VerificationError
from audit_lib.exit_codes import ExitCode
from audit_lib.periods import parse_period
from audit_lib.report import manifest, pdfa, pipeline, sections, signing, sums
from audit_lib.report.people import MAX_LENGTH, person
from audit_lib.report.times import event_time, parse_instant, zone_of, zoned_iso
from audit_lib.report.verify import verify_folder
from gpgkit import throwaway_keyring

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
HELSINKI = "Europe/Helsinki"


# --- times ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("instant, zone, shown", [
    (datetime(2026, 11, 25, 12, 19, tzinfo=timezone.utc), HELSINKI, "2026-11-25T14:19:00+02:00[Europe/Helsinki]"),
    (datetime(2026, 7, 25, 12, 19, 5, 999, tzinfo=timezone.utc), HELSINKI, "2026-07-25T15:19:05+03:00[Europe/Helsinki]"),
    (datetime(2026, 7, 25, 12, 19), "UTC", "2026-07-25T12:19:00+00:00[UTC]"),  # naive: UTC
    (datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("America/St_Johns")), "America/St_Johns",
     "2026-03-01T09:00:00-03:30[America/St_Johns]"),
])
def test_zoned_iso_has_offset_and_zone_name(instant, zone, shown):
    assert zoned_iso(instant, zone) == shown
    assert parse_instant(shown) == instant.replace(microsecond=0, tzinfo=instant.tzinfo or timezone.utc)


def test_parse_instant_refuses_a_time_without_offset():
    with pytest.raises(ValueError, match="no UTC offset"):
        parse_instant("2026-07-25T12:19:00")
    with pytest.raises(ValueError):
        parse_instant("yesterday")
    assert parse_instant(None).tzinfo is not None  # now


@pytest.mark.parametrize("value, shown", [
    ("2026-08-01 10:00", "2026-08-01 10:00 +03:00"),
    ("2026-12-01 10:00:59", "2026-12-01 10:00 +02:00"),
    # The hour the clock shows twice when summer time ends: both offsets, not a guess.
    ("2026-10-25 03:30", "2026-10-25 03:30 +03:00/+02:00"),
    (datetime(2026, 8, 1, 7, 0, tzinfo=timezone.utc), "2026-08-01 10:00 +03:00"),
    ("2026-08-01", "2026-08-01"),
    (None, ""),
    (float("nan"), ""),
])
def test_event_time_carries_its_offset(value, shown):
    assert event_time(value, HELSINKI) == shown


def test_zone_of_reads_the_register_then_the_period():
    declared = SimpleNamespace(register=SimpleNamespace(controller=SimpleNamespace(timezone="Europe/Stockholm")),
                               period=parse_period("2026-Q3", HELSINKI))
    assert zone_of(declared) == "Europe/Stockholm"
    undeclared = SimpleNamespace(register=SimpleNamespace(controller=SimpleNamespace()),
                                 period=parse_period("2026-Q3", "Europe/Tallinn"))
    assert zone_of(undeclared) == "Europe/Tallinn"


# --- the cover and the findings tables -------------------------------------------------------------

def test_cover_dates_and_names_in_english(sample_audit):
    result = sample_audit
    started = datetime(2026, 11, 25, 12, 19, tzinfo=timezone.utc)
    html = sections.cover(result, "en", started_at=started, auditor="Aino <b>Virtanen</b> & co",
                          signing_key="A" * 40)
    assert "<tr><th>Run started</th><td>2026-11-25T14:19:00+02:00[Europe/Helsinki]</td></tr>" in html
    assert "<tr><th>Auditor</th><td>Aino &lt;b&gt;Virtanen&lt;/b&gt; &amp; co</td></tr>" in html
    assert "<tr><th>Approver</th><td>not named</td></tr>" in html
    assert f"by the key {'A' * 40}" in html
    # The same instant given as text (as papermill passes it) shows the same.
    assert "2026-11-25T14:19:00+02:00[Europe/Helsinki]" in sections.cover(
        result, "en", started_at="2026-11-25T14:19:00+02:00[Europe/Helsinki]")


def test_cover_says_not_named_in_finnish(sample_audit):
    result = sample_audit
    html = sections.cover(result, "fi", started_at="2026-07-01T09:00:00+00:00", approver="Pekka Hyväksyjä")
    assert "<tr><th>Ajo aloitettu</th><td>2026-07-01T12:00:00+03:00[Europe/Helsinki]</td></tr>" in html
    assert "<tr><th>Tarkastaja</th><td>ei nimetty</td></tr>" in html
    assert "<tr><th>Hyväksyjä</th><td>Pekka Hyväksyjä</td></tr>" in html
    assert "<th>Allekirjoitus</th><td>ei allekirjoitettu" in html


def test_findings_tables_name_the_zone(sample_audit):
    """The bundled sample's register is in Helsinki: its summer findings show +03:00, or +09:00 in Tokyo."""
    assert zone_of(sample_audit) == HELSINKI
    top = sections.top_findings_table(sample_audit.findings, "en", zone=HELSINKI)
    first = sections.sorted_findings(sample_audit.findings).head(sections.TOP_FINDINGS)["event_at"].dropna().iloc[0]
    # The heading may break after the zone's "/" (a zero-width space there), never inside a word.
    assert "<th>Event time (Europe/\u200bHelsinki)</th>" in top and f"<td>{event_time(first, HELSINKI)}</td>" in top
    assert event_time(first, HELSINKI).endswith("+03:00") and "Times are local times in Europe/Helsinki." in top
    family = sections.family_section(sample_audit, "consent", "fi")
    consent = sections.sorted_findings(sample_audit.findings[sample_audit.findings["family"] == "consent"])
    assert "<th>Tapahtuma-aika (Europe/\u200bHelsinki)</th>" in family
    assert f"<td>{event_time(consent['event_at'].iloc[0], HELSINKI)}</td>" in family
    assert "Ajat ovat aikavyöhykkeen Europe/Helsinki paikallisaikoja." in family
    tokyo = sections.top_findings_table(sample_audit.findings, "en", zone="Asia/Tokyo")
    assert f"<td>{event_time(first, 'Asia/Tokyo')}</td>" in tokyo and "+09:00</td>" in tokyo
    assert "(Asia/\u200bTokyo)" in tokyo


# --- names on the cover ----------------------------------------------------------------------------

def test_person_trims_and_refuses_what_is_not_a_name():
    assert person("  Aino Virtanen, DPO ", "auditor") == "Aino Virtanen, DPO"
    assert person(None, "auditor") is None and person("   ", "approver") is None
    with pytest.raises(ReportError, match=r"--auditor: .*U\+000A"):
        person("Aino\nVirtanen", "auditor")
    with pytest.raises(ReportError, match="--approver: .*more than"):
        person("x" * (MAX_LENGTH + 1), "approver")


def test_a_name_on_two_lines_is_a_usage_error():
    result = CliRunner().invoke(app, ["run", "--period", "2026-Q3", "--exports", str(SAMPLE / "exports.yaml"),
                                      "--auditor", "Aino\nVirtanen"], env={"REGAUDIT_DEBUG": ""})
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "U+000A" in result.output and "Traceback" not in result.output


# --- SHA256SUMS ------------------------------------------------------------------------------------

def _folder(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (root / "sub" / "b c.json").write_text("[]", encoding="utf-8")
    (root / "back\\slash.txt").write_bytes(b"\x00\xff binary")
    return root


def test_sums_are_written_exactly_as_sha256sum_writes_them(tmp_path):
    folder = _folder(tmp_path / "f")
    sums.write_sums(folder)
    names = [n for n in sums.folder_files(folder) if n != sums.SUMS]
    ours = (folder / sums.SUMS).read_text(encoding="utf-8")
    theirs = subprocess.run(["sha256sum", "--", *names], cwd=folder, capture_output=True, text=True, check=True).stdout
    assert ours == theirs
    # The backslash file, escaped as sha256sum escapes it: a leading backslash, the backslash doubled.
    assert [line for line in ours.splitlines() if line.startswith("\\")] == \
        ["\\" + manifest.sha256_file(folder / "back\\slash.txt") + "  back\\\\slash.txt"]
    assert sums.parse(ours) == {n: manifest.sha256_file(folder / n) for n in names}
    done = subprocess.run(["sha256sum", "--strict", "-c", sums.SUMS], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.count(": OK") == 3, done.stdout + done.stderr


@pytest.mark.parametrize("text, problem", [
    ("abc  a.csv\n", "line 1 is not"),
    (f"{'A' * 64}  a.csv\n", "line 1 is not"),  # sha256sum writes lower case
    (f"{'a' * 64}  a.csv\n{'b' * 64}  a.csv\n", "listed twice"),
    (f"{'a' * 64}  ../etc/passwd\n", "not a path inside"),
    (f"{'a' * 64}  /etc/passwd\n", "not a path inside"),
])
def test_malformed_sums_are_refused_with_their_line(text, problem):
    with pytest.raises(ValueError, match=problem):
        sums.parse(text)


# --- signing and verifying -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def keyring():
    with throwaway_keyring() as keys:
        yield keys


def _sealed(folder: Path, key=None, home: str | None = None) -> Path:
    """A folder sealed as the pipeline seals a report: manifest, signature (with ``key``), SHA256SUMS."""
    now = datetime.now(timezone.utc)
    manifest.write_manifest(folder, run_id="r", period="2026-Q3", parameters={}, inputs=pd.DataFrame(),
                            declaration_hashes={}, started_at=now, finished_at=now, time_zone=HELSINKI,
                            signature={"file": signing.SIGNATURE, "key_fingerprint": key.fingerprint,
                                       "user_id": key.user_id} if key else None)
    if key:
        signing.sign(folder / manifest.MANIFEST, key, folder / signing.SIGNATURE, home=home)
    sums.write_sums(folder)
    return folder


def test_a_signed_folder_verifies_and_every_change_is_named(tmp_path, keyring):
    key = signing.signer(keyring.fingerprint, home=keyring.home)
    assert key.fingerprint == keyring.fingerprint and key.user_id == keyring.user_id
    folder = _sealed(_folder(tmp_path / "f"), key, keyring.home)
    assert (folder / signing.SIGNATURE).read_text().startswith("-----BEGIN PGP SIGNATURE-----")
    public = keyring.export_public(tmp_path / "lead.asc")
    verified = verify_folder(folder, public_key=public, require_signature=True)
    assert verified.signer == keyring.fingerprint and verified.files == 6
    (folder / "sub" / "b c.json").write_text("[1]", encoding="utf-8")
    (folder / ".hidden").write_text("", encoding="utf-8")
    with pytest.raises(VerificationError) as caught:
        verify_folder(folder, public_key=public)
    assert caught.value.exit_code == ExitCode.VERIFY_FAILED
    assert "sub/b c.json: changed (its SHA-256 differs from manifest.json)" in caught.value.problems
    assert ".hidden: extra (in the folder, in no seal of the report)" in caught.value.problems


def test_sums_rewritten_in_binary_mode_are_a_change(tmp_path):
    """One byte of SHA256SUMS (" *" for "  ") changes no digest, but is no longer what was published."""
    folder = _sealed(_folder(tmp_path / "f"))
    path = folder / sums.SUMS
    path.write_text(path.read_text().replace("  a.csv", " *a.csv"))
    assert subprocess.run(["sha256sum", "-c", sums.SUMS], cwd=folder, capture_output=True).returncode == 0
    with pytest.raises(VerificationError, match="written otherwise than regaudit wrote them"):
        verify_folder(folder)


def test_unsigned_folder_verifies_unless_a_signature_is_required(tmp_path):
    folder = _sealed(_folder(tmp_path / "f"))
    assert verify_folder(folder).notes == ["not signed: the hashes show the folder is intact, not who made it"]
    with pytest.raises(VerificationError, match="--require-signature"):
        verify_folder(folder, require_signature=True)


def test_a_report_from_before_sha256sums_is_checked_by_its_manifest(tmp_path):
    folder = _folder(tmp_path / "f")
    now = datetime.now(timezone.utc)
    manifest.write_manifest(folder, run_id="r", period="2026-Q3", parameters={}, inputs=pd.DataFrame(),
                            declaration_hashes={}, started_at=now, finished_at=now)
    path = folder / manifest.MANIFEST
    older = path.read_text().replace(f'"manifest_version": {manifest.MANIFEST_VERSION}', '"manifest_version": 3')
    assert older != path.read_text()
    path.write_text(older)
    assert "made before regaudit wrote one" in verify_folder(folder).notes[0]
    (folder / "a.csv").write_text("changed\n")
    with pytest.raises(VerificationError, match="a.csv: changed"):
        verify_folder(folder)


def test_a_signature_added_after_publishing_fails(tmp_path, keyring):
    folder = _sealed(_folder(tmp_path / "f"))
    key = signing.signer(keyring.fingerprint, home=keyring.home)
    signing.sign(folder / manifest.MANIFEST, key, folder / signing.SIGNATURE, home=keyring.home)
    sums.write_sums(folder)
    with pytest.raises(VerificationError, match="names no signing key; the signature was added"):
        verify_folder(folder, public_key=keyring.export_public(tmp_path / "lead.asc"))


def test_verify_cli_exit_codes_and_messages(tmp_path, keyring):
    folder = _sealed(_folder(tmp_path / "f"), signing.signer(keyring.fingerprint, home=keyring.home), keyring.home)
    env = {"GNUPGHOME": keyring.home, "REGAUDIT_DEBUG": ""}
    ok = CliRunner().invoke(app, ["verify", str(folder)], env=env)
    assert ok.exit_code == 0 and f"signature: good, by {keyring.fingerprint} ({keyring.user_id})" in ok.output
    (folder / "a.csv").unlink()
    broken = CliRunner().invoke(app, ["verify", str(folder)], env=env)
    assert broken.exit_code == ExitCode.VERIFY_FAILED == 6 and "a.csv: listed in manifest.json but missing" in broken.output
    assert "Traceback" not in broken.output
    nowhere = CliRunner().invoke(app, ["verify", str(tmp_path / "nope")], env=env)
    assert nowhere.exit_code == ExitCode.ERROR and "is not a folder" in nowhere.output
    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(app, ["verify", str(tmp_path / "empty")], env=env)
    assert empty.exit_code == ExitCode.VERIFY_FAILED and "manifest.json: missing" in empty.output
    (folder / "manifest.json").write_text("{not json", encoding="utf-8")
    garbled = CliRunner().invoke(app, ["verify", str(folder)], env=env)
    assert garbled.exit_code == ExitCode.VERIFY_FAILED and "manifest.json: not valid JSON" in garbled.output


def test_unknown_signing_key_fails_before_the_audit(tmp_path, keyring):
    """--sign-key (here through $REGAUDIT_SIGN_KEY) names no secret key: exit 4 at once, nothing written."""
    key = tmp_path / "pseudonym.key"
    key.write_text("0123456789abcdef" * 4 + "\n", encoding="utf-8")
    out = tmp_path / "reports"
    result = CliRunner().invoke(app, ["run", "--period", "2026-Q3", "--exports", str(SAMPLE / "exports.yaml"),
                                      "--out", str(out), "--key-file", str(key), "--no-pdf"],
                                env={"GNUPGHOME": keyring.home, "REGAUDIT_SIGN_KEY": "nobody@example.invalid",
                                     "REGAUDIT_DEBUG": ""})
    assert result.exit_code == ExitCode.ERROR, result.output
    assert "no secret key 'nobody@example.invalid'" in result.output
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.slow
def test_a_key_with_a_passphrase_signs_with_the_passphrase_file(tmp_path, monkeypatch):
    data = tmp_path / "manifest.json"
    data.write_text("{}\n", encoding="utf-8")
    monkeypatch.delenv(signing.PASSPHRASE_FILE_ENV, raising=False)
    for graphical in ("DISPLAY", "WAYLAND_DISPLAY"):  # no pinentry window may open and wait for a person
        monkeypatch.delenv(graphical, raising=False)
    with throwaway_keyring("Locked Lead", "locked@example.invalid", passphrase="correct horse") as keys:
        key = signing.signer(keys.fingerprint, home=keys.home)
        # No agent holds the passphrase and no terminal can ask for it: a clear error, no signature.
        with pytest.raises(ReportError, match=f"could not sign manifest.json .*{signing.PASSPHRASE_FILE_ENV}"):
            signing.sign(data, key, tmp_path / "manifest.json.asc", home=keys.home)
        assert not (tmp_path / "manifest.json.asc").exists()
        secret = tmp_path / "passphrase"
        secret.write_text("correct horse\n", encoding="utf-8")
        monkeypatch.setenv(signing.PASSPHRASE_FILE_ENV, str(secret))
        signing.sign(data, key, tmp_path / "manifest.json.asc", home=keys.home)
        checked = signing.check(data, tmp_path / "manifest.json.asc", public_key=keys.export_public(tmp_path / "k.asc"))
    assert checked.valid and checked.fingerprint == keys.fingerprint
    monkeypatch.setenv(signing.PASSPHRASE_FILE_ENV, str(tmp_path / "no-such-file"))
    with pytest.raises(ReportError, match="cannot be read"):
        signing._passphrase()


def test_missing_gpg_is_a_clear_error(monkeypatch):
    monkeypatch.delenv(signing.GPG_ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RegauditError, match=r"GnuPG \(gpg\) was not found"):
        signing.find_gpg()


# --- PDF/A ---------------------------------------------------------------------------------------

def test_missing_ghostscript_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.delenv(pdfa.GHOSTSCRIPT_ENV, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(ReportError, match=r"Ghostscript \(gs\) was not found.*apt-get install ghostscript"):
        pdfa.find_ghostscript()
    monkeypatch.setenv(pdfa.GHOSTSCRIPT_ENV, "/nonexistent/gs")
    with pytest.raises(ReportError, match="REGAUDIT_GHOSTSCRIPT"):
        pdfa.to_pdfa(tmp_path / "in.pdf", tmp_path / "out.pdf")


def test_a_report_without_ghostscript_fails_before_the_audit(monkeypatch, tmp_path):
    """Chromium is there, Ghostscript is not: the PDF step says so before the notebook starts."""
    from audit_lib.report.pdf import find_browser

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "chromium").symlink_to(find_browser())
    monkeypatch.delenv(pdfa.GHOSTSCRIPT_ENV, raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    key = tmp_path / "pseudonym.key"
    key.write_text("0123456789abcdef" * 4 + "\n", encoding="utf-8")
    with pytest.raises(ReportError, match=r"Ghostscript \(gs\) was not found"):
        pipeline.run_report(SAMPLE / "register.yaml", SAMPLE / "exports.yaml", "2026-Q3", tmp_path / "out",
                            pseudonym_key_file=key)
    assert not (tmp_path / "out").exists()


def test_document_info_is_ascii_ghostscript_keeps(tmp_path):
    assert bytes.fromhex(pdfa._pdf_string("Äino Öberg (DPO) \\ 北")[1:-1]).decode() == "Aino Oberg [DPO] / ?"
    assert pdfa.document_info({"Title": "T", "Author": ""}) == "%!\n[ /Title <54> /DOCINFO pdfmark\n"


@pytest.mark.slow  # prints a page with Chromium
def test_pdfa_of_a_printed_page(tmp_path):
    from audit_lib.report.pdf import html_to_pdf

    html = tmp_path / "r.html"
    html.write_text("<html><head><style>body{font-variant-ligatures:none}</style></head><body>"
                    "<p>Rekisterin tarkastusraportti – findings of 2026-07-01 — äö</p></body></html>", encoding="utf-8")
    printed = html_to_pdf(html, tmp_path / "printed.pdf", footer="Audit 2026-Q3")
    assert not pdfa.is_pdfa_2b(printed)
    archived = pdfa.to_pdfa(printed, tmp_path / "archived.pdf", info={"Title": "Rekisterin tarkastusraportti",
                                                                      "Author": "Äino"})
    assert pdfa.is_pdfa_2b(archived) and printed.is_file()
    meta = subprocess.run(["pdfinfo", "-meta", str(archived)], capture_output=True, text=True, check=True).stdout
    assert "pdfaid:part='2'" in meta and "pdfaid:conformance='B'" in meta and "Aino" in meta
    text = subprocess.run(["pdftotext", str(archived), "-"], capture_output=True, text=True, check=True).stdout
    assert "Rekisterin tarkastusraportti – findings of 2026-07-01 — äö" in text
