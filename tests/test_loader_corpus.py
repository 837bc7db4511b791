"""Walk tests/loader_corpus: every broken or hostile file loads (or fails) exactly as cases.yaml says."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from audit_lib.loader.load import RAW_ROWS_KEPT
from loaderkit import load, quarantine

CORPUS = Path(__file__).resolve().parent / "loader_corpus"
# cases.yaml, then one cases_<class>.yaml per class of defect (files made by make_<class>.py).
CASES = [case for path in sorted(CORPUS.glob("cases*.yaml"))
         for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []]
DEFAULT_COLUMNS = {"message_id": {"field": "message_id"}, "customer_id": {"field": "subject_id"},
                   "channel": {"field": "channel"}, "sent_at": {"field": "sent_at"}}


def _text(value: object) -> str | None:
    if value is None:
        return "None"
    return str(value)


def test_corpus_is_big_enough_and_every_file_has_a_case() -> None:
    files = {p.relative_to(CORPUS / "files").as_posix() for p in (CORPUS / "files").rglob("*") if p.is_file()}
    covered = set()
    for case in CASES:
        if "generate" in case:
            continue
        covered |= {p.relative_to(CORPUS / "files").as_posix() for p in (CORPUS / "files").glob(case["file"])}
    assert len(files) >= 30
    assert files == covered, f"files without a case: {sorted(files - covered)}"


def _generated(case: dict, folder: Path) -> Path:
    """Write a case's file at test time (too big to commit): ``generate: make_<class>:function`` is
    called with the path to write; the case's folder then holds that file alone."""
    module_name, function = case["generate"].split(":")
    spec = importlib.util.spec_from_file_location(module_name, CORPUS / f"{module_name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    target = folder / case["file"]
    target.parent.mkdir(parents=True, exist_ok=True)
    getattr(module, function)(target)
    return folder


# A generated case writes a file too big to commit (megabytes, a million columns) and loads it: slow.
@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.slow) if "generate" in c else c for c in CASES],
                         ids=[f"{c['file']}-{i}" for i, c in enumerate(CASES)])
def test_corpus_case(case: dict, tmp_path: Path) -> None:
    export = {"file": case["file"], "role": case.get("role", "marketing_messages"),
              "key": case.get("key", "message_id"), "columns": case.get("columns", DEFAULT_COLUMNS),
              "options": case.get("options", {})}
    if "format" in case:  # a name whose suffix does not tell it (.jsonl.gz)
        export["format"] = case["format"]
    folder = _generated(case, tmp_path) if "generate" in case else CORPUS / "files"
    con, report = load(folder, [export], **case.get("settings", {}))
    expect = case["expect"]
    # The other files of the corpus folder are listed too, as files no entry reads.
    read = [row for row in report.inputs if row["status"] != "not_mapped"]
    assert len(report.inputs) == len(list(folder.rglob("*.*")))
    if expect["status"] == "error":
        assert [row["status"] for row in read] == ["error"]
        for text in expect["error"]:
            assert text in read[0]["detail"], read[0]["detail"]
        return
    assert report.problems == []
    rows = read
    # Every row accounted for, file by file.
    for row in rows:
        assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"], row
        assert len(row["sha256"]) == 64
    assert sum(r["rows_read"] for r in rows) == expect["read"]
    assert sum(r["rows_loaded"] for r in rows) == expect["loaded"]
    statuses = {r["status"] for r in rows}
    assert ("rejected" if "rejected" in statuses else "loaded") == expect["status"]
    for name, (read, quarantined, status) in expect.get("per_file", {}).items():
        row = next(r for r in rows if r["file"] == name)
        assert (row["rows_read"], row["rows_quarantined"], row["status"]) == (read, quarantined, status)
    found = quarantine(con)
    listed = expect["quarantined"]
    if isinstance(listed, dict):  # a generated file: how many rows, and the first ones
        assert len(found) == listed["count"]
        assert [[q["row"], q["line"], q["reason_code"]] for q in found[:len(listed["first"])]] == listed["first"]
    else:
        assert [[q["row"], q["line"], q["reason_code"]] for q in found] == listed
    per_file: dict[str, int] = {}
    for q in found:
        # Raw text for the first RAW_ROWS_KEPT quarantined rows of a file only; every row is kept.
        per_file[q["file"]] = per_file.get(q["file"], 0) + 1
        assert q["file"] and q["reason"], q
        assert bool(q["raw"]) == (per_file[q["file"]] <= RAW_ROWS_KEPT), q
    assert con.execute("SELECT count(*) FROM quarantine").fetchone()[0] == sum(r["rows_quarantined"] for r in rows)
    for key, value in expect.get("detected", {}).items():
        assert rows[0]["detected"].get(key) == value, (key, rows[0]["detected"])
    if "sql" in expect:
        result = con.execute(expect["sql"]["query"]).fetchall()
        assert [[_text(v) for v in r] for r in result] == expect["sql"]["rows"]
