"""access_shared_account: staff accounts that are shared, or named for a function rather than a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# The list is data, kept beside the check: edit generic_account_names.txt, not this code.
NAMES_FILE = Path(__file__).with_name("generic_account_names.txt")

CHECK = {
    "id": "access_shared_account",
    "title": {"en": "Shared or generic staff account",
              "fi": "Yhteiskäyttöinen tai yleisnimellä nimetty henkilöstön tunnus"},
    "severity": "high",
    "legal": ["GDPR Art. 32(1)(b)", "GDPR Art. 32(4)", "GDPR Art. 5(1)(f)", "GDPR Art. 5(2)"],
    "needs": {"staff_accounts": ["user_id", "valid_from", "valid_to"]},
    "message": {
        "en": "Staff account {user_id} ({role_text}) is {why_en}, valid {valid_text}: what it did cannot be "
              "tied to one person, although every user is promised a personal account.",
        "fi": "Henkilöstön tunnus {user_id} ({role_text}) on {why_fi}, voimassa {valid_text}: sen tekemisiä ei "
              "voi yhdistää yhteen henkilöön, vaikka jokaiselle luvataan oma käyttäjätunnus.",
    },
    "remediation": {
        "en": "Give everyone who uses the account a personal account, move the rights over, and close the shared one.",
        "fi": "Anna jokaiselle tunnusta käyttävälle oma tunnus, siirrä oikeudet niille ja sulje yhteinen tunnus.",
    },
    "evidence": ["user_id", "role_text", "why_en", "valid_text"],
    "scope": "period",
}

_SELECT = """
WITH accounts AS (
  SELECT *, regexp_replace(lower(user_id), '[0-9\\s._-]', '', 'g') AS base
  FROM staff_accounts
  WHERE (valid_from IS NULL OR valid_from < $period_end) AND (valid_to IS NULL OR valid_to >= $period_start)
)
SELECT 'staff_accounts/' || user_id AS record_ref, valid_from AS event_at, user_id,
       {role} AS role_text,
       CASE WHEN {shared} AND list_contains($names, base) THEN 'marked shared and named for a function'
            WHEN {shared} THEN 'marked shared' ELSE 'named for a function, not a person' END AS why_en,
       CASE WHEN {shared} AND list_contains($names, base) THEN 'merkitty yhteiskäyttöiseksi ja nimetty tehtävän mukaan'
            WHEN {shared} THEN 'merkitty yhteiskäyttöiseksi' ELSE 'nimetty tehtävän eikä henkilön mukaan' END AS why_fi,
       coalesce(strftime(valid_from, '%Y-%m-%d'), '…') || ' – ' || coalesce(strftime(valid_to, '%Y-%m-%d'), '…')
         AS valid_text
FROM accounts
WHERE {shared} OR list_contains($names, base)
ORDER BY user_id
"""


def generic_names() -> list[str]:
    """The generic account names of NAMES_FILE (comments and blank lines skipped)."""
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return sorted({line.strip().lower() for line in lines if line.strip() and not line.lstrip().startswith("#")})


def _sql(context) -> str:
    fields = context.available["staff_accounts"]
    # shared and role are optional: without them only the names are judged.
    return _SELECT.format(shared="coalesce(shared, false)" if "shared" in fields else "false",
                          role="coalesce(role, '—')" if "role" in fields else "'—'")


def find(context) -> list[dict[str, Any]]:
    """Accounts valid at some time in the period that are marked shared or have a generic name."""
    cursor = context.con.execute(_sql(context), {**{k: context.params[k] for k in ("period_start", "period_end")},
                                                 "names": generic_names()})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def population(context) -> int:
    """Staff accounts valid at some time in the period."""
    return context.con.execute(
        "SELECT count(*) FROM staff_accounts WHERE (valid_from IS NULL OR valid_from < $period_end) "
        "AND (valid_to IS NULL OR valid_to >= $period_start)",
        {k: context.params[k] for k in ("period_start", "period_end")}).fetchone()[0]
