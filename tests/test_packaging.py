"""Packaging: pyproject.toml and environment.yml name the same dependencies; every module documents itself."""

import ast
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def test_pyproject_and_environment_list_the_same_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"]} | {_name(r) for r in project["optional-dependencies"]["test"]}
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda, pip = set(), set()
    for item in environment["dependencies"]:
        if isinstance(item, dict):
            pip |= {_name(r) for r in item["pip"] if not r.startswith("-e")}
        else:
            conda.add(_name(item))
    conda -= {"python", "pip"}
    assert wanted == conda | pip


def test_the_stack_the_user_chose_is_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]} | {_name(r) for r in project["optional-dependencies"]["test"]}
    assert {"jupyterlab", "pandas", "duckdb", "papermill", "plotly", "nbval", "ipykernel", "nbconvert", "pydantic",
            "pyyaml", "typer", "rich", "fideslang"} <= names


def test_every_module_has_a_docstring():
    missing = [str(path.relative_to(ROOT)) for path in (ROOT / "audit_lib").rglob("*.py")
               if not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))]
    assert missing == []


def test_the_wheel_carries_the_notebooks_and_samples(tmp_path):
    """An installed regaudit runs its report and demo outside a checkout (audit_lib/resources.py):
    the wheel holds the report notebook and the bundled samples under audit_lib/_bundled/."""
    import shutil
    import subprocess
    import sys
    import zipfile

    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "reports", "build", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", "benchmarks"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                    str(source)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("regaudit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in ("audit_lib/_bundled/notebooks/quarterly_audit.ipynb",
                   "audit_lib/_bundled/notebooks/explore_register.ipynb",
                   "audit_lib/_bundled/data_samples/hyvinvoivin/exports.yaml",
                   "audit_lib/_bundled/data_samples/hyvinvoivin/exports/customers.csv",
                   "audit_lib/_bundled/data_samples/webshop_vendor/exports.yaml",
                   "audit_lib/resources.py"):
        assert wanted in names, wanted
