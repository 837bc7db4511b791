"""Issue 13's "done when": `regaudit map` on the vendor-shaped sample's exports writes a draft which, after
only the decisions of tests/fixtures/map/webshop_vendor.decisions.yaml (an answer per TODO, and the reason
for each role the draft's closing comment asks to list under not_exported:), audits to the sample's ground
truth: expected_findings.csv for 2026-Q3, the hand-written exports.yaml's audit for 2026-Q2."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.audit import run_audit
from audit_lib.cli import app
from audit_lib.mapdraft.draft import write_draft
from test_vendor_sample import KEY, SAMPLE, expected, format_recall_precision, recall_precision

DECISIONS = Path(__file__).resolve().parent / "fixtures" / "map" / "webshop_vendor.decisions.yaml"

pytestmark = pytest.mark.slow  # maps and audits the whole vendor sample
_GONE = object()


def _at(node, path: list):
    """The node at ``path`` in ``node``, or _GONE."""
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return _GONE
        node = node[key]
    return node


def _has_todo(node) -> bool:
    if isinstance(node, dict):
        return any(_has_todo(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_todo(v) for v in node)
    return isinstance(node, str) and node.startswith("TODO")


def apply_decisions(draft: dict, decisions: list[dict]) -> dict:
    """``draft`` with each decision's answer put at its path (None removes the key, or the entry for [])."""
    entries = {e["file"]: e for e in draft["exports"]}
    for decision in decisions:
        entry, path = entries[decision["file"]], decision["at"]
        # A decision answers a TODO the draft left: never a change to something the tool proposed.
        assert _has_todo(_at(entry, path)), f"{decision['file']} {path}: no TODO there to decide"
        if not path:
            draft["exports"].remove(entry)
            continue
        parent = _at(entry, path[:-1])
        if decision["answer"] is None:
            del parent[path[-1]]
        else:
            parent[path[-1]] = decision["answer"]
    return draft


def _decisions() -> dict:
    decisions = yaml.safe_load(DECISIONS.read_text(encoding="utf-8"))
    assert all(d.get("why", "").strip() for d in decisions["decisions"] + decisions["not_exported"]), \
        "every decision says why"
    return decisions


def apply_not_exported(draft: dict, text: str, answers: list[dict]) -> dict:
    """``draft`` with the roles its closing comment asks about listed under not_exported: as answered."""
    asked = set(re.findall(r"^#   (\w+): why there is no export of it$", text, flags=re.M))
    for answer in answers:
        assert answer["role"] in asked, f"{answer['role']}: the draft did not ask about it"
    draft["not_exported"] = {a["role"]: a["answer"] for a in answers}
    return draft


@pytest.fixture(scope="module")
def decided(tmp_path_factory) -> Path:
    """The sample's exports and register, with the draft `regaudit map` writes, decided, as exports.yaml."""
    folder = tmp_path_factory.mktemp("map_ground_truth")
    shutil.copytree(SAMPLE / "exports", folder / "exports")
    shutil.copy(SAMPLE / "register.yaml", folder / "register.yaml")
    draft_path, _ = write_draft(folder / "exports", folder / "draft.yaml", folder / "register.yaml")
    text, decisions = draft_path.read_text(encoding="utf-8"), _decisions()
    draft = apply_not_exported(apply_decisions(yaml.safe_load(text), decisions["decisions"]), text,
                               decisions["not_exported"])
    out = folder / "exports.yaml"
    out.write_text(yaml.safe_dump(draft, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def test_every_todo_of_the_draft_has_a_decision(decided):
    assert not _has_todo(yaml.safe_load(decided.read_text(encoding="utf-8")))
    places = [(d["file"], tuple(d["at"])) for d in _decisions()["decisions"]]
    assert len(places) == len(set(places)), "one decision per place"


def test_lint_accepts_the_decided_draft(decided):
    result = CliRunner().invoke(app, ["lint", str(decided)], env={"COLUMNS": "200", "REGAUDIT_DEBUG": ""})
    assert result.exit_code in (0, 1), result.output  # 1: the register's own notice findings, not the mapping
    assert "still 'TODO'" not in result.output


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory):
    """Per period, the audit of the sample's own exports.yaml, written by hand: the reference where the
    ground truth lists nothing (it is planted for 2026-Q3 only)."""
    sample = shutil.copytree(SAMPLE, tmp_path_factory.mktemp("by_hand") / "sample")
    return {period: run_audit(None, sample / "exports.yaml", period, pseudonym_key=KEY, accepted=False)
            for period in ("2026-Q2", "2026-Q3")}


def _pairs(result) -> list[tuple[str, str]]:
    return sorted(zip(result.findings["check_id"], result.findings["record_ref"]))


@pytest.mark.parametrize("period", ["2026-Q2", "2026-Q3"])
def test_the_decided_draft_audits_to_the_ground_truth(decided, by_hand, period):
    result = run_audit(None, decided, period, pseudonym_key=KEY, accepted=False)
    found = _pairs(result)
    # expected_findings.csv plants 2026-Q3 only; for 2026-Q2 the hand-written mapping's audit is the truth.
    want = expected(period) if period == "2026-Q3" else _pairs(by_hand[period])
    assert want, "an empty truth would let an audit that found nothing pass"
    missing, extra = sorted(set(want) - set(found)), sorted(set(found) - set(want))
    imperfect = {c: s for c, s in recall_precision(found, want).items() if s != (1.0, 1.0)}
    assert found == want, (f"\nmissing: {missing}\nextra: {extra}\n" + format_recall_precision(imperfect))
    assert found == _pairs(by_hand[period])
    # Every check ends as it does with the hand-written mapping (pass, fail, or not run).
    statuses = result.check_results.set_index("check_id")["status"].to_dict()
    assert statuses == by_hand[period].check_results.set_index("check_id")["status"].to_dict()
    # And the audit is as complete: only the two retention rules the shop's export cannot evaluate.
    assert result.incomplete_reasons == by_hand[period].incomplete_reasons
    assert [r.split(":")[0] for r in result.incomplete_reasons] == [
        "retention rule inactive_accounts", "retention rule closed_accounts"]


def test_the_customer_listing_is_taken_on_its_folders_date(decided):
    """The undated listing's states are compared as of 30.9.2026: in 2026-Q2 it is no snapshot of the period."""
    entry = next(e for e in yaml.safe_load(decided.read_text(encoding="utf-8"))["exports"]
                 if e["file"] == "asiakkaat.csv")
    assert str(entry["snapshot"]["at"]).startswith("2026-09-30")
    result = run_audit(None, decided, "2026-Q2", pseudonym_key=KEY, accepted=False)
    assert "consent_states_disagree_at_snapshot" not in set(result.findings["check_id"])
