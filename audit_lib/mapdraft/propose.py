"""Proposals for one sniffed file: its role, key, identifiers and each column's field and category,
each with the reason and confidence a person reads before accepting it. What cannot be told is TODO."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from audit_lib.mapdraft import content
from audit_lib.mapdraft.sniff import FileSniff
from audit_lib.mapdraft.synonyms import Concept, by_kind, fold, table
from audit_lib.roles import ROLES, vocabulary

if TYPE_CHECKING:
    from audit_lib.declaration.register import Register

TODO = "TODO"
# A preset whose score is at least this names the file's mapping (audit_lib/presets).
PRESET_THRESHOLD = 0.6
_FILE_DATE = re.compile(r"_(\d{4}-\d{2}-\d{2})")
_DECIMAL_COMMA = re.compile(r"-?\d+,\d{1,2}")
# The most words of a vocabulary column proposed for mapping: more say it is not a vocabulary column.
VOCABULARY_WORDS = 20


@dataclass
class Entry:
    """One proposed value (or TODO) and the comment that says why."""

    value: Any
    note: str = ""


@dataclass
class ColumnDraft:
    """A column's proposed spec (field, category, values, free_text ...) and the comment beside it."""

    name: str
    spec: dict[str, Any] = field(default_factory=dict)
    note: str = ""


@dataclass
class FileDraft:
    """Everything proposed for one file, in the order exports.yaml writes it."""

    file: str
    role: Entry | None = None
    preset: Entry | None = None
    key: Entry | None = None
    subject: dict[str, str] = field(default_factory=dict)
    subject_note: str = ""
    set: dict[str, Entry] = field(default_factory=dict)
    snapshot: Entry | None = None
    states: dict[str, Entry] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    columns: list[ColumnDraft] = field(default_factory=list)

    @property
    def todos(self) -> list[str]:
        """The decisions left to a person, one line each."""
        found = []
        for label, entry in [("role", self.role), ("key", self.key), ("snapshot", self.snapshot),
                             *((f"set.{k}", v) for k, v in self.set.items())]:
            if entry is not None and TODO in str(entry.value):
                found.append(f"{self.file}: {label}: {entry.note}")
        for column in self.columns:
            for name, value in column.spec.items():
                if value == TODO:
                    found.append(f"{self.file}: {column.name}.{name}: {column.note}")
                elif isinstance(value, dict):
                    found += [f"{self.file}: {column.name}.{name}.{word}: {column.note}"
                              for word, mapped in value.items() if mapped == TODO]
        return found


@dataclass
class _Reading:
    """What a column's name and values say."""

    concept: Concept | None
    by_name: bool
    detection: content.Detection | None

    def reason(self, column: str) -> str:
        parts = []
        if self.by_name and self.concept:
            parts.append(f"name {column!r} = {self.concept.name}")
        if self.detection:
            parts.append(self.detection.reason)
        return "; ".join(parts)

    @property
    def confidence(self) -> str:
        if self.by_name and self.concept and self.detection:
            return "high" if self.concept.kind == self.detection.kind else "low"
        if self.by_name and self.concept and self.concept.kind and self.concept.kind != "yesno":
            return "low"  # the values do not show the kind the name promises (an e-mail column without e-mails)
        return "medium"


# Kinds that say a column holds a person's contact or identity whatever its name says.
_TELLING = {"email", "phone", "hetu", "iban"}


def _read_column(name: str, values: list[str]) -> _Reading:
    """The concept a column's name means, and what its values show where that bears on it."""
    concept = table().concepts.get(fold(name))
    detection = content.detect(values)
    if concept is None:
        return _Reading(by_kind(detection.kind) if detection else None, False, detection)
    if concept.kind is None and (detection is None or detection.kind not in _TELLING):
        # An order number of five digits is no postal code: a kind the name does not expect counts
        # only when it says the column holds contact or identity data (and lowers the confidence).
        detection = None
    return _Reading(concept, True, detection)


def _role_of(sniffed: FileSniff, readings: dict[str, _Reading]) -> Entry:
    """The file's role: a word of its name, confirmed by the fields its columns give; else the role
    most columns give fields of; else TODO."""
    words = [w for w in fold(sniffed.name.rsplit(".", 1)[0]).split("_") if w and not w.isdigit()]
    stem = "_".join(words)
    named = table().roles.get(stem) or next(
        (role for w in words for syn, role in table().roles.items() if len(syn) >= 5 and w.startswith(syn)), None)
    counts = {role: sum(1 for r in readings.values() if r.concept and r.concept.field_in(role)) for role in ROLES}
    best = max(counts, key=lambda r: counts[r])
    if named:
        given = counts[named]
        return Entry(named, f"file name {sniffed.name!r} = {named}; {given} column(s) give its fields; confidence "
                            f"{'high' if given >= 2 else 'medium'}")
    if counts[best] >= 2 and any(ROLES[best].field(f).required for f in ROLES[best].field_names
                                 if any(r.concept and r.concept.field_in(best) == f for r in readings.values())):
        return Entry(best, f"{counts[best]} columns give fields of {best}; confidence medium")
    return Entry(TODO, "could not tell the file's role from its name or columns: name one of "
                       f"{', '.join(ROLES)}, or give its facts: / states:")


def _category(fides_key: str | None, register: "Register | None") -> tuple[str | None, str]:
    """The register's category with ``fides_key`` (or TODO) and what the comment says about it."""
    if fides_key is None:
        return None, ""
    if register is None:
        return TODO, f"fideslang {fides_key}: run with --register to name the register's category"
    parts = fides_key.split(".")
    # The key itself, else its nearest declared parent (user.contact covers user.contact.email), as presets do.
    for key in (".".join(parts[:n]) for n in range(len(parts), 0, -1)):
        ids = [c.id for c in register.data_categories if c.fides_key == key]
        via = "" if key == fides_key else f", the nearest declared parent of {fides_key}"
        if len(ids) == 1:
            return ids[0], f"category {ids[0]} (fides_key {key}{via})"
        if ids:
            return TODO, f"{', '.join(ids)} all have fides_key {key}{via}: pick one"
    return TODO, f"no category of register.yaml has fides_key {fides_key} or a parent of it: declare one, or say why not"


def _vocabulary_check(spec: dict[str, Any], notes: list[str], role: str, field_name: str, values: list[str],
                      register: "Register | None") -> None:
    """A field with a canonical vocabulary whose words are not all canonical gets a value map with a TODO per word."""
    allowed = vocabulary(ROLES[role].field(field_name), register)
    if allowed is None:
        return
    words = sorted(set(values))
    outside = [w for w in words if w.lower() not in allowed]
    if outside:
        # One TODO per word: each is a person's decision (poisto: erasure).
        spec["values"] = {w: TODO for w in outside[:VOCABULARY_WORDS]}
        notes.append(f"map each of the file's words to one of {', '.join(allowed)}")
        if len(words) > VOCABULARY_WORDS:
            notes.append(f"more than {VOCABULARY_WORDS} different words: is this column really the {field_name}?")


def _identifiers(register: "Register | None") -> dict[str, Any]:
    return dict(register.identifiers) if register is not None and getattr(register, "identifiers", None) else {}


def propose(sniffed: FileSniff, register: "Register | None" = None, path=None,
            role_todo: str | None = None) -> FileDraft:
    """The draft of one file's entry in exports.yaml (``path``: the file, to read a vocabulary column's
    words from all its rows rather than the sample's; ``role_todo``: why its role is left to a person)."""
    draft = FileDraft(sniffed.name)
    readings = {c: _read_column(c, sniffed.values.get(c, [])) for c in sniffed.columns}
    columns = list(sniffed.columns)
    preset = _preset(sniffed.columns)
    if preset is not None:
        draft.preset = Entry(preset.name, f"header matches preset {preset.name} ({preset.score:.0%} of its "
                                          "columns); confidence " + ("high" if preset.score >= 0.9 else "medium"))
        columns = [c for c in columns if c in set(preset.unknown)]
    role = None
    if preset is None:
        # role_todo: the role is for a person to say (why: the note), whatever the name suggests.
        draft.role = Entry(TODO, role_todo) if role_todo else _role_of(sniffed, readings)
        role = draft.role.value if draft.role.value != TODO else None
    _options(draft, sniffed, readings)
    taken: set[str] = set()
    for column in columns:
        words = _words(path, sniffed, column, readings[column], role)
        proposal = _column(column, readings[column], role, words, register)
        if fold(column) == "id" and role is not None and not proposal.spec.get("field"):
            proposal = _own_key(column, role, register)
        field_name = proposal.spec.get("field")
        if field_name and field_name in taken:  # one column per field: the first keeps it, this one is for a person to place
            proposal.spec.pop("field")
            proposal.spec.setdefault("category", TODO)
            proposal.note = f"{proposal.note}; an earlier column already gives {field_name}"
        taken.add(field_name)
        draft.columns.append(proposal)
    _whole_file(draft, sniffed, readings, role, register)
    return draft


def _own_key(column: str, role: str, register: "Register | None") -> ColumnDraft:
    """A column named 'id' as the file's own key, with the category the key's concept has in the role
    (a ticket's id is of the ticket's category, as its ticket_id would be)."""
    key_field = ROLES[role].key
    spec: dict[str, Any] = {"field": key_field}
    note = f"name 'id' = the file's own key, {role}.{key_field}"
    concept = next((c for c in table().concepts.values() if c.field_in(role) == key_field and c.category_in(role)),
                   None)
    category, category_note = _category(concept.category_in(role) if concept else None, register)
    if category is not None:
        spec["category"] = category
        note += f"; {category_note}"
    return ColumnDraft(column, spec, note + "; confidence medium")


def _words(path, sniffed: FileSniff, column: str, reading: _Reading, role: str | None) -> list[str]:
    """The values a column's vocabulary check reads: the whole file's for a vocabulary field, else the sample's."""
    from audit_lib.mapdraft.sniff import distinct_values

    field_name = reading.concept.field_in(role) if reading.concept else None
    if path is not None and field_name and ROLES[role].field(field_name).vocabulary is not None:
        return distinct_values(path, sniffed, column, limit=VOCABULARY_WORDS + 1)
    return sniffed.values.get(column, [])


def _column(name: str, reading: _Reading, role: str | None, values: list[str],
            register: "Register | None") -> ColumnDraft:
    """One column's proposal; TODO for what it could not place."""
    concept, spec, notes = reading.concept, {}, []
    reason = reading.reason(name)
    if concept is None:
        what = f"; {reading.detection.reason}" if reading.detection else ""
        return ColumnDraft(name, {"category": TODO}, f"could not place {name!r}{what}: map a field or category, "
                                                     "or set not_personal with the reason")
    field_name = concept.field_in(role)
    if field_name:
        spec["field"] = field_name
        _vocabulary_check(spec, notes, role, field_name, values, register)
    category, category_note = _category(concept.category_in(role) if role else concept.category.get("*"), register)
    if concept.free_text:
        spec["free_text"] = True
        category, category_note = TODO, "free text: say which category what people write here is (or not_personal)"
    if category is not None:
        spec["category"] = category
    if category_note:
        notes.append(category_note)
    if not spec:
        where = f"the role {role} has no such field" if role else "the file's role is TODO"
        spec["category"] = TODO
        notes.append(f"could not place it: {where}; map a field or category, or set not_personal")
    note = "; ".join(p for p in [reason, *notes] if p)
    if spec.get("field") or spec.get("category", TODO) != TODO:  # a proposal made, beside any TODO
        note += f"; confidence {reading.confidence}"
    return ColumnDraft(name, spec, note)


def _options(draft: FileDraft, sniffed: FileSniff, readings: dict[str, _Reading]) -> None:
    """The dialect the loader detected, and the date formats and decimal separator the values show."""
    if sniffed.format != "csv":
        return
    draft.options["encoding"] = sniffed.encoding
    draft.options["delimiter"] = sniffed.delimiter
    formats = sorted({r.detection.date_format for r in readings.values()
                      if r.detection and r.detection.kind == "date" and r.detection.date_format != content.ISO})
    if formats:
        draft.options["timestamp_formats"] = formats
    if any(r.concept and r.concept.name == "amount" and sniffed.values.get(c)
           and all(_DECIMAL_COMMA.fullmatch(v) for v in sniffed.values[c]) for c, r in readings.items()):
        draft.options["decimal_separator"] = ","


def _whole_file(draft: FileDraft, sniffed: FileSniff, readings: dict[str, _Reading], role: str | None,
                register: "Register | None") -> None:
    """Key, subject identifiers, consent states, snapshot and the required fields no column gives."""
    match = _FILE_DATE.search(sniffed.name)
    if match:
        draft.snapshot = Entry({"from_file_name": r"_(\d{4}-\d{2}-\d{2})"},
                               f"the file name holds the date {match.group(1)}; confidence medium")
    spec_of = {c.name: c.spec for c in draft.columns}
    given = {spec.get("field"): name for name, spec in spec_of.items() if spec.get("field")}
    key_field = ROLES[role].key if role else None
    if key_field in given:
        draft.key = Entry(given[key_field], f"{given[key_field]!r} gives {key_field}, the key of {role}; "
                                            f"confidence {readings[given[key_field]].confidence}"
                          if given[key_field] in readings else f"{given[key_field]!r} gives {key_field}")
    identifiers = _identifiers(register)
    master = next((name for name, spec in identifiers.items() if getattr(spec, "master", False)), None)
    by_identifier = {r.concept.identifier: c for c, r in readings.items()
                     if r.concept and r.concept.identifier in identifiers}
    # Rows known by e-mail or phone only (a newsletter tool) name their subject by those; a master
    # register's own listing names every identifier it holds, so that they resolve to it.
    if by_identifier and draft.preset is None and ("subject_id" not in given or (role == "subjects" and len(by_identifier) > 1)):
        draft.subject = dict(sorted(by_identifier.items(), key=lambda kv: (kv[0] != master, kv[0])))
        levels = {readings[c].confidence for c in draft.subject.values()}
        draft.subject_note = ("the register's identifiers found among the columns; confidence "
                              + next(level for level in ("low", "medium", "high") if level in levels))
    if role is None:
        return
    if role == "subjects":
        _states(draft, readings)
    words = set(fold(sniffed.name.rsplit(".", 1)[0]).split("_"))
    channel = next((table().channels[w] for w in words if w in table().channels), None)
    for field_def in ROLES[role].fields:
        name = field_def.name
        if not field_def.required or name in given or (name == "subject_id" and draft.subject):
            continue
        if name == "channel" and channel:
            draft.set[name] = Entry(channel, f"the file name says {channel}; confidence medium")
        elif name == "subject_type":
            types = ", ".join(s.id for s in register.subject_types) if register is not None else "register.yaml's"
            draft.set[name] = Entry(TODO, f"which subject type are this file's rows: one of {types}")
        else:
            draft.set[name] = Entry(TODO, f"no column gives the required field {name}: set a constant, derive "
                                          "it from columns (derive:), or map a column")


def _states(draft: FileDraft, readings: dict[str, _Reading]) -> None:
    """Yes/no consent columns of a customer file as consent states, with the column of their last change."""
    for column, reading in readings.items():
        channel = reading.concept.state if reading.concept else None
        if not channel or channel in draft.states:
            continue
        state: dict[str, str] = {"column": column}
        changed = next((c for c, r in readings.items() if r.concept and r.concept.changed_of
                        and fold(c).startswith(fold(column))), None)
        if changed:
            state["changed_at"] = changed
        draft.states[channel] = Entry(state, f"{column!r} holds the {channel} consent as yes/no"
                                             + (f", {changed!r} when it changed" if changed else "")
                                             + f"; confidence {reading.confidence}")


def _preset(header: list[str]):
    """The best preset match at or above PRESET_THRESHOLD, or None (also while presets do not exist)."""
    try:
        from audit_lib.presets import recognise
    except ImportError:  # the presets package is optional: without it every column is proposed by itself
        return None
    matches = [m for m in recognise(list(header)) if m.score >= PRESET_THRESHOLD]
    return matches[0] if matches else None
