"""The last line of defence against contact details in a finding's message (the report goes to a third party)."""

from __future__ import annotations

import re
from typing import Any

# Messages are meant to name records and rules, not people; this catches a message template that
# interpolates a contact value.
_EMAIL = re.compile(r"[^\s@<>()\"']+@[^\s@<>()\"']+\.[A-Za-z]{2,}")
# International (+358…, 00358…) or Finnish trunk-prefixed (040 …) numbers; dates and ids do not match.
_PHONE = re.compile(r"(?<![\w-])(?:(?:\+|00)\d[\d \-]{6,}\d|0\d{1,3}[ \-]?\d{5,8})(?![\w-])")


def redact(message: Any) -> str:
    """Replace anything that looks like an e-mail address or phone number in ``message``."""
    if message is None:
        return ""
    return _PHONE.sub("[phone]", _EMAIL.sub("[e-mail]", str(message)))
