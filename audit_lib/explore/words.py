"""The explore notebook's words: headings and notes, chart titles, axes and legends, table headings and
filters, written in English here and looked up in the catalog of the notebook's ``lang`` (audit_lib/i18n.py).

The statistics themselves keep their English column names and values (``stats`` returns data; tests
and the report read them): a table or legend is put into words only where it is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audit_lib.i18n import NC_, N_, language, translate

if TYPE_CHECKING:
    import pandas as pd

# The notebook's headings and notes, by the name its cells use (audit_lib/explore/notebook.py).
PROSE = {
    "title": N_("Register statistics"),
    "overview": N_("Rows loaded per canonical role (rows the loader quarantined are not counted)."),
    "subjects": N_("Subjects and accounts"),
    "inactive": N_("Inactive: no activity for longer than the declared `inactive_accounts` retention rule, as "
                   "of the period's end."),
    "consent": N_("Consent and marketing"),
    "retention": N_("Retention"),
    "requests": N_("Data-subject requests"),
    "access": N_("Access to the register"),
    "categories": N_("Declared categories against categories present"),
    "mismatches": N_("Pairs where the declaration and the data disagree (declared but absent, or present but "
                     "not declared)."),
}

# The values the statistics give (states, statuses, placeholders) as a legend or a table cell shows them.
VALUES = {
    "granted": NC_("explore", "granted"),
    "withdrawn": NC_("explore", "withdrawn"),
    "never asked": NC_("explore", "never asked"),
    "not required": NC_("explore", "not required"),
    "active": NC_("explore", "active"),
    "inactive": NC_("explore", "inactive"),
    "closed": NC_("explore", "closed"),
    "unknown": NC_("explore", "unknown"),
    "on time": NC_("explore", "on time"),
    "late": NC_("explore", "late"),
    "open": NC_("explore", "open"),
    "open, overdue": NC_("explore", "open, overdue"),
    "(none)": NC_("explore", "(none)"),
    "(no account)": NC_("explore", "(no account)"),
    "within the limit": NC_("explore", "within the limit"),
    "past due": NC_("explore", "past due"),
    "not declared, absent": NC_("explore", "not declared, absent"),
    "declared, absent": NC_("explore", "declared, absent"),
    "declared, present": NC_("explore", "declared, present"),
    "present, not declared": NC_("explore", "present, not declared"),
}
# The columns of the statistics' tables (audit_lib/explore/stats.py), as a table's headings show them.
COLUMNS = {
    "role": NC_("explore column", "role"),
    "rows": NC_("explore column", "rows"),
    "subject_type": NC_("explore column", "subject type"),
    "subjects": NC_("explore column", "subjects"),
    "month": NC_("explore column", "month"),
    "state": NC_("explore column", "state"),
    "channel": NC_("explore column", "channel"),
    "campaign": NC_("explore column", "campaign"),
    "consent_state": NC_("explore column", "consent at send time"),
    "messages": NC_("explore column", "messages"),
    "rule_id": NC_("explore column", "retention rule"),
    "age_months": NC_("explore column", "age (months)"),
    "overdue": NC_("explore column", "past due"),
    "records": NC_("explore column", "records"),
    "limit_months": NC_("explore column", "limit (months)"),
    "kind": NC_("explore column", "request"),
    "status": NC_("explore column", "status"),
    "days_vs_deadline": NC_("explore column", "days from the deadline"),
    "requests": NC_("explore column", "requests"),
    "hour": NC_("explore column", "hour"),
    "accesses": NC_("explore column", "access-log entries"),
    "user_id": NC_("explore column", "user id"),
    "busiest_day": NC_("explore column", "busiest day"),
    "busiest_day_accesses": NC_("explore column", "entries on the busiest day"),
    "bulk_threshold": NC_("explore column", "daily limit"),
    "category_id": NC_("explore column", "category"),
    "declared": NC_("explore column", "declared"),
    "present": NC_("explore column", "present"),
    "rows_with_values": NC_("explore column", "rows with values"),
}
# Columns whose values are words of VALUES.
WORD_COLUMNS = ("state", "consent_state", "status", "campaign", "role")

# The filters (audit_lib/explore/widgets.py).
FILTER_PERIOD, FILTER_TYPE, FILTER_CHANNEL = N_("Period"), N_("Subject type"), N_("Channel")
ALL_OPTION, UPDATING, FILTER_ERROR = N_("(all)"), N_("updating…"), N_("error:")
ALL_TIME_OPTION = NC_("explore period", "all")


def t(message: str, lang: str, **values: object) -> str:
    """``message`` in ``lang`` (another language is read as English), its ``{placeholders}`` filled."""
    text = translate(message, language(lang))
    return text.format(**values) if values else text


def value(word: Any, lang: str) -> Any:
    """A value of the statistics (``granted``, ``late``) as shown in ``lang``; anything else as it is."""
    return t(VALUES[word], lang) if isinstance(word, str) and word in VALUES else word


def column(name: str, lang: str) -> str:
    """A column of the statistics as a table heading in ``lang`` (its own name if it has no words)."""
    return t(COLUMNS[name], lang) if name in COLUMNS else name


def labelled(frame: "pd.DataFrame", lang: str) -> "pd.DataFrame":
    """``frame`` as the notebook shows it in ``lang``: headings and word values put into words. In
    English the frame is shown as the statistics give it (its own column names)."""
    if language(lang) == "en":
        return frame
    shown = frame.copy()
    for name in WORD_COLUMNS:
        if name in shown:
            shown[name] = shown[name].map(lambda v: value(v, lang))
    return shown.rename(columns={name: column(name, lang) for name in shown.columns})


def prose(name: str, lang: str, level: int = 0) -> Any:
    """A heading (``level`` 1–3) or note of the notebook as Markdown output, in ``lang``."""
    from IPython.display import Markdown

    return Markdown(("#" * level + " " if level else "") + t(PROSE[name], lang))


__all__ = ["COLUMNS", "PROSE", "VALUES", "column", "labelled", "prose", "t", "value"]
