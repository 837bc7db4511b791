"""One way to open a register (audit_lib/opening.py), used by the audit, the explore session and reveal."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from audit_lib import opening
from audit_lib.declaration import load_declaration
from audit_lib.declaration.snapshot import write_snapshot
from audit_lib.errors import DeclarationError

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data_samples" / "hyvinvoivin"
KEY = "3a9e7c1f5b2d8046" * 4
# The modules that open a register, and the calls they leave to audit_lib/opening.py.
OPENERS = ("audit_lib/audit.py", "audit_lib/explore/session.py", "audit_lib/reveal.py")
OPENING_CALLS = {"load_declaration", "connect", "load_exports", "create_declaration_tables"}


@pytest.mark.slow
def test_it_opens_the_register_validated_connected_and_loaded():
    with opening.open_register(exports=SAMPLE / "exports.yaml") as opened:
        assert opened.declaration.register.controller.timezone == "Europe/Helsinki"
        assert opened.load_report.complete and "subjects" in opened.load_report.available
        assert opened.con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "Europe/Helsinki"
        assert opened.con.execute("SELECT count(*) FROM subjects").fetchone()[0] > 0
        assert opened.con.execute("SELECT count(*) FROM decl_retention_rules").fetchone()[0] > 0  # the register's tables
        con = opened.con
    with pytest.raises(Exception, match="closed"):
        con.execute("SELECT 1")


def test_a_declaration_already_validated_is_not_read_again(tmp_path, monkeypatch):
    snapshot = write_snapshot(load_declaration(None, SAMPLE / "exports.yaml"), tmp_path / "declaration.json")

    def refuse(path, *args, **kwargs):
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr("audit_lib.declaration.load.read_yaml", refuse)
    monkeypatch.setattr("audit_lib.declaration.yaml_source.read_yaml", refuse)
    for given in (snapshot, str(snapshot)):
        declaration = opening.read_declaration(exports="no/such/exports.yaml", declaration=given)
        assert declaration.exports_source.path == (SAMPLE / "exports.yaml")
    validated = opening.read_declaration(declaration=declaration)
    assert validated is declaration


def test_an_invalid_declaration_fails_before_a_connection_is_made(tmp_path, monkeypatch):
    (tmp_path / "exports.yaml").write_text("exports: [\n", encoding="utf-8")
    monkeypatch.setattr("audit_lib.loader.connect", lambda **_: pytest.fail("connected"))
    with pytest.raises(DeclarationError):
        opening.open_register(exports=tmp_path / "exports.yaml")


def test_the_connection_is_closed_when_loading_fails(monkeypatch):
    made = []

    def failing_load(con, declaration, only=None):
        made.append(con)
        raise RuntimeError("the disk went away")

    monkeypatch.setattr("audit_lib.loader.load_exports", failing_load)
    with pytest.raises(RuntimeError, match="disk went away"):
        opening.open_register(exports=SAMPLE / "exports.yaml")
    with pytest.raises(Exception, match="closed"):
        made[0].execute("SELECT 1")


@pytest.mark.parametrize("module", OPENERS)
def test_the_openers_leave_the_sequence_to_opening(module):
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    called = {node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
              for node in ast.walk(tree) if isinstance(node, ast.Call)}
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                and node.module == "audit_lib.opening" for alias in node.names}
    assert not called & OPENING_CALLS, f"{module} opens a register itself: {sorted(called & OPENING_CALLS)}"
    assert "open_register" in imported


@pytest.mark.slow
def test_audit_explore_and_reveal_open_through_it(tmp_path, monkeypatch):
    from audit_lib.audit import run_audit
    from audit_lib.explore import open_register as explore
    from audit_lib.pseudonym import pseudonym
    from audit_lib.reveal import reveal

    opened = []
    real = opening.open_register

    def spy(*args, **kwargs):
        opened.append(real(*args, **kwargs))
        return opened[-1]

    monkeypatch.setattr(opening, "open_register", spy)
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample)
    result = run_audit(exports=sample / "exports.yaml", pseudonym_key=KEY.encode(), only=["quality_invalid_phone"])
    assert result.con is opened[-1].con and result.declaration is opened[-1].declaration
    session = explore(None, sample / "exports.yaml", "2026-Q3")
    assert session.con is opened[-1].con and session.load_report is opened[-1].load_report
    found = reveal(pseudonym("C0000001", KEY.encode()), sample / "exports.yaml", key=KEY.encode())
    assert list(found.subjects) == ["C0000001"] and len(opened) == 3
    with pytest.raises(Exception, match="closed"):  # reveal keeps nothing open
        opened[-1].con.execute("SELECT 1")


def test_the_connection_draws_no_progress_bar_into_the_users_output():
    from audit_lib.loader.connection import connect

    con = connect()
    try:
        assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "Europe/Helsinki"
    finally:
        con.close()
