"""`regaudit map --check`: what changed between an exports.yaml and the files it maps (new or vanished
columns, another delimiter, encoding or date format, files no entry maps)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from audit_lib.errors import LoadError
from audit_lib.i18n import Joined, T_, localise
from audit_lib.mapdraft import content
from audit_lib.mapdraft.sniff import export_files, sniff

if TYPE_CHECKING:
    from audit_lib.declaration.exports import Export, ExportMap

# A date column is reported when more of its sampled values than this are in no format the mapping reads.
_UNREADABLE_SHARE = 0.1


@dataclass(frozen=True)
class Change:
    """One difference: the file, what kind it is, and the sentence a person reads."""

    file: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.kind}: {self.message}"

    def in_language(self, lang: str) -> str:
        """The change as ``regaudit map --check`` prints it, in ``lang`` (kind and message are ``T_`` texts)."""
        return f"{self.file}: {localise(self.kind, lang)}: {localise(self.message, lang)}"


def declared_columns(export: "Export") -> set[str]:
    """Every column an entry names: under columns:, facts:, states:, subject:, derive:, snapshot and when:."""
    names = set(export.columns) | set((export.subject or {}).values())
    names |= {c for cols in export.derive.values() for c in cols}
    for fact in export.facts:
        names |= set(fact.columns) | {c for cols in fact.derive.values() for c in cols}
        names |= {fact.when} if fact.when else set()
    for state in export.states.values():
        names |= {state.column} | ({state.changed_at} if state.changed_at else set())
    if export.snapshot is not None and export.snapshot.column:
        names.add(export.snapshot.column)
    return names


def _timestamp_columns(export: "Export") -> list[str]:
    from audit_lib.roles import ROLES, TIMESTAMP

    columns = []
    for plan in export.plans():
        role = ROLES.get(plan.role)
        for field_name, (column, _values) in plan.fields.items():
            if role is not None and field_name in role.field_names and role.field(field_name).type == TIMESTAMP:
                columns.append(column)
    return columns


def _preset_names(name: str) -> set[str]:
    """The header names (case-folded) a preset knows; none while presets are not there."""
    try:
        from audit_lib.presets.catalogue import find_preset
    except ImportError:
        return set()
    return set(find_preset(name).header_names())


def _compare_file(export: "Export", path: Path, name: str) -> list[Change]:
    from audit_lib.loader.casting import TIMESTAMP_FORMATS
    from audit_lib.loader.encoding import normalise

    sniffed = sniff(path, name)
    changes: list[Change] = []
    declared, present = declared_columns(export), set(sniffed.columns)
    known = _preset_names(export.preset) if getattr(export, "preset", None) else set()
    changes += [Change(name, T_("new column"), T_("{column!r} is in the file but not in the mapping", column=c))
                for c in sniffed.columns if c not in declared and c.strip().casefold() not in known]
    # A preset's own columns may be missing from a file (the loader leaves them out); the entry's may not.
    optional = set(getattr(export, "_preset_optional", frozenset()))
    changes += [Change(name, T_("vanished column"), T_("{column!r} is in the mapping but no longer in the file",
                                                       column=c))
                for c in sorted(declared - present - optional)]
    options = export.options
    if sniffed.format == "csv":
        if options.delimiter is not None and options.delimiter != sniffed.delimiter:
            changes.append(Change(name, T_("delimiter changed"), T_("mapped {mapped!r}, the file now has {now!r}",
                                                                    mapped=options.delimiter, now=sniffed.delimiter)))
        if options.encoding is not None and normalise(options.encoding).replace("-sig", "") != sniffed.encoding:
            changes.append(Change(name, T_("encoding changed"), T_("mapped {mapped}, the file is now {now}",
                                                                   mapped=options.encoding, now=sniffed.encoding)))
    formats = options.timestamp_formats or TIMESTAMP_FORMATS
    for column in _timestamp_columns(export):
        values = sniffed.values.get(column, [])
        found = [content.date_format(v) for v in values]
        unread = [f for f in found if f is None or (f != content.ISO and f not in formats)]
        if values and len(unread) > _UNREADABLE_SHARE * len(values):
            now = sorted({f for f in unread if f}) or [T_("no format the loader reads")]
            changes.append(Change(name, T_("date format changed"), T_(
                "{unread} of {count} values of {column!r} are now {now}; mapped: ISO 8601 or {formats}",
                unread=len(unread), count=len(values), column=column, now=Joined(", ", now),
                formats=", ".join(formats))))
    return changes


def compare(exports: "ExportMap", exports_dir: Path) -> list[Change]:
    """The changes between ``exports`` (a validated exports.yaml) and the files in ``exports_dir``."""
    from audit_lib.loader.readers import relative_name, resolve_files

    changes: list[Change] = []
    read: set[str] = set()
    for export in exports.exports:
        if export.catalog_table:
            continue  # a table of Spark's catalog: no file in the folder to compare with
        try:
            files = resolve_files(exports_dir, export.file, export.table)
        except LoadError:
            changes.append(Change(export.file, T_("vanished file"),
                                  T_("the mapping names it, the folder has no such file")))
            continue
        for path in files:
            name = relative_name(path, exports_dir)
            read.add(name)
            try:
                changes += _compare_file(export, path, name)
            except LoadError as exc:
                changes.append(Change(name, T_("unreadable"), exc.args[0] if exc.args else str(exc)))
    ignored: set[str] = set()
    for entry in exports.ignore:
        try:
            ignored |= {relative_name(p, exports_dir) for p in resolve_files(exports_dir, entry.file)}
        except LoadError:
            continue
    for path in export_files(exports_dir):
        name = path.resolve().relative_to(exports_dir.resolve()).as_posix()
        if name not in read and name not in ignored:
            changes.append(Change(name, T_("unmapped file"),
                                  T_("no entry of the mapping reads it, and ignore: does not name it")))
    return changes


def check_mapping(exports_path: Path, allow_outside=None) -> tuple[Path, list[Change]]:
    """Read and validate exports.yaml at ``exports_path`` and compare it with its exports folder (which
    must resolve inside the folder of exports.yaml or of ``allow_outside``, as for every command)."""
    from audit_lib.declaration.confine import allowed_folders, outside_problems
    from audit_lib.declaration.exports import ExportMap
    from audit_lib.declaration.load import _parse  # the one validation with lines and fixes
    from audit_lib.declaration.yaml_source import read_yaml
    from audit_lib.errors import DeclarationError

    source = read_yaml(exports_path)
    exports = _parse(source, ExportMap)
    outside = outside_problems(source.path, {"exports_dir": exports.exports_dir},  # type: ignore[attr-defined]
                               allowed_folders(source.path, allow_outside), source.line_of)
    if outside:
        raise DeclarationError(outside)
    exports_dir = (exports_path.parent / exports.exports_dir)  # type: ignore[attr-defined]
    if not exports_dir.is_dir():
        raise LoadError(str(exports_path), T_("its exports_dir {folder} is not a folder", folder=exports_dir))
    return exports_dir, compare(exports, exports_dir)  # type: ignore[arg-type]
