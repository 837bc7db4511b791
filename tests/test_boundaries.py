"""The layers of audit_lib, enforced from its source: checks do not import the loader, the report runs no
SQL, the declaration models do not import DuckDB, and the command line starts without the heavy stack.

The scan reads every module with ``ast`` (imports inside functions count, relative imports are resolved,
``importlib.import_module("...")`` with a literal name counts too), so a lazy import is no way around a rule.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "audit_lib"
# Calls that run SQL on a DuckDB (or an engine's look-alike) connection.
SQL_CALLS = frozenset({"execute", "executemany", "sql"})
# What `import audit_lib.cli` (and `regaudit --help`) must not load: each costs a noticeable part of a second.
HEAVY = ("duckdb", "pandas", "pyarrow", "sqlglot", "pyspark", "plotly", "papermill", "nbconvert")


@dataclass(frozen=True)
class Use:
    """One import (the module's full name) or SQL call (``.execute(``) at a line of a module."""

    path: str
    line: int
    name: str


def module_name(path: Path) -> str:
    """``audit_lib/checks/runner.py`` -> ``audit_lib.checks.runner`` (a package's ``__init__`` is the package)."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_and_calls(source: str, module: str, is_package: bool = False) -> list[tuple[int, str]]:
    """Every module ``source`` imports (``from a import b`` gives ``a`` and ``a.b``), and ``call:NAME`` for
    every ``x.NAME(...)`` call; ``module`` resolves relative imports."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1])
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            found += [(node.lineno, f"{name}.{alias.name}") for alias in node.names if alias.name != "*"]
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SQL_CALLS:
                found.append((node.lineno, f"call:{func.attr}"))
            dynamic = (isinstance(func, ast.Name) and func.id in {"__import__", "import_module"}) or \
                      (isinstance(func, ast.Attribute) and func.attr == "import_module")
            if dynamic and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                found.append((node.lineno, node.args[0].value))
    return found


def _is(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def uses(folder: str, *prefixes: str) -> list[Use]:
    """Imports of any of ``prefixes`` (a module and its submodules; ``call:`` for calls) under audit_lib/``folder``."""
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        module = module_name(path)
        for line, name in imports_and_calls(path.read_text(encoding="utf-8"), module, path.name == "__init__.py"):
            if any(_is(name, prefix) for prefix in prefixes):
                found.append(Use(str(path.relative_to(ROOT)), line, name))
    # One entry per line and module: ``from a.b import c`` also gives ``a.b.c``.
    unique: dict[tuple[str, int], Use] = {}
    for use in found:
        unique.setdefault((use.path, use.line), use)
    return list(unique.values())


# Crossings of a boundary that exist on purpose: (file, imported module or call) -> why. Empty today; an
# entry must name its reason, and one that no longer occurs fails the test until it is taken off.
ALLOWED: dict[tuple[str, str], str] = {}


def _violations(found: list[Use]) -> list[Use]:
    return [use for use in found if (use.path, use.name) not in ALLOWED]


def test_the_scanner_sees_every_form_of_import_and_sql_call():
    """The scan itself: absolute, relative, aliased, lazy and dynamic imports, and SQL calls, are all found."""
    source = textwrap.dedent("""\
        import duckdb as db
        from audit_lib.loader import load
        from ..loader.contract import ROWS_PREFIX
        from . import shared

        def later(con):
            import pandas
            import importlib
            importlib.import_module("audit_lib.loader.readers")
            return con.execute("SELECT 1"), con.sql("SELECT 2")
        """)
    found = {name for _, name in imports_and_calls(source, "audit_lib.checks.runner")}
    assert {"duckdb", "audit_lib.loader", "audit_lib.loader.load", "audit_lib.loader.contract",
            "audit_lib.loader.contract.ROWS_PREFIX", "audit_lib.checks", "audit_lib.checks.shared", "pandas",
            "audit_lib.loader.readers", "call:execute", "call:sql"} <= found
    # A package's own relative import resolves inside the package.
    assert "audit_lib.report.times" in {n for _, n in imports_and_calls("from .times import zoned_iso",
                                                                         "audit_lib.report", is_package=True)}
    assert not _is("audit_lib.loaders", "audit_lib.loader") and _is("duckdb.typing", "duckdb")


def test_checks_do_not_import_the_loader():
    """A check reads the loader's contract (role views, decl_* tables, export_files, export_rows_NN) by SQL,
    never the loader's Python: audit_lib/loader/contract.py documents the contract."""
    found = uses("checks", "audit_lib.loader")
    assert _violations(found) == []


def test_the_report_runs_no_sql():
    """The report renders what the audit computed (the notebook's run_audit): no DuckDB, no SQL call."""
    found = uses("report", "duckdb", *(f"call:{name}" for name in SQL_CALLS))
    assert _violations(found) == []


def test_declaration_models_do_not_import_duckdb():
    """register.yaml and exports.yaml are read and validated without an engine (only the loader and the
    check runner hold a connection)."""
    found = uses("declaration", "duckdb")
    assert _violations(found) == []


def test_every_allowed_crossing_still_occurs_and_says_why():
    occurring = {(use.path, use.name) for folder, prefixes in (("checks", ("audit_lib.loader",)),
                                                                ("report", ("duckdb", "call:execute", "call:sql",
                                                                            "call:executemany")),
                                                                ("declaration", ("duckdb",)))
                 for use in uses(folder, *prefixes)}
    for crossing, reason in ALLOWED.items():
        assert crossing in occurring, f"{crossing} no longer occurs: take it off ALLOWED"
        assert reason.strip(), crossing


_STARTUP = textwrap.dedent("""\
    import json, sys
    import audit_lib.cli
    after_import = sorted(sys.modules)
    from typer.testing import CliRunner
    for args in (["--help"], ["run", "--help"], ["check", "--help"], ["--version"]):
        result = CliRunner().invoke(audit_lib.cli.app, args)
        assert result.exit_code == 0, (args, result.output)
    print(json.dumps({"import": after_import, "help": sorted(sys.modules)}))
    """)


@pytest.fixture(scope="module")
def startup_modules() -> dict[str, list[str]]:
    """The modules loaded by ``import audit_lib.cli``, then by its --help and --version, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("stage", ["import", "help"])
def test_the_command_line_starts_without_the_heavy_stack(startup_modules, stage):
    loaded = startup_modules[stage]
    assert "audit_lib.cli" in loaded and "typer" in loaded  # the measurement saw the import
    heavy = sorted({name.partition(".")[0] for name in loaded} & set(HEAVY))
    assert heavy == [], f"{stage}: {heavy} loaded at start-up: import them inside the command that needs them"
