"""Discovering check files: one file per check under ``checks/<family>/``, ids unique and equal to names."""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from audit_lib.checks.spec import FAMILIES, Check, CheckMeta
from audit_lib.errors import CheckDefinitionError, DeclarationError
from audit_lib.i18n import Joined, T_

CHECKS_DIR = Path(__file__).resolve().parent
_HEADER_START, _HEADER_END = "/*---", "---*/"


def parse_sql_check(path: Path, family: str) -> Check:
    """Read a ``.sql`` check: a YAML header between ``/*---`` and ``---*/``, then the query."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    if not stripped.startswith(_HEADER_START) or _HEADER_END not in stripped:
        raise CheckDefinitionError(str(path), T_("a SQL check starts with a header between {start} and {end}",
                                                 start=_HEADER_START, end=_HEADER_END))
    from audit_lib.declaration.yaml_source import parse_yaml

    header, query = stripped[len(_HEADER_START):].split(_HEADER_END, 1)
    first_line = text.count("\n", 0, len(text) - len(stripped) + len(_HEADER_START)) + 1
    try:  # regaudit's one YAML loader: bounded, and a key written twice is an error, not the later one
        data, _ = parse_yaml(header, str(path), first_line=first_line)
    except DeclarationError as exc:
        problems = Joined("; ", [T_("line {line}: {message}", line=p.line, message=p.message) if p.line
                                 else p.message for p in exc.problems])
        raise CheckDefinitionError(str(path), T_("invalid header: {problems}", problems=problems)) from None
    meta = _meta(path, data)
    if not query.strip():
        raise CheckDefinitionError(str(path), T_("no query after the header"))
    return Check(meta=meta, family=family, source=path, sql=query.strip().rstrip(";"))


def parse_python_check(path: Path, family: str) -> Check:
    """Import a ``.py`` check: a module with a ``CHECK`` dict (the header) and ``find(context)``."""
    spec = importlib.util.spec_from_file_location(f"audit_lib.checks.{family}.{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    if not hasattr(module, "CHECK") or not callable(getattr(module, "find", None)):
        raise CheckDefinitionError(str(path), T_("a Python check defines CHECK (its header) and find(context)"))
    return Check(meta=_meta(path, module.CHECK), family=family, source=path, function=module.find,
                 population_function=getattr(module, "population", None),
                 not_tested_function=getattr(module, "why_not_tested", None))


def _meta(path: Path, data: object) -> CheckMeta:
    try:
        meta = CheckMeta.model_validate(data)
    except ValidationError as exc:
        raise CheckDefinitionError(str(path), T_("invalid header: {problems}", problems=exc)) from exc
    if meta.id != path.stem:
        raise CheckDefinitionError(str(path), T_("header id {id!r} differs from the file name {name!r}", id=meta.id,
                                                 name=path.stem))
    return meta


def _dialect_override(path: Path) -> None:
    """Refuse a ``<id>.<dialect>.sql`` of an unknown dialect or beside no ``<id>.sql``."""
    from audit_lib.backends.port import DIALECTS

    check_id, dialect = path.stem.rsplit(".", 1)
    if dialect not in DIALECTS:
        raise CheckDefinitionError(str(path), T_("unknown dialect {dialect!r} (one of {dialects}); a check id has no "
                                                 "dot", dialect=dialect, dialects=", ".join(DIALECTS)))
    if not path.with_name(check_id + ".sql").is_file():
        raise CheckDefinitionError(str(path), T_("a {dialect} text of check {check!r}, but there is no {check}.sql "
                                                 "beside it", dialect=dialect, check=check_id))


def discover(root: Path = CHECKS_DIR) -> list[Check]:
    """Every check under ``root``, sorted by family then id; duplicate ids are an error."""
    checks: list[Check] = []
    seen: dict[str, Path] = {}
    for family_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        if family_dir.name not in FAMILIES:
            raise CheckDefinitionError(str(family_dir), T_("unknown family; use one of {families}",
                                                           families=", ".join(FAMILIES)))
        for path in sorted(family_dir.iterdir()):
            if path.suffix == ".sql" and "." in path.stem:
                _dialect_override(path)  # <id>.<dialect>.sql: a port's last resort, read by backends/port.py
                continue
            if path.suffix == ".sql":
                check = parse_sql_check(path, family_dir.name)
            elif path.suffix == ".py" and not path.name.startswith("_"):
                check = parse_python_check(path, family_dir.name)
            else:
                continue
            if check.id in seen:
                raise CheckDefinitionError(str(path), T_("check id {id!r} is already used by {other}", id=check.id,
                                                         other=seen[check.id]))
            seen[check.id] = path
            checks.append(check)
    return checks


@lru_cache(maxsize=1)
def catalogue() -> tuple[Check, ...]:
    """The bundled check catalogue (discovered once per process)."""
    return tuple(discover())
