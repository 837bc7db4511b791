"""Phone numbers as the quality checks read them: parsed offline with phonenumbers, Finland by default."""

from __future__ import annotations

from audit_lib.i18n import NC_
from audit_lib.normalise import e164  # noqa: F401  (the checks' E.164, shared with the loader)

REGION = "FI"  # numbers written without a country code are Finnish


def problem(value: str, region: str = REGION) -> str:
    """Why ``value`` is not a valid number, in a few words (never the number itself)."""
    import phonenumbers

    # Marked for the catalog: the Finnish message quotes the reason in Finnish (audit_lib/findings.py).
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return NC_("evidence", "not a phone number")
    result = phonenumbers.ValidationResult
    reason = phonenumbers.is_possible_number_with_reason(number)
    too_short = NC_("evidence", "too short")
    return str({result.TOO_SHORT: too_short, result.IS_POSSIBLE_LOCAL_ONLY: too_short,
                result.TOO_LONG: NC_("evidence", "too long"), result.INVALID_LENGTH: NC_("evidence", "wrong length"),
                result.INVALID_COUNTRY_CODE: NC_("evidence", "unknown country code"),
                }.get(reason, NC_("evidence", "no number of this length is in use in its range")))


# Numbers written as "+<country code of REGION> <digits and single spaces>", the national number not
# starting with 0: phonenumbers.parse() reads them as exactly that country code and those digits (no
# national prefix to strip, no extension, nothing else to interpret), so SQL can take them apart.
# Everything else goes through phonenumbers.parse() in Python.
_PLAIN_INTERNATIONAL = r"^\+{cc} ?[1-9][0-9]*( [0-9]+)*$"


def _desc_sql(nsn: str, desc) -> str:
    """phonenumbers' ``_is_number_matching_desc(nsn, desc)`` as a DuckDB expression."""
    if desc is None or not desc.national_number_pattern:
        return "false"
    parts = []
    if len(desc.possible_length) > 0:
        parts.append(f"length({nsn}) IN ({', '.join(str(int(n)) for n in desc.possible_length)})")
    parts.append(f"regexp_full_match({nsn}, {_literal(desc.national_number_pattern)})")
    return "(" + " AND ".join(parts) + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _type_known_sql(nsn: str, metadata) -> str:
    """``_number_type_helper(nsn, metadata) != UNKNOWN`` as a DuckDB expression: the general pattern
    and at least one of the number types (fixed line, mobile, toll free, …)."""
    types = [metadata.premium_rate, metadata.toll_free, metadata.shared_cost, metadata.voip,
             metadata.personal_number, metadata.pager, metadata.uan, metadata.voicemail, metadata.fixed_line]
    if not metadata.same_mobile_and_fixed_line_pattern:
        types.append(metadata.mobile)
    return f"({_desc_sql(nsn, metadata.general_desc)} AND ({' OR '.join(_desc_sql(nsn, d) for d in types)}))"


def _valid_sql(nsn: str, country_code: int) -> str:
    """``phonenumbers.is_valid_number`` of a number of ``country_code`` whose national significant
    number (no leading zero) is the DuckDB expression ``nsn``: the region is chosen as
    ``region_code_for_number`` chooses it, then the number must be of a known type there."""
    import phonenumbers
    from phonenumbers.phonemetadata import PhoneMetadata

    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(country_code, ())
    metadata = [PhoneMetadata.metadata_for_region(r.upper(), None) for r in regions]
    if len(regions) == 1 and metadata[0] is not None:
        return _type_known_sql(nsn, metadata[0])
    branches = []
    for region in metadata:  # _region_code_for_number_from_list: the first region that claims it
        if region is None:
            continue
        if region.leading_digits is not None:
            claims = f"regexp_matches({nsn}, {_literal('^(?:' + region.leading_digits + ')')})"
        else:
            claims = _type_known_sql(nsn, region)
        branches.append(f"WHEN {claims} THEN {_type_known_sql(nsn, region)}")
    return f"(CASE {' '.join(branches)} ELSE false END)" if branches else "false"


def _phones_sql(source: str, region: str) -> str:
    """SELECT phone, fast, e164 for each distinct phone of ``source``: ``fast`` tells whether SQL
    decided the number (plain international form of ``region``'s country code), ``e164`` its E.164
    form when valid."""
    import phonenumbers

    country_code = phonenumbers.country_code_for_region(region)
    shape = _literal(_PLAIN_INTERNATIONAL.format(cc=country_code))
    nsn = f"replace(substr(phone, {len(str(country_code)) + 2}), ' ', '')"
    return f"""
        WITH d AS (SELECT DISTINCT phone FROM ({source}) WHERE phone IS NOT NULL),
        s AS (SELECT phone, regexp_full_match(phone, {shape}) AS fast,
                     CASE WHEN fast THEN {nsn} END AS nsn FROM d)
        SELECT phone, fast,
               CASE WHEN fast AND length(nsn) BETWEEN 2 AND 17 AND {_valid_sql("nsn", country_code)}
                    THEN '+{country_code}' || nsn END AS e164
        FROM s"""


def normalised_table(con, source: str = "SELECT phone FROM subjects", name: str = "_phone_e164",
                     region: str = REGION) -> str:
    """A temporary table ``name`` (phone VARCHAR, fast BOOLEAN, e164 VARCHAR) of each distinct non-null phone of the
    query ``source`` and its E.164 form (NULL when invalid); the checks join it in SQL. Returns the
    table's name.

    The same as ``e164()`` of every value, but fast: numbers in the plain international form of
    ``region``'s country code are judged in DuckDB with phonenumbers' own metadata patterns (see
    ``_valid_sql``); only the others are parsed in Python. Made anew at each call: a check asks for it
    once per audit through ``phone_table``.
    """
    import pandas as pd

    fast_table = f"{name}_fast"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {fast_table} AS {_phones_sql(source, region)}")
    # Only the numbers SQL could not take apart are parsed in Python, each distinct value once.
    rest = [r[0] for r in con.execute(f"SELECT phone FROM {fast_table} WHERE NOT fast ORDER BY phone").fetchall()]
    frame = pd.DataFrame({"phone": pd.Series(rest, dtype="object"),
                          "e164": pd.Series([e164(v, region) for v in rest], dtype="object")})
    con.register("_phone_frame", frame)
    try:
        # A new table from the fast one and the parsed rest: a join, not an UPDATE, which any engine runs.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT t.phone, t.fast, "
                    f"CASE WHEN t.fast THEN t.e164 ELSE CAST(f.e164 AS VARCHAR) END AS e164 "
                    f"FROM {fast_table} t LEFT JOIN _phone_frame f ON f.phone = t.phone")
    finally:
        con.unregister("_phone_frame")
        con.execute(f"DROP TABLE IF EXISTS {fast_table}")
    return name


def phone_table(context) -> str:
    """Every subject's phone number and its E.164 form, made once per audit as a shared result
    (``CheckContext.shared``) that quality_invalid_phone and quality_duplicate_subject both join."""
    return context.shared("phone_e164", _build_phone_table)


def _build_phone_table(context, table: str) -> None:
    normalised_table(context.con, name=table)
