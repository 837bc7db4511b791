"""The report notebook's cells that name paths, as generated; its other cells are kept as committed.

``python -m audit_lib.report.committed`` writes ``build()`` to notebooks/quarterly_audit.ipynb and
executes it there. Two cells are generated: the parameters cell, typed (``papermill
--help-notebook`` lists each parameter with its type and help), and the audit cell, whose paths go
through audit_lib/notebook_defaults.py, so that the notebook runs as it stands from the repository
root, from ``notebooks/`` or from anywhere else, and which audits the declaration ``regaudit run``
validated when it is given its snapshot (``declaration_snapshot``, audit_lib/declaration/snapshot.py). A parameter added to the committed cell but not
here stops the build (it would be dropped), as does a default changed there.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import nbformat

# (name, type, default as written, help). The help follows the value on its line, where papermill
# reads it; it must hold no "=" (papermill skips such a line).
PARAMETERS: list[tuple[str, str, str, str]] = [
    ("register", "Optional[str]", "None", "register.yaml; None: the one exports.yaml names"),
    ("exports", "Optional[str]", "None", "exports.yaml; None: the bundled sample's (data_samples/hyvinvoivin)"),
    ("period", "str", '"2026-Q3"', "the audited period, e.g. 2026-Q3, 2026-09 or 2026"),
    ("output_dir", "Optional[str]", "None",
     "findings, check results and audit.json; None: reports/notebook-run of the project (gitignored)"),
    ("pseudonym_key_file", "Optional[str]", '"demo"',
     'key file kept outside the reports; "demo": the project\'s .regaudit/demo-pseudonym.key, made on '
     "first use; None: $REGAUDIT_PSEUDONYM_KEY or $REGAUDIT_PSEUDONYM_KEY_FILE"),
    ("lang", "str", '"en"', "report language: en or fi"),
    ("run_id", "Optional[str]", "None", "None: the audit derives it from what it reads"),
    ("previous_findings", "Optional[str]", "None",
     "findings.parquet of the previous period's report, for new / still open / resolved"),
    ("allow_outside", "Optional[List[str]]", "None",
     "folders outside exports.yaml's own that its paths may resolve into (--allow-outside); "
     "None: $REGAUDIT_ALLOW_OUTSIDE, or none"),
    ("started_at", "Optional[str]", "None",
     "when the run started, ISO 8601 with its offset (the cover shows it in the register's time zone); "
     "None: when this notebook runs"),
    ("auditor", "Optional[str]", "None", 'who audited, named on the cover; None: "not named"'),
    ("approver", "Optional[str]", "None", 'who approves the report, named on the cover; None: "not named"'),
    ("signing_key", "Optional[str]", "None",
     "fingerprint of the OpenPGP key that signs manifest.json (regaudit run --sign-key); None: not signed"),
    ("engine", "str", '"duckdb"', "where the checks run: duckdb or spark (regaudit run --engine)"),
    ("master", "Optional[str]", "None", "Spark master for engine spark (--master); None: $SPARK_MASTER, else local[2]"),
    ("declaration_snapshot", "Optional[str]", "None",
     "the declaration regaudit run validated, as a JSON snapshot (audit_lib/declaration/snapshot.py): the "
     "audit reads neither YAML file again; None: register and exports are read"),
]
# Parameters whose default this module sets (resolved through the package); the committed cell's
# defaults of the others must be the ones above.
PATH_PARAMETERS = {"register", "exports", "output_dir", "pseudonym_key_file"}

HEADER = """\
# Parameters (papermill replaces them). None and "demo": found through audit_lib, not the current
# folder; a path given is taken from the folder the kernel runs in.
from typing import List, Optional
"""

# The audit cell's calls that take a path, and what they become (each appears once in the cell).
AUDIT_PATHS = [
    ("exports=exports", "exports=notebook_defaults.exports_file(exports)"),
    ("notebook_key(pseudonym_key_file)", "notebook_key(notebook_defaults.key_file(pseudonym_key_file))"),
    ("write_outputs(result, output_dir,", "write_outputs(result, notebook_defaults.output_dir(output_dir),"),
    ("allow_outside=allow_outside,", "allow_outside=allow_outside, declaration=declaration_snapshot,"),
]
AUDIT_IMPORT = "from audit_lib import notebook_defaults\n\n"


def parameters_source() -> str:
    """The parameters cell: one typed line per parameter, its help after the value."""
    return HEADER + "\n" + "\n".join(f"{name}: {kind} = {default}  # {text}" for name, kind, default, text in PARAMETERS)


def audit_source(committed: str) -> str:
    """The committed audit cell with its paths resolved through audit_lib.notebook_defaults (idempotent)."""
    source = committed if committed.startswith(AUDIT_IMPORT) else AUDIT_IMPORT + committed
    for old, new in AUDIT_PATHS:
        if new in source:
            continue
        if source.count(old) != 1:
            raise ValueError(f"the report notebook's audit cell has {source.count(old)} of {old!r}, not one: "
                             "update audit_lib/report/notebook_source.AUDIT_PATHS")
        source = source.replace(old, new)
    return source


def _check_parameters(cell: "nbformat.NotebookNode") -> None:
    """Refuse to drop or change a parameter of the committed cell that PARAMETERS does not hold as it is."""
    from papermill.translators import PythonTranslator

    ours = {name: default for name, _kind, default, _text in PARAMETERS}
    for parameter in PythonTranslator.inspect(cell):
        if parameter.name not in ours:
            raise ValueError(f"the report notebook's parameter {parameter.name!r} is not in "
                             "audit_lib/report/notebook_source.PARAMETERS: add it there")
        if parameter.name not in PATH_PARAMETERS and parameter.default != ours[parameter.name]:
            raise ValueError(f"the report notebook's parameter {parameter.name!r} defaults to {parameter.default}, "
                             f"audit_lib/report/notebook_source.PARAMETERS to {ours[parameter.name]}: make them agree")


def build(notebook: str | os.PathLike | None = None) -> "nbformat.NotebookNode":
    """The report notebook (default: the committed one) with its parameters and audit cells generated;
    raises ValueError when a tag is on no cell or on several, or when a parameter would be lost."""
    import nbformat

    from audit_lib.report.pipeline import NOTEBOOK

    nb = nbformat.read(str(notebook or NOTEBOOK), as_version=4)
    cells = {}
    for tag in ("parameters", "audit"):
        tagged = [cell for cell in nb.cells if tag in cell.metadata.get("tags", [])]
        if len(tagged) != 1:
            raise ValueError(f"the report notebook has {len(tagged)} cells tagged {tag!r}, not one")
        cells[tag] = tagged[0]
    _check_parameters(cells["parameters"])
    cells["parameters"].source = parameters_source()
    cells["audit"].source = audit_source(cells["audit"].source)
    for cell in cells.values():
        cell.outputs, cell.execution_count = [], None
    return nb
