"""A validated declaration as a JSON file, so that another process audits exactly what was validated.

``regaudit run`` validates register.yaml and exports.yaml before the report notebook's kernel starts
(a bad file then fails with exit code 3, file and line), and hands the kernel this snapshot instead
of the two paths: the kernel reads neither file again, so it audits the very bytes that were
validated (their SHA-256 is in the snapshot, and from there in audit.json and the manifest) even if
a file is edited meanwhile.

The snapshot holds each file's path, SHA-256, line index and parsed YAML data, not the models: the
models are rebuilt from the data by the same validation, because validators fill in state a model
dump does not carry (a preset's expansion). YAML's values that JSON lacks (dates, times, binary,
sets, keys that are not text) are written as one-key objects tagged ``$date``, ``$map`` and so on;
a mapping whose keys start with ``$`` is written as ``$map`` too, so a tag is never ambiguous.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import os
from pathlib import Path
from typing import Any, Callable

from audit_lib.declaration.load import Declaration
from audit_lib.declaration.yaml_source import YamlSource
from audit_lib.errors import DeclarationError, Problem
from audit_lib.i18n import T_

FORMAT = "regaudit declaration snapshot"
VERSION = 1
_TAG = "$"

__all__ = ["FORMAT", "VERSION", "decode", "encode", "read_snapshot", "snapshot_json", "write_snapshot"]


def encode(value: Any) -> Any:
    """``value`` (YAML data as PyYAML's safe loader builds it) as JSON data, tagged where JSON lacks the type."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, dt.datetime):  # before date: a datetime is a date
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, (set, frozenset)):
        return {"$set": [encode(item) for item in value]}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith(_TAG) for key in value):
            return {key: encode(item) for key, item in value.items()}
        return {"$map": [[encode(key), encode(item)] for key, item in value.items()]}
    raise TypeError(f"a {type(value).__name__} is no YAML value a snapshot can hold")


_DECODERS: dict[str, Callable[[Any], Any]] = {
    "$float": float,
    "$datetime": dt.datetime.fromisoformat,
    "$date": dt.date.fromisoformat,
    "$bytes": base64.b64decode,
    "$set": lambda items: {decode(item) for item in items},
    "$tuple": lambda items: tuple(decode(item) for item in items),
    "$map": lambda pairs: {decode(key): decode(item) for key, item in pairs},
}


def decode(value: Any) -> Any:
    """The YAML data ``encode`` wrote as ``value``."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1:
            (key, item), = value.items()
            if key.startswith(_TAG):
                if key not in _DECODERS:
                    raise ValueError(T_("unknown tag {tag!r}", tag=key))
                return _DECODERS[key](item)
        return {key: decode(item) for key, item in value.items()}
    return value


def _source_json(source: YamlSource) -> dict[str, Any]:
    return {"path": str(source.path), "sha256": source.sha256, "data": encode(source.data),
            "lines": [[list(location), line] for location, line in source.lines.items()]}


def _source(data: dict[str, Any]) -> YamlSource:
    lines = {tuple(location): int(line) for location, line in data["lines"]}
    return YamlSource(Path(data["path"]), decode(data["data"]), str(data["sha256"]), lines)


def snapshot_json(declaration: Declaration) -> str:
    """The snapshot of ``declaration`` as JSON text."""
    return json.dumps({"format": FORMAT, "version": VERSION, "register": _source_json(declaration.register_source),
                       "exports": _source_json(declaration.exports_source)}, ensure_ascii=False)


def write_snapshot(declaration: Declaration, path: str | os.PathLike) -> Path:
    """Write the snapshot of ``declaration`` to ``path`` atomically; return the path."""
    from audit_lib.outputs import atomic_write_text

    return atomic_write_text(Path(path), snapshot_json(declaration))


def _cause(exc: Exception) -> object:
    """What ``exc`` says: its own ``T_`` text (then shown in the reader's language), else the exception."""
    return exc.args[0] if len(exc.args) == 1 and hasattr(exc.args[0], "in_language") else exc


def read_snapshot(path: str | os.PathLike) -> Declaration:
    """The declaration of the snapshot at ``path``, its models rebuilt from the data validated before.

    Raises DeclarationError when the file is no snapshot of this version, or no longer validates
    (a snapshot written by another version of regaudit, or edited).
    """
    from pydantic import ValidationError

    from audit_lib.declaration.exports import ExportMap
    from audit_lib.declaration.register import Register

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if not isinstance(data, dict) or (data.get("format"), data.get("version")) != (FORMAT, VERSION):
            raise ValueError(T_("not a {format} of version {version}", format=FORMAT, version=VERSION))
        register_source, exports_source = _source(data["register"]), _source(data["exports"])
        register = Register.model_validate(register_source.data)
        # With the register as context from the start, as load_declaration's last pass: it resolves
        # a preset's categories and identifiers (no other validator reads the context).
        exports = ExportMap.model_validate(exports_source.data, context={"register": register})
    except (OSError, ValueError, KeyError, TypeError) as exc:  # ValidationError is a ValueError
        message = (T_("the declaration snapshot no longer validates") if isinstance(exc, ValidationError)
                   else T_("the declaration snapshot cannot be read ({error})", error=_cause(exc)))
        raise DeclarationError([Problem(str(path), "", message,
                                        fix=T_("run regaudit again: it validates register.yaml and exports.yaml "
                                               "and writes a new snapshot"))]) from exc
    return Declaration(register, exports, register_source, exports_source)  # type: ignore[arg-type]
