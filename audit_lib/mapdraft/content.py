"""What a column holds, told from a sample of its values: e-mails, phones, hetus, IBANs, postal codes,
dates (in the loader's formats) or yes/no words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from audit_lib.loader.casting import FALSE_VALUES, TIMESTAMP_FORMATS, TRUE_VALUES

# The share of a sample's values that must be of one kind for the column to be called that kind:
# a few typos or blanks written as "-" must not hide an e-mail column.
THRESHOLD = 0.9
# Values judged per column: enough for a share, few enough to stay fast on wide files.
DETECT_ROWS = 100
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
_POSTAL_CODE = re.compile(r"\d{5}")
# ISO 8601 dates and times as DuckDB casts them (the loader tries these before TIMESTAMP_FORMATS).
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(\s?(Z|[+-]\d{2}(:?\d{2})?))?")
ISO = "ISO 8601"
_PHONE_SHAPE = re.compile(r"\+?[\d\s()-]{7,20}")


@dataclass(frozen=True)
class Detection:
    """A column's kind: how many of the sampled values are of it, and the date format if a date."""

    kind: str
    matched: int
    total: int
    date_format: str | None = None

    @property
    def reason(self) -> str:
        """The evidence in words, e.g. '97 of 100 values are e-mail addresses'."""
        words = {"email": "e-mail addresses", "phone": "phone numbers", "hetu": "Finnish personal identity codes",
                 "iban": "IBANs", "postal_code": "postal codes", "date": "dates", "yesno": "yes/no words"}
        text = f"{self.matched} of {self.total} values are {words[self.kind]}"
        return text + (f" ({self.date_format})" if self.date_format else "")


def is_email(value: str) -> bool:
    """An e-mail address by shape (one @, a dot in the domain)."""
    return bool(_EMAIL.fullmatch(value))


def is_phone(value: str) -> bool:
    """A possible phone number (phonenumbers, Finnish numbers without a country code too)."""
    import phonenumbers

    # A leading +, 0 or 358 tells a phone number from a number of digits that counts or identifies.
    if not _PHONE_SHAPE.fullmatch(value) or not value.lstrip("(").startswith(("+", "0", "358")):
        return False
    # Digits only with a country code but no '+' (358401234567), as SMS providers write them.
    text = "+" + value if value.startswith("358") and value.isdigit() else value
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(text, "FI"))
    except phonenumbers.NumberParseException:
        return False


def is_hetu(value: str) -> bool:
    """A Finnish personal identity code with a valid checksum (python-stdnum)."""
    from stdnum.fi import hetu

    return hetu.is_valid(value)


def is_iban(value: str) -> bool:
    """An IBAN with a valid checksum (python-stdnum)."""
    from stdnum import iban

    return len(value) >= 15 and iban.is_valid(value)


def is_postal_code(value: str) -> bool:
    """A Finnish postal code: five digits."""
    return bool(_POSTAL_CODE.fullmatch(value))


def date_format(value: str) -> str | None:
    """The loader's format a date or time is written in (ISO 8601 or one of TIMESTAMP_FORMATS), or None."""
    if _ISO.fullmatch(value):
        return ISO
    for fmt in TIMESTAMP_FORMATS:
        try:
            datetime.strptime(value, fmt)
            return fmt
        except ValueError:
            continue
    return None


def is_yes_no(value: str) -> bool:
    """A word the loader reads as true or false (kyllä/ei, yes/no, true/false, 1/0 ...)."""
    return value.strip().lower() in TRUE_VALUES + FALSE_VALUES


# Checked in this order: a hetu is never taken for a date, a postal code never for a phone.
_KINDS = (("email", is_email), ("hetu", is_hetu), ("iban", is_iban), ("postal_code", is_postal_code),
          ("yesno", is_yes_no), ("phone", is_phone))


def detect(values: list[str]) -> Detection | None:
    """The kind most of ``values`` are of (at least THRESHOLD of them), or None."""
    values = [v for v in values if v.strip()][:DETECT_ROWS]
    if not values:
        return None
    total = len(values)
    if all(is_yes_no(v) for v in values) and len({v.lower() for v in values}) <= 2 \
            and not all(v.isdigit() for v in values):
        return Detection("yesno", total, total)
    for kind, test in _KINDS:
        if kind == "yesno":
            continue
        matched = sum(1 for v in values if test(v))
        if matched >= THRESHOLD * total:
            return Detection(kind, matched, total)
    formats = [date_format(v) for v in values]
    dated = [f for f in formats if f]
    if len(dated) >= THRESHOLD * total:
        common = max(set(dated), key=dated.count)
        return Detection("date", len(dated), total, common)
    return None
