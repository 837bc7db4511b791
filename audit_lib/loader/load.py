"""Loading every mapped export into DuckDB: typed staging, quarantine, reconciliation, canonical views.

One pass per export: DuckDB's reader feeds a ``CREATE TABLE stg_NN AS SELECT`` that keeps every
column as read and adds the canonical fields, typed, plus a stable code saying why the row fails
(``regaudit:code``; the reason is worded for quarantined rows only) — nothing is copied twice.
Rows the reader itself rejects (wrong column count, broken quoting, invalid encoding) come from its
rejects table. Per file, ``rows_read = rows_loaded + rows_quarantined`` holds by construction and
is tested. A CSV's rows read are its records counted from its bytes (csv_scan.py), not what the
reader accepted: a file whose reader gave another number is an error (``Source.verify_counts``).

Row numbers: ``row`` is the data row number in its file (1 = the first row after the header,
counting rejected rows too). ``line`` is the physical line (sheet row for XLSX): exact for rows the
reader rejected (from their byte offset); for other CSV rows it is the row number plus the header
and skipped lines plus the newlines inside quoted values of the rows loaded before it (a rejected
multi-line row before it is counted as one line). Parquet and JSON arrays have no lines (NULL).

Time: a naive timestamp is read in the export's time zone (default Europe/Helsinki) and stored as an
instant (TIMESTAMPTZ; see timezones.py). Across DST changes DuckDB's ICU rules apply: a local time that does not exist
(2026-03-29 03:30, in the spring gap) is moved forward by the gap (04:30+03, 01:30 UTC); an
ambiguous one (2026-10-25 03:30, which occurs twice) is taken as the later, standard-time instant
(03:30+02, 01:30 UTC). Timestamps with an offset, ``Z`` or a zone name keep their instant. A date
or time outside the export's plausible years (``options.plausible_years``, default 1900-2100) is
quarantined as ``implausible_year``, whatever read it (casting.py); numbers are never rounded to fit
(numbers.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Collection

from audit_lib.errors import LoadError
from audit_lib.hashing import BackgroundHashes
from audit_lib.i18n import T_
from audit_lib.loader.casting import (FALSE_VALUES, TIMESTAMP_FORMATS, TRUE_VALUES, CastSpec, NativeCast,
                                     cast_expression, failure_reason, native_cast, passes_sql, text_sql)
from audit_lib.loader import contract, folder, identity, keys, snapshots, timezones
from audit_lib.loader.encoding import has_carriage_return
from audit_lib.loader.mapping import column_uses, constant_sql, derived_key_sql, referenced_columns
from audit_lib.loader.readers import (CODE_COLUMN, FILE_COLUMN, LINE_COLUMN, NATIVE_CAST_FAILED, ORDER_COLUMN,
                                      ROW_COLUMN, RecordCountMismatch, Source,
                                      csv_record_positions, duck_message, open_source, relative_name, resolve_files)
from audit_lib.loader.snapshots import SNAPSHOT_COLUMN
from audit_lib.roles import ROLES, TEXT, vocabulary
from audit_lib.sql import ident, insert_rows, literal
from audit_lib.vocabulary import InputStatus, QuarantineReason

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

    from audit_lib.declaration import Declaration, Export

INPUT_COLUMNS = ["file", "role", "format", "sha256", "bytes", "rows_read", "rows_loaded", "rows_quarantined",
                 "status", "detail", "detected"]
QUARANTINE_COLUMNS = ["file", "row", "reason", "raw", "line", "column_name", "reason_code", "key_value", "value"]
# Quarantined rows whose raw text is kept, per file: every quarantined row is kept and counted, but a
# file of a million duplicate rows must not keep a million copies of a person's data (the rest have
# raw NULL). ``key_value`` holds a duplicate key apart from the reason, for outputs to pseudonymise
# (audit_lib/quarantine.py).
RAW_ROWS_KEPT = 100
FIELD_PREFIX = "regaudit:f:"


@dataclass
class LoadReport:
    """What the loader did: one row per input file, the roles and fields available to checks."""

    inputs: list[dict[str, object]] = field(default_factory=list)
    available: dict[str, set[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def inputs_frame(self) -> "pd.DataFrame":
        """The per-file reconciliation as a DataFrame (columns INPUT_COLUMNS; ``detected`` holds dicts)."""
        import pandas as pd

        return pd.DataFrame(self.inputs, columns=INPUT_COLUMNS)

    @property
    def detected(self) -> dict[str, dict[str, object]]:
        """Per file, what the reader detected or was told (encoding, delimiter, ...): for the manifest."""
        return {str(row["file"]): dict(row["detected"] or {}) for row in self.inputs}  # type: ignore[call-overload]

    @property
    def complete(self) -> bool:
        """True when every mapped file loaded and none passed its reject threshold (a file the mapping
        leaves out is a finding, not a load failure)."""
        return all(row["status"] in folder.COMPLETE_STATUSES for row in self.inputs)


def _create_support_tables(con: "duckdb.DuckDBPyConnection") -> None:
    con.execute("CREATE TABLE quarantine (file VARCHAR, row BIGINT, reason VARCHAR, raw VARCHAR, line BIGINT, "
                "column_name VARCHAR, reason_code VARCHAR, key_value VARCHAR, value VARCHAR)")
    con.execute("CREATE TABLE export_columns (file VARCHAR, role VARCHAR, column_name VARCHAR, field VARCHAR, "
                "category VARCHAR, not_personal VARCHAR, in_file BOOLEAN, in_mapping BOOLEAN)")
    con.execute("CREATE TABLE not_applicable_fields (file VARCHAR, role VARCHAR, field VARCHAR, reason VARCHAR)")


@dataclass
class _Loaded:
    """An export that staged: where its rows are, how each plan's fields are computed, its snapshots."""

    export: "Export"
    key: str
    view: str
    plan_exprs: list[dict[str, str]]
    snapshots: dict[str, object]


def load_exports(con: "duckdb.DuckDBPyConnection", declaration: "Declaration",
                 only: "Collection[int] | None" = None) -> LoadReport:
    """Load every export of ``declaration`` into ``con``; never raises for one bad file.

    After the files: identities are resolved (identity.py), one view per role is built over the
    records every export gives, one ``export_rows_NN`` view per export (contract.py), and every file
    of the exports folder that no entry reads is listed (folder.py).

    ``only``: the indices of the entries of exports.yaml to load (``regaudit check --only``; see
    audit_lib/selection.py, which keeps the master register among them whenever a loaded entry
    names subjects). The others are not read: each of their files is listed in the inputs with
    status ``skipped`` (neither loaded nor missing; not hashed, not counted), and their roles are
    neither available to checks nor listed as not exported. None loads every entry.
    """
    report = LoadReport()
    _create_support_tables(con)
    loaded: list[_Loaded] = []
    resolved: list[list[Path] | LoadError] = []
    for export in declaration.exports.exports:
        try:
            resolved.append(resolve_files(declaration.exports_dir, export.file, export.table))
        except LoadError as exc:
            resolved.append(exc)
    timezones.warm(con, {export.timezone or declaration.exports.timezone for export in declaration.exports.exports})
    wanted = set(range(len(resolved))) if only is None else set(only)
    skipped_roles: set[str] = set()
    with BackgroundHashes() as hashes:
        hashes.submit([path for index, files in enumerate(resolved) if index in wanted and isinstance(files, list)
                       for path in files])
        for index, (export, files) in enumerate(zip(declaration.exports.exports, resolved)):
            if index not in wanted:
                _record_skipped(declaration, export, files, report)
                skipped_roles.update(export.roles)
                continue
            _load_one(con, declaration, export, files, f"{index:02d}", report, hashes, loaded)
    folder.record(con, report, folder.unread_files(declaration, [f for f in resolved if isinstance(f, list)]))
    master = declaration.register.master_identifier
    subject_sql = identity.resolve(con, declaration, [
        identity.Staged(item.export, f"stg_{item.key}", item.view, item.export.subject_columns(master))
        for item in loaded])
    by_role: dict[str, list] = {}
    for item in loaded:
        snapshot = snapshots.snapshot_sql(item.export, item.snapshots)  # type: ignore[arg-type]
        for plan, exprs in zip(item.export.plans(), item.plan_exprs):
            by_role.setdefault(plan.role, []).append((item, plan, exprs, subject_sql.get(item.export.file), snapshot))
        key_name = ROLES[item.export.role].key if item.export.role else None
        key_sql = subject_sql.get(item.export.file) if key_name == "subject_id" else (
            item.plan_exprs[0].get(key_name) if key_name else None)
        contract.create_export_rows(con, item.export, item.key, item.view, subject_sql.get(item.export.file),
                                    snapshot, key_sql)
    for role_name, parts in by_role.items():
        _create_role_view(con, role_name, parts, report)
    _create_consent_timeline(con, report, skipped_roles)
    _create_free_texts(con, loaded, subject_sql, report)
    _create_unexported_roles(con, report, skipped_roles)
    identity.create_subject_index(con, report.available)
    return report


SKIPPED_DETAIL = "not needed by the selected checks (--only): not read"


def _record_skipped(declaration, export, files: "list[Path] | LoadError", report: LoadReport) -> None:
    """List the files of an entry the selected checks do not need as ``skipped``: not read, not hashed
    (only their size is taken), neither loaded nor missing."""
    base = {"role": ", ".join(export.roles), "format": export.format, "sha256": None, "rows_read": None,
            "rows_loaded": None, "rows_quarantined": None, "status": InputStatus.SKIPPED, "detected": {}}
    if isinstance(files, LoadError):  # not looked at further: the selected checks do not read it
        report.inputs.append({**base, "file": export.file, "bytes": None,
                              "detail": f"{SKIPPED_DETAIL} (and it could not be found: {files})"})
        return
    for path in files:
        report.inputs.append({**base, "file": relative_name(path, declaration.exports_dir),
                              "bytes": path.stat().st_size, "detail": SKIPPED_DETAIL})


def _create_unexported_roles(con, report: LoadReport, skipped: Collection[str] = ()) -> None:
    """An empty view for every role no export gives, listed in ``unexported_roles``: statistics and
    charts over a register without, say, an access log then show "not exported" instead of failing.
    Checks are not misled: ``LoadReport.available`` still lacks the role, so a check that needs it is
    ``not_run``. A role whose exports were ``skipped`` gets the empty view but is not listed: it is
    exported, only not read."""
    con.execute("CREATE TABLE unexported_roles (role VARCHAR)")
    listed = []
    for role in ROLES.values():
        if role.name in report.available:
            continue
        columns = ", ".join(f"CAST(NULL AS {f.type}) AS {ident(f.name)}" for f in role.fields)
        con.execute(f"CREATE VIEW {ident(role.name)} AS SELECT {columns}, NULL::VARCHAR AS _source_file, "
                    "NULL::BIGINT AS _source_row WHERE false")
        if role.name not in skipped:
            listed.append((role.name,))
    insert_rows(con, "unexported_roles", listed)


def _create_free_texts(con, loaded: list[_Loaded], subject_sql: dict[str, str], report: LoadReport) -> None:
    """``free_texts``: every text written by people that the audit scans for personal data, as
    (role, record_key, file, row, column_name, whole_record, subject_id, text, at).

    The support contacts' ``text`` is free text by definition (``whole_record``: the text is the
    record); any other column marked ``free_text: true`` is added, with the time its ``text_at``
    column gives, else no time (the text is judged as held when the export was taken).
    """
    parts = []
    if "text" in report.available.get("support_contacts", set()):
        parts.append("SELECT 'support_contacts' AS role, contact_id AS record_key, _source_file AS file, "
                     "_source_row AS row, 'text' AS column_name, true AS whole_record, subject_id, text, "
                     "\"at\" FROM support_contacts WHERE text IS NOT NULL")
    for item in loaded:
        export = item.export
        role_text = export.field_columns().get("text") if export.role == "support_contacts" else None
        role = export.roles[0] if export.roles else None
        key = item.plan_exprs[0].get(ROLES[role].key) if export.role else None
        if export.role and ROLES[export.role].key == "subject_id":
            key = subject_sql.get(export.file)
        for column, spec in export.columns.items():
            if not spec.free_text or column == role_text:
                continue
            at = ident(text_at_column(column)) if spec.text_at else "NULL::TIMESTAMPTZ"
            parts.append(
                f"SELECT {literal(role or 'exports')} AS role, CAST({key or 'NULL'} AS VARCHAR) AS record_key, "
                f"{ident(FILE_COLUMN)} AS file, {ident(ROW_COLUMN)} AS row, {literal(column)} AS column_name, "
                f"false AS whole_record, {subject_sql.get(export.file) or 'NULL::VARCHAR'} AS subject_id, "
                f"{text_sql(ident(column))} AS text, {at} AS \"at\" FROM {ident(item.view)} "
                f"WHERE {ident(CODE_COLUMN)} IS NULL AND {text_sql(ident(column))} IS NOT NULL")
    if parts:
        con.execute(f"CREATE VIEW free_texts AS {' UNION ALL '.join(parts)}")
        report.available["free_texts"] = {"role", "record_key", "file", "row", "column_name", "subject_id", "text",
                                          "at"}


def _create_consent_timeline(con, report: LoadReport, skipped: Collection[str] = ()) -> None:
    """``consent_timeline``: every dated consent record of every system, events and states with the time
    they last changed, as (subject_id, channel, action, at, origin, _source_file): what the consent
    checks judge a send by. A state without a change time says nothing about when it began.

    Consent may be exported as events, as states, or both: a register whose systems keep events only
    gets an empty ``consent_states`` (the checks comparing states then test nothing, and say so).
    """
    if "consent_events" in report.available and "consent_states" not in report.available and (
            "consent_states" not in skipped):
        # (consent_states skipped by --only: exported, only not read; no check selected reads it)
        role = ROLES["consent_states"]
        columns = ", ".join(f"CAST(NULL AS {f.type}) AS {ident(f.name)}" for f in role.fields)
        con.execute(f"CREATE VIEW consent_states AS SELECT {columns}, NULL::VARCHAR AS _source_file, "
                    "NULL::BIGINT AS _source_row WHERE false")
        report.available["consent_states"] = set(role.field_names)
    parts = []
    if "consent_events" in report.available:
        parts.append("SELECT subject_id, channel, action, \"at\", 'event' AS origin, _source_file FROM consent_events")
    if "consent_states" in report.available:
        parts.append("SELECT subject_id, channel, state, changed_at, 'state', _source_file FROM consent_states "
                     "WHERE changed_at IS NOT NULL")
    if parts:
        con.execute(f"CREATE VIEW consent_timeline AS {' UNION ALL '.join(parts)}")
        report.available["consent_timeline"] = {"subject_id", "channel", "action", "at", "origin"}


def _load_one(con, declaration, export, files: "list[Path] | LoadError", key: str, report: LoadReport,
              hashes: BackgroundHashes, loaded: list[_Loaded]) -> None:
    """Stage one export, or record why it could not be read (one bad file never stops the others)."""
    try:
        if isinstance(files, LoadError):
            raise files
        zone = export.timezone or declaration.exports.timezone
        times = snapshots.snapshot_times(export, [relative_name(f, declaration.exports_dir) for f in files], zone)
        view, plan_exprs, export = _stage(con, declaration, export, files, key, report, hashes)
    except LoadError as exc:
        report.problems.append(str(exc))
        report.inputs.append({"file": export.file, "role": ", ".join(export.roles), "format": export.format,
                              "sha256": None, "bytes": None, "rows_read": 0, "rows_loaded": 0,
                              "rows_quarantined": 0, "status": InputStatus.ERROR, "detail": str(exc), "detected": {}})
        return
    loaded.append(_Loaded(export, key, view, plan_exprs, times))


def _cast_spec(declaration, export, role_name: str, field_name: str, values: dict[str, str] | None,
               source_type: str) -> CastSpec:
    options = export.options
    canonical = ROLES[role_name].field(field_name)
    true_values = tuple(options.true_values or TRUE_VALUES)
    false_values = tuple(options.false_values or FALSE_VALUES)
    if role_name == "consent_states" and field_name == "state" and not values:
        # A consent state column holds the export's yes/no words.
        values = {**{v: "granted" for v in true_values}, **{v: "withdrawn" for v in false_values}}
    return CastSpec(
        target=canonical.type, source_type=source_type,
        timezone=export.timezone or declaration.exports.timezone, values=values,
        timestamp_formats=tuple(options.timestamp_formats or TIMESTAMP_FORMATS),
        true_values=true_values, false_values=false_values,
        decimal_separator=options.decimal_separator, vocabulary=vocabulary(canonical, declaration.register),
        years=options.plausible_years)


def text_at_column(column: str) -> str:
    """The stage column holding the typed time free-text ``column`` refers to (its ``text_at``)."""
    return f"regaudit:text_at:{column}"


def _guard_sql(plan) -> str:
    """SQL true where a fact guarded by ``when:`` applies: its guard column has a value."""
    return f"{text_sql(ident(plan.when))} IS NOT NULL"


def _plan_fields(export, plans=None):
    """(plan index, plan, field, column, value map) for every field a column of ``export`` feeds."""
    for index, plan in enumerate(plans if plans is not None else export.plans()):
        for field_name, (column, values) in plan.fields.items():
            if field_name == "subject_id":
                continue  # the subject is resolved from the export's identifier columns (identity.py)
            yield index, plan, field_name, column, values


def _stage(con, declaration, export, files: list[Path], key: str, report: LoadReport,
           hashes: BackgroundHashes) -> tuple[str, list[dict[str, str]], "Export"]:
    """Read and type ``export`` into ``stg_<key>`` (and its numbered view), quarantine, reconcile; return the
    view, each plan's field expressions, and the entry fitted to the file's header (Export.narrowed).

    CSV columns whose sampled values all have a plain form are cast by DuckDB's reader itself (the
    fastest way); if it meets a value it cannot cast further down, the file is read again with the
    loader's own casts, so what loads and why a row is quarantined never depend on that shortcut.
    A CSV that DuckDB's strict reader cannot parse and that holds carriage returns (a file saved
    with mixed line endings) is read again from a copy with every line ending made LF.
    """
    casts: dict[str, set] = {}
    for _, plan, name, column, values in _plan_fields(export):
        casts.setdefault(column, set()).add(native_cast(_cast_spec(declaration, export, plan.role, name, values,
                                                                   "VARCHAR")))
    # A column the reader may cast itself only when every field it feeds would cast it the same way.
    native = {column: next(iter(found)) for column, found in casts.items() if len(found) == 1 and None not in found}
    failed: _NativeCastFailed | None = None
    newlines = False
    for attempt in range(3):
        # Each attempt's reader rejects go to tables of their own (DuckDB names them per statement).
        attempt_key = key if attempt == 0 else f"{key}_retry{attempt}"
        try:
            stage = _stage_once(con, declaration, export, files, attempt_key, key, report, hashes, native, newlines)
            break
        except _NativeCastFailed as exc:
            failed, native = exc, {}
        except LoadError as exc:
            if newlines or export.format != "csv" or not _unparsed_with_carriage_returns(exc, files):
                raise
            newlines = True
        con.execute("DELETE FROM export_columns WHERE file = ?", [export.file])
        con.execute(f"DROP TABLE IF EXISTS {ident(f'stg_{key}')}")
    else:  # each retry drops one shortcut, so a third attempt cannot ask for another
        raise AssertionError(f"{export.file}: no attempt to read it ended")
    for row in report.inputs[-len(files):]:
        lines = failed.reasons.get(str(row["file"])) if failed else None
        if lines:
            # A count and the first case: a column of such values must not flood the manifest.
            row["detected"]["native_cast_failed"] = (  # type: ignore[index]
                f"{len(lines)} value(s) the reader could not cast, so the file was read again with "
                f"regaudit's casts; first: {lines[0]}")
    return stage


def _unparsed_with_carriage_returns(error: LoadError, files: list[Path]) -> bool:
    """True if DuckDB's strict CSV reader gave up on the file's structure (or read other than the
    file's records, which a lone CR can make it do) and a file holds a CR."""
    return (("invalid state" in str(error) or isinstance(error, RecordCountMismatch))
            and any(has_carriage_return(path) for path in files))


class _NativeCastFailed(Exception):
    """The CSV reader could not cast a value of a column it was asked to cast itself."""

    def __init__(self, reasons: dict[str, list[str]]) -> None:
        super().__init__("native cast failed")
        self.reasons = reasons


def _stage_once(con, declaration, export, files: list[Path], attempt_key: str, key: str, report: LoadReport,
                hashes: BackgroundHashes, native: dict[str, "NativeCast"], newlines: bool
                ) -> tuple[str, list[dict[str, str]], "Export"]:
    source = open_source(con, export, files, declaration.exports_dir, native, attempt_key, newlines)
    try:
        export = export.narrowed(source.columns)  # a preset's columns this file lacks are simply absent
        _record_columns(con, declaration, export, source.columns)
        missing = [c for c in referenced_columns(declaration, export) if c not in source.columns]
        if missing:
            raise LoadError(source.names[0],
                            T_("column(s) {missing} named in exports.yaml are not in the file; its columns are: "
                               "{columns}", missing=", ".join(map(repr, missing)),
                               columns=", ".join(map(repr, source.columns))), column=missing[0])
        table = f"stg_{key}"
        plan_exprs, (reason_sql, value_sql), counts = _create_stage(con, declaration, export, source, table)
        source.collect_rejects(con)
        failed = [r for r in source.rejects if r.code == NATIVE_CAST_FAILED]
        if failed:
            con.execute(f"DROP TABLE {ident(table)}")
            reasons: dict[str, list[str]] = {}
            for reject in failed:
                # Line and column, not the value: this note reaches the manifest and the report.
                reasons.setdefault(reject.file, []).append(f"line {reject.line}: column {reject.column}")
            raise _NativeCastFailed(reasons)
        own_exprs = plan_exprs[0] if plan_exprs else {}
        _mark_duplicates(con, export, table, own_exprs)
        ranges = None if source.row_provided else _rowid_ranges(source.names, counts)
        if ranges is None:
            staged = dict(con.execute(f"SELECT {ident(FILE_COLUMN)}, count(*) FROM {ident(table)} GROUP BY 1").fetchall())
        else:
            staged = {name: stop - first for name, first, stop in ranges}
        source.verify_counts(staged)  # a CSV must give every record its bytes hold (csv_scan.py)
        view = _numbered_view(con, source, table, ranges)
        marked = _quarantine(con, export, source, view, reason_sql, value_sql, own_exprs)
        _reconcile(declaration, export, source, staged, marked, report, hashes)
        return view, plan_exprs, export
    finally:
        source.close()


def _create_stage(con, declaration, export, source: Source, table: str
                  ) -> tuple[list[dict[str, str]], tuple[str, str], list[int]]:
    """Create the stage; return, per plan (export.plans()), the role view's expression per field; the
    SQL of a row's quarantine reason and of the values that failed, over the stage (worded only for
    the rows that need it, not stored); and the rows each of the source's parts gave. Reasons name
    columns, never values: the failing values (``column: text``) are kept apart, in the quarantine's
    ``value``, which outputs write only on explicit request (audit_lib/quarantine.py).

    A row fails if any field of any record it gives fails: a fact guarded by ``when`` tests its
    fields only where the guard column has a value. The subject identifiers are tested as one: a
    row of a role with subjects needs a value in at least one of them.
    """
    plans = export.plans()
    typed, reasons, failed_values, codes, passing = [], [], [], [], []
    plan_exprs: list[dict[str, str]] = [{} for _ in plans]
    typed_by_expression: dict[str, str] = {}
    primary_key_field = export.columns[export.key].field if export.key and export.key in export.columns else None
    for index, plan, field_name, column, values in _plan_fields(export, plans):
        canonical = ROLES[plan.role].field(field_name)
        spec = _cast_spec(declaration, export, plan.role, field_name, values, source.types[column])
        expression = cast_expression(column, spec)
        typed_name = ident(FIELD_PREFIX + field_name if index == 0 else f"{FIELD_PREFIX}{index}:{field_name}")
        if canonical.type == TEXT and not spec.closed:
            # Not copied: the role view trims the raw column (see _create_role_view).
            plan_exprs[index][field_name] = expression
        elif expression == ident(column):
            # Already of the field's type as read (a Parquet boolean, say): not copied either.
            typed_name = plan_exprs[index][field_name] = expression
        elif expression in typed_by_expression:
            # The same column read the same way for another fact: computed once.
            typed_name = plan_exprs[index][field_name] = typed_by_expression[expression]
            continue
        else:
            typed.append((expression, typed_name))
            typed_by_expression[expression] = typed_name
            plan_exprs[index][field_name] = typed_name
        is_key = index == 0 and field_name == primary_key_field
        _test_field(plan, column, field_name, spec, typed_name, canonical.required or is_key, is_key,
                    (reasons, failed_values, codes, passing))
    for index, plan in enumerate(plans):
        for field_name, value in plan.constants.items():
            plan_exprs[index][field_name] = constant_sql(value, ROLES[plan.role].field(field_name).type)
        for field_name, columns in plan.derive.items():
            plan_exprs[index][field_name] = derived_key_sql(columns)
    _test_subject(declaration, export, plans, reasons, codes, passing)
    _type_times(declaration, export, source, typed, reasons, failed_values, codes, passing)
    code_sql = _code_sql(export, codes, passing)
    reason_sql = f"concat_ws('; ', {', '.join(reasons)})" if reasons else "NULL::VARCHAR"
    value_sql = (f"NULLIF(concat_ws('; ', {', '.join(failed_values)}), '')" if failed_values
                 else "NULL::VARCHAR")
    # One statement per file, in file order: the rowid then numbers each file's rows contiguously,
    # so neither the file's name nor the row's number needs storing (see _numbered_view).
    computed = ", ".join(f"{expression} AS {name}" for expression, name in typed)
    counts = []
    # A source that gives each row's place is staged in parallel, ordered by it; others on one thread.
    with contextlib.nullcontext() if source.ordered else _one_thread(con):
        for number, (part_sql, params) in enumerate(source.parts):
            counts.append(_write_part(con, export, source, table, number, part_sql, params, computed, code_sql))
    return plan_exprs, (reason_sql, value_sql), counts


def _test_field(plan, column: str, field_name: str, spec: CastSpec, typed_name: str, required: bool, is_key: bool,
                tests: tuple[list, list, list, list]) -> None:
    """Add a field's failure reason, failing value, code and pass test (guarded by the fact's ``when``)."""
    reasons, failed_values, codes, passing = tests
    reason, code = failure_reason(column, field_name, spec, typed_name, required, key=is_key)
    passes = passes_sql(column, spec, typed_name, required)
    if plan.when is not None:
        guard = _guard_sql(plan)
        reason, code = f"CASE WHEN {guard} THEN {reason} END", f"CASE WHEN {guard} THEN {code} END"
        passes = None if passes is None else f"(NOT ({guard}) OR {passes})"
    reasons.append(reason)
    failed_values.append(_failed_value_sql(reason, column))
    codes.append(code)
    if passes is not None:
        passing.append(passes)


def _test_subject(declaration, export, plans, reasons: list, codes: list, passing: list) -> None:
    """Add the test that a row of a role with subjects names one in at least one identifier column."""
    subject_columns = export.subject_columns(declaration.register.master_identifier)
    needs_subject = any(ROLES[plan.role].field("subject_id").required for plan in plans
                        if "subject_id" in ROLES[plan.role].field_names)
    if subject_columns and needs_subject:
        present = " OR ".join(f"{text_sql(ident(c))} IS NOT NULL" for c in dict.fromkeys(subject_columns.values()))
        names = ", ".join(dict.fromkeys(subject_columns.values()))
        reasons.append(f"CASE WHEN NOT ({present}) THEN {literal(f'missing subject (no value in {names})')} END")
        codes.append(f"CASE WHEN NOT ({present}) THEN {literal(QuarantineReason.MISSING_VALUE)} END")
        passing.append(f"({present})")


def _type_times(declaration, export, source: Source, typed: list, reasons: list, failed_values: list, codes: list,
                passing: list) -> None:
    """Add the times the loader types beside the fields: the snapshot column (required) and the time each
    free-text column refers to (optional)."""
    times = ([(export.snapshot.column, SNAPSHOT_COLUMN, "snapshot", True)]
             if export.snapshot is not None and export.snapshot.column else [])
    times += [(spec.text_at, text_at_column(column), f"time of {column}", False)
              for column, spec in export.columns.items() if spec.free_text and spec.text_at]
    for column, name, label, required in times:
        spec = CastSpec(target="TIMESTAMPTZ", source_type=source.types[column],
                        timezone=export.timezone or declaration.exports.timezone,
                        timestamp_formats=tuple(export.options.timestamp_formats or TIMESTAMP_FORMATS),
                        years=export.options.plausible_years)
        typed.append((cast_expression(column, spec), ident(name)))
        reason, code = failure_reason(column, label, spec, ident(name), required)
        reasons.append(reason)
        failed_values.append(_failed_value_sql(reason, column))
        codes.append(code)
        passing.append(passes_sql(column, spec, ident(name), required))


def _code_sql(export, codes: list[str], passing: list[str]) -> str:
    """SQL of a row's quarantine reason code (NULL for a row that loads)."""
    code_sql = f"coalesce({', '.join(codes)})" if codes else "NULL::VARCHAR"
    if export.on_unknown_value == "fail":
        code_sql = (f"CASE WHEN ({code_sql}) = {literal(QuarantineReason.BAD_VALUE)} THEN error('a value outside the "
                    f"canonical values or the values: map (on_unknown_value: fail)') ELSE {code_sql} END")
    if passing:
        # Most rows pass every field: one cheap test spares them the coalesce of CASEs.
        code_sql = f"CASE WHEN {' AND '.join(passing)} THEN NULL ELSE {code_sql} END"
    return code_sql


@contextlib.contextmanager
def _one_thread(con):
    """Run the stage's writes on one thread: the rowids must follow the file's rows (they give each row
    its number), and DuckDB's parallel order-preserving insert was seen to store a Parquet file's row
    groups (and a large CSV's chunks) out of order, numbering most rows of a large file wrongly (DuckDB
    2.0.1 still does). A source that gives each row's place (``Source.ordered``) needs no single thread:
    its rows are inserted ORDER BY that place, an order DuckDB keeps."""
    threads = con.execute("SELECT current_setting('threads')").fetchall()[0][0]
    con.execute("SET threads = 1")
    try:
        yield
    finally:
        con.execute(f"SET threads = {int(threads)}")


def _write_part(con, export, source: Source, table: str, number: int, part_sql: str, params, computed: str,
                code_sql: str) -> int:
    """Write file ``number`` of the source into the stage (creating it with the first); its rows."""
    typed_sql = f"SELECT *, {computed} FROM ({part_sql})" if computed else f"SELECT * FROM ({part_sql})"
    select = f"SELECT *, {code_sql} AS {ident(CODE_COLUMN)} FROM ({typed_sql})"
    if source.ordered:
        select = f"SELECT * EXCLUDE ({ident(ORDER_COLUMN)}) FROM ({select}) ORDER BY {ident(ORDER_COLUMN)}"
    verb = f"CREATE TABLE {ident(table)} AS " if number == 0 else f"INSERT INTO {ident(table)} "
    try:
        return con.execute(verb + select, params).fetchall()[0][0]
    except Exception as exc:  # duckdb raises several error types; all mean "cannot read this file"
        name = source.names[min(number, len(source.names) - 1)]
        paths = [str(p) for p in source.files]
        raise LoadError(name, T_("cannot be read as {format}: {error}", format=export.format,
                                 error=duck_message(exc, paths, source.names))) from exc


def _failed_value_sql(reason_sql: str, column: str) -> str:
    """``column: text`` where ``reason_sql`` words a failure of ``column`` on the row, else NULL."""
    return f"CASE WHEN ({reason_sql}) IS NOT NULL THEN {literal(column + ': ')} || {text_sql(ident(column))} END"


def _key_sql(export, view_exprs: dict[str, str]) -> str:
    """The export's key over the stage as the role view gives it (text trimmed): " M4" and "M4" are
    one key there, so they are one key here."""
    spec = export.columns.get(export.key)
    if spec is not None and spec.field and spec.field in view_exprs:
        return view_exprs[spec.field]
    return text_sql(ident(export.key))


def _mark_duplicates(con, export, table: str, view_exprs: dict[str, str]) -> None:
    """The first good row of a key wins; later ones are quarantined rather than silently merged."""
    if not export.key:
        return
    key = _key_sql(export, view_exprs)
    spec = export.columns.get(export.key)
    mapped = spec is not None and spec.field is not None and spec.field in view_exprs
    # A key mapped to a field is required: a row without one already has a code, so a good row
    # has a key (and the key is not computed twice per row).
    good = f"{ident(CODE_COLUMN)} IS NULL" + ("" if mapped else f" AND {key} IS NOT NULL")
    text = not mapped or ROLES[export.role].field(spec.field).type == TEXT and not spec.values
    # Text keys stream as read (trimming every key costs more than the read; see keys.py).
    streamed = f"CAST({ident(export.key)} AS VARCHAR)" if text else key
    if keys.strictly_ordered(con, f"SELECT {streamed} FROM {ident(table)} WHERE {good}", text):
        return
    if not keys.repeated_hashes(con, key, ident(table), good):
        return
    duplicated = f"SELECT {key} FROM {ident(table)} WHERE {good} GROUP BY 1 HAVING count(*) > 1"
    if not con.execute(f"SELECT count(*) FROM ({duplicated})").fetchall()[0][0]:
        return
    con.execute(
        f"UPDATE {ident(table)} SET {ident(CODE_COLUMN)} = {literal(QuarantineReason.DUPLICATE_KEY)} WHERE rowid IN "
        f"(SELECT rid FROM (SELECT rowid AS rid, row_number() OVER (PARTITION BY {key} ORDER BY rowid) AS n "
        f"FROM {ident(table)} WHERE {good} AND {key} IN ({duplicated})) WHERE n > 1)")



def _rowid_ranges(names: list[str], counts: list[int]) -> list[tuple[str, int, int]]:
    """Each file's (name, first rowid, rowid after its last row) in the stage, files with rows only."""
    ranges, start = [], 0
    for name, count in zip(names, counts):
        if count:
            ranges.append((name, start, start + count))
        start += count
    return ranges


def _by_rowid(ranges: list[tuple[str, int, int]], value) -> str:
    """SQL giving ``value(name, first rowid)`` (an SQL expression) of the file a stage row came from."""
    if len(ranges) <= 1:
        return value(*ranges[0][:2]) if ranges else "NULL"
    return "CASE " + " ".join(f"WHEN rowid < {stop} THEN {value(name, first)}" for name, first, stop in ranges) + " END"


def _numbered_view(con, source: Source, table: str, ranges: list[tuple[str, int, int]] | None) -> str:
    """A view of the stage with each row's file (``regaudit:file``) and data row number in it (``regaudit:row``).

    Readers that know them store them (XLSX). Otherwise the stage keeps file order, one statement
    per file: a rowid range names the file, the rowid less the file's first rowid is the row's
    place among the rows the reader kept, and the reader's rejects before it are added back (an
    ASOF join, only when there are any).
    """
    view = f"{table}_rows"
    if ranges is None:
        con.execute(f"CREATE VIEW {ident(view)} AS SELECT * FROM {ident(table)}")
        return view
    file_sql = ident(FILE_COLUMN)
    numbered = (f"SELECT *, {_by_rowid(ranges, lambda name, first: literal(name))} AS {file_sql}, "
                f"rowid + 1 - {_by_rowid(ranges, lambda name, first: str(int(first)))} AS ")
    if not source.rejects:
        con.execute(f"CREATE VIEW {ident(view)} AS {numbered}{ident(ROW_COLUMN)} FROM {ident(table)}")
        return view
    gaps: dict[tuple[str, int], int] = {}
    counters: dict[str, int] = {}
    for reject in sorted(source.rejects, key=lambda r: (r.file, r.row or 0)):
        counters[reject.file] = counters.get(reject.file, 0) + 1
        gaps[(reject.file, (reject.row or 0) - counters[reject.file])] = counters[reject.file]
    gap_table = f"{table}_gaps"
    con.execute(f"CREATE TABLE {ident(gap_table)} (file VARCHAR, kept_before BIGINT, skipped BIGINT)")
    insert_rows(con, gap_table, [(f, k, s) for (f, k), s in gaps.items()])
    con.execute(
        f"CREATE VIEW {ident(view)} AS SELECT s.* EXCLUDE (\"regaudit:k\"), "
        f"s.\"regaudit:k\" + coalesce(g.skipped, 0) AS {ident(ROW_COLUMN)} "
        f"FROM ({numbered}\"regaudit:k\" FROM {ident(table)}) s "
        f"ASOF LEFT JOIN {ident(gap_table)} g ON s.{file_sql} = g.file AND s.\"regaudit:k\" > g.kept_before")
    return view


def _quarantine(con, export, source: Source, view: str, reason_sql: str, value_sql: str,
                view_exprs: dict[str, str]) -> dict[str, int]:
    """Write the quarantined rows of the stage and the reader's rejects; per file, how many of the
    stage's rows were quarantined (counted among the new quarantine rows, not over the stage)."""
    def per_file() -> dict[str, int]:
        return dict(con.execute("SELECT file, count(*) FROM quarantine WHERE file IN (SELECT unnest($names)) "
                                "GROUP BY 1", {"names": source.names}).fetchall())

    before = per_file()
    quarantined = f"{ident(CODE_COLUMN)} IS NOT NULL"
    raw = "to_json({" + ", ".join(f"{literal(c)}: {ident(c)}" for c in source.columns) + "})"
    kept = _raw_kept_rows(con, source, view, quarantined)
    raw = f"CASE WHEN {_raw_kept_sql(kept)} THEN {raw} END"
    line = ident(LINE_COLUMN) if source.row_provided else "NULL::BIGINT"
    key_value = "NULL::VARCHAR"
    if export.key:
        # The key is kept apart from the reason: outputs show it only pseudonymised.
        duplicate = literal(f"duplicate key in column {export.key}")
        is_duplicate = f"{ident(CODE_COLUMN)} = {literal(QuarantineReason.DUPLICATE_KEY)}"
        reason_sql = f"CASE WHEN {is_duplicate} THEN {duplicate} ELSE {reason_sql} END"
        key_value = f"CASE WHEN {is_duplicate} THEN CAST({_key_sql(export, view_exprs)} AS VARCHAR) END"
    con.execute(
        f"INSERT INTO quarantine SELECT {ident(FILE_COLUMN)}, {ident(ROW_COLUMN)}, {reason_sql}, {raw}, "
        f"{line}, NULL, {ident(CODE_COLUMN)}, {key_value}, CASE WHEN {_raw_kept_sql(kept)} THEN {value_sql} END "
        f"FROM {ident(view)} WHERE {quarantined}")
    marked = {name: count - before.get(name, 0) for name, count in per_file().items()}
    if export.format == "csv":
        _csv_lines(con, source, view)
    insert_rows(con, "quarantine", [
        (r.file, r.row, r.reason, r.raw if r.row is None or r.row <= kept.get(r.file, 0) else None, r.line, r.column,
         r.code, None, r.value if r.row is None or r.row <= kept.get(r.file, 0) else None) for r in source.rejects])
    return marked


def _raw_kept_rows(con, source: Source, view: str, quarantined: str) -> dict[str, int]:
    """Per file, the last data row whose raw text the quarantine keeps: the RAW_ROWS_KEPT smallest row
    numbers among the stage's quarantined rows and the reader's rejects (the stage's found in one
    pass, without sorting them all)."""
    import heapq

    smallest: dict[str, list[int]] = {
        name: list(rows) for name, rows in con.execute(
            f"SELECT {ident(FILE_COLUMN)}, min({ident(ROW_COLUMN)}, {RAW_ROWS_KEPT}) FROM {ident(view)} "
            f"WHERE {quarantined} GROUP BY 1").fetchall()}
    for reject in source.rejects:
        if reject.row is not None:
            smallest.setdefault(reject.file, []).append(reject.row)
    return {name: max(heapq.nsmallest(RAW_ROWS_KEPT, rows)) for name, rows in smallest.items() if rows}


def _raw_kept_sql(kept: dict[str, int]) -> str:
    """SQL true for a stage row of a file whose raw text is kept (``_raw_kept_rows``)."""
    if not kept:
        return "false"
    cases = " ".join(f"WHEN {literal(name)} THEN {int(row)}" for name, row in kept.items())
    return f"{ident(ROW_COLUMN)} <= (CASE {ident(FILE_COLUMN)} {cases} ELSE 0 END)"


def _csv_lines(con, source: Source, view: str) -> None:
    """Physical lines of a CSV's quarantined rows: row + header + newlines inside earlier quoted values,
    or, in a file with blank lines, where csv_records places them."""
    # The files only, not their rows: a file may have millions of quarantined rows.
    pending = [name for (name,) in con.execute("SELECT DISTINCT file FROM quarantine WHERE line IS NULL AND file IN "
                                               "(SELECT unnest($names)) ORDER BY 1", {"names": source.names}).fetchall()]
    if not pending:
        return
    for name in pending:
        if source.has_blank_lines(name):
            _blank_file_lines(con, source, name)
    text_columns = [c for c in source.columns if source.types.get(c) == "VARCHAR"]
    # One flat call over all the text columns: a sum of one term per column nests as deep as the file is
    # wide, past DuckDB's expression depth (and takes seconds to plan) for a thousand columns.
    joined = f"concat_ws('', {', '.join(ident(c) for c in text_columns)})" if text_columns else "''"
    newlines = f"len(string_split({joined}, chr(10))) - 1"
    con.execute(f"CREATE TEMP TABLE _newlines AS SELECT * FROM (SELECT {ident(FILE_COLUMN)} AS file, "
                f"{ident(ROW_COLUMN)} AS row, {newlines} AS n FROM {ident(view)}) WHERE n > 0")
    header = " ".join(f"WHEN {literal(n)} THEN {int(h)}" for n, h in source.header_lines.items())
    con.execute(
        f"UPDATE quarantine q SET line = q.row + (CASE q.file {header} ELSE 0 END) + coalesce((SELECT sum(n) "
        f"FROM _newlines w WHERE w.file = q.file AND w.row < q.row), 0) "
        "WHERE q.line IS NULL AND q.file IN (SELECT unnest($names))", {"names": source.names})
    con.execute("DROP TABLE _newlines")


def _blank_file_lines(con, source: Source, name: str, batch_rows: int = 50_000) -> None:
    """Physical lines of the quarantined rows of CSV ``name``, which has blank lines, from where
    csv_records places its records: the rows are read in order in batches and the file once,
    side by side, so that neither is held whole."""
    cursor = con.cursor()  # reads the rows while ``con`` writes their lines
    rows = cursor.execute("SELECT row FROM quarantine WHERE line IS NULL AND file = ? ORDER BY row", [name])
    con.execute("CREATE TEMP TABLE _lines (file VARCHAR, row BIGINT, line BIGINT)")

    def flush(lines: list[tuple[str, int, int]]) -> None:
        insert_rows(con, "_lines", lines)

    try:
        wanted = [r for (r,) in rows.fetchmany(batch_rows)]
        found: list[tuple[str, int, int]] = []
        at = 0
        for number, line, _ in csv_record_positions(source.read_paths[name], source.detected[name]):
            if at == len(wanted):
                wanted, at = [r for (r,) in rows.fetchmany(batch_rows)], 0
                flush(found)
                found = []
                if not wanted:
                    break
            while at < len(wanted) and wanted[at] < number:
                at += 1  # a row number the file does not have (cannot happen; never loops forever)
            if at < len(wanted) and wanted[at] == number:
                found.append((name, number, line))
                at += 1
        flush(found)
    finally:
        cursor.close()
    con.execute("UPDATE quarantine q SET line = l.line FROM _lines l "
                "WHERE q.line IS NULL AND q.file = l.file AND q.row = l.row")
    con.execute("DROP TABLE _lines")


def _plain(value: object) -> str:
    """A detected setting as inputs.csv shows it: a list or mapping as JSON, never a Python repr."""
    import json

    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return json.dumps(value) if isinstance(value, bool) or value is None else str(value)


def _reconcile(declaration, export, source: Source, staged: dict[str, int], marked: dict[str, int],
               report: LoadReport, hashes: BackgroundHashes) -> None:
    """Per file: rows read = rows staged + the reader's rejects; quarantined = marked in the stage +
    the reader's rejects; loaded = the rest. A file above its reject threshold is rejected."""
    threshold = export.max_reject_ratio if export.max_reject_ratio is not None else declaration.exports.max_reject_ratio
    for path, name in zip(source.files, source.names):
        structural = sum(1 for r in source.rejects if r.file == name)
        # CSV: the records counted from the file's bytes (equal to the reader's, see verify_counts).
        read = source.rows_read(name, staged.get(name, 0) + structural)
        quarantined = marked.get(name, 0) + structural
        ratio = quarantined / read if read else 0.0
        status = InputStatus.REJECTED if ratio > threshold else InputStatus.LOADED
        detected = source.detected.get(name, {})
        described = ", ".join(f"{k}={_plain(v)}" for k, v in detected.items() if k not in ("renamed_columns",))
        detail = (f"{quarantined} of {read} rows quarantined ({ratio:.1%}), above the threshold {threshold:.1%}; "
                  f"{described}" if status == InputStatus.REJECTED else described)
        report.inputs.append({
            "file": name, "role": ", ".join(export.roles), "format": export.format, "sha256": hashes.sha256(path),
            "bytes": path.stat().st_size, "rows_read": read, "rows_loaded": read - quarantined,
            "rows_quarantined": quarantined, "status": status, "detail": detail, "detected": detected})


def _record_columns(con, declaration, export, columns: list[str]) -> None:
    """One row per column of the file (and per mapped column missing from it): what it maps to.

    A column that feeds only a fact, a state, a guard, a derived key, an identifier or the snapshot
    is mapped (to that use); a column mapped to nothing is what inventory_undeclared_column reports.
    """
    uses = column_uses(declaration, export)
    primary = export.roles[0] if export.roles else None
    rows = []
    for column in list(columns) + [c for c in referenced_columns(declaration, export) if c not in columns]:
        spec = export.columns.get(column)
        role, field_name = uses.get(column, (primary, None))
        if spec is not None and spec.field:
            role, field_name = export.role, spec.field
        in_mapping = spec is not None or column in uses
        rows.append([export.file, role, column, field_name, spec.category if spec else None,
                     spec.not_personal if spec else None, column in columns, in_mapping])
    # One statement for all (executemany costs a statement per column: minutes for a wide file).
    insert_rows(con, "export_columns", rows)


def _create_role_view(con, role_name: str, parts: list, report: LoadReport) -> None:
    """One view per role over the good rows of every record an export gives it, every canonical field
    present (NULL if unmapped or declared not applicable), the subject as resolved (identity.py)."""
    role = ROLES[role_name]
    selects, provided = [], []
    for item, plan, exprs, subject_sql, snapshot in parts:
        exprs = dict(exprs)
        given = set(plan.provided)
        if subject_sql is not None and "subject_id" in role.field_names:
            exprs["subject_id"] = subject_sql
            given.add("subject_id")
        if role_name == "consent_states" and "observed_at" not in exprs and snapshot is not None:
            exprs["observed_at"] = snapshot
            given.add("observed_at")
        if role.key not in exprs and role.key in role.field_names and not role.field(role.key).required:
            # A record with no id of its own is named by its place: file, row and, for a second
            # record of the same row, the fact it comes from.
            suffix = f" || '/{plan.location[-1]}'" if plan.location else ""
            exprs[role.key] = f"{ident(FILE_COLUMN)} || '#' || CAST({ident(ROW_COLUMN)} AS VARCHAR){suffix}"
            given.add(role.key)
        columns = [f"{exprs[f.name]} AS {ident(f.name)}" if f.name in exprs
                   else f"CAST(NULL AS {f.type}) AS {ident(f.name)}" for f in role.fields]
        if plan.not_applicable:
            insert_rows(con, "not_applicable_fields",
                        [(item.export.file, role_name, name, reason) for name, reason in plan.not_applicable.items()])
        guard = f" AND {_guard_sql(plan)}" if plan.when else ""
        selects.append(f"SELECT {', '.join(columns)}, {ident(FILE_COLUMN)} AS _source_file, "
                       f"{ident(ROW_COLUMN)} AS _source_row FROM {ident(item.view)} "
                       f"WHERE {ident(CODE_COLUMN)} IS NULL{guard}")
        provided.append(given)
    con.execute(f"CREATE VIEW {ident(role_name)} AS {' UNION ALL '.join(selects)}")
    # A field counts as available only if every record of the role provides it (or declares it not
    # applicable): a check must not silently test half of the role's rows.
    report.available[role_name] = set.intersection(*provided)
