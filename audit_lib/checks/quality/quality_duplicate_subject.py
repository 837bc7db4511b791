"""One person registered twice: the same e-mail address or phone number on two subject ids."""

from __future__ import annotations

from audit_lib.checks.quality._phones import phone_table

CHECK = {
    "id": "quality_duplicate_subject",
    "title": {"en": "Duplicate registration of one person", "fi": "Sama henkilö rekisteröity kahdesti"},
    "severity": "medium",
    "legal": ["GDPR Art. 5(1)(d)"],
    "scope": "as_of",
    "needs": {"subjects": ["subject_id", "created_at"]},
    "message": {
        "en": "{record_ref} ({subject_ref}, registered {event_at}) has the same {matched_on} as the earlier "
              "registration {duplicate_of}.",
        "fi": "Rekisteröidyllä {record_ref} ({subject_ref}, rekisteröity {event_at}) on sama {matched_on_fi} "
              "kuin aiemmin rekisteröidyllä {duplicate_of}.",
    },
    "remediation": {
        "en": "Merge the two registrations (keeping consents, bans and requests of both), and look up existing "
              "customers by e-mail and phone before creating a new one.",
        "fi": "Yhdistä rekisteröinnit (säilyttäen molempien suostumukset, kiellot ja pyynnöt) ja hae olemassa oleva "
              "asiakas sähköpostin ja puhelinnumeron perusteella ennen uuden luomista.",
    },
    "evidence": ["matched_on", "duplicate_of"],
    "fingerprint": ["duplicate_of"],
}

_FI = {"e-mail address": "sähköpostiosoite", "phone number": "puhelinnumero",
       "e-mail address and phone number": "sähköpostiosoite ja puhelinnumero"}


def _keyed_sql(context) -> str:
    """(subject_id, created_at, kind, key) per subject in the register as of the period's end: its e-mail
    lower-cased, its phone number in E.164 (invalid numbers match nothing)."""
    fields = context.available.get("subjects", set())
    subjects = context.shared("subjects_in_register")
    parts = []
    if "email" in fields:
        # The role view's text is trimmed, and empty text is NULL: only the case is folded here.
        parts.append(f"SELECT subject_id, created_at, 'e-mail address' AS kind, lower(email) AS key "
                     f"FROM {subjects} WHERE email IS NOT NULL")
    if "phone" in fields:
        table = phone_table(context)  # built once per audit, shared with quality_invalid_phone
        parts.append(f"SELECT s.subject_id, s.created_at, 'phone number', p.e164 FROM {subjects} s "
                     f"JOIN {table} p ON p.phone = s.phone WHERE p.e164 IS NOT NULL")
    if not parts:
        parts.append("SELECT NULL AS subject_id, NULL::TIMESTAMPTZ AS created_at, NULL AS kind, NULL AS key WHERE false")
    return " UNION ALL ".join(parts)


def _keyed(context) -> str:
    """The shared table of every subject's keys: the population and the findings both read it."""
    return context.shared("duplicate_subject_keys", _keyed_sql(context))


def find(context):
    """One row per later registration: every subject sharing a key with one registered before it (the
    earliest registration, ties broken by id, is the original; ``duplicate_of_subject_id`` names it, so
    that the findings pseudonymise the ``subjects/<id>`` of ``duplicate_of``)."""
    keyed = _keyed(context)
    # The window runs over the keys that repeat only, not over every subject's.
    rows = context.query(f"""
        WITH repeated AS (
          SELECT kind, key FROM {keyed} GROUP BY kind, key HAVING count(*) > 1
        ), ranked AS (
          SELECT k.*, first_value(k.subject_id) OVER w AS original,
                 row_number() OVER w AS n
          FROM {keyed} k SEMI JOIN repeated r ON r.kind = k.kind AND r.key = k.key
          WINDOW w AS (PARTITION BY k.kind, k.key ORDER BY k.created_at NULLS LAST, k.subject_id)
        )
        SELECT 'subjects/' || subject_id AS record_ref, subject_id, min(created_at) AS event_at,
               string_agg(DISTINCT kind, ' and ' ORDER BY kind) AS matched_on,
               'subjects/' || min(original) AS duplicate_of, min(original) AS duplicate_of_subject_id
        FROM ranked WHERE n > 1
        GROUP BY subject_id
        ORDER BY subject_id""")
    for row in rows:
        row["matched_on_fi"] = _FI.get(row["matched_on"], row["matched_on"])
    return rows


def population(context) -> int:
    """Subjects in the register as of the period's end with an e-mail address or a valid phone number."""
    return context.query(f"SELECT count(DISTINCT subject_id) AS n FROM {_keyed(context)}")[0]["n"]
