"""``regaudit check --only``: which checks run, and which exports the loader must read for them.

A check says what it reads in its header: ``needs`` (role or derived relation -> fields), ``reads``
(derived relations whose rows are its input, e.g. ``retention_items``) and ``uses`` (relations it
may read without needing them: an exception tested on orders when they are there, ``identities``,
``export_columns``; ``export_rows`` for every export as read). Each name is a relation of the
loader's contract (loader/contract.py); ``relation_wants`` says which exports it is built from:

- a role view: the exports that feed the role;
- ``consent_timeline``: consent_events and consent_states; ``request_deadlines``: requests;
  ``retention_items`` / ``retention_due``: the role of every retention rule of register.yaml (their
  start fields, deleted_at and subject_id are fields of those roles);
- ``free_texts``: support_contacts and every export with a column marked ``free_text``;
- ``subject_index``: every export of a role with subjects; ``identities`` / ``identity_conflicts``:
  the master register;
- ``export_rows``, ``export_columns``, ``export_files``: every export;
- ``unmapped_files``, the ``decl_*`` tables and the calendar: nothing (the folder listing and the
  declaration are always read).

A name the list does not know loads every export: a check is never judged on less than it reads.
Whatever is loaded, the master register is loaded too when any export loaded names subjects: their
identifiers resolve to it (loader/identity.py). Loading is per export, whole: a file's rows are
quarantined on any mapped field, so loading some of its columns would change which rows load.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

from audit_lib.errors import RegauditError
from audit_lib.exit_codes import ExitCode
from audit_lib.i18n import Joined, T_, Text
from audit_lib.checks.shared import SHARED_READS
from audit_lib.roles import ROLES

if TYPE_CHECKING:
    from audit_lib.checks.spec import Check
    from audit_lib.declaration import Declaration, Export

EVERY_EXPORT = "export_rows"
# Relations built from every export, and relations built from none (always there).
_EVERY = frozenset({"export_rows", "export_columns", "export_files"})
_NOTHING = frozenset({"unmapped_files", "calendar", "next_working_day", "public_holidays", "holiday_eves"})
_RETENTION = frozenset({"retention_items", "retention_due"})


class UnknownCheckError(RegauditError):
    """``--only`` names a check the catalogue does not hold: a usage error."""

    exit_code = ExitCode.USAGE


def split_ids(values: Iterable[str] | None) -> list[str]:
    """Check ids from repeated and comma-separated ``--only`` values, in order, each once."""
    ids = [part.strip() for value in values or () for part in str(value).split(",")]
    return list(dict.fromkeys(i for i in ids if i))


def select_checks(ids: Iterable[str], checks: Sequence["Check"]) -> tuple["Check", ...]:
    """The checks of ``checks`` named by ``ids`` (split as ``split_ids``), in catalogue order; an id the
    catalogue lacks raises UnknownCheckError naming the closest ids."""
    wanted = split_ids(ids)
    if not wanted:
        raise UnknownCheckError(T_("--only names no check"))
    known = {check.id: check for check in checks}
    unknown = [i for i in wanted if i not in known]
    if unknown:
        raise UnknownCheckError(Joined("; ", [unknown_message(i, list(known)) for i in unknown]))
    return tuple(check for check in checks if check.id in wanted)


def unknown_message(check_id: str, known: Sequence[str]) -> Text:
    """``unknown check 'x'`` with the closest known ids (difflib), or how to list them."""
    close = difflib.get_close_matches(check_id, known, n=3, cutoff=0.6)
    if not close:  # a family or a fragment: the ids that hold it
        close = [k for k in known if check_id.lower() in k][:5]
    if close:
        return T_("unknown check {check!r}: did you mean {ids}?", check=check_id, ids=", ".join(close))
    return T_("unknown check {check!r}: see docs or audit_lib/checks/<family>/ for the ids", check=check_id)


def relations(checks: Iterable["Check"]) -> list[str]:
    """Every relation the checks name in ``needs``, ``reads`` and ``uses``, each once."""
    names: list[str] = []
    for check in checks:
        names += [*check.meta.needs, *check.meta.reads, *getattr(check.meta, "uses", ())]
        # A shared result (checks/shared.py) reads the relations its definition names.
        names += [relation for shared in check.meta.shared for relation in SHARED_READS[shared]]
    return list(dict.fromkeys(names))


def relation_wants(name: str, export: "Export", declaration: "Declaration") -> bool:
    """True if relation ``name`` is built (in part) from ``export`` (see the module's docstring)."""
    roles = set(export.roles)
    if name in ROLES:
        return name in roles
    if name == "consent_timeline":
        return bool(roles & {"consent_events", "consent_states"})
    if name == "request_deadlines":
        return "requests" in roles
    if name in _RETENTION:
        return bool(roles & {rule.role for rule in declaration.register.retention.rules})
    if name == "free_texts":
        return "support_contacts" in roles or any(spec.free_text for spec in export.columns.values())
    if name == "subject_index":
        return any("subject_id" in ROLES[role].field_names for role in roles)
    if name in ("identities", "identity_conflicts"):
        return "subjects" in roles
    if name in _NOTHING or name.startswith("decl_"):
        return False
    return True  # _EVERY, and any name not listed: every export, never less than the check reads


@dataclass(frozen=True)
class Selection:
    """What an ``--only`` audit loads: the indices of exports.yaml's entries, and why."""

    exports: frozenset[int]
    relations: tuple[str, ...]
    retention: bool  # a selected check reads the retention rules' relations

    def wants(self, index: int) -> bool:
        """True if entry ``index`` of exports.yaml is loaded."""
        return index in self.exports


def needed_exports(checks: Iterable["Check"], declaration: "Declaration") -> Selection:
    """The exports ``checks`` need loaded, with the master register whenever a loaded export names subjects."""
    checks = list(checks)
    names = relations(checks)
    entries = declaration.exports.exports
    wanted = {i for i, export in enumerate(entries) if any(relation_wants(n, export, declaration) for n in names)}
    master = declaration.register.master_identifier
    if any(entries[i].subject_columns(master) for i in wanted):
        wanted |= {i for i, export in enumerate(entries) if "subjects" in export.roles}
    return Selection(frozenset(wanted), tuple(names), any(n in _RETENTION for n in names))
