"""Scope and inputs: the period, every input file with its hash and row counts, the rows quarantined."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit_lib.report.labels import text
from audit_lib.report.sections.cells import input_status
from audit_lib.report.sections.headings import titled_table
from audit_lib.report.templating import render, table

if TYPE_CHECKING:
    import pandas as pd
    from markupsafe import Markup

    from audit_lib.audit import AuditResult

HASH_SHOWN = 12
_INPUT_COLUMNS = ("file", "role", "format", "status", "rows_read", "rows_loaded", "rows_quarantined", "sha256")
_ROW_COUNTS = ("rows_read", "rows_loaded", "rows_quarantined")


def _inputs(inputs: "pd.DataFrame", lang: str) -> "Markup":
    """The inputs table: file, role, format, status, row counts and the SHA-256 shortened to 12 characters."""
    frame = inputs.copy()
    frame["sha256"] = frame["sha256"].map(lambda h: (str(h)[:HASH_SHOWN] + "…") if h else "")
    columns = [c for c in _INPUT_COLUMNS if c in frame]
    frame = frame[columns]
    for column in _ROW_COUNTS:
        if column in frame:
            frame[column] = frame[column].map(lambda v: "" if v is None or v != v else int(v))
    if "status" in frame:
        frame["status"] = frame["status"].map(lambda s: input_status(s, lang))
    frame.columns = [text(f"col.{c}", lang) for c in columns]
    return table(frame, "ra-inputs")


def inputs_table(inputs: "pd.DataFrame", lang: str = "en") -> "Markup":
    """Inputs, under their own heading: file, role, format, row counts and the SHA-256 shortened."""
    return titled_table(_inputs(inputs, lang), "section.inputs", lang, "section.inputs.note")


def quarantine_summary(result: "AuditResult") -> "pd.DataFrame":
    """Quarantined rows counted per file and reason code, with the first lines as pointers (counted in
    DuckDB by audit_lib/quarantine.py: a file of millions of quarantined rows is never fetched)."""
    from audit_lib.quarantine import summary

    return summary(result.con)


def scope_section(result: "AuditResult", lang: str = "en") -> "Markup":
    """Scope and inputs: the period, every input file with its hash and row counts, and the rows
    quarantined per file and reason (counts only: quarantined rows are raw register data)."""
    quarantine = quarantine_summary(result)
    shown = None
    if not quarantine.empty:
        quarantine.columns = [text(f"col.{c}", lang) for c in quarantine.columns]
        shown = table(quarantine, "ra-quarantine")
    return render("sections/scope.html.j2", lang=lang, period=result.period.label,
                  inputs=_inputs(result.inputs, lang), quarantine=shown)
