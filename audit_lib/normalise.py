"""Identifiers in one notation: e-mail addresses trimmed and case-folded, phone numbers as E.164.

What is not merged, on purpose: plus-addresses (``anna+news@example.fi``) and dots in the local part
stay distinct from ``anna@example.fi``, since only the mailbox provider knows whether they reach one
mailbox; an invalid phone number keeps its digits (and a leading +) so that it still matches the
same invalid number written elsewhere, but it never matches a valid one.
"""

from __future__ import annotations

import re

DEFAULT_REGION = "FI"


def email(value: str | None) -> str | None:
    """``value`` trimmed and case-folded; None for an empty value."""
    if value is None:
        return None
    text = str(value).strip().casefold()
    return text or None


def e164(value: str, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164 (``+358401234567``) if it is a valid number; None otherwise."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone(value: str | None, region: str = DEFAULT_REGION) -> str | None:
    """The number as E.164 when valid; otherwise its digits (with a leading + kept); None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    valid = e164(text, region)
    if valid:
        return valid
    digits = re.sub(r"\D", "", text)
    return (("+" if text.startswith(("+", "00")) else "") + digits.removeprefix("00")) if digits else text
