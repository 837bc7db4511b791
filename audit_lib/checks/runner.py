"""Running checks: bind parameters, skip what lacks inputs, turn a broken check into an ``error`` result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable

from audit_lib.checks.spec import Check, CheckResult, Status
from audit_lib.i18n import Joined, T_
from audit_lib.roles import DERIVED_RELATIONS, DERIVED_SOURCES, ROLES
from audit_lib.sql import bind, ident, literal

if TYPE_CHECKING:
    import duckdb

    from audit_lib.declaration import Declaration


class SharedResultFailed(RuntimeError):
    """A shared intermediate result could not be made: every check that reads it fails with the same reason."""

    def __init__(self, name: str, cause: Exception) -> None:
        super().__init__(f"the shared result {name} could not be made ({type(cause).__name__}: {cause})")
        self.name, self.cause = name, cause


@dataclass
class CheckContext:
    """What a check may use: the connection (canonical views and decl_* tables), parameters, declaration."""

    con: "duckdb.DuckDBPyConnection"
    params: dict[str, Any]
    available: dict[str, set[str]]
    declaration: "Declaration | None" = None
    extra: dict[str, Any] = field(default_factory=dict)
    # Facts about the relations (rows, subjects, resolution) that several checks ask for: counted once.
    _counts: dict[tuple, Any] = field(default_factory=dict, repr=False)
    # Intermediate results made once per audit (``shared``): name -> the definition it was made from.
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)
    # Shared results whose making failed (out of memory, say): name -> the error, raised to every later
    # reader instead of making it again (each attempt over a large register costs the same minute).
    _shared_failed: dict[str, Exception] = field(default_factory=dict, repr=False)

    def shared(self, name: str, build: "str | Callable[[CheckContext, str], None] | None" = None) -> str:
        """The table ``shared_<name>``, made once per audit and read by every check that asks for it: the
        one way checks share an intermediate result (the period's access log, a phone table, the held
        categories, a join that both a population and the findings read).

        ``build`` is SQL (its ``$parameters`` bound) or a function given the context and the table's name,
        which creates it; without one, the definition is ``checks/shared.py``'s of that name. A name
        asked for with another definition is an error: two checks must not read different results
        under one name.
        """
        if build is None:
            from audit_lib.checks.shared import SHARED_SQL

            if name not in SHARED_SQL:
                raise KeyError(f"no shared result {name!r} in audit_lib/checks/shared.py")
            build = SHARED_SQL[name]
        table = f"shared_{name}"
        key = build if isinstance(build, str) else getattr(build, "__qualname__", repr(build))
        if name in self._shared:
            if self._shared[name] != key:
                raise ValueError(f"shared result {name!r} is defined twice, differently")
            return table
        if name in self._shared_failed:
            raise SharedResultFailed(name, self._shared_failed[name])
        try:
            if isinstance(build, str):
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS {build}", bind(build, self.params))
            else:
                build(self, table)
        except Exception as exc:
            self._shared_failed[name] = exc
            raise SharedResultFailed(name, exc) from exc
        self._shared[name] = key
        return table

    def drop_shared(self) -> None:
        """Drop every shared table (the audit's end, or a benchmark repeating a check)."""
        for name in self._shared:
            self.con.execute(f"DROP TABLE IF EXISTS {ident('shared_' + name)}")
        self._shared.clear()
        self._shared_failed.clear()

    def count(self, sql: str, *params: Any) -> Any:
        """The first row of ``sql`` (a count over the relations), computed once per audit."""
        key = (sql, *params)
        if key not in self._counts:
            self._counts[key] = self.con.execute(sql, list(params)).fetchone()
        return self._counts[key]

    def export_rows(self, file: str) -> str | None:
        """The view of export ``file``'s rows as read (the loader's second contract, loader/contract.py),
        looked up in the contract's ``export_files`` relation as checks read it; None when the file did not
        load."""
        from audit_lib.backends.base import relation_columns

        if relation_columns(self.con, "export_files") is None:
            return None  # no export loaded
        row = self.con.execute("SELECT view FROM export_files WHERE file = ?", [file]).fetchone()
        return row[0] if row else None

    def query(self, sql: str) -> list[dict[str, Any]]:
        """Run ``sql`` with its ``$parameters`` bound; rows as dicts."""
        cursor = self.con.execute(sql, bind(sql, self.params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def missing_inputs(check: Check, available: dict[str, set[str]]) -> list[str]:
    """``role.field`` names the check needs that no loaded export provides."""
    missing = []
    for role, fields in check.meta.needs.items():
        if role not in available:
            if role in DERIVED_RELATIONS:
                missing.append(T_("{role} (built from {sources}: no export is mapped to it or it failed to load)",
                                  role=role, sources=DERIVED_RELATIONS[role]))
            else:
                missing.append(T_("{role} (no export is mapped to it or it failed to load)", role=role))
            continue
        missing += [f"{role}.{f}" for f in fields if f not in available[role]]
    return missing


def not_exported_reasons(check: Check, context: CheckContext) -> str | None:
    """Why the check's inputs are absent by declaration (exports.yaml ``not_exported``), or None when
    any missing input is not so declared (a relation the loader derives counts as declared when every
    role it is built from is)."""
    declared = context.declaration.exports.not_exported if context.declaration is not None else {}
    absent = [name for name in check.meta.needs if name not in context.available]
    lacking = [f for name, fields in check.meta.needs.items() if name in context.available
               for f in fields if f not in context.available[name]]
    if not absent or lacking:
        return None
    roles = [role for name in absent for role in DERIVED_SOURCES.get(name, (name,))]
    if not all(role in declared for role in roles):
        return None
    return Joined("; ", [T_("{role} is not exported: {reason}", role=role, reason=declared[role])
                         for role in dict.fromkeys(roles)])


def _subject_relations(check: Check, context: CheckContext) -> list[str]:
    """The relations whose subject_id the check reads (they are joined through the resolved subject)."""
    return [name for name, fields in check.meta.needs.items()
            if "subject_id" in fields and "subject_id" in context.available.get(name, set())]


def join_problem(check: Check, context: CheckContext) -> str | None:
    """Why the check's subject joins cannot be trusted, or None.

    A relation whose subjects resolve to the master register less often than exports.yaml's
    ``min_resolved_share`` (default 0.5) is keyed by an identifier the mapping does not resolve; and
    relations that all hold subjects but share none can never match. Either way the check would
    pass having tested nothing, so it is an ``error`` instead.
    """
    relations = _subject_relations(check, context)
    if not relations:
        return None
    minimum = context.declaration.exports.min_resolved_share if context.declaration is not None else 0.5
    # The subject index (every subject of every role view) is read once per audit, and every role's
    # count below comes from it instead of a scan of the role view.
    index = context.shared("subject_index")
    if "subjects" in context.available:
        for name in relations:
            if name == "subjects" or name not in ROLES:
                continue
            total, held = context.count(
                "SELECT count(*), count(*) FILTER (WHERE in_master) FROM (SELECT subject_id, bool_or(in_master) "
                f"AS in_master FROM {index} WHERE role = ? GROUP BY subject_id)", name)
            if total and held / total < minimum:
                return T_("only {held} of the {total} subjects of {name} resolve to the master register (at least "
                          "{minimum:.0%} are required): its joins would miss most people; name the export's subject "
                          "by an identifier register.yaml declares (subject: in exports.yaml)", held=held,
                          total=total, name=name, minimum=minimum)
    if len(relations) < 2:
        return None
    def subjects_of(name: str) -> str:
        # A role's subjects are in the index; a derived relation (consent_timeline) is read itself.
        if name in ROLES:
            return f"SELECT subject_id FROM {index} WHERE role = {literal(name)}"
        return f"SELECT subject_id FROM {ident(name)} WHERE subject_id IS NOT NULL"

    counts = [context.count(f"SELECT count(DISTINCT subject_id) FROM ({subjects_of(name)})")[0] for name in relations]
    if all(counts):
        # One subject in all of them is enough: the search stops at the first (an INTERSECT of every
        # relation's distinct subjects cost seconds per check at 10 million subjects).
        first, *others = sorted(relations)
        within = " AND ".join(f"subject_id IN ({subjects_of(name)})" for name in others)
        if not context.count(f"SELECT count(*) FROM (SELECT 1 FROM ({subjects_of(first)}) WHERE {within} LIMIT 1)")[0]:
            return T_("{relations} hold {counts} subjects but share none: the check's join can never match; are "
                      "they keyed by different identifiers?", relations=Joined(T_(" and "), relations),
                      counts=Joined(T_(" and "), [str(c) for c in counts]))
    return None


def input_rows(check: Check, context: CheckContext) -> int | None:
    """Rows of the relations the check reads (None for a check of the declaration only)."""
    counts = relation_rows(check, context)
    return sum(counts.values()) if counts else None


def relation_rows(check: Check, context: CheckContext) -> dict[str, int]:
    """Rows of each relation the check reads (its needs that are loaded, and its ``reads``)."""
    names = [name for name in check.meta.needs if name in context.available] + list(check.meta.reads)
    return {name: context.count(f"SELECT count(*) FROM {ident(name)}")[0] for name in names}


def not_tested_reason(check: Check, context: CheckContext) -> str:
    """Why a check that ran had no record to test: its own reason, an empty relation it reads, else its scope."""
    own = check.not_tested_function(context) if check.not_tested_function is not None else None
    if own:
        return own
    empty = [name for name, rows in relation_rows(check, context).items() if not rows]
    if empty:
        return T_("no record to test: {relations} holds no rows", relations=", ".join(empty))
    if check.meta.scope == "period":
        return T_("no record to test in the period: the inputs hold rows, none in the check's population")
    if check.meta.scope == "as_of":
        return T_("no record to test at the end of the period: the inputs hold rows, none in the check's population")
    return T_("no record to test: the inputs hold rows, none in the check's population")


def run_check(check: Check, context: CheckContext) -> CheckResult:
    """Run one check; never raises for a failure of the check itself."""
    started = time.perf_counter()
    missing = missing_inputs(check, context.available)
    if missing:
        declared = not_exported_reasons(check, context)
        if declared:
            return CheckResult(check, Status.NOT_RUN, reason=declared, out_of_scope=True)
        return CheckResult(check, Status.NOT_RUN, reason=T_("needs {inputs}", inputs=Joined(", ", missing)))
    try:
        problem = join_problem(check, context)
        if problem:
            return CheckResult(check, Status.ERROR, reason=problem, duration_s=time.perf_counter() - started)
        rows_in = input_rows(check, context)
        for name in check.meta.shared:
            context.shared(name)
        population = _population(check, context)
        rows = context.query(check.sql) if check.sql is not None else list(check.function(context))
        if rows and "record_ref" not in rows[0]:
            raise ValueError("the check's rows have no record_ref column")
        _no_repeated_findings(check, rows)
        _subjects_named_by_field(rows)
    except Exception as exc:  # a broken check is a result, not a crashed audit
        return CheckResult(check, Status.ERROR, reason=f"{type(exc).__name__}: {exc}".strip(),
                           duration_s=time.perf_counter() - started)
    status, reason = (Status.FAIL if rows else Status.PASS), None
    if status == Status.PASS and population == 0 and rows_in:
        # A pass must have tested something.
        status, reason = Status.NOT_TESTED, not_tested_reason(check, context)
    return CheckResult(check, status, population=population, rows=rows, reason=reason,
                       duration_s=time.perf_counter() - started, input_rows=rows_in)


def _no_repeated_findings(check: Check, rows: list[dict[str, Any]]) -> None:
    """Each row is one finding: the same record, subject and fingerprint fields twice is a broken check
    (a record_ref that names no single record, such as a campaign for a message)."""
    seen: set[tuple] = set()
    for row in rows:
        identity = (str(row["record_ref"]), row.get("subject_id"), *[str(row.get(f)) for f in check.meta.fingerprint])
        if identity in seen:
            # The reference is named by its kind only: it may hold a subject id, and reasons reach the report.
            kind = str(row["record_ref"]).split("/", 1)[0]
            raise ValueError(f"two rows are the same finding (a record of {kind}): a record_ref must name one "
                             "record; derive a key in exports.yaml where the export has none")
        seen.add(identity)


def _subjects_named_by_field(rows: list[dict[str, Any]]) -> None:
    """Every ``subjects/<id>`` a row's text holds names a subject of its subject fields (``subject_id``,
    ``*_subject_id``): the findings pseudonymise from those fields (audit_lib/findings.py), so a
    reference to any other id would reach the outputs as it is. Such a check is broken."""
    from audit_lib.findings import SUBJECT_REFERENCE, subject_ids

    for row in rows:
        named = [SUBJECT_REFERENCE + i for i in subject_ids(row)]
        for name, value in row.items():
            if not isinstance(value, str) or SUBJECT_REFERENCE not in value:
                continue
            rest = value
            while SUBJECT_REFERENCE in rest:
                rest = rest[rest.index(SUBJECT_REFERENCE):]
                known = [n for n in named if rest.startswith(n)]
                if not known:
                    raise ValueError(f"column {name} refers to a subject (subjects/…) that no subject_id or "
                                     "*_subject_id column of the row names: return that subject's id too")
                rest = rest[len(max(known, key=len)):]


def _population(check: Check, context: CheckContext) -> int | None:
    if check.population_function is not None:
        return int(check.population_function(context))
    if check.meta.population:
        return int(context.query(check.meta.population)[0].popitem()[1])
    return None


def run_checks(checks: Iterable[Check], context: CheckContext,
               progress: Callable[[Check], None] | None = None) -> list[CheckResult]:
    """Run every check in order; ``progress`` is told which check starts."""
    results = []
    for check in checks:
        if progress:
            progress(check)
        results.append(run_check(check, context))
    return results
