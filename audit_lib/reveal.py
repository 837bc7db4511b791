"""Reveal: from a keyed pseudonym (S-…) in a report back to the subject id, for whoever holds the key.

This is the one deliberate way back from the evidence to a person, for the internal drill-down
(fixing a finding, answering the authority's follow-up): the lead who holds the pseudonym key loads
the exports, computes the pseudonym of every subject id they mention, and prints the ids that match.
Nothing here is written anywhere; the report folders never hold the key or the ids.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from audit_lib.errors import RegauditError
from audit_lib.i18n import T_
from audit_lib.pseudonym import LENGTH, PREFIX, pseudonym

_REFERENCE = re.compile(rf"^{re.escape(PREFIX)}[0-9a-f]{{{LENGTH}}}$")


@dataclass
class Revealed:
    """The subject ids whose pseudonym is ``reference``, and the roles (views) each appears in."""

    reference: str
    subjects: dict[str, list[str]] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        return bool(self.subjects)


def subject_views(con, available: dict[str, set[str]]) -> list[str]:
    """The canonical views that have a subject_id column, ``subjects`` first."""
    roles = sorted(role for role, fields in available.items() if "subject_id" in fields)
    return sorted(roles, key=lambda role: role != "subjects")


def reveal(reference: str, exports: str | os.PathLike, *, register: str | os.PathLike | None = None,
           key_file: str | os.PathLike | None = None, key: bytes | None = None,
           allow_outside: list[str | os.PathLike] | None = None) -> Revealed:
    """Find the subject id(s) behind ``reference`` in the exports of ``exports`` (exports.yaml).

    The key comes from ``key`` or ``audit_lib.pseudonym.load_key(key_file)`` (``$REGAUDIT_PSEUDONYM_KEY``
    wins there): it must be the key the report was made with, or nothing matches. ``allow_outside``:
    folders outside exports.yaml's own that its paths may name (see ``load_declaration``).
    """
    from audit_lib.opening import open_register
    from audit_lib.pseudonym import load_key
    from audit_lib.sql import ident

    wanted = reference.strip()
    if not _REFERENCE.match(wanted):
        raise RegauditError(T_("{reference!r} is not a subject reference: they look like {example} (S- and "
                               "{length} hexadecimal digits).", reference=reference, example=PREFIX + "0" * LENGTH,
                               length=LENGTH))
    secret = key if key is not None else load_key(key_file)
    with open_register(register, exports, allow_outside=allow_outside) as opened:
        con = opened.con
        found: dict[str, list[str]] = {}
        for role in subject_views(con, opened.load_report.available):
            ids = con.execute(f"SELECT DISTINCT CAST(subject_id AS VARCHAR) FROM {ident(role)} "
                              "WHERE subject_id IS NOT NULL").fetchall()
            for (subject_id,) in ids:
                if pseudonym(subject_id, secret) == wanted:
                    found.setdefault(subject_id, []).append(role)
        return Revealed(wanted, dict(sorted(found.items())))


__all__ = ["Revealed", "reveal", "subject_views"]
