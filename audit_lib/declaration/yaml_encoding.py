"""Decoding a YAML file's bytes: UTF-8, or Unicode that a byte-order mark names; never a guessed code page.

YAML (1.2, section 5.2) is UTF-8, UTF-16 or UTF-32. A byte-order mark says which without doubt, so
a file that starts with one (Notepad's "Unicode" is UTF-16 LE with a mark, its "UTF-8 with BOM" is
UTF-8 with a mark) is read as it is: refusing it would only make a person re-save a file that was
read correctly. Everything else must be UTF-8. A file saved in Windows-1252 ("ANSI") or Latin-1 is
refused, never decoded by guess: the same bytes are different letters in different code pages, and a
wrong guess would put wrong names into an audit without anyone noticing.
"""

from __future__ import annotations

import codecs

from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_, Text

# UTF-32's marks first: UTF-32 LE's mark (FF FE 00 00) starts with UTF-16 LE's (FF FE).
_MARKED = ((codecs.BOM_UTF32_LE, "utf-32", "UTF-32"), (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
           (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
           (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"))


def save_as_utf8(encoding: str = "WINDOWS-1252") -> Text:
    """How to save a file as UTF-8, with ``encoding`` (what it probably is now) in the iconv example."""
    return T_("save the file as UTF-8 (Notepad: File > Save as > Encoding: UTF-8; VS Code: the encoding in the "
              "status bar > Save with Encoding > UTF-8; or `iconv -f {encoding} -t UTF-8 old.yaml > new.yaml`)",
              encoding=encoding)


def decode_yaml(raw: bytes, file: str) -> str:
    """The text of a YAML file's bytes ``raw``; DeclarationError naming ``file``, the line and the fix otherwise."""
    for mark, codec, name in _MARKED:
        if raw.startswith(mark):
            try:
                return raw.decode(codec)  # these codecs drop the mark
            except UnicodeDecodeError as exc:
                # Text after a UTF-8 mark that is not UTF-8 is most likely Windows-1252 behind a stray mark.
                raise _undecodable(file, raw, exc, T_("starts with the byte-order mark of {encoding}, but is not "
                                                      "valid in that encoding", encoding=name), False,
                                   "WINDOWS-1252" if name == "UTF-8" else name) from None
    if b"\x00" in raw:
        # UTF-16 or UTF-32 without a mark puts a NUL beside every ASCII letter. Its byte order would be a
        # guess, and a binary file looks the same: refuse, and say how to save it.
        line = raw[:raw.index(b"\x00")].count(b"\n") + 1
        raise DeclarationError([Problem(file, "", T_("is not UTF-8 text: it holds NUL bytes, as UTF-16 or UTF-32 "
                                                     "without a byte-order mark (or a file that is not text) does"),
                                        line=line, fix=save_as_utf8("UTF-16"))])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _undecodable(file, raw, exc, T_("is not UTF-8"), True, "WINDOWS-1252") from None


def _undecodable(file: str, raw: bytes, exc: UnicodeDecodeError, lead: Text, code_page: bool,
                 encoding: str) -> DeclarationError:
    """The error for the first byte of ``raw`` that ``exc`` could not decode, with its line and column;
    ``code_page``: say that a file in a Windows code page looks like this."""
    line = raw[:exc.start].count(b"\n") + 1
    column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
    byte = raw[exc.start:exc.start + 1].hex().upper()
    if code_page:
        message = T_("{lead}: byte 0x{byte} at column {column} cannot be decoded; a file saved as Windows-1252 "
                     "(\"ANSI\") or Latin-1 looks like this, and regaudit does not guess which letters its bytes "
                     "meant", lead=lead, byte=byte, column=column)
    else:
        message = T_("{lead}: byte 0x{byte} at column {column} cannot be decoded", lead=lead, byte=byte,
                     column=column)
    return DeclarationError([Problem(file, "", message, line=line, fix=save_as_utf8(encoding))])
