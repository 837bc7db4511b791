"""Changes since the previous period: findings matched by fingerprint as new, still open, resolved.

Fingerprints of findings about subjects are made from their pseudonyms, so they match across periods
only if both reports were made with one pseudonym key. Each manifest records the key's fingerprint
(audit_lib.pseudonym.key_fingerprint); when the previous period's differs from this one's, the
findings are not compared (every finding about a subject would show as new, and again as resolved)
and the report says so on its cover, in its comparison section and on the command line. A warning,
not a refusal: a key may have to change (it leaked, or its holder left), and the audit of the
period is as valid as ever; what cannot be had is the comparison, so none is shown. The previous
period's acceptances by fingerprint of findings about subjects no longer match either
(``accepted risk matches no finding`` lists them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CHANGES = "changes.csv"
CHANGE_COLUMNS = ["change", "fingerprint", "check_id", "family", "severity", "record_ref", "subject_ref",
                  "first_seen", "state"]
# The order the report lists them in.
CHANGE_KINDS = ("new", "still_open", "resolved", "accepted")


@dataclass(frozen=True)
class KeyComparison:
    """Whether this period's pseudonym key is the previous report's: ``same``, ``changed``,
    ``unrecorded`` (the previous manifest records no key fingerprint: an older regaudit wrote it) or
    ``unknown`` (no previous report's manifest to ask)."""

    state: str
    previous: str | None = None
    current: str | None = None

    @property
    def comparable(self) -> bool:
        """False only when the keys are known to differ."""
        return self.state != "changed"

    def warning(self, previous_label: str, lang: str = "en") -> str | None:
        """What the cover, the comparison section and the CLI say when the key changed (else None)."""
        from audit_lib.report.labels import text

        if self.comparable:
            return None
        return text("comparison.key_changed", lang, previous=previous_label, then=self.previous, now=self.current)


def compare_keys(previous: "str | os.PathLike | pd.DataFrame | None", key_fingerprint: str | None) -> KeyComparison:
    """Compare ``key_fingerprint`` with the one in the manifest beside the previous report's findings."""
    from audit_lib.report.manifest import key_fingerprint_of

    if key_fingerprint is None or not isinstance(previous, (str, os.PathLike)) or not str(previous):
        return KeyComparison("unknown", None, key_fingerprint)
    found, recorded = key_fingerprint_of(Path(previous).parent)
    if not found:
        return KeyComparison("unknown", None, key_fingerprint)
    if recorded is None:
        return KeyComparison("unrecorded", None, key_fingerprint)
    return KeyComparison("same" if recorded == key_fingerprint else "changed", recorded, key_fingerprint)


def read_previous(previous: "str | os.PathLike | pd.DataFrame | None") -> "pd.DataFrame | None":
    """The previous report's findings (its findings.parquet, or a frame); None when there is none."""
    import pandas as pd

    if previous is None or (isinstance(previous, (str, os.PathLike)) and not str(previous)):
        return None
    if isinstance(previous, pd.DataFrame):
        return previous
    path = Path(previous)
    return pd.read_parquet(path) if path.is_file() else None


def _first_seen(previous: "str | os.PathLike | pd.DataFrame | None") -> dict[str, str]:
    """first_seen per fingerprint from the previous report's changes.csv, so it carries forward."""
    from audit_lib.outputs import read_csv_output

    if not isinstance(previous, (str, os.PathLike)) or not str(previous):
        return {}
    changes = Path(previous).with_name(CHANGES)
    if not changes.is_file():
        return {}
    # In the dialect that report was written in, which need not be this one's (--csv-dialect).
    frame = read_csv_output(changes, dtype=str, keep_default_na=False)
    return dict(zip(frame["fingerprint"], frame["first_seen"]))


def changes_frame(findings: "pd.DataFrame", previous: "str | os.PathLike | pd.DataFrame | None",
                  period: str, key_fingerprint: str | None = None) -> "pd.DataFrame | None":
    """One row per fingerprint of this period or the previous one, with what changed.

    ``new``: open now, not found before; ``still_open``: open now and found before (open, or accepted
    then — an acceptance that expired reopens its finding, it does not make it new); ``resolved``:
    found before, not found now; ``accepted``: found now but accepted (listed apart in the report).
    Returns None when there is no previous report to compare with, or when it was made with another
    pseudonym key than ``key_fingerprint`` names (``compare_keys``: nothing would match).
    """
    import pandas as pd

    before = read_previous(previous)
    if before is None or not compare_keys(previous, key_fingerprint).comparable:
        return None
    seen = _first_seen(previous)
    before_found = before.drop_duplicates("fingerprint").set_index("fingerprint")
    before_all = set(before_found.index)
    rows = []
    for finding in findings.drop_duplicates("fingerprint").itertuples(index=False):
        if finding.state == "accepted":
            change = "accepted"
        elif finding.fingerprint in before_all:
            change = "still_open"
        else:
            change = "new"
        if finding.fingerprint in seen and finding.fingerprint in before_all:
            first = seen[finding.fingerprint]
        elif finding.fingerprint in before_all:
            first = before_found.loc[finding.fingerprint, "period"]
        else:
            first = period
        rows.append({"change": change, "fingerprint": finding.fingerprint, "check_id": finding.check_id,
                     "family": finding.family, "severity": finding.severity, "record_ref": finding.record_ref,
                     "subject_ref": finding.subject_ref, "first_seen": first, "state": finding.state})
    now = set(findings["fingerprint"])
    for fingerprint, old in before_found.iterrows():
        if fingerprint not in now:
            rows.append({"change": "resolved", "fingerprint": fingerprint, "check_id": old["check_id"],
                         "family": old["family"], "severity": old["severity"], "record_ref": old["record_ref"],
                         "subject_ref": old["subject_ref"], "first_seen": seen.get(fingerprint) or old["period"],
                         "state": "resolved"})
    frame = pd.DataFrame(rows, columns=CHANGE_COLUMNS)
    order = {kind: i for i, kind in enumerate(CHANGE_KINDS)}
    frame["_o"] = frame["change"].map(order)
    return frame.sort_values(["_o", "family", "check_id", "record_ref", "fingerprint"],
                             kind="stable").drop(columns="_o").reset_index(drop=True)
