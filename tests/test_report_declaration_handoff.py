"""regaudit run validates the declaration once and hands the notebook's kernel its snapshot."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest

from audit_lib.report import notebook_source, pipeline

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
KEY = "0123456789abcdef" * 4
# Planted after the parameters cell: the kernel may read accepted.yaml, but neither declaration file.
GUARD = """\
from pathlib import Path

import audit_lib.declaration.load as _load
import audit_lib.declaration.yaml_source as _source

_read = _source.read_yaml


def _guarded(path, *args, **kwargs):
    if Path(path).name in ("register.yaml", "exports.yaml"):
        raise RuntimeError(f"the kernel read {path} again")
    return _read(path, *args, **kwargs)


_load.read_yaml = _source.read_yaml = _guarded"""


def test_the_notebook_takes_the_snapshot_as_a_parameter_and_passes_it_to_the_audit():
    names = [name for name, *_ in notebook_source.PARAMETERS]
    assert "declaration_snapshot" in names
    audit = next(c for c in notebook_source.build().cells if "audit" in c.metadata.get("tags", []))
    assert "declaration=declaration_snapshot" in audit.source


@pytest.mark.slow  # runs the report notebook in its kernel
def test_the_kernel_audits_the_snapshot_and_reads_no_declaration_file(tmp_path):
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    key = tmp_path / "pseudonym.key"
    key.write_text(KEY + "\n", encoding="utf-8")
    notebook = notebook_source.build()  # as the committed notebook is generated
    first = next(i for i, c in enumerate(notebook.cells) if "parameters" in c.metadata.get("tags", []))
    notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(GUARD))
    path = tmp_path / "notebooks" / pipeline.NOTEBOOK.name
    path.parent.mkdir()
    nbformat.write(notebook, path)
    folder = pipeline.run_report(sample / "register.yaml", sample / "exports.yaml", "2026-Q3", tmp_path / "reports",
                                 pseudonym_key_file=key, pdf=False, notebook=path)
    # The snapshot was the kernel's, not the report's: neither published nor recorded as a parameter.
    assert not (folder / pipeline.DECLARATION_SNAPSHOT).exists()
    assert pipeline.DECLARATION_SNAPSHOT not in (folder / "SHA256SUMS").read_text(encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "declaration_snapshot" not in manifest["parameters"]
    assert list(manifest["parameters"])[:4] == ["register", "exports", "period", "output_dir"]
    for name in ("register.yaml", "exports.yaml"):
        assert manifest["declaration"][name] == hashlib.sha256((sample / name).read_bytes()).hexdigest()
    executed = nbformat.read(folder / pipeline.EXECUTED_NOTEBOOK, as_version=4)
    injected = next(c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "declaration_snapshot = " in injected.source
    audit = json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    assert audit["complete"] and audit["findings"] > 0


@pytest.mark.parametrize("takes_it", [True, False])
def test_only_a_notebook_that_takes_the_snapshot_is_given_it(takes_it, tmp_path, monkeypatch):
    key = tmp_path / "pseudonym.key"
    key.write_text(KEY + "\n", encoding="utf-8")
    notebook = notebook_source.build()
    if not takes_it:  # a notebook of --notebook's that predates the parameter
        cell = next(c for c in notebook.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = "\n".join(line for line in cell.source.splitlines() if "declaration_snapshot" not in line)
    path = tmp_path / "own.ipynb"
    nbformat.write(notebook, path)
    given = {}

    def execute(notebook, output, parameters, kernel, **kwargs):
        given.update(parameters)
        snapshot = parameters.get("declaration_snapshot")
        given["written"] = snapshot is not None and Path(snapshot).is_file()
        raise pipeline.ReportError("stopped here")

    monkeypatch.setattr(pipeline, "execute_notebook", execute)
    with pytest.raises(pipeline.ReportFailed) as failed:
        pipeline.run_report(None, SAMPLE / "exports.yaml", "2026-Q3", tmp_path / "reports", pseudonym_key_file=key,
                            pdf=False, notebook=path)
    assert ("declaration_snapshot" in given) is takes_it and given["written"] is takes_it
    assert given["exports"] == str(SAMPLE / "exports.yaml") and given["output_dir"].startswith(str(tmp_path))
    # Kept with the failed run, for whoever inspects it.
    assert (failed.value.folder / pipeline.DECLARATION_SNAPSHOT).is_file() is takes_it
