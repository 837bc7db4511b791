"""Both notebooks run from anywhere: typed parameters whose default paths resolve through the package.

The papermill runs (marked slow) use the notebooks as their generators write them
(audit_lib.explore.notebook.build, audit_lib.report.notebook_source.build), placed in a temporary
folder with no sample beside them, and start papermill from the repository root and from
``notebooks/``: papermill starts its kernel in the folder it is run from, so a default taken from
the current folder or from the notebook's would fail in one of them.
test_committed_notebooks_are_generated fails until ``make notebooks`` has rewritten the committed
notebooks from the generators.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from audit_lib import notebook_defaults
from audit_lib.explore import notebook as explore_notebook
from audit_lib.report import notebook_source
from audit_lib.report.pipeline import NOTEBOOK as REPORT_NOTEBOOK
from audit_lib.report.pipeline import demo_key, kernel_name
from audit_lib.resources import SAMPLE, work_root

REPO = Path(__file__).resolve().parents[1]
PAPERMILL = Path(sys.executable).with_name("papermill")
# Where papermill is started from: the repository root, and the notebooks' folder.
FOLDERS = {"root": REPO, "notebooks": REPO / "notebooks"}


def _generated(tmp_path: Path) -> dict[str, Path]:
    """Both generated notebooks in ``tmp_path/notebooks`` (no data_samples beside them)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    paths = {"explore": folder / explore_notebook.NOTEBOOK.name, "report": folder / REPORT_NOTEBOOK.name}
    nbformat.write(explore_notebook.build(), paths["explore"])
    nbformat.write(notebook_source.build(), paths["report"])
    return paths


def test_default_paths_resolve_through_the_package_not_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert notebook_defaults.exports_file(None) == SAMPLE / "exports.yaml"
    assert notebook_defaults.exports_file(None).is_absolute() and notebook_defaults.exports_file(None).is_file()
    assert notebook_defaults.output_dir(None) == work_root() / "reports" / "notebook-run"
    assert notebook_defaults.key_file("demo") == demo_key()
    # Given paths are used as given; None for the key leaves it to $REGAUDIT_PSEUDONYM_KEY(_FILE).
    assert notebook_defaults.exports_file("mine/exports.yaml") == Path("mine/exports.yaml")
    assert notebook_defaults.output_dir("out") == Path("out")
    assert notebook_defaults.key_file("k.key") == Path("k.key") and notebook_defaults.key_file(None) is None


@pytest.mark.slow  # runs papermill
def test_parameters_are_typed_and_documented(tmp_path):
    paths = _generated(tmp_path)
    for kind, path in paths.items():
        inferred = papermill.inspect_notebook(str(path))
        assert inferred, kind
        for name, parameter in inferred.items():
            assert parameter["inferred_type_name"] not in ("None", None), f"{kind}: {name} has no type"
            assert parameter["help"].strip(), f"{kind}: {name} has no help"
        assert inferred["exports"]["default"] == "None" and inferred["register"]["default"] == "None"
    report = papermill.inspect_notebook(str(paths["report"]))
    assert report["pseudonym_key_file"]["default"] == '"demo"' and report["output_dir"]["default"] == "None"
    assert report["allow_outside"]["inferred_type_name"] == "Optional[List[str]]"
    # The command-line help lists them with their types and help.
    done = subprocess.run([str(PAPERMILL), "--help-notebook", str(paths["explore"])], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert 'period: str (default "2026-Q3")' in done.stdout
    assert "exports: Optional[str] (default None)" in done.stdout and "the bundled sample" in done.stdout


def test_report_generator_keeps_every_parameter_of_the_committed_cell(tmp_path):
    nb = nbformat.read(REPORT_NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    source = cell.source
    cell.source = source + "\nreviewer = None"
    nbformat.write(nb, tmp_path / "added.ipynb")
    with pytest.raises(ValueError, match="'reviewer' is not in"):
        notebook_source.build(tmp_path / "added.ipynb")
    cell.source = source.replace('lang = "en"', 'lang = "fi"').replace('lang: str = "en"', 'lang: str = "fi"')
    assert cell.source != source
    nbformat.write(nb, tmp_path / "changed.ipynb")
    with pytest.raises(ValueError, match="'lang' defaults to"):
        notebook_source.build(tmp_path / "changed.ipynb")
    # Generating again from a generated notebook changes nothing.
    nbformat.write(notebook_source.build(), tmp_path / "generated.ipynb")
    again = notebook_source.build(tmp_path / "generated.ipynb")
    assert [c.source for c in again.cells] == [c.source for c in notebook_source.build().cells]


def test_committed_notebooks_are_generated():
    """Fails until ``make notebooks`` has rewritten the committed notebooks from their generators."""
    committed = nbformat.read(explore_notebook.NOTEBOOK, as_version=4)
    built = explore_notebook.build()
    assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in committed.cells] == \
           [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in built.cells], \
        "notebooks/explore_register.ipynb is not audit_lib.explore.notebook.build(): run `make notebooks`"
    report = nbformat.read(REPORT_NOTEBOOK, as_version=4)
    assert [c.source for c in report.cells] == [c.source for c in notebook_source.build().cells], \
        "notebooks/quarterly_audit.ipynb's parameters or audit cell is not generated: run `make notebooks`"


def _papermill(notebook: Path, output: Path, cwd: Path, *parameters: str) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    command = [str(PAPERMILL), str(notebook), str(output), "-k", kernel_name(), "--no-progress-bar", *parameters]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"papermill from {cwd} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"


def _output_text(path: Path, tag: str) -> str:
    cell = next(c for c in nbformat.read(path, as_version=4).cells if tag in c.metadata.get("tags", []))
    return json.dumps([o.get("data", {}).get("text/plain", "") for o in cell.outputs])


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_explore_notebook_runs_with_its_defaults_from(folder, tmp_path):
    notebook = _generated(tmp_path)["explore"]
    executed = tmp_path / "out.ipynb"
    _papermill(notebook, executed, FOLDERS[folder])
    # The bundled sample was loaded: the overview counts its subjects.
    overview = _output_text(executed, "overview")
    assert "subjects" in overview and "consent_events" in overview


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_report_notebook_runs_with_its_defaults_from(folder, tmp_path):
    notebook = _generated(tmp_path)["report"]
    out = tmp_path / "run"
    # The tables and the key go to the temporary folder (their defaults are the checkout's own).
    _papermill(notebook, tmp_path / "out.ipynb", FOLDERS[folder], "-p", "output_dir", str(out),
               "-p", "pseudonym_key_file", str(tmp_path / ".regaudit" / "demo-pseudonym.key"))
    audit = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    assert audit["period"] == "2026-Q3" and audit["findings"] > 0
    assert (out / "findings.csv").is_file()
    # The bundled sample's declaration was audited, whatever folder papermill ran in.
    for name in ("exports.yaml", "register.yaml"):
        assert audit["declaration_hashes"][name] == hashlib.sha256((SAMPLE / name).read_bytes()).hexdigest()
