"""retention_deleted_before_minimum: bookkeeping material (or any statutory minimum) deleted before it was due.

A retention rule is a minimum when register.yaml declares it ``bookkeeping: books | vouchers``
(kirjanpitolaki 2:10 § 1 and 2 mom.) or ``minimum: true``. A record of such a rule deleted in the
period before its due date is a finding. Only exports that map ``deleted_at`` (a tombstone row or a
deletion log) can show a deletion, so only their records are tested; the population counts them.
The usual cause is an erasure request carried out on orders: GDPR Art. 17(3)(b) exempts material
the law requires to be kept, so the latest erasure completed before the deletion is named.
"""

from __future__ import annotations

from typing import Any

CHECK = {
    "id": "retention_deleted_before_minimum",
    "title": {"en": "Record deleted before its statutory minimum retention",
              "fi": "Tieto poistettu ennen lakisääteisen vähimmäissäilytysajan päättymistä"},
    "severity": "high",
    "legal": ["Kirjanpitolaki 1336/1997 2 luku 10 §", "GDPR Art. 17(3)(b)", "GDPR Art. 5(2)"],
    "message": {
        "en": "{record_ref} (rule {rule_id}) was deleted on {deleted_text}, but had to be kept until "
              "{kept_until}{request_text}.",
        "fi": "{record_ref} (sääntö {rule_id}) poistettiin {deleted_text}, vaikka se oli säilytettävä "
              "{kept_until} asti{request_text_fi}.",
    },
    "remediation": {
        "en": "Restore the record from backup if it can be, and make the erasure routine keep bookkeeping "
              "material until its minimum has passed: an erasure request does not reach it (GDPR Art. "
              "17(3)(b)), though the columns kept can be minimised (rights.erasure.kept_after_erasure).",
        "fi": "Palauta tietue varmuuskopiosta, jos mahdollista, ja korjaa poistorutiini säilyttämään "
              "kirjanpitoaineisto vähimmäisajan loppuun: poistopyyntö ei ulotu siihen (tietosuoja-asetuksen "
              "17 artiklan 3 kohdan b alakohta), mutta säilytettäviä sarakkeita voi minimoida.",
    },
    "evidence": ["rule_id", "deleted_text", "kept_until", "request_id"],
    "fingerprint": ["rule_id"],
    "scope": "period",
    "reads": ["retention_items"],
    "uses": ["requests"],  # the erasures that explain a deletion
}

_NO_REQUEST = "SELECT NULL::VARCHAR AS subject_id, NULL::VARCHAR AS request_id, NULL::TIMESTAMPTZ AS completed_at"
_ERASURES = ("SELECT subject_id, request_id, completed_at FROM requests "
             "WHERE kind = 'erasure' AND completed_at IS NOT NULL")


def _erasures(context) -> str:
    fields = context.available.get("requests", set())
    known = {"subject_id", "request_id", "kind", "completed_at"} <= fields
    return _ERASURES if known else f"{_NO_REQUEST} WHERE false"


def find(context) -> list[dict[str, Any]]:
    """One row per record of a minimum rule deleted in the period before it was due."""
    return context.query(f"""
        WITH erasures AS ({_erasures(context)}),
        -- Records deleted in the period first (few), then their due dates (the costly arithmetic).
        candidates AS MATERIALIZED (
          SELECT i.*, r.anchor, r.months, r.days, r.basis
          FROM retention_items i JOIN decl_retention_rules r USING (rule_id)
          WHERE r.minimum AND i.start_at IS NOT NULL AND i.deleted_at >= $period_start
            AND i.deleted_at < $period_end
        ),
        deleted AS (
          SELECT d.*, (SELECT arg_max(e.request_id, e.completed_at) FROM erasures e
                       WHERE e.subject_id = d.subject_id AND e.completed_at <= d.deleted_at) AS request_id
          FROM (SELECT *, retention_due_at(anchor, start_at, months, days) AS due_at FROM candidates) d
          WHERE d.deleted_at < d.due_at
        )
        SELECT record_ref, subject_id, deleted_at AS event_at, rule_id, request_id,
               strftime(deleted_at, '%Y-%m-%d') AS deleted_text,
               strftime(due_at - INTERVAL 1 DAY, '%Y-%m-%d') AS kept_until,
               CASE WHEN request_id IS NOT NULL THEN ', after erasure request ' || request_id ELSE '' END
                 AS request_text,
               CASE WHEN request_id IS NOT NULL THEN ', poistopyynnön ' || request_id || ' jälkeen' ELSE '' END
                 AS request_text_fi,
               -- The law that sets the minimum, not the GDPR storage limit the rule also cites.
               concat_ws('; ', nullif(array_to_string(list_filter(string_split(basis, '; '),
                                                                  lambda x: NOT starts_with(x, 'GDPR ')), '; '), ''),
                         'GDPR Art. 17(3)(b)') AS legal_refs
        FROM deleted
        ORDER BY rule_id, record_ref""")


def why_not_tested(context) -> str | None:
    """The reason when no record could be tested: no minimum rule, or no export that shows deletions."""
    rules = [r for r in context.declaration.register.retention.rules if r.is_minimum]
    if not rules:
        return "no retention rule is a statutory minimum (bookkeeping: or minimum: true in register.yaml)"
    untracked = sorted({r.role for r in rules if "deleted_at" not in context.available.get(r.role, set())})
    if untracked:
        return (f"no export of {', '.join(untracked)} maps deleted_at, so a deletion before the minimum "
                "cannot be seen")
    return None


def population(context) -> int:
    """Records of minimum rules whose deletion the exports can show, held at some time in the period."""
    return context.query("""
        SELECT count(*) AS n FROM retention_items i JOIN decl_retention_rules r USING (rule_id)
        WHERE r.minimum AND i.deletion_tracked AND i.start_at < $period_end
          AND (i.deleted_at IS NULL OR i.deleted_at >= $period_start)""")[0]["n"]
