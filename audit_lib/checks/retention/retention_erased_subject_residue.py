"""retention_erased_subject_residue: records of a subject whose erasure was completed, still kept anywhere.

Every loaded export with a subject column is searched, except the requests (the erasure request
is the evidence that the erasure was done). Tables listed under ``rights.erasure.kept_after_erasure``
in register.yaml (orders, which bookkeeping keeps) may keep an erased subject's rows, but only in the
listed fields: any other column of the export that still holds a value (a billing name or e-mail,
mapped only to a data category) is residue. The subject column itself is how the row is found, so it
is not counted as residue in a kept table. Columns mapped to a category only are not in the role
views; they are read from the export's rows as read (``context.export_rows``), where the subject is
already resolved through the register's identifiers: a newsletter tool that knows the person only by
e-mail is searched as well. An export taken (``snapshot:``) before the erasure was completed is no
evidence that the data is still held, so its rows are not residue.
"""

from __future__ import annotations

from typing import Any

from audit_lib.roles import ROLES
from audit_lib.sql import ident, literal

CHECK = {
    "id": "retention_erased_subject_residue",
    "title": {"en": "Data of an erased subject left behind",
              "fi": "Poistetun henkilön tietoja jäänyt rekisteriin"},
    "severity": "critical",
    "legal": ["GDPR Art. 17(1)", "GDPR Art. 17(3)(b)", "GDPR Art. 5(1)(e)", "Kirjanpitolaki 1336/1997 2 luku 10 §",
              "Tietosuojavaltuutettu 4359/163/2018", "Seuraamuskollegio, Suomen Asiakastieto (17.2.2023)"],
    "needs": {"requests": ["request_id", "subject_id", "kind", "completed_at"]},
    "message": {
        "en": "{record_ref} of {subject_ref} is still kept ({left_text}) although the subject's erasure (request "
              "{request_id}) was completed at {event_at}.",
        "fi": "{record_ref} (henkilö {subject_ref}) on yhä tallessa ({left_text_fi}), vaikka henkilön tietojen poisto "
              "(pyyntö {request_id}) tehtiin {event_at}.",
    },
    "remediation": {
        "en": "Delete the record, or for bookkeeping vouchers keep only the columns register.yaml lists under "
              "kept_after_erasure; customer e-mails and names are not bookkeeping material (decision "
              "4359/163/2018). Make the erasure routine reach every system (the Suomen Asiakastieto fine was for "
              "data not erased as ordered).",
        "fi": "Poista tietue, tai kirjanpidon tositteista säilytä vain register.yaml:n kept_after_erasure-kohdassa "
              "luetellut sarakkeet; asiakkaan sähköposti ja nimi eivät ole kirjanpitoaineistoa (ratkaisu "
              "4359/163/2018). Ulota poistorutiini kaikkiin järjestelmiin (Suomen Asiakastiedon seuraamusmaksu "
              "koski tietoja, joita ei poistettu määräyksestä huolimatta).",
    },
    "evidence": ["request_id", "table", "left_text"],
    "scope": "as_of",
    "uses": ["export_rows"],  # every export with a subject
}

_ERASED = """
  SELECT subject_id, min(completed_at) AS erased_at, arg_min(request_id, completed_at) AS request_id
  FROM requests
  WHERE kind = 'erasure' AND completed_at IS NOT NULL AND completed_at < $as_of AND subject_id IS NOT NULL
  GROUP BY subject_id
"""


def _text(column: str) -> str:
    return f"nullif(trim(CAST(r.{ident(column)} AS VARCHAR)), '')"


def _export_sql(context, export) -> str | None:
    """The residue query of one export, or None if the export cannot hold an erased subject's data."""
    roles = [r for r in export.roles if r in context.available]
    view = context.export_rows(export.file)
    if "requests" in export.roles or not roles or view is None:
        return None
    if not export.subject_columns(context.declaration.register.master_identifier):
        return None
    role = ROLES[roles[0]]
    # The record as the role view names it (a mapped or derived key), else by its place in the file.
    key = (f"{literal(role.name + '/')} || coalesce(r._record_key, r._source_file || '#' || "
           "CAST(r._source_row AS VARCHAR))")
    kept = context.declaration.register.rights.erasure.kept_after_erasure
    if role.name in kept:
        allowed = set(kept[role.name]) | {"subject_id", "deleted_at"}  # a deletion mark is no residue
        identifiers = set(export.subject_columns(context.declaration.register.master_identifier).values())
        tested = [c for c, spec in export.columns.items() if spec.field not in allowed and c not in identifiers]
        if not tested:
            return None
        parts = ", ".join(f"CASE WHEN {_text(c)} IS NOT NULL THEN {literal(c)} END" for c in tested)
        left = f"concat_ws(', ', {parts})"
        left_fi = f"'sarakkeet ' || {left}"
        left_en = f"'columns ' || {left}"
        where = f" AND {left} <> ''"
    else:
        tested = []
        left_en, left_fi, where = "'the whole record'", "'koko tietue'", ""
    kept_columns = "".join(f", r.{ident(c)}" for c in tested)
    # The join with the (few) erased subjects first, materialised, so that the kept-columns test reads
    # their rows only, not every row of the export. One name per export: Spark lifts nested WITHs to
    # the top, where two of one name would clash.
    rows = ident(f"erased_{view}")
    return (f"SELECT * FROM (WITH {rows} AS MATERIALIZED ("
            f"SELECT r._record_key, r._source_file, r._source_row{kept_columns}, e.subject_id AS _erased_subject_id, "
            f"e.erased_at AS _erased_at, e.request_id AS _request_id "
            f"FROM {ident(view)} r JOIN {_erased(context)} e ON e.subject_id = r._subject_id "
            f"WHERE r._loaded AND (r._snapshot_at IS NULL OR r._snapshot_at > e.erased_at)) "
            f"SELECT {key} AS record_ref, r._erased_subject_id AS subject_id, r._erased_at AS event_at, "
            f"r._request_id AS request_id, {literal(role.name)} AS \"table\", {left_en} AS left_text, "
            f"{left_fi} AS left_text_fi FROM {rows} r WHERE true{where})")


def find(context) -> list[dict[str, Any]]:
    """Rows of erased subjects, one per record, in every loaded export except the requests."""
    parts = [sql for export in context.declaration.exports.exports if (sql := _export_sql(context, export))]
    if not parts:
        return []
    return context.query(f"SELECT * FROM ({' UNION ALL '.join(parts)}) ORDER BY record_ref")


def _erased(context) -> str:
    """The shared table of subjects whose erasure was completed before as_of (population and findings)."""
    return context.shared("erased_subjects", _ERASED)


def population(context) -> int:
    """Subjects whose erasure was completed before the end of the period."""
    return context.query(f"SELECT count(*) AS n FROM {_erased(context)}")[0]["n"]
