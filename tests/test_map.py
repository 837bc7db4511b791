"""`regaudit map`: a draft exports.yaml whose every guess says why and how sure, TODOs that lint refuses,
and `map --check` reporting what changed between a mapping and its files."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from audit_lib.cli import app
from audit_lib.mapdraft import content
from audit_lib.mapdraft.draft import draft_files
from audit_lib.mapdraft.synonyms import fold, table

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data_samples"
FIXTURES = ROOT / "tests" / "fixtures" / "map"
ENV = {"COLUMNS": "200", "REGAUDIT_DEBUG": ""}


def _invoke(*args: str):
    return CliRunner().invoke(app, list(args), env=ENV)


def _sample(tmp_path: Path, name: str) -> Path:
    """A copy of a bundled sample's register, exports.yaml and exports folder."""
    folder = tmp_path / name
    shutil.copytree(SAMPLES / name / "exports", folder / "exports")
    for file in ("register.yaml", "exports.yaml"):
        shutil.copy(SAMPLES / name / file, folder / file)
    return folder


def _draft(folder: Path) -> Path:
    out = folder / "exports.draft.yaml"
    result = _invoke("map", str(folder / "exports"), "--register", str(folder / "register.yaml"), "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["hyvinvoivin", "webshop_vendor"])
def test_draft_of_a_bundled_sample_is_the_expected_one(tmp_path, sample):
    folder = _sample(tmp_path, sample)
    text = _draft(folder).read_text(encoding="utf-8")
    assert yaml.safe_load(text) == yaml.safe_load((FIXTURES / f"{sample}.draft.yaml").read_text(encoding="utf-8"))
    # Every proposal of a column carries its reason and either its confidence or what is left to decide.
    column_lines = [line for line in text.splitlines() if re.match(r"\s{6}\S.*: \{", line)]
    assert column_lines
    for line in column_lines:
        _, _, note = line.partition("  # ")
        assert note and ("confidence " in note or "TODO" in line), line


def _todos(folder: Path) -> list[str]:
    from audit_lib.declaration.load import load_register

    drafts = draft_files(folder / "exports", load_register(folder / "register.yaml")[0])
    return [line.split(":", 2)[0] + ":" + line.split(":", 2)[1] for d in drafts for line in d.todos]


@pytest.mark.slow
def test_todo_counts_of_the_samples(tmp_path):
    hyvinvoivin = _todos(_sample(tmp_path, "hyvinvoivin"))
    assert sorted(hyvinvoivin) == sorted([
        "customers.csv: customer_type.values.kuluttaja", "customers.csv: customer_type.values.palveluntarjoaja",
        "customers.csv: birth_date.category", "marketing_messages.parquet: opened_at.category",
        "support_contacts.csv: message.category"])
    vendor = _todos(_sample(tmp_path, "webshop_vendor"))
    assert len(vendor) == 26
    assert "asiakkaat.csv: snapshot" in vendor
    assert vendor.count("asiakkaat.csv: set.subject_type") == 1
    assert "vanha_asiakasrekisteri_2019.csv: role" in vendor
    assert sum(t.startswith("pyynnot.xlsx: Tyyppi.values.") for t in vendor) == 5
    assert sum(t.startswith("sms_optin_log.csv: Keyword.values.") for t in vendor) == 4
    assert "campaign_activity.csv: IP Address.category" in vendor


def test_draft_without_register_leaves_categories_to_decide(tmp_path):
    folder = _sample(tmp_path, "webshop_vendor")
    out = tmp_path / "no_register.yaml"
    assert _invoke("map", str(folder / "exports"), "--out", str(out)).exit_code == 0
    entry = next(e for e in yaml.safe_load(out.read_text(encoding="utf-8"))["exports"] if e["file"] == "tilaukset.csv")
    assert entry["columns"]["Tilausnumero"] == {"field": "order_id", "category": "TODO"}
    assert "fideslang user.behavior.purchase_history" in out.read_text(encoding="utf-8")


def test_without_presets_every_column_is_proposed(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "audit_lib.presets", None)  # import fails: the fallback is used
    drafts = {d.file: d for d in draft_files(_sample(tmp_path, "webshop_vendor") / "exports")}
    campaign = drafts["campaign_activity.csv"]
    assert campaign.preset is None and campaign.role.value == "marketing_messages"
    assert [c.name for c in campaign.columns] == ["Campaign", "Email", "Sent at", "Opens", "Clicks", "IP Address"]
    assert drafts["newsletter_subscribed_2026-09-30.csv"].role.value == "TODO"


def test_an_existing_draft_is_never_overwritten(tmp_path):
    folder = _sample(tmp_path, "webshop_vendor")
    out = _draft(folder)
    before = out.read_bytes()
    result = _invoke("map", str(folder / "exports"), "--out", str(out))
    assert result.exit_code == 4 and "exists" in result.output and out.read_bytes() == before
    assert _invoke("map").exit_code == 64
    assert _invoke("map", "--check").exit_code == 64


# Content detection, one kind at a time, with values that must not pass for it.
@pytest.mark.parametrize("kind, values, others", [
    ("email", ["anna.virtanen@example.fi", "B@x.com"], ["anna.virtanen@", "a@b", "not an address"]),
    ("phone", ["040 123 4567", "+358 40 1234567", "358401234567", "09 1234567"], ["100001", "2026", "12 345"]),
    ("hetu", ["131052-308T", "010101A123N"], ["131052-308A", "131052308T"]),
    ("iban", ["FI21 1234 5600 0007 85", "FI2112345600000785"], ["FI2112345600000786", "FI21"]),
    ("postal_code", ["00100", "33100"], ["0010", "001000", "FI-00100"]),
    ("yesno", ["Kyllä", "Ei", "kyllä"], ["Kyllä", "ehkä"]),
])
def test_content_detection_per_kind(kind, values, others):
    detection = content.detect(values)
    assert detection is not None and detection.kind == kind and detection.matched == len(values)
    assert (content.detect(others) or content.Detection("none", 0, 1)).kind != kind


@pytest.mark.parametrize("value, fmt", [("2026-07-20T09:00:07Z", content.ISO), ("2026-07-20 09:00", content.ISO),
                                        ("28.08.2025 08:50", "%d.%m.%Y %H:%M"), ("28.08.2025", "%d.%m.%Y"),
                                        ("28.08.2025 klo 8.50", "%d.%m.%Y klo %H.%M"), ("28/08/2025", "%d/%m/%Y")])
def test_dates_in_the_loaders_formats(value, fmt):
    detection = content.detect([value, value])
    assert detection is not None and detection.kind == "date" and detection.date_format == fmt


def test_counts_and_ids_are_no_yes_no_nor_dates():
    assert content.detect(["0", "1", "1"]) is None      # a count or flag of digits: not taken as yes/no
    assert content.detect(["2026.07.20", "20260720x"]) is None
    assert content.detect(["a@b.fi"] * 8 + ["-", "?"]) is None  # 8 of 10 is below the threshold
    mostly = content.detect(["a@b.fi"] * 19 + ["-"])              # a stray dash does not hide the kind
    assert mostly is not None and mostly.kind == "email" and (mostly.matched, mostly.total) == (19, 20)
    assert mostly.reason == "19 of 20 values are e-mail addresses"


def test_synonyms_fold_finnish_and_english_names():
    concepts = table().concepts
    for name in ("sähköposti", "Email Address", "e-mail"):
        assert concepts[fold(name)].name == "email"
    for name in ("puhelin", "matkapuhelin", "phone"):
        assert concepts[fold(name)].name == "phone"
    assert concepts[fold("Asiakasnumero")].identifier == "customer_number"
    assert concepts[fold("tilausnumero")].field_in("orders") == "order_id"
    assert concepts[fold("luotu")].field_in("subjects") == "created_at"
    assert fold("Sent (UTC)") == "sent_utc"


def test_lint_refuses_each_todo_with_its_line(tmp_path):
    folder = _sample(tmp_path, "hyvinvoivin")
    exports = folder / "exports.yaml"
    lines = exports.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("interests:"))
    lines[at] = "      interests: {category: TODO}  # could not place it"
    kind_at = next(i for i, line in enumerate(lines) if line.strip().startswith("kind: {field: kind}"))
    lines[kind_at] = "      kind: {field: kind, values: {poisto: TODO}}"
    exports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _invoke("lint", str(exports))
    assert result.exit_code == 3, result.output
    assert f"exports.yaml:{at + 1}: exports[0].columns.interests.category: still 'TODO'" in result.output
    assert f"exports.yaml:{kind_at + 1}:" in result.output and "values.poisto" in result.output
    lines[at], lines[kind_at] = "      interests: {category: interests_profiling}", "      kind: {field: kind}"
    exports.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _invoke("lint", str(exports)).exit_code == 1  # valid again: the register's notice findings only


@pytest.mark.slow
def test_lint_refuses_a_fresh_draft(tmp_path):
    out = _draft(_sample(tmp_path, "hyvinvoivin"))
    result = _invoke("lint", str(out))
    assert result.exit_code == 3 and result.output.count("still 'TODO'") == 5


def test_check_of_a_fresh_draft_finds_nothing_until_a_file_is_saved_in_another_encoding(tmp_path):
    folder = _sample(tmp_path, "webshop_vendor")
    draft = _draft(folder)
    # The listing's snapshot is a TODO in a date field: the mapping is not valid until it is decided.
    result = _invoke("map", "--check", "--exports", str(draft))
    assert result.exit_code == 3 and "snapshot" in result.output, result.output
    draft.write_text(draft.read_text(encoding="utf-8").replace("snapshot: {at: TODO}", 'snapshot: {at: "2026-09-30"}'),
                     encoding="utf-8")
    result = _invoke("map", "--check", "--exports", str(draft))
    assert result.exit_code == 0 and "matches the files" in result.output
    orders = folder / "exports" / "tilaukset.csv"   # the draft recorded utf-8; saved again as Latin-1
    text = orders.read_text(encoding="utf-8-sig") + "50999;100002;01.01.2024 10:00;HIERONTA-60;10,00;Käteinen\n"
    orders.write_bytes(text.encode("latin-1"))
    result = _invoke("map", "--check", "--exports", str(draft))
    assert result.exit_code == 1
    assert "tilaukset.csv: encoding changed: mapped utf-8, the file is now latin-1" in result.output


def test_check_reports_columns_delimiter_dates_and_unmapped_files(tmp_path):
    folder = _sample(tmp_path, "webshop_vendor")
    exports = folder / "exports"
    orders = exports / "tilaukset.csv"          # a column added, and dates in a form no format reads
    rows = orders.read_text(encoding="utf-8-sig").splitlines()
    rows = [rows[0] + ";Lahjakortti"] + [re.sub(r"(\d\d)\.(\d\d)\.(\d{4})", r"\3.\2.\1", r) + ";" for r in rows[1:]]
    orders.write_text("\ufeff" + "\n".join(rows) + "\n", encoding="utf-8")
    optin = exports / "sms_optin_log.csv"       # a column removed
    optin.write_text("\n".join(",".join(r.split(",")[:4]) for r in optin.read_text(encoding="utf-8").splitlines())
                     + "\n", encoding="utf-8")
    customers = exports / "asiakkaat.csv"       # saved again with commas instead of semicolons
    customers.write_text(customers.read_text(encoding="utf-8-sig").replace(";", ","), encoding="utf-8")
    (exports / "extra.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    result = _invoke("map", "--check", "--exports", str(folder / "exports.yaml"))
    assert result.exit_code == 1, result.output
    out = result.output
    assert "tilaukset.csv: new column: 'Lahjakortti'" in out
    assert "tilaukset.csv: date format changed" in out and "'Tilattu'" in out
    assert "sms_optin_log.csv: vanished column: 'Source'" in out
    assert "asiakkaat.csv: delimiter changed: mapped ';', the file now has ','" in out
    assert "extra.csv: unmapped file" in out
    # The sample's own planted gaps are reported too, and nothing about files that did not change.
    assert "campaign_activity.csv: new column: 'IP Address'" in out
    assert "vanha_asiakasrekisteri_2019.csv: unmapped file" in out
    assert "pyynnot.xlsx" not in out and "helpdesk_tickets.json" not in out


def test_an_error_at_line_100_is_printed_as_written(tmp_path):
    # rich turned ":100:" into an emoji in every error message naming line 100.
    exports = tmp_path / "exports.yaml"
    exports.write_text("schema_version: 1\n" + "# filler\n" * 98 + "exports: 5\n", encoding="utf-8")
    result = _invoke("map", "--check", "--exports", str(exports))
    assert result.exit_code == 3 and "exports.yaml:100:" in result.output, result.output


def test_roles_no_file_gives_are_listed_for_not_exported(tmp_path):
    folder = _sample(tmp_path, "webshop_vendor")
    text = _draft(folder).read_text(encoding="utf-8")
    listed = re.findall(r"^#   (\w+): why there is no export of it$", text, flags=re.M)
    declared = yaml.safe_load((folder / "exports.yaml").read_text(encoding="utf-8"))["not_exported"]
    assert sorted(listed) == sorted(declared)  # the sample's own declaration, written by hand


def test_only_todo_values_are_todos(tmp_path):
    from audit_lib.declaration.yaml_source import read_yaml
    from audit_lib.mapdraft.todos import todo_problems

    path = tmp_path / "exports.yaml"
    path.write_text("exports:\n  - file: a.csv\n    columns:\n      TODO list: {not_personal: Todo items of staff}\n"
                    "      b: {not_personal: 'TODO: why'}\n      c: {category: TODOS}\n", encoding="utf-8")
    problems = todo_problems(read_yaml(path))
    assert [(p.path, p.line) for p in problems] == [("exports[0].columns.b.not_personal", 5)]


def test_category_is_the_key_or_its_nearest_declared_parent():
    from types import SimpleNamespace

    from audit_lib.mapdraft.propose import _category

    register = SimpleNamespace(data_categories=[SimpleNamespace(id="contact", fides_key="user.contact"),
                                                SimpleNamespace(id="mail", fides_key="user.contact.email")])
    assert _category("user.contact.email", register)[0] == "mail"
    category, note = _category("user.contact.phone_number", register)
    assert category == "contact" and "nearest declared parent" in note
    assert _category("user.device.ip_address", register)[0] == "TODO"


def test_a_name_the_values_contradict_is_low_confidence_and_content_alone_is_medium():
    from audit_lib.mapdraft.propose import propose
    from audit_lib.mapdraft.sniff import FileSniff

    sniffed = FileSniff("customers.csv", "csv", ["email", "Yhteys"],
                        {"email": ["kyllä", "ei", "kyllä"], "Yhteys": ["040 123 4567", "050 765 4321"]}, "utf-8", ",")
    columns = {c.name: c for c in propose(sniffed).columns}
    assert columns["email"].spec["field"] == "email" and columns["email"].note.endswith("confidence low")
    assert columns["Yhteys"].spec == {"field": "phone", "category": "TODO"}  # no register: category left open
    assert "2 of 2 values are phone numbers" in columns["Yhteys"].note
    assert columns["Yhteys"].note.endswith("confidence medium")


def test_an_undated_listing_takes_the_folders_one_date_and_no_other():
    from audit_lib.mapdraft.draft import _folder_snapshot
    from audit_lib.mapdraft.propose import Entry, FileDraft

    def listing_beside(*names: str) -> FileDraft:
        drafts = [FileDraft("asiakkaat.csv", role=Entry("subjects")),
                  *(FileDraft(n, role=Entry("orders")) for n in names)]
        return _folder_snapshot(drafts)[0]

    proposed = listing_beside("a_2026-09-30.csv", "b_2026-09-30.csv").snapshot
    # A hint for the lead, never a fact: the date is in the comment, the value is a TODO.
    assert proposed.value == {"at": "TODO"} and "2026-09-30T00:00:00" in proposed.note
    assert listing_beside("a_2026-09-30.csv", "b_2026-06-30.csv").snapshot is None  # which one? nothing says
    assert listing_beside("orders.csv").snapshot is None
