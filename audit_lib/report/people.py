"""The auditor and the approver a report names on its cover: checked once, then shown as given."""

from __future__ import annotations

import unicodedata

from audit_lib.errors import ReportError
from audit_lib.i18n import T_

ROLES = ("auditor", "approver")
# A name and perhaps a title ("Aino Virtanen, DPO"); anything longer is not a name.
MAX_LENGTH = 200


def person(value: str | None, role: str) -> str | None:
    """``value`` as the cover shows it (blanks trimmed), or None when no one is named.

    Raises ReportError for a line break or another control character (a name is one line on the
    cover, in the PDF's metadata and in the manifest) or for text longer than MAX_LENGTH characters.
    """
    if value is None:
        return None
    name = unicodedata.normalize("NFC", str(value)).strip()
    if not name:
        return None
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp")), None)
    if bad is not None:
        raise ReportError(T_("--{role}: the name contains the control character U+{code:04X}; give the name on one "
                             "line, as it should appear on the cover.", role=role, code=ord(bad)))
    if len(name) > MAX_LENGTH:
        raise ReportError(T_("--{role}: the name has {length} characters, more than {most}; give a name (and a title, "
                             "if any), not a text.", role=role, length=len(name), most=MAX_LENGTH))
    return name
