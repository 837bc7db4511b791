"""How the report words the cells of its tables: statuses, severities, counts, legal references, families."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

from audit_lib.report.labels import text
from audit_lib.vocabulary import FAMILIES, STATUSES_BY_ATTENTION

if TYPE_CHECKING:
    import pandas as pd

# Check statuses from the most to the least urgent: the order of the check table, and a provision's
# status is its worst check's.
STATUS_ORDER = STATUSES_BY_ATTENTION


def input_status(status: Any, lang: str = "en") -> str:
    """An input file's status (loaded, rejected, …) as the report words it; another status as it is."""
    return text(f"input.{status}", lang) if isinstance(status, str) else ""


def status_texts(checks: "pd.DataFrame", lang: str) -> list[str]:
    """Each check's status as the report words it; a check not run because its inputs are declared not
    exported says so."""
    declared = checks["out_of_scope"] if "out_of_scope" in checks else [False] * len(checks)

    def word(status: str, out: bool) -> str:
        """The label key of a check's status."""
        return "status.not_run_not_exported" if status == "not_run" and out else f"status.{status}"

    return [text(word(status, bool(out)), lang) for status, out in zip(checks["status"], declared)]


def count(value: Any) -> int | str:
    """A count as a whole number; nothing for a missing one (a check that did not run tested nothing)."""
    import pandas as pd

    return "" if value is None or pd.isna(value) else int(value)


def legal_refs(value: Any) -> str:
    """Legal references, which may arrive as a list, an array or text, as one line."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return ", ".join(str(v) for v in value)
    except TypeError:
        return str(value)


def family_order(values: Iterable[Any]) -> list[str]:
    """Families in the report's fixed order, then any new family (added by a check file) by name."""
    present = {v for v in values if isinstance(v, str)}
    return [f for f in FAMILIES if f in present] + sorted(present - set(FAMILIES))
