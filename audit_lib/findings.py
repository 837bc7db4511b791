"""The findings table: one row per violating record, with pseudonymous subject references."""

from __future__ import annotations

import hashlib
import json
import re
import string
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Iterable

from audit_lib.pseudonym import pseudonym
from audit_lib.typed_tables import as_instant, instants, wall_time

if TYPE_CHECKING:
    import pandas as pd

    from audit_lib.checks.spec import CheckResult

FINDING_COLUMNS = ["run_id", "period", "check_id", "family", "severity", "kind", "legal_refs", "record_ref", "subject_ref",
                   "event_at", "message", "evidence", "fingerprint", "state", "accepted_reason", "accepted_by",
                   "accepted_until"]
RESULT_COLUMNS = ["check_id", "family", "title", "severity", "legal_refs", "status", "population", "failures",
                  "tested_nothing", "out_of_scope", "reason", "duration_s"]
# Row columns that identify a person directly; they never reach a finding's evidence or message.
_DIRECT_IDENTIFIERS = {"subject_id", "email", "phone", "first_name", "last_name", "name", "address", "text"}


def _display(value: Any, timezone: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            from zoneinfo import ZoneInfo

            value = value.astimezone(ZoneInfo(timezone))
        return wall_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


# A reference to a subject's own record names the subject: "subjects/C0000123". In every output it
# becomes "subjects/S-…", the subject's keyed pseudonym, so a record reference never reveals whom a
# finding is about (and a fingerprint, a hash of it, cannot be reversed by trying customer numbers).
SUBJECT_REFERENCE = "subjects/"
# A check names subjects in fields: ``subject_id`` (whom the finding is about) and any field ending in
# ``_subject_id`` (another subject it names, such as the earlier registration of a duplicate). Text
# fields may refer to them only as ``subjects/<id>`` (the runner holds checks to that).
SUBJECT_ID_SUFFIX = "subject_id"


def subject_ids(row: dict[str, Any]) -> list[str]:
    """The subject ids a check's row names in its subject fields (``subject_id``, ``*_subject_id``)."""
    return [str(v) for k, v in row.items() if k.endswith(SUBJECT_ID_SUFFIX) and v is not None and str(v) != ""]


class SubjectPseudonyms:
    """Replaces ``subjects/<id>`` by ``subjects/S-…`` for the subject ids a row names, taken from its
    structured fields: the ids are known, so an id holding ``/``, a blank, ``,``, ``;``, quotes or
    ``#`` is replaced whole (a pattern guessing where an id ends over the text would leave part of it)."""

    def __init__(self, ids: Iterable[str], key: bytes) -> None:
        self.pseudonyms = {i: pseudonym(i, key) or i for i in dict.fromkeys(ids)}
        # Longest first, one pass: an id that is a prefix of another ("C1", "C10") never takes its place,
        # and a pseudonym written in is never replaced again.
        names = sorted(self.pseudonyms, key=len, reverse=True)
        self._pattern = (re.compile(re.escape(SUBJECT_REFERENCE) + "(" + "|".join(map(re.escape, names)) + ")")
                         if names else None)

    def text(self, value: str) -> str:
        """``value`` with each ``subjects/<id>`` of a known id pseudonymised."""
        if self._pattern is None or SUBJECT_REFERENCE not in value:
            return value
        return self._pattern.sub(lambda m: SUBJECT_REFERENCE + self.pseudonyms[m.group(1)], value)

    def row(self, row: dict[str, Any]) -> dict[str, Any]:
        """``row`` as outputs may show it: subject fields as pseudonyms, text fields with references replaced."""
        shown: dict[str, Any] = {}
        for name, value in row.items():
            if name.endswith(SUBJECT_ID_SUFFIX) and value is not None and str(value) != "":
                shown[name] = self.pseudonyms.get(str(value), value)
            elif isinstance(value, str):
                shown[name] = self.text(value)
            else:
                shown[name] = value
        return shown


def pseudonymise_references(text: str, key: bytes) -> str:
    """Pseudonymise every ``subjects/<id>`` of ``text`` whose id holds no separator (``#/ ,;'"``).

    For ground truth written by regaudit's sample generators and for tests, whose ids are plain
    (``C0000123``); the findings never use it: they are pseudonymised from the structured ids
    (``SubjectPseudonyms``), whatever characters an id holds.
    """
    plain = re.compile(re.escape(SUBJECT_REFERENCE) + r"([^#/\s\"',;]+)")
    return plain.sub(lambda m: SUBJECT_REFERENCE + (pseudonym(m.group(1), key) or m.group(1)), text)


class _Row(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render_message(template: str, row: dict[str, Any], timezone: str, lang: str = "en") -> str:
    """Fill ``{column}`` placeholders of ``template`` from ``row``; unknown ones stay visible. The words a
    check gives as evidence (``problem``: "no @ sign") are quoted in ``lang``, from the catalog."""
    from audit_lib.i18n import EVIDENCE, EVIDENCE_WORDS, language, translate

    values = _Row({k: _display(v, timezone) for k, v in row.items()})
    for name in EVIDENCE_WORDS:
        if isinstance(values.get(name), str) and values[name]:
            values[name] = translate(values[name], language(lang), EVIDENCE)
    return string.Formatter().vformat(template, (), values)


def finding_kind(meta, row: dict[str, Any]) -> str:
    """The row's ``finding_kind`` (breach or verify), else the check's ``kind``."""
    from audit_lib.checks.spec import KINDS

    kind = row.get("finding_kind") or meta.kind
    if kind not in KINDS:
        raise ValueError(f"check {meta.id} gave a row of kind {kind!r}; a kind is 'breach' or 'verify'")
    return kind


def finding_legal(meta, row: dict[str, Any]) -> list[str]:
    """The provisions a finding cites: the row's ``legal_refs`` (a list or '; '-separated text) when the
    check gives one per row (e.g. the basis of the retention rule), else the check's header."""
    refs = row.get("legal_refs")
    if refs is None:
        return list(meta.legal)
    if isinstance(refs, str):
        refs = refs.split("; ")
    cited = list(dict.fromkeys(str(r).strip() for r in refs if r is not None and str(r).strip()))
    return cited or list(meta.legal)


def breaches(findings: "pd.DataFrame") -> "pd.DataFrame":
    """The findings that are breaches: items to verify are open too, but they never fail a run."""
    return findings[findings["kind"] != "verify"] if "kind" in findings else findings


def fingerprint(check_id: str, record_ref: str, parts: Iterable[Any] = ()) -> str:
    """A stable id of a finding: same check, record and identifying fields -> same fingerprint."""
    payload = json.dumps([check_id, record_ref, *[str(p) for p in parts]], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _event_time(check_id: str, value: Any, timezone: str) -> Any:
    """A check row's ``event_at``, checked to be a time (a check that returns anything else is broken)."""
    from zoneinfo import ZoneInfo

    try:
        return as_instant(value, ZoneInfo(timezone))
    except ValueError as exc:
        raise ValueError(f"check {check_id}: {exc}") from None


def build_findings(results: Iterable["CheckResult"], *, run_id: str, period: str, key: bytes, lang: str = "en",
                   timezone: str = "Europe/Helsinki") -> "pd.DataFrame":
    """The findings of ``results`` as one DataFrame with FINDING_COLUMNS, sorted deterministically."""
    import pandas as pd

    records = []
    for result in results:
        meta = result.check.meta
        for row in result.rows:
            subject_ref = pseudonym(row.get("subject_id"), key)
            subjects = SubjectPseudonyms(subject_ids(row), key)
            # Every value a message or the evidence may show, pseudonymised before it is composed:
            # subject fields become S-…, and every subjects/<id> of a known id in a text field too.
            shown = subjects.row(row)
            record_ref = str(shown["record_ref"])
            namespace = {**shown, "subject_ref": subject_ref or "-"}
            evidence = {k: _display(shown.get(k), timezone) for k in meta.evidence if k not in _DIRECT_IDENTIFIERS}
            event_at = row.get("event_at")
            records.append({
                "run_id": run_id, "period": period, "check_id": meta.id, "family": result.check.family,
                "severity": meta.severity, "kind": finding_kind(meta, row),
                "legal_refs": "; ".join(finding_legal(meta, row)), "record_ref": record_ref,
                "subject_ref": subject_ref, "event_at": _event_time(meta.id, event_at, timezone),
                "message": render_message(meta.message.get(lang), namespace, timezone, lang),
                "evidence": json.dumps(evidence, ensure_ascii=False, sort_keys=True),
                # The subject is part of the identity: two people's findings on one record stay two.
                "fingerprint": fingerprint(meta.id, record_ref,
                                           [subject_ref or "", *[shown.get(f) for f in meta.fingerprint]]),
                "state": "open", "accepted_reason": None, "accepted_by": None, "accepted_until": None,
                "_order": str(row["record_ref"]),
            })
    # Ordered by the raw record reference, so that the order is the same whatever the pseudonym key.
    frame = pd.DataFrame(records, columns=FINDING_COLUMNS + ["_order"])
    # An instant with the register's zone: the Parquet keeps it typed; CSV, JSON and the report show
    # its wall time there, as the messages do.
    frame["event_at"] = instants(frame["event_at"].astype(object), timezone)
    repeated = frame.loc[frame["fingerprint"].duplicated(keep=False), ["check_id", "record_ref"]]
    if not repeated.empty:
        # run_check already turns a check whose rows repeat into an error; this guards the contract.
        raise AssertionError(f"findings share a fingerprint: {repeated.drop_duplicates().values.tolist()[:5]}")
    return (frame.sort_values(["family", "check_id", "_order"], kind="stable").drop(columns="_order")
            .reset_index(drop=True))


def build_results(results: Iterable["CheckResult"], lang: str = "en") -> "pd.DataFrame":
    """One row per check: status, records tested, failures, reason, time taken."""
    import pandas as pd

    rows = [{
        "check_id": r.check.id, "family": r.check.family, "title": r.check.meta.title.get(lang),
        "severity": r.check.meta.severity, "legal_refs": "; ".join(r.check.meta.legal), "status": r.status.value,
        "population": r.population, "failures": r.failures, "tested_nothing": r.tested_nothing,
        "out_of_scope": r.out_of_scope, "reason": r.reason,
        "duration_s": round(r.duration_s, 4),
    } for r in results]
    frame = pd.DataFrame(rows, columns=RESULT_COLUMNS)
    frame["population"] = frame["population"].astype("Int64")
    return frame
