"""Archive the printed report as PDF/A-2b (ISO 19005-2, level B) with Ghostscript.

Chromium prints an ordinary PDF; an archive copy for a supervisory authority should render the same in
decades, so Ghostscript's pdfwrite rewrites it as PDF/A-2: fonts embedded, colours tied to an output
intent with the sRGB ICC profile that Ghostscript ships, and XMP metadata declaring
``pdfaid:part=2``, ``pdfaid:conformance=B``. PDF/A-2 (not 1) because it allows the transparency
that Chromium's output uses. The text stays searchable, letter for letter: pdfwrite keeps each font's
ToUnicode map (with Ghostscript 10.0, only through its legacy PDF interpreter, see ``command``), and
the print stylesheet sets no ligatures, which would read back as single characters.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import tempfile
import unicodedata
from pathlib import Path

from audit_lib.errors import ReportError
from audit_lib.i18n import T_
from audit_lib.report.programs import find_program
from audit_lib.stale import temp_prefix

GHOSTSCRIPT_ENV = "REGAUDIT_GHOSTSCRIPT"
ICC_ENV = "REGAUDIT_SRGB_ICC"
PROGRAMS = ("gs",)
TIMEOUT_S = 300
# Where Debian's ghostscript package (and a build from source under a prefix) keeps its ICC profiles.
_ICC_PLACES = ("share/ghostscript/*/iccprofiles/srgb.icc", "share/ghostscript/iccprofiles/srgb.icc",
               "share/color/icc/ghostscript/srgb.icc")
# The XMP a PDF/A-2b file declares itself with, attribute or element form.
_PART = re.compile(rb"pdfaid:part(?:>|=[\"'])\s*2\b")
_CONFORMANCE = re.compile(rb"pdfaid:conformance(?:>|=[\"'])\s*B\b")


def find_ghostscript() -> str:
    """Path of Ghostscript: ``$REGAUDIT_GHOSTSCRIPT``, else gs on PATH; ReportError saying how to get it."""
    return find_program(GHOSTSCRIPT_ENV, PROGRAMS, "PDF/A", T_(
        "PDF/A: Ghostscript (gs) was not found, so report.pdf cannot be archived as PDF/A-2b. Install it "
        "(sudo apt-get install ghostscript, or: make system-deps), set REGAUDIT_GHOSTSCRIPT to its path, "
        "or run without the PDF (--no-pdf)."))


def srgb_profile(ghostscript: str | None = None) -> Path:
    """The sRGB ICC profile of the output intent: ``$REGAUDIT_SRGB_ICC``, else the one Ghostscript ships."""
    configured = os.environ.get(ICC_ENV)
    if configured:
        if Path(configured).is_file():
            return Path(configured)
        raise ReportError(T_("PDF/A: {env}={configured!r} is not a file.", env=ICC_ENV, configured=configured))
    program = Path(ghostscript or find_ghostscript()).resolve()
    prefixes = dict.fromkeys([program.parent.parent, Path("/usr"), Path("/usr/local")])
    for prefix in prefixes:
        for pattern in _ICC_PLACES:
            found = sorted(glob.glob(str(prefix / pattern)))
            if found:
                return Path(found[-1])
    raise ReportError(T_("PDF/A: the sRGB ICC profile Ghostscript ships (srgb.icc) was not found under {folders}; "
                         "set {env} to an sRGB ICC profile.", folders=", ".join(str(p) for p in prefixes), env=ICC_ENV))


# Characters Ghostscript 10.0 will not carry into a PDF/A file's XMP, with what stands for them.
_XMP_UNSAFE = str.maketrans({"(": "[", ")": "]", "\\": "/"})


def _pdf_string(text: str) -> str:
    """``text`` as a PostScript hex string of printable ASCII, letters folded to their base (Ä to A),
    parentheses as brackets: Ghostscript 10.0 drops the whole document information of a PDF/A file
    when one value holds another byte (in PDFDocEncoding or UTF-16 alike), a parenthesis or a
    backslash. The metadata only helps an archive find the file; the cover keeps the exact text."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    printable = "".join(c if " " <= c <= "~" else "?" for c in folded.translate(_XMP_UNSAFE))
    return "<" + printable.encode("ascii").hex() + ">"


def output_intent(profile: Path) -> str:
    """PostScript that gives the PDF an output intent with the sRGB ``profile`` (Ghostscript's
    lib/PDFA_def.ps, with the profile's three components stated rather than guessed)."""
    # A PostScript string literal holds the path; parentheses and backslashes escaped.
    path = str(profile).replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return f"""%!
/ICCProfile ({path}) def
[/_objdef {{icc_PDFA}} /type /stream /OBJ pdfmark
[{{icc_PDFA}} << /N 3 >> /PUT pdfmark
[{{icc_PDFA}} ICCProfile (r) file /PUT pdfmark
[/_objdef {{OutputIntent_PDFA}} /type /dict /OBJ pdfmark
[{{OutputIntent_PDFA}} <<
  /Type /OutputIntent
  /S /GTS_PDFA1
  /DestOutputProfile {{icc_PDFA}}
  /OutputConditionIdentifier (sRGB IEC61966-2.1)
  /Info (sRGB IEC61966-2.1)
>> /PUT pdfmark
[{{Catalog}} << /OutputIntents [ {{OutputIntent_PDFA}} ] >> /PUT pdfmark
"""


def document_info(info: dict[str, str]) -> str:
    """PostScript that sets the document information (Title, Author, ...); Ghostscript repeats it in
    the XMP. Run after the source PDF, whose own information (Chromium's) would otherwise win."""
    entries = " ".join(f"/{key} {_pdf_string(value)}" for key, value in info.items() if value)
    return f"%!\n[ {entries} /DOCINFO pdfmark\n" if entries else "%!\n"


def command(ghostscript: str, profile: Path, prologue: Path, source: Path, epilogue: Path,
            target: Path) -> list[str]:
    """The Ghostscript command line that rewrites ``source`` as PDF/A-2b into ``target``."""
    return [
        ghostscript, "-dPDFA=2", "-dBATCH", "-dNOPAUSE", "-dNOOUTERSAVE", "-dSAFER", "-dQUIET",
        # Ghostscript 10.0's new PDF interpreter rewrites the ToUnicode maps of Chromium's subset fonts
        # wrongly (an en dash reads back as "3", a ligature as "ü"): the text would no longer be the
        # report's. Its legacy interpreter keeps them; versions without it ignore the switch.
        "-dNEWPDF=false",
        "-sDEVICE=pdfwrite", "-sColorConversionStrategy=RGB", "-sProcessColorModel=DeviceRGB",
        # 1: leave out what PDF/A forbids and go on; the default (0) would quietly write a plain PDF.
        "-dPDFACompatibilityPolicy=1",
        "-dEmbedAllFonts=true", "-dSubsetFonts=true",
        f"--permit-file-read={profile}", f"-sOutputFile={target}", str(prologue), str(source), str(epilogue),
    ]


def is_pdfa_2b(path: str | os.PathLike) -> bool:
    """True when the PDF's XMP metadata declares PDF/A-2b (part 2, conformance B)."""
    data = Path(path).read_bytes()
    return bool(_PART.search(data) and _CONFORMANCE.search(data))


def to_pdfa(source: str | os.PathLike, target: str | os.PathLike, *, info: dict[str, str] | None = None) -> Path:
    """Rewrite the PDF ``source`` as PDF/A-2b into ``target`` (written atomically; ``source`` is kept).

    ``info`` fills the document information (Title, Author, Subject, Keywords), which Ghostscript
    repeats in the XMP metadata. Raises ReportError naming the cause when Ghostscript is missing,
    fails, or writes something that does not declare PDF/A-2b.
    """
    from audit_lib.outputs import atomic_write_bytes

    source_path, target_path = Path(source), Path(target)
    ghostscript = find_ghostscript()
    profile = srgb_profile(ghostscript)
    with tempfile.TemporaryDirectory(prefix=temp_prefix("pdfa")) as work:
        prologue, epilogue = Path(work) / "output_intent.ps", Path(work) / "document_info.ps"
        prologue.write_text(output_intent(profile), encoding="utf-8")
        epilogue.write_text(document_info(info or {}), encoding="ascii")
        written = Path(work) / "report.pdf"
        try:
            done = subprocess.run(command(ghostscript, profile, prologue, source_path, epilogue, written),
                                  capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ReportError(T_("PDF/A: Ghostscript did not finish in {seconds} s ({path}).", seconds=TIMEOUT_S,
                                 path=source_path)) from None
        said = "\n".join((done.stderr + done.stdout).strip().splitlines()[-5:])
        ending = f":\n{said}" if said else "."  # Ghostscript's last words, as it wrote them
        if done.returncode != 0 or not written.is_file():
            raise ReportError(T_("PDF/A: Ghostscript failed (exit {code}) on {path}{ending}", code=done.returncode,
                                 path=source_path, ending=ending))
        if not is_pdfa_2b(written):
            raise ReportError(T_("PDF/A: Ghostscript wrote {name} without the PDF/A-2b metadata{ending}",
                                 name=source_path.name, ending=ending))
        atomic_write_bytes(target_path, written.read_bytes())
    return target_path
