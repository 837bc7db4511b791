"""Hostile declaration files: keys written twice, alias bombs, deep nesting, foreign encodings, paths outside.

Each is a DeclarationError (or, for an export file's own path, a LoadError) that names the file, the
line and the fix; none is a traceback, a silent choice, or a file read from outside the folder of
exports.yaml.
"""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit_lib.accepted import load_accepted
from audit_lib.checks.registry import parse_sql_check
from audit_lib.cli import app
from audit_lib.declaration import load_declaration, load_register
from audit_lib.declaration.confine import ALLOW_OUTSIDE_ENV
from audit_lib.declaration.yaml_source import MAX_BYTES, read_yaml
from audit_lib.declaration.yaml_strict import MAX_DEPTH
from audit_lib.errors import CheckDefinitionError, DeclarationError, LoadError
from audit_lib.fides import read_dataset
from audit_lib.loader.readers import resolve_files
from checkkit import KEY, write_register

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data_samples" / "hyvinvoivin"
ENV = {"REGAUDIT_PSEUDONYM_KEY": KEY.decode("ascii"), "COLUMNS": "200"}


@pytest.fixture(autouse=True)
def _no_allowance_from_the_environment(monkeypatch):
    """A folder allowed in the developer's own environment must not make these tests pass."""
    monkeypatch.delenv(ALLOW_OUTSIDE_ENV, raising=False)


def _copy(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("register.yaml", "exports.yaml"):
        shutil.copy(SAMPLE / name, folder / name)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _line_of(path: Path, needle: str, start: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > start and needle in line)


def _only_problem(exc: pytest.ExceptionInfo[DeclarationError]):
    assert len(exc.value.problems) == 1, exc.value
    return exc.value.problems[0]


# --- 7. A key written twice is an error naming both lines, at every level and in every YAML file -------------

# (case, file, text after which the duplicate is inserted, the duplicate, key path)
DUPLICATES = [
    ("top level of exports.yaml", "exports.yaml", "timezone: Europe/Helsinki\n", "timezone: Europe/Stockholm\n",
     "timezone"),
    ("an export entry", "exports.yaml", "    key: customer_id\n", "    key: email\n", "exports[0].key"),
    ("a column of an export", "exports.yaml", "      customer_id: {field: subject_id, category: account_data}\n",
     "      customer_id: {field: email}\n", "exports[0].columns.customer_id"),
    ("inside a flow mapping", "exports.yaml", "{field: subject_id, category: account_data}",
     "{field: subject_id, category: account_data, field: email}", "exports[0].columns.customer_id.field"),
    ("top level of register.yaml", "register.yaml", "schema_version: 1\n", "schema_version: 1\n",
     "schema_version"),
    ("a nested mapping of register.yaml", "register.yaml", "  name: Liikkuvaa Hyvinvointia Oy\n",
     "  name: Someone Else Oy\n", "controller.name"),
]


@pytest.mark.parametrize("case, file, after, duplicate, key_path", DUPLICATES, ids=[c[0] for c in DUPLICATES])
def test_a_key_written_twice_names_both_lines(tmp_path, case, file, after, duplicate, key_path):
    folder = _copy(tmp_path)
    target = folder / file
    first = _line_of(target, after.strip("\n").split(",")[0].strip())
    _edit(target, after, after + duplicate if after.endswith("\n") else duplicate)
    second = first + 1 if after.endswith("\n") else first
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, folder / "exports.yaml")
    problem = _only_problem(exc)
    assert Path(problem.file) == target and problem.path == key_path
    assert problem.line == second
    assert f"lines {first} and {second}" in problem.message and "twice" in problem.message
    assert problem.fix and "remove one" in problem.fix


def test_keys_that_yaml_reads_alike_are_the_same_key(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text("values:\n  1: one\n  0x1: also one\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        read_yaml(path)
    assert "lines 2 and 3" in _only_problem(exc).message


def test_a_merge_may_override_what_it_merges(tmp_path):
    path = tmp_path / "exports.yaml"
    path.write_text("base: &base {field: email, category: email}\n"
                    "column: {<<: *base, category: contact}\n", encoding="utf-8")
    assert read_yaml(path).data["column"] == {"field": "email", "category": "contact"}


def test_every_key_written_twice_is_reported_at_once(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text("a: 1\na: 2\nb:\n  c: 1\n  c: 2\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        read_yaml(path)
    assert [(p.path, p.line) for p in exc.value.problems] == [("a", 2), ("b.c", 5)]


def test_duplicates_in_accepted_yaml(tmp_path):
    path = tmp_path / "accepted.yaml"
    path.write_text("schema_version: 1\naccepted:\n  - check_id: access_bulk_read\n    record_ref: '*'\n"
                    "    reason: reviewed\n    reason: not reviewed\n    approved_by: DPO\n"
                    "    expires: 2027-01-01\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_accepted(path)
    problem = _only_problem(exc)
    assert problem.path == "accepted[0].reason" and "lines 5 and 6" in problem.message


def test_duplicates_in_a_fides_dataset(tmp_path):
    path = tmp_path / "dataset.yml"
    path.write_text("dataset:\n  - fides_key: shop\n    fides_key: other\n    collections: []\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        read_dataset(path)
    assert "lines 2 and 3" in _only_problem(exc).message


def test_duplicates_in_a_check_header_name_the_lines_of_the_check_file(tmp_path):
    path = tmp_path / "dup_check.sql"
    path.write_text("\n\n/*---\nid: dup_check\nseverity: high\nseverity: low\n---*/\nSELECT 1\n", encoding="utf-8")
    with pytest.raises(CheckDefinitionError) as exc:
        parse_sql_check(path, "quality")
    assert "line 6" in str(exc.value) and "lines 5 and 6" in str(exc.value) and str(path) in str(exc.value)


def test_duplicates_in_a_framework(tmp_path, monkeypatch):
    import audit_lib.frameworks as frameworks

    (tmp_path / "dup.yaml").write_text(
        "id: dup\ntitle: {en: Dup, fi: Dup}\nprovisions:\n  - id: a\n    ref: Art. 1\n"
        "    title: {en: A, fi: A}\n    checks: [notice_controller_identity]\n"
        "    checks: []\n", encoding="utf-8")
    monkeypatch.setattr(frameworks, "FRAMEWORKS_DIR", tmp_path)
    with pytest.raises(DeclarationError) as exc:
        frameworks.load_framework.__wrapped__("dup")
    assert "lines 7 and 8" in _only_problem(exc).message


# --- 17. Alias bombs and deep nesting are refused, fast and in little memory ---------------------------------

BILLION_LAUGHS = textwrap.dedent("""\
    a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
    g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
    h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
    i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
    """)

# Run in a child process with its address space capped, so that a regression fails this test with a
# MemoryError instead of exhausting the machine it runs on.
_CHILD = textwrap.dedent("""\
    import json, resource, sys, tracemalloc
    resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
    from audit_lib.declaration import load_register
    from audit_lib.lint import lint
    import audit_lib.findings  # imported by lint(); its imports are not what is measured
    tracemalloc.start()
    try:
        if sys.argv[1] == "lint":
            result = lint(sys.argv[2])
            outcome = {"kind": "problems" if result.problems else "valid",
                       "message": " ".join(str(p) for p in result.problems)}
        else:
            load_register(sys.argv[2])
            outcome = {"kind": "loaded", "message": ""}
    except BaseException as exc:
        outcome = {"kind": type(exc).__name__, "message": str(exc)}
    outcome["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(outcome))
    """)


@pytest.mark.parametrize("entry", ["load_register", "lint"])
def test_a_billion_laughs_is_refused_in_little_memory(tmp_path, entry):
    path = tmp_path / "register.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    child = subprocess.run([sys.executable, "-c", _CHILD, entry, str(path)], capture_output=True, text=True,
                           timeout=60, cwd=ROOT)
    assert child.returncode == 0, child.stderr[-2000:]
    outcome = json.loads(child.stdout.strip().splitlines()[-1])
    assert outcome["kind"] == ("problems" if entry == "lint" else "DeclarationError"), outcome
    assert "aliases" in outcome["message"] and f"{path}:" in outcome["message"], outcome
    assert outcome["peak_mb"] < 20, outcome


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text("controller: &loop\n  name: [*loop]\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_register(path)
    problem = _only_problem(exc)
    assert "contains it" in problem.message and problem.line == 1 and problem.fix


@pytest.mark.parametrize("shape", ["flow sequences", "flow mappings", "block mappings", "through aliases"])
def test_nesting_deeper_than_the_bound_is_refused(tmp_path, shape):
    depth = 10_000
    if shape == "flow sequences":
        text = "register: " + "[" * depth + "]" * depth + "\n"
    elif shape == "flow mappings":
        text = "register: " + "{a: " * depth + "1" + "}" * depth + "\n"
    elif shape == "block mappings":  # each level indents once more: 300 levels are 45,000 spaces
        depth = 300
        text = "".join(" " * level + f"k{level}:\n" for level in range(depth))
    else:  # each anchor one level deeper than the last: shallow as written, deep once expanded
        depth = MAX_DEPTH + 5
        text = "a0: &a0 [x]\n" + "".join(f"a{n}: &a{n} [*a{n - 1}]\n" for n in range(1, depth))
    path = tmp_path / "exports.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, path)
    problem = _only_problem(exc)
    assert Path(problem.file) == path and problem.line is not None
    assert f"deeper than {MAX_DEPTH} levels" in problem.message and "flatten" in problem.fix


@pytest.mark.parametrize("value, words", [("2026-02-30", ["2026-02-30", "timestamp", "day is out of range"]),
                                          ("!!int abc", ["abc", "int"]),
                                          ("!!timestamp yesterday", ["yesterday", "timestamp"])])
def test_a_value_yaml_cannot_convert_is_an_error_at_its_line(tmp_path, value, words):
    path = tmp_path / "exports.yaml"
    path.write_text(f"schema_version: 1\nexports:\n  - file: a.csv\n    snapshot: {{at: {value}}}\n",
                    encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, path)
    problem = _only_problem(exc)
    assert problem.line == 4 and all(word in problem.message for word in words), problem
    assert "quote it" in problem.fix


def test_a_control_character_is_an_error_at_its_line(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_text("schema_version: 1\ncontroller:\n  name: Oy\x07\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as exc:
        load_register(path)
    problem = _only_problem(exc)
    assert problem.line == 3 and "U+0007" in problem.message


def test_a_file_larger_than_any_declaration_is_not_parsed(tmp_path):
    path = tmp_path / "register.yaml"
    path.write_bytes(b"# " + b"x" * MAX_BYTES + b"\n")
    with pytest.raises(DeclarationError) as exc:
        load_register(path)
    assert "larger than" in _only_problem(exc).message


# --- 20. Encodings: UTF-8 or a byte-order mark is read; anything else is named, never guessed ------------------

@pytest.mark.parametrize("codec, mark", [("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                         ("utf-16-be", b"\xfe\xff"), ("utf-32-le", b"\xff\xfe\x00\x00")],
                         ids=["UTF-8 with BOM", "UTF-16 LE with BOM (Notepad)", "UTF-16 BE with BOM",
                              "UTF-32 with BOM"])
def test_unicode_with_a_byte_order_mark_reads_as_utf8_does(tmp_path, codec, mark):
    text = (SAMPLE / "register.yaml").read_text(encoding="utf-8")
    assert not text.isascii()  # its Finnish letters are what a wrong decoding would change
    path = tmp_path / "register.yaml"
    path.write_bytes(mark + text.encode(codec))
    assert load_register(path)[0] == load_register(SAMPLE / "register.yaml")[0]


def test_windows_1252_is_refused_at_the_first_byte_that_is_not_utf8(tmp_path):
    text = (SAMPLE / "register.yaml").read_text(encoding="utf-8")
    path = tmp_path / "register.yaml"
    path.write_bytes(text.encode("cp1252", errors="replace"))
    with pytest.raises(DeclarationError) as exc:
        load_register(path)
    problem = _only_problem(exc)
    first = next(i for i, line in enumerate(text.splitlines(), 1) if not line.isascii())
    assert Path(problem.file) == path and problem.line == first
    assert "not UTF-8" in problem.message and "Windows-1252" in problem.message
    assert "save the file as UTF-8" in problem.fix


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_refused(tmp_path, codec):
    path = tmp_path / "exports.yaml"
    path.write_bytes("schema_version: 1\nexports: []\n".encode(codec))
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, path)
    problem = _only_problem(exc)
    assert Path(problem.file) == path and "UTF-16" in problem.message and "UTF-8" in problem.fix


# --- 13. The paths exports.yaml names stay inside its folder, unless the person running regaudit allows more ---

def _outside(tmp_path: Path) -> tuple[Path, Path]:
    """exports.yaml in decl/, and a folder beside it holding a file that must not be read."""
    folder = _copy(tmp_path / "decl")
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "passwd").write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    return folder, secret


@pytest.mark.parametrize("case", ["relative exports_dir", "absolute exports_dir", "exports_dir through a link",
                                  "register named outside", "register through a link"])
def test_a_path_outside_the_folder_of_exports_yaml_is_refused(tmp_path, case):
    folder, secret = _outside(tmp_path)
    exports = folder / "exports.yaml"
    key = "register" if case.startswith("register") else "exports_dir"
    if case == "relative exports_dir":
        _edit(exports, "exports_dir: exports", "exports_dir: ../../../../../../../../" + str(secret).lstrip("/"))
    elif case == "absolute exports_dir":
        _edit(exports, "exports_dir: exports", f"exports_dir: {secret}")
    elif case == "exports_dir through a link":
        (folder / "exports").symlink_to(secret, target_is_directory=True)
    elif case == "register named outside":
        shutil.move(folder / "register.yaml", secret / "register.yaml")
        _edit(exports, "register: register.yaml", "register: ../elsewhere/register.yaml")
    else:
        shutil.move(folder / "register.yaml", secret / "register.yaml")
        (folder / "register.yaml").symlink_to(secret / "register.yaml")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, exports)
    problem = _only_problem(exc)
    assert Path(problem.file) == exports and problem.path == key
    assert problem.line == _line_of(exports, f"{key}:")
    assert str(secret) in problem.message and str(folder) in problem.message  # the path and the folder
    assert f"--allow-outside {secret.resolve()}" in problem.fix and ALLOW_OUTSIDE_ENV in problem.fix  # the option


def test_the_option_of_the_person_running_regaudit_allows_a_folder(tmp_path, monkeypatch):
    folder, secret = _outside(tmp_path)
    shutil.copytree(SAMPLE / "exports", secret / "exports")
    shutil.move(folder / "register.yaml", secret / "register.yaml")
    exports = folder / "exports.yaml"
    _edit(exports, "exports_dir: exports", "exports_dir: ../elsewhere/exports")
    _edit(exports, "register: register.yaml", "register: ../elsewhere/register.yaml")
    declaration = load_declaration(None, exports, allow_outside=[secret])
    assert declaration.exports_dir == (secret / "exports").resolve()
    monkeypatch.setenv(ALLOW_OUTSIDE_ENV, os.pathsep.join(["/nonexistent", str(secret)]))
    assert load_declaration(None, exports).exports_dir == (secret / "exports").resolve()
    with pytest.raises(DeclarationError):  # an explicit list replaces the environment's
        load_declaration(None, exports, allow_outside=[])


def test_a_register_the_person_names_is_read_wherever_it_is(tmp_path):
    folder, secret = _outside(tmp_path)
    shutil.move(folder / "register.yaml", secret / "register.yaml")
    declaration = load_declaration(secret / "register.yaml", folder / "exports.yaml")
    assert declaration.register_source.path == secret / "register.yaml"


def test_a_link_loop_as_exports_dir_is_an_error_not_a_traceback(tmp_path):
    folder = _copy(tmp_path)
    (folder / "loop_a").symlink_to(folder / "loop_b")
    (folder / "loop_b").symlink_to(folder / "loop_a")
    _edit(folder / "exports.yaml", "exports_dir: exports", "exports_dir: loop_a")
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, folder / "exports.yaml")
    assert _only_problem(exc).path == "exports_dir"


@pytest.mark.parametrize("pattern, words", [("**a.csv", ["**", "glob"]), ("loop_a", ["cannot be resolved"]),
                                            ("loop_*", ["cannot be resolved"])])
def test_an_export_path_that_cannot_be_resolved_is_a_load_error(tmp_path, pattern, words):
    (tmp_path / "a.csv").write_text("x\n1\n", encoding="utf-8")
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    with pytest.raises(LoadError) as exc:
        resolve_files(tmp_path, pattern)
    assert all(word in str(exc.value) for word in words), exc.value


def test_a_file_name_with_a_control_character_is_a_declaration_error(tmp_path):
    folder = _copy(tmp_path)
    _edit(folder / "exports.yaml", "- file: customers.csv", '- file: "customers\\0.csv"')
    with pytest.raises(DeclarationError) as exc:
        load_declaration(None, folder / "exports.yaml")
    problem = _only_problem(exc)
    assert problem.path == "exports[0].file" and "control character" in problem.message


def _outside_register(tmp_path: Path) -> tuple[Path, Path]:
    """A tiny register whose exports folder lies beside the folder of its exports.yaml."""
    exports = write_register(tmp_path / "decl", {"staff_accounts": [
        {"user_id": "tkoski98", "role": "administrator", "valid_from": "2025-10-01 08:00:00"}]})
    data = tmp_path / "data"
    data.mkdir()
    shutil.move(exports.parent / "exports", data / "exports")
    _edit(exports, "exports_dir: exports", "exports_dir: ../data/exports")
    return exports, data


def test_check_refuses_an_exports_dir_outside_and_allow_outside_lets_it_run(tmp_path):
    exports, data = _outside_register(tmp_path)
    refused = CliRunner().invoke(app, ["check", "--exports", str(exports), "--period", "2026-Q3"], env=ENV)
    assert refused.exit_code == 3, refused.output
    assert "--allow-outside" in refused.output and str(data / "exports") in refused.output
    allowed = CliRunner().invoke(app, ["check", "--exports", str(exports), "--period", "2026-Q3",
                                       "--allow-outside", str(data)], env=ENV)
    assert allowed.exit_code == 2, allowed.output  # ran: the one table leaves most checks not run
    assert "not_run" in allowed.output


def test_run_refuses_before_the_notebook_and_passes_the_option_to_it(tmp_path, monkeypatch):
    import audit_lib.report.pipeline as pipeline

    exports, data = _outside_register(tmp_path)
    refused = CliRunner().invoke(app, ["run", "--exports", str(exports), "--period", "2026-Q3", "--no-pdf",
                                       "--out", str(tmp_path / "reports")], env=ENV)
    assert refused.exit_code == 3 and "--allow-outside" in refused.output, refused.output
    seen = {}

    def notebook(_notebook, _output, parameters, _kernel, **_options):
        seen.update(parameters)
        raise pipeline.ReportError("stopped before the kernel")
    monkeypatch.setattr(pipeline, "execute_notebook", notebook)
    monkeypatch.setattr(pipeline, "kernel_name", lambda: "python3")
    CliRunner().invoke(app, ["run", "--exports", str(exports), "--period", "2026-Q3", "--no-pdf",
                             "--out", str(tmp_path / "reports"), "--allow-outside", str(data)], env=ENV)
    assert seen.get("allow_outside") == [str(data.resolve())], seen


def test_the_report_notebook_passes_allow_outside_to_the_audit():
    cells = json.loads((ROOT / "notebooks" / "quarterly_audit.ipynb").read_text(encoding="utf-8"))["cells"]
    parameters = next("".join(c["source"]) for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    audit = next("".join(c["source"]) for c in cells if "run_audit(" in "".join(c["source"]))
    assert re.search(r"^allow_outside: Optional\[List\[str\]\] = None\b", parameters, re.M)
    assert "allow_outside=allow_outside" in audit


def test_the_bundled_samples_still_load():
    for sample in ("hyvinvoivin", "webshop_vendor"):
        declaration = load_declaration(None, ROOT / "data_samples" / sample / "exports.yaml")
        assert declaration.exports_dir == (ROOT / "data_samples" / sample / "exports").resolve()


@pytest.mark.slow  # runs the explore notebook in a kernel
def test_explore_refuses_an_exports_dir_outside_and_allow_outside_reaches_its_kernel(tmp_path):
    """The explore notebook's kernel opens the register itself: --allow-outside reaches it through
    $REGAUDIT_ALLOW_OUTSIDE, and without it the declaration is refused before any kernel starts."""
    from audit_lib.explore import launch

    folder = tmp_path / "decl"
    shutil.copytree(ROOT / "data_samples" / "hyvinvoivin", folder,
                    ignore=shutil.ignore_patterns("exports"))
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data_samples" / "hyvinvoivin" / "exports", data / "exports")
    _edit(folder / "exports.yaml", "exports_dir: exports", "exports_dir: ../data/exports")
    with pytest.raises(DeclarationError, match="allow-outside"):
        launch.prepare(exports=folder / "exports.yaml", work_dir=tmp_path / "work", execute=False)
    assert launch.allow_outside_env([data]) == {"REGAUDIT_ALLOW_OUTSIDE": str(data.resolve())}
    notebook = launch.prepare(exports=folder / "exports.yaml", work_dir=tmp_path / "work", execute=True,
                              allow_outside=[data])
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    errors = [o for c in cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors and "REGAUDIT_ALLOW_OUTSIDE" not in os.environ
    help_text = CliRunner().invoke(app, ["explore", "--help"]).output
    assert "--allow-outside" in help_text
