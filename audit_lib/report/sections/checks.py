"""Every check with its status, tested population and failures."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.cells import STATUS_ORDER, count, legal_refs, status_texts
from audit_lib.report.sections.headings import titled_table
from audit_lib.report.templating import table
from audit_lib.vocabulary import SEVERITIES

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

# Family is left out (the chart below groups by it) and so is the reason (only checks that did not run
# have one; "What was not run" lists them): the table must fit an A4 page.
_COLUMNS = ["check_id", "severity", "status", "population", "failures", "title", "legal_refs"]


def check_results_table(check_results: "pd.DataFrame", lang: str = "en") -> "Markup":
    """Every check with its status, tested population and failures; failures and errors first."""
    frame = check_results.copy()
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    severity = {s: i for i, s in enumerate(SEVERITIES)}
    frame["_o"] = frame["status"].map(order).fillna(len(order))
    frame["_s"] = frame["severity"].map(severity).fillna(len(severity))
    frame = frame.sort_values(["_o", "_s", "check_id"], kind="stable")
    frame["legal_refs"] = frame["legal_refs"].map(legal_refs)
    frame["status"] = status_texts(frame, lang)
    frame["severity"] = frame["severity"].map(lambda s: text(f"severity.{s}", lang))
    for column in ("population", "failures"):
        frame[column] = frame[column].map(count)
    frame = frame[_COLUMNS]
    frame.columns = [text(f"col.{c}", lang) for c in _COLUMNS]
    return titled_table(table(frame, "ra-checks"), "section.checks", lang)
