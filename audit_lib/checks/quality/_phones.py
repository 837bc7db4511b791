"""Phone numbers as the quality checks read them: parsed offline with phonenumbers, Finland by default."""

from __future__ import annotations

from typing import Iterable

REGION = "FI"  # numbers written without a country code are Finnish


def e164(value: str, region: str = REGION) -> str | None:
    """The number in E.164 (``+358401234567``) if it is a valid number; None otherwise."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def problem(value: str, region: str = REGION) -> str:
    """Why ``value`` is not a valid number, in a few words (never the number itself)."""
    import phonenumbers

    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return "not a phone number"
    result = phonenumbers.ValidationResult
    reason = phonenumbers.is_possible_number_with_reason(number)
    return {result.TOO_SHORT: "too short", result.IS_POSSIBLE_LOCAL_ONLY: "too short",
            result.TOO_LONG: "too long", result.INVALID_LENGTH: "wrong length",
            result.INVALID_COUNTRY_CODE: "unknown country code",
            }.get(reason, "no number of this length is in use in its range")


def normalised_table(con, values: Iterable[str], name: str = "_phone_e164") -> str:
    """A temporary table ``name`` (phone VARCHAR, e164 VARCHAR) of each distinct value and its E.164
    form (NULL when invalid); the checks join it in SQL. Returns the table's name."""
    import pandas as pd

    distinct = sorted(set(values))
    frame = pd.DataFrame({"phone": pd.Series(distinct, dtype="object"),
                          "e164": pd.Series([e164(v) for v in distinct], dtype="object")})
    con.register("_phone_frame", frame)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT phone, e164 FROM _phone_frame")
    finally:
        con.unregister("_phone_frame")
    return name
