"""Why an audit is incomplete: the reasons the report's cover, audit.json and ``regaudit check`` show.

Each reason is a ``T_`` text (audit_lib/i18n.py): English as audit.json and the report's tables
record it (``input …``, ``check …``, ``retention rule …``), and in Finnish where the reader speaks
it. The statuses it names are the loader's and the check runner's; their words are translated here,
the detail after them (the loader's or the check's own reason) as it comes.
"""

from __future__ import annotations

from typing import Iterable

from audit_lib.i18n import T_, Text

# The statuses that make an input or a check incomplete, as the loader and the runner name them.
_STATUSES = {"error": T_("error"), "rejected": T_("rejected"), "not_run": T_("not_run")}


def _status(status: str) -> Text | str:
    """A status as the reasons name it (an unknown one as it is)."""
    return _STATUSES.get(status, status)


def input_reason(file: str, status: str, detail: object) -> Text:
    """An input that was not loaded whole: its file, status and the loader's detail."""
    return T_("input {file}: {status} ({detail})", file=file, status=_status(status), detail=detail)


def check_reason(check_id: str, status: str, reason: object) -> Text:
    """A check in scope that did not run or broke: its id, status and reason."""
    return T_("check {check}: {status} ({reason})", check=check_id, status=_status(status), reason=reason)


def retention_reason(rule_id: str, role: str, start_fields: Iterable[str]) -> Text:
    """A retention rule that no export lets the audit evaluate: the fields it counts from."""
    return T_("retention rule {rule}: not evaluated, no export provides {role}.{fields}", rule=rule_id, role=role,
              fields="/".join(start_fields))
