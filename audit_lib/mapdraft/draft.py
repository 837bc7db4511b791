"""The draft exports.yaml of a folder of exports, written as YAML text with a comment beside each proposal."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from audit_lib.errors import LoadError, RegauditError
from audit_lib.i18n import T_
from audit_lib.mapdraft.propose import _FILE_DATE, TODO, Entry, FileDraft, propose
from audit_lib.mapdraft.sniff import export_files, sniff

if TYPE_CHECKING:
    from audit_lib.declaration.register import Register

_BARE = re.compile(r"[A-Za-z_][\w\-. äöåÄÖÅ%]*[\w.äöåÄÖÅ)]|[A-Za-z_]")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def scalar(value: Any) -> str:
    """``value`` as a YAML scalar: bare where that reads back the same string, else JSON-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    if _BARE.fullmatch(text) and text.lower() not in _YAML_WORDS and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow(mapping: dict[str, Any]) -> str:
    """A flow mapping ``{a: 1, b: [x, y]}`` of scalars and lists of scalars."""
    parts = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            shown = flow(value)
        elif isinstance(value, list):
            shown = "[" + ", ".join(scalar(v) for v in value) + "]"
        else:
            shown = scalar(value)
        parts.append(f"{scalar(key)}: {shown}")
    return "{" + ", ".join(parts) + "}"


def _comment(note: str) -> str:
    return f"  # {' '.join(note.split())}" if note else ""


def _entry(key: str, entry: Entry, indent: str) -> str:
    value = flow(entry.value) if isinstance(entry.value, dict) else scalar(entry.value)
    return f"{indent}{key}: {value}{_comment(entry.note)}"


def render_file(draft: FileDraft) -> list[str]:
    """The lines of one file's entry under ``exports:``."""
    lines = [f"  - file: {scalar(draft.file)}"]
    if draft.preset is not None:
        lines.append(_entry("preset", draft.preset, "    "))
    if draft.role is not None:
        lines.append(_entry("role", draft.role, "    "))
    if draft.key is not None:
        lines.append(_entry("key", draft.key, "    "))
    if draft.subject:
        lines.append(f"    subject: {flow(draft.subject)}{_comment(draft.subject_note)}")
    if draft.set:
        lines.append("    set:")
        lines += [_entry(k, v, "      ") for k, v in draft.set.items()]
    if draft.snapshot is not None:
        lines.append(_entry("snapshot", draft.snapshot, "    "))
    if draft.states:
        lines.append("    states:")
        lines += [_entry(k, v, "      ") for k, v in draft.states.items()]
    if draft.options:
        lines.append(f"    options: {flow(draft.options)}  # as sniffed; the loader detects these itself, "
                     "`regaudit map --check` compares them with the file")
    if draft.columns:
        lines.append("    columns:")
        lines += [f"      {scalar(c.name)}: {flow(c.spec)}{_comment(c.note)}" for c in draft.columns]
    return lines


def draft_files(exports_dir: Path, register: "Register | None" = None) -> list[FileDraft]:
    """The proposals for every readable file under ``exports_dir``; a file that cannot be read is a TODO."""
    drafts, sniffed = [], {}
    for path in export_files(exports_dir):
        name = path.relative_to(exports_dir).as_posix()
        try:
            sniffed[name] = (path, sniff(path, name))
            drafts.append(propose(sniffed[name][1], register, path))
        except LoadError as exc:
            drafts.append(FileDraft(name, role=Entry(TODO, f"could not read it: {exc}")))
    return _folder_snapshot(_one_master_listing(drafts, sniffed, register))


def _one_master_listing(drafts: list[FileDraft], sniffed: dict, register: "Register | None") -> list[FileDraft]:
    """Keep one customer listing as subjects: a second (an old register's copy) would leave every field
    it lacks unprovided for the first as well, so whether it is read at all is for a person to say."""
    listings = [d for d in drafts if d.role is not None and d.role.value == "subjects"]
    if len(listings) < 2:
        return drafts
    kept = max(listings, key=lambda d: sum(1 for c in d.columns if c.spec.get("field")))
    result = []
    for draft in drafts:
        if draft in listings and draft is not kept:
            path, sniff_of = sniffed[draft.file]
            draft = propose(sniff_of, register, path, role_todo=(
                f"a second customer listing beside {kept.file}: map it as subjects only if it belongs to the "
                "master register, else list it under ignore: with the reason"))
        result.append(draft)
    return result


def _folder_snapshot(drafts: list[FileDraft]) -> list[FileDraft]:
    """An undated customer listing gets a snapshot TODO, with the one date the folder's other file names
    all carry as its proposal: its consent states are compared with the other systems' as of its
    snapshot, and without one they are taken as held at every period's end (so an export of 30.9.
    would disagree with the spring's events). When it was exported only a person knows: the date of
    its neighbours is a hint, never written as fact."""
    dates = {m.group(1) for d in drafts if (m := _FILE_DATE.search(d.file))}
    if len(dates) != 1:  # no date, or several: nothing says when the listing was taken
        return drafts
    date = dates.pop()
    for draft in drafts:
        if draft.snapshot is None and draft.role is not None and draft.role.value == "subjects":
            draft.snapshot = Entry({"at": "TODO"}, (
                f"when was it exported? no date in its name; every dated file of the folder is dated {date}: "
                f"if it was exported with them, {date}T00:00:00 (or the time of day); confidence low"))
    return drafts


def _roles_not_given(drafts: list[FileDraft]) -> list[str]:
    from audit_lib.roles import ROLES

    given = {d.role.value for d in drafts if d.role is not None}
    for draft in drafts:
        if draft.preset is not None:
            from audit_lib.presets import load_preset  # a preset was proposed, so presets are there

            preset = load_preset(draft.preset.value)
            given |= {preset.role, *(fact.role for fact in preset.facts)}
        if draft.states or (draft.preset is not None and load_preset(draft.preset.value).states):
            given.add("consent_states")
    if "consent_events" in given:
        given.add("consent_states")  # the consent timeline is built from either (roles.DERIVED_SOURCES)
    return [role for role in ROLES if role not in given]


def render(drafts: list[FileDraft], exports_dir: str, register_file: str) -> str:
    """The whole draft exports.yaml; it is parsed back before it is returned, so it is always YAML."""
    todos = sum(len(d.todos) for d in drafts)
    lines = [
        "# Draft exports.yaml written by `regaudit map`: every proposal says why, and how sure, in the",
        "# comment beside it. Nothing here is a fact until a person has read it: decide each TODO",
        f"# ({todos} in this draft), check the proposals, then run `regaudit lint` on this file.",
        "schema_version: 1",
        f"register: {scalar(register_file)}",
        f"exports_dir: {scalar(exports_dir)}",
        "exports:" if drafts else "exports: []  # TODO: no export file found",
    ]
    for draft in drafts:
        lines += render_file(draft)
    missing = _roles_not_given(drafts)
    if missing:
        # A comment, not a TODO: the audit says itself which checks a missing role leaves not run.
        lines += ["# No file above is proposed for these roles: list each under not_exported: with the reason",
                  "# (or map the export that holds it), else the audit is incomplete without them:",
                  "# not_exported:"] + [f"#   {role}: why there is no export of it" for role in missing]
    text = "\n".join(lines) + "\n"
    try:
        yaml.safe_load(text)
    except yaml.YAMLError as exc:  # a bug here, never the user's: say so rather than write broken YAML
        raise RegauditError(T_("the draft is not valid YAML ({error}); report this with the file names",
                               error=exc)) from exc
    return text


def write_draft(exports_dir: Path, out: Path, register_path: Path | None = None) -> tuple[Path, list[FileDraft]]:
    """Write the draft exports.yaml of ``exports_dir`` to ``out``; its paths are relative to ``out``'s folder."""
    from audit_lib.declaration.load import load_register
    from audit_lib.outputs import atomic_write_text

    if not exports_dir.is_dir():
        raise RegauditError(T_("{folder} is not a folder of exports — name the folder the export files are in",
                               folder=exports_dir))
    register = load_register(register_path)[0] if register_path is not None else None
    drafts = draft_files(exports_dir, register)
    base = out.resolve().parent
    relative = Path(os.path.relpath(exports_dir.resolve(), base)).as_posix()
    register_file = Path(os.path.relpath(register_path.resolve(), base)).as_posix() if register_path else "register.yaml"
    return atomic_write_text(out, render(drafts, relative, register_file)), drafts
