"""Disclosures to a country outside the EU/EEA without an adequacy decision or declared safeguards.

The country judged is the one the disclosure log records, or else the recipient's declared country.
When neither is known the disclosure is not judged (it is left out of the population): a recipient
whose country the notice does not state is a gap of the notice (notice_transfers_not_stated), not
evidence in the data of a transfer.
"""

from __future__ import annotations

from functools import lru_cache

from audit_lib.sql import bind

CHECK = {
    "id": "disclosure_third_country_without_safeguards",
    "title": {"en": "Transfer outside the EU/EEA without safeguards",
              "fi": "Siirto EU:n/ETA:n ulkopuolelle ilman suojatoimia"},
    "severity": "critical",
    "legal": ["GDPR Art. 44", "GDPR Art. 45", "GDPR Art. 46", "GDPR Art. 13(1)(f)"],
    "needs": {"disclosures": ["disclosure_id", "recipient", "at", "country"]},
    "message": {
        "en": "Disclosure {disclosure_id} ({event_at}) sent data to {recipient} in {country}, outside the EU/EEA "
              "and without an adequacy decision, but {safeguards_en}.",
        "fi": "Luovutuksessa {disclosure_id} ({event_at}) tietoja siirrettiin vastaanottajalle {recipient} maahan "
              "{country}, joka on EU:n/ETA:n ulkopuolella eikä sillä ole tietosuojan riittävyyttä koskevaa "
              "päätöstä, mutta {safeguards_fi}.",
    },
    "remediation": {
        "en": "Suspend the transfer until appropriate safeguards (Art. 46, e.g. standard contractual clauses) are in "
              "place, then declare them for the recipient (recipients[].safeguards) and in the notice.",
        "fi": "Keskeytä siirto, kunnes asianmukaiset suojatoimet (46 artikla, esim. vakiosopimuslausekkeet) ovat "
              "käytössä, ja ilmoita ne vastaanottajalle (recipients[].safeguards) ja selosteessa.",
    },
    "evidence": ["disclosure_id", "recipient", "country", "declared"],
    "fingerprint": ["country"],
}


@lru_cache(maxsize=1)
def safe_countries() -> tuple[str, ...]:
    """EU and EEA states and the countries with a whole-country adequacy decision (countries.yaml)."""
    from audit_lib.frameworks.countries import adequate_countries, eea_countries

    return tuple(sorted(eea_countries() | adequate_countries()))


_JUDGED = """
    SELECT d.disclosure_id, d."at", d.recipient, upper(coalesce(d.country, r.country)) AS country,
           r.recipient_id IS NOT NULL AS declared, nullif(trim(r.safeguards), '') AS safeguards
    FROM disclosures d
    LEFT JOIN decl_recipients r ON lower(r.recipient_id) = lower(d.recipient)
    WHERE d."at" >= $period_start AND d."at" < $period_end AND coalesce(d.country, r.country) IS NOT NULL"""


def _query(context, sql: str) -> list[dict]:
    params = {**context.params, "safe": list(safe_countries())}
    cursor = context.con.execute(sql, bind(sql, params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def find(context):
    """One row per disclosure of the period to a third country whose recipient declares no safeguards."""
    rows = _query(context, f"""
        SELECT 'disclosures/' || disclosure_id AS record_ref, "at" AS event_at, disclosure_id, recipient,
               country, declared
        FROM ({_JUDGED}) WHERE NOT list_contains($safe, country) AND safeguards IS NULL
        ORDER BY "at", disclosure_id""")
    for row in rows:
        row["safeguards_en"] = ("the recipient declares no safeguards" if row["declared"]
                                else "the recipient is not declared at all")
        row["safeguards_fi"] = ("vastaanottajalle ei ole ilmoitettu suojatoimia" if row["declared"]
                                else "vastaanottajaa ei ole ilmoitettu lainkaan")
    return rows


def population(context) -> int:
    """Disclosures of the period whose country is known (from the log or the declaration)."""
    return _query(context, f"SELECT count(*) AS n FROM ({_JUDGED})")[0]["n"]
