"""Changes since the previous period, by fingerprint: new, still open, resolved and accepted findings."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.findings_tables import findings_table, sorted_findings
from audit_lib.report.templating import render

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

CHANGES_SHOWN = 25
_COLUMNS = ("severity", "check_id", "subject_ref", "record_ref", "first_seen")


def _changes(changes: "pd.DataFrame", lang: str) -> list[tuple[str, int, int, "Markup"]]:
    """The new and the resolved findings, each kind as (kind, shown, total, table); a kind with none left out."""
    listed = []
    for kind in ("new", "resolved"):
        part = changes[changes["change"] == kind]
        if part.empty:
            continue
        part = sorted_findings(part.assign(state="open"))
        listed.append((kind, min(CHANGES_SHOWN, len(part)), len(part),
                       findings_table(part.head(CHANGES_SHOWN), lang, "ra-changes", _COLUMNS)))
    return listed


def comparison_section(findings: "pd.DataFrame", previous: "str | os.PathLike | pd.DataFrame | None",
                       previous_label: str, lang: str = "en", period: str = "",
                       key_fingerprint: str | None = None) -> "Markup":
    """Changes since the previous period, by fingerprint: counts of new, still open, resolved (and
    accepted), then the new and the resolved findings themselves (the full list is changes.csv).
    Not compared, and said so, when the previous report was made with another pseudonym key than
    ``key_fingerprint`` names (AuditResult.key_fingerprint)."""
    from audit_lib.report.diff import CHANGE_KINDS, changes_frame, compare_keys

    keys = compare_keys(previous, key_fingerprint)
    context = {"lang": lang, "previous": previous_label, "key_warning": keys.warning(previous_label, lang),
               "key_unknown": keys.state == "unrecorded", "counts": None, "changes": []}
    if keys.comparable:
        changes = changes_frame(findings, previous, period or "", key_fingerprint)
        if changes is not None:
            counted = changes["change"].value_counts()
            context["counts"] = [(text(f"comparison.{kind}", lang), int(counted.get(kind, 0)))
                                 for kind in CHANGE_KINDS]
            context["changes"] = _changes(changes, lang)
    return render("sections/comparison.html.j2", **context)
