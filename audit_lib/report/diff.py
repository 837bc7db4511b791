"""Changes since the previous period: findings matched by fingerprint as new, still open, resolved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CHANGES = "changes.csv"
CHANGE_COLUMNS = ["change", "fingerprint", "check_id", "family", "severity", "record_ref", "subject_ref",
                  "first_seen", "state"]
# The order the report lists them in.
CHANGE_KINDS = ("new", "still_open", "resolved", "accepted")


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
    import pandas as pd

    if not isinstance(previous, (str, os.PathLike)) or not str(previous):
        return {}
    changes = Path(previous).with_name(CHANGES)
    if not changes.is_file():
        return {}
    frame = pd.read_csv(changes, dtype=str, keep_default_na=False)
    return dict(zip(frame["fingerprint"], frame["first_seen"]))


def changes_frame(findings: "pd.DataFrame", previous: "str | os.PathLike | pd.DataFrame | None",
                  period: str) -> "pd.DataFrame | None":
    """One row per fingerprint of this period or the previous one, with what changed.

    ``new``: open now, not found before; ``still_open``: open now and found before (open, or accepted
    then — an acceptance that expired reopens its finding, it does not make it new); ``resolved``:
    found before, not found now; ``accepted``: found now but accepted (listed apart in the report).
    Returns None when there is no previous report to compare with.
    """
    import pandas as pd

    before = read_previous(previous)
    if before is None:
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
