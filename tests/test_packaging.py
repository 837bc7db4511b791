"""Packaging: pyproject.toml and environment.yml name the same dependencies; every module documents itself;
the wheel carries every file of the package, and installed from it outside the checkout regaudit works."""

import ast
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
KEY = "0123456789abcdef" * 4


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


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout (without its venv, reports or build leftovers)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".git", ".venv", "reports", "build", "*.egg-info",
                                                                "__pycache__", ".pytest_cache", "benchmarks",
                                                                ".regaudit"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(root / "dist"),
                            str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-3000:]
    return next((root / "dist").glob("regaudit-*.whl"))


@pytest.mark.slow  # builds the wheel
def test_the_wheel_carries_every_file_of_the_package(wheel):
    """Every data file a check, the declaration or the report reads (a check's word list, the JSON
    Schemas, the templates) is package data: the wheel holds all of audit_lib/ as the checkout has it."""
    names = set(zipfile.ZipFile(wheel).namelist())
    source = {path.relative_to(ROOT).as_posix() for path in (ROOT / "audit_lib").rglob("*")
              if path.is_file() and "__pycache__" not in path.parts and "_bundled" not in path.parts}
    assert "audit_lib/checks/access/generic_account_names.txt" in source
    assert "audit_lib/schemas/register.schema.json" in source
    assert sorted(source - names) == []


@pytest.mark.slow
def test_the_wheel_carries_the_notebooks_and_samples(wheel):
    """An installed regaudit runs its report and demo outside a checkout (audit_lib/resources.py):
    the wheel holds the report notebook and the bundled samples under audit_lib/_bundled/."""
    names = set(zipfile.ZipFile(wheel).namelist())
    for wanted in ("audit_lib/_bundled/notebooks/quarterly_audit.ipynb",
                   "audit_lib/_bundled/notebooks/explore_register.ipynb",
                   "audit_lib/_bundled/data_samples/hyvinvoivin/exports.yaml",
                   "audit_lib/_bundled/data_samples/hyvinvoivin/exports/customers.csv",
                   "audit_lib/_bundled/data_samples/webshop_vendor/exports.yaml",
                   "audit_lib/resources.py"):
        assert wanted in names, wanted


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh venv with only the wheel installed in it (no checkout on its path), run from a folder
    outside the checkout.

    Installing the dependencies from an index would take minutes, so the fresh venv borrows them: a
    .pth file lists this test venv's site-packages. A plain path in a .pth does not run that folder's
    own .pth files, so the editable install of the checkout stays invisible to the fresh venv. The
    kernel is the one an installed regaudit finds by itself (ipykernel's own "python3", running the
    fresh venv's interpreter): no kernelspec is installed, as a user of `pip install` installs none.
    """
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The wheel first, while the fresh venv sees nothing of this one (pip must not meet the checkout's
    # editable regaudit there, let alone uninstall it).
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    # The dependencies' data files, which pip puts under the environment's prefix (nbconvert's HTML
    # templates in share/jupyter/nbconvert): borrowed too, all but the kernelspecs, so that the kernel
    # is found as an installed regaudit finds it, from the fresh venv alone.
    shared = venv / "share" / "jupyter"
    shared.mkdir(parents=True)
    for item in (Path(sys.prefix) / "share" / "jupyter").iterdir():
        if item.name != "kernels":
            (shared / item.name).symlink_to(item)
    work = root / "work"
    work.mkdir()
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "JUPYTER_PATH", "VIRTUAL_ENV", "REGAUDIT_KERNEL", "REGAUDIT_DEBUG")}
    # Only the kernels the fresh venv itself provides: no user-level kernelspec of another environment.
    env.update(REGAUDIT_PSEUDONYM_KEY=KEY, JUPYTER_DATA_DIR=str(root / "jupyter-data"),
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", COLUMNS="200")
    return {"venv": venv, "python": python, "work": work, "env": env, "purelib": Path(purelib)}


def _run(installed: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=installed["work"], env=installed["env"], capture_output=True, text=True,
                          timeout=600)


@pytest.mark.slow  # installs the wheel into a virtual environment of its own
def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    done = _run(installed, str(installed["python"]), "-c",
                "import audit_lib, audit_lib.resources as r; print(audit_lib.__file__); print(r.in_checkout())")
    location, in_checkout = done.stdout.split()
    assert Path(location).is_relative_to(installed["venv"]) and not Path(location).is_relative_to(ROOT)
    assert in_checkout == "False"
    assert _run(installed, "regaudit", "--version").stdout.strip() == "regaudit 0.1.0"
    kernel = _run(installed, str(installed["python"]), "-c",
                  "from jupyter_client.kernelspec import KernelSpecManager\n"
                  "from audit_lib.report.pipeline import kernel_name\n"
                  "print(KernelSpecManager().get_kernel_spec(kernel_name()).argv[0])")
    assert Path(kernel.stdout.strip()).is_relative_to(installed["venv"]), kernel.stdout + kernel.stderr


@pytest.mark.slow  # and renders the demo report
def test_regaudit_demo_runs_from_the_installed_wheel(installed):
    """`regaudit demo` outside any checkout: the bundled notebook and sample, a kernel found, the report
    written into the current folder, and nothing of the kernel's chatter in the terminal."""
    done = _run(installed, "regaudit", "demo", "--no-pdf")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    folder = installed["work"] / "reports" / "demo"
    assert (folder / "report.html").is_file() and (folder / "manifest.json").is_file()
    assert (installed["work"] / ".regaudit" / "demo-pseudonym.key").is_file()
    assert "Traceback" not in done.stderr and "without encryption" not in done.stderr


@pytest.mark.slow
def test_regaudit_check_runs_from_the_installed_wheel(installed):
    """`regaudit check` on the sample the wheel bundles: every check runs (exit 1: the planted findings)."""
    exports = installed["purelib"] / "audit_lib" / "_bundled" / "data_samples" / "hyvinvoivin" / "exports.yaml"
    done = _run(installed, "regaudit", "check", "--exports", str(exports), "--period", "2026-Q3",
                "--out", str(installed["work"] / "findings"))
    assert done.returncode == 1, done.stdout[-3000:] + done.stderr[-3000:]
    assert "access_shared_account" in done.stdout and "error" not in done.stdout.split("Check results")[1]
    assert (installed["work"] / "findings" / "findings.csv").is_file()
