"""Personal data typed into free text: e-mail addresses, phone numbers, identity codes, IBANs.

The texts are the loader's ``free_texts``: the support contacts' messages and every other column that
exports.yaml marks ``free_text: true`` (a customer export's notes, a ticket's subject line). A text
with a time (a message's, or its column's ``text_at``) is judged in the period it was written; one
without is judged as held, in every period.
"""

from __future__ import annotations

import re

CHECK = {
    "id": "inventory_pii_in_free_text",
    "title": {"en": "Personal data in free text", "fi": "Henkilötietoja vapaatekstikentässä"},
    "severity": "high",
    "legal": ["GDPR Art. 5(1)(c)", "Tietosuojalaki 1050/2018 29 §", "GDPR Art. 25(2)"],
    "needs": {"free_texts": ["record_key", "column_name", "text", "at"]},
    "message": {
        "en": "The free text {where} of {subject_ref} ({when}) holds personal data: {found}.",
        "fi": "Henkilön {subject_ref} vapaatekstissä {where} ({when_fi}) on henkilötietoja: {found}.",
    },
    "remediation": {
        "en": "Remove the identifiers from the text (keep them, if needed, only in their declared fields), ask "
              "customers not to send identity codes or account numbers in messages, and mask them on entry.",
        "fi": "Poista tunnisteet tekstistä (säilytä ne tarvittaessa vain niille ilmoitetuissa kentissä), pyydä "
              "asiakkaita olemaan lähettämättä henkilötunnuksia tai tilinumeroita viesteissä ja peitä ne "
              "tallennettaessa.",
    },
    "evidence": ["kinds", "found"],
}

# Only texts with an "@" or a digit can hold any of the kinds: DuckDB passes just those to Python,
# each distinct text once (a register repeats its template answers and stock phrases), and joins
# the verdicts back to the records. A text without a time is held, so it is in every period.
_IN_PERIOD = """("at" IS NULL OR ("at" >= $period_start AND "at" < $period_end))"""
_WHERE = f"""{_IN_PERIOD} AND regexp_matches(text, '[@0-9]')"""
_CANDIDATE_TEXTS = f"SELECT DISTINCT text FROM free_texts WHERE {_WHERE} ORDER BY text"
# The record is named as its role names it (support_contacts/<id>); a marked column of a record adds
# "#<column>"; a record without a key of its own is named by its file and row.
_FOUND = f"""
    SELECT c.role || '/' || coalesce(c.record_key, c.file || '#' || CAST(c.row AS VARCHAR))
             || CASE WHEN c.whole_record THEN '' ELSE '#' || c.column_name END AS record_ref,
           c.subject_id, c."at" AS event_at, c.whole_record, c.column_name, f.kinds, f.found
    FROM (SELECT * FROM free_texts WHERE {_WHERE}) c
    JOIN (SELECT CAST(text AS VARCHAR) AS text, CAST(kinds AS VARCHAR) AS kinds, CAST(found AS VARCHAR) AS found
          FROM _pii_found) f ON f.text = c.text
    ORDER BY record_ref"""
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
# Date, century sign (incl. the signs of 2023: Y X W V U for the 1900s, B-F for the 2000s), number, check.
_HETU = re.compile(r"(?<![0-9A-Za-z])[0-3]\d[01]\d\d\d[-+A-FU-Y]\d{3}[0-9A-Y](?![0-9A-Za-z])")
# Country, check digits, then groups of up to four, printed with or without spaces.
_IBAN = re.compile(r"(?<![0-9A-Za-z])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![0-9A-Za-z])")
KINDS = ("hetu", "iban", "email", "phone")


def scan(text: str, ignored_emails: frozenset[str] = frozenset(), region: str = "FI") -> dict[str, int]:
    """Counts of each kind of identifier in ``text`` (offline). Identity codes and IBANs are counted
    only when their checksum holds; each match is blanked before the next kind is sought, so an IBAN's
    or a code's digits are not counted again as a phone number."""
    import phonenumbers
    from stdnum import iban
    from stdnum.fi import hetu

    counts = dict.fromkeys(KINDS, 0)

    def take(kind: str, pattern: re.Pattern, valid) -> None:
        nonlocal text
        for match in list(pattern.finditer(text)):
            if valid(match.group()):
                counts[kind] += 1
                text = text[:match.start()] + " " * len(match.group()) + text[match.end():]

    take("hetu", _HETU, lambda v: hetu.is_valid(v, allow_temporary=True))
    take("iban", _IBAN, iban.is_valid)
    take("email", _EMAIL, lambda v: v.lower() not in ignored_emails)
    counts["phone"] = sum(1 for _ in phonenumbers.PhoneNumberMatcher(text, region))
    return {k: n for k, n in counts.items() if n}


def _controller_addresses(context) -> frozenset[str]:
    """The controller's own published e-mail addresses: naming them in a message discloses nobody."""
    register = context.declaration.register
    people = [register.controller, register.contact_person, register.dpo]
    return frozenset(p.email.lower() for p in people if p is not None and getattr(p, "email", None))


def find(context):
    """One row per support contact of the period whose text holds an identifier (kinds and counts only)."""
    import pandas as pd

    ignored = _controller_addresses(context)
    verdicts = {"text": [], "kinds": [], "found": []}
    for (text,) in context.con.execute(_CANDIDATE_TEXTS, _bound(_CANDIDATE_TEXTS, context)).fetchall():
        found = scan(text or "", ignored)
        if found:
            verdicts["text"].append(text)
            verdicts["kinds"].append(", ".join(found))
            verdicts["found"].append(", ".join(f"{k} ×{n}" for k, n in found.items()))
    context.con.register("_pii_found", pd.DataFrame(verdicts, dtype="object"))
    try:
        rows = context.query(_FOUND)
    finally:
        context.con.unregister("_pii_found")
    return [{**row, "where": row["record_ref"] if row["whole_record"] else
             f"{row['record_ref']} (column {row['column_name']})",
             "when": row["event_at"] if row["event_at"] is not None else "held, no time of writing",
             "when_fi": row["event_at"] if row["event_at"] is not None else "tallessa, ei kirjoitusaikaa"}
            for row in rows]


def _bound(sql: str, context) -> dict:
    from audit_lib.sql import bind

    return bind(sql, context.params)


def population(context) -> int:
    """Free texts of the period (and those held without a time)."""
    return context.query(f"SELECT count(*) AS n FROM free_texts WHERE {_IN_PERIOD}")[0]["n"]
