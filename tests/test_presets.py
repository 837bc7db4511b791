"""Presets for common vendors' exports: each loads its fixture (written from the vendor's documented
columns) into the expected role rows, is recognised from its header, can be overridden column by
column, resolves its fideslang categories to the register's, and the vendor sample audited with
presets gives exactly the findings of its hand-written map."""

from __future__ import annotations

import csv
import datetime
import shutil
from pathlib import Path

import pytest
import yaml

from audit_lib.audit import run_audit
from audit_lib.declaration import load_declaration, load_register, taxonomy
from audit_lib.declaration.exports import Export, ExportMap
from audit_lib.errors import DeclarationError
from audit_lib.loader import connect, load_exports
from audit_lib.presets import load_preset, preset_names, recognise, resolve_category
from audit_lib.roles import ROLES
from audit_lib.sample.vendor import PERIOD
from checkkit import strong_key
from loaderkit import MiniDeclaration, sample_register

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "presets"
VENDOR = ROOT / "data_samples" / "webshop_vendor"
SNAPSHOT = {"at": "2026-09-30T00:00:00"}
# Fixture file -> its exports.yaml entry (the preset plus what the register, not the vendor, decides).
ENTRIES = {
    "shopify_customers.csv": {"preset": "shopify/customers", "set": {"subject_type": "consumer"}},
    # The page found documents no order-time column: the entry maps the file's own.
    "shopify_orders.csv": {"preset": "shopify/orders",
                           "columns": {"Processed At": {"field": "ordered_at", "category": "purchased_services"}}},
    "mailchimp_subscribed.csv": {"preset": "mailchimp/audience", "snapshot": SNAPSHOT},
    "mailchimp_unsubscribed.csv": {"preset": "mailchimp/audience", "snapshot": SNAPSHOT},
    "mailchimp_cleaned.csv": {"preset": "mailchimp/audience", "snapshot": SNAPSHOT},
    "mailchimp_campaign_activity.csv": {"preset": "mailchimp/campaign_activity"},
    "woocommerce_customers.csv": {"preset": "woocommerce/customers", "set": {"subject_type": "consumer"}},
    "woocommerce_orders.csv": {"preset": "woocommerce/orders"},
    "klaviyo_profiles.csv": {"preset": "klaviyo/profiles", "set": {"subject_type": "consumer"}},
}


@pytest.fixture(scope="module")
def vendor_register():
    return load_register(VENDOR / "register.yaml")[0]


def _load(entries: list[dict], register, folder: Path = FIXTURES):
    """Validate ``entries`` with ``register`` as context (as load_declaration does) and load them."""
    mapping = ExportMap.model_validate({"exports": entries}, context={"register": register})
    con = connect()
    report = load_exports(con, MiniDeclaration(mapping, folder.resolve(), register))  # type: ignore[arg-type]
    return con, report, mapping


def _header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


def _rows(con, sql: str) -> list[tuple]:
    return [tuple(str(v) if isinstance(v, datetime.datetime) else v for v in row)
            for row in con.execute(sql).fetchall()]


# --- the preset files ----------------------------------------------------------------------------------

def test_the_presets_are_the_seven_vendor_exports():
    assert preset_names() == ["klaviyo/profiles", "mailchimp/audience", "mailchimp/campaign_activity",
                              "shopify/customers", "shopify/orders", "woocommerce/customers", "woocommerce/orders"]


@pytest.mark.parametrize("name", preset_names())
def test_each_preset_cites_its_source_and_maps_to_real_fields_and_keys(name):
    preset = load_preset(name)
    assert preset.name == name and preset.columns
    for source in preset.sources:
        # A URL of the page read, or a note saying none was found: never a citation without a page.
        assert source.url or source.note
        assert source.retrieved == datetime.date(2026, 12, 1)
    categories = taxonomy.keys("data_category")
    role = ROLES[preset.role] if preset.role else None
    for column, spec in preset.columns.items():
        assert spec.fides_key is None or spec.fides_key in categories, (column, spec.fides_key)
        if spec.field:
            assert role is not None and spec.field in role.field_names, (column, spec.field)
        assert spec.field or spec.fides_key or spec.not_personal, f"{column} says nothing"
    for fact in preset.facts:
        assert set(fact.columns) <= set(preset.columns) and (fact.when is None or fact.when in preset.columns)
    assert set(preset.subject.values()) <= set(preset.columns)


def test_the_export_model_documents_every_preset():
    description = Export.model_fields["preset"].description
    assert all(name in description for name in preset_names())


def test_an_unknown_preset_is_a_declaration_error_naming_the_presets(tmp_path):
    with pytest.raises(DeclarationError) as raised:
        load_preset("shopify/custmers")
    message = str(raised.value)
    assert "did you mean 'shopify/customers'?" in message
    assert all(name in message for name in preset_names())

    (tmp_path / "exports.yaml").write_text(
        "exports:\n  - file: customers.csv\n    preset: shopify/custmers\n", encoding="utf-8")
    with pytest.raises(DeclarationError) as raised:
        load_declaration(VENDOR / "register.yaml", tmp_path / "exports.yaml")
    problem, = raised.value.problems
    assert problem.path == "exports[0].preset" and problem.line == 3
    assert "unknown preset 'shopify/custmers'" in problem.message and "klaviyo/profiles" in problem.message


# --- loading each fixture --------------------------------------------------------------------------------

def test_shopify_customers_give_subjects_and_consent_states(vendor_register):
    con, report, _ = _load([{"file": "shopify_customers.csv", **ENTRIES["shopify_customers.csv"]}], vendor_register)
    assert report.problems == []
    # Known by e-mail only (the shop gives no customer number): subjects of this export alone.
    assert _rows(con, "SELECT subject_id, first_name, last_name, email, phone, postal_code, country FROM subjects "
                      "ORDER BY subject_id") == [
        ("email:anna@example.com", "Anna", "Virtanen", "anna@example.com", "+358401234567", "00100", "FI"),
        ("email:mikko@example.com", "Mikko", "Korhonen", "mikko@example.com", "+358501112233", "33100", "FI")]
    assert _rows(con, "SELECT subject_id, channel, state FROM consent_states ORDER BY 1, 2") == [
        ("email:anna@example.com", "email", "granted"), ("email:anna@example.com", "sms", "withdrawn"),
        ("email:mikko@example.com", "email", "withdrawn"), ("email:mikko@example.com", "sms", "granted")]
    categories = dict(con.execute("SELECT column_name, category FROM export_columns").fetchall())
    # Resolved through fides_key: user.name.first -> name (user.name), user.contact.address.city ->
    # postal_address (user.contact.address); the register declares no user.contact.organization.
    assert categories["First Name"] == "name" and categories["Default Address City"] == "postal_address"
    assert categories["Note"] == "feedback_contacts" and categories["Default Address Company"] is None


def test_shopifys_older_customer_layout_is_read_through_the_aliases(vendor_register, tmp_path):
    (tmp_path / "customers.csv").write_text("First Name,Last Name,Email,Company,Address1,City,Country Code,Zip,Phone\n"
                                            "Anna,Virtanen,anna@example.com,,Mannerheimintie 1,Helsinki,FI,00100,"
                                            "+358401234567\n", encoding="utf-8")
    assert recognise(_header(tmp_path / "customers.csv"))[0].matched["Zip"] == "Default Address Zip"
    entry = {"file": "customers.csv", "preset": "shopify/customers", "set": {"subject_type": "consumer"}}
    con, report, _ = _load([entry], vendor_register, tmp_path)
    assert report.problems == []
    assert _rows(con, "SELECT subject_id, postal_code, country FROM subjects") == [
        ("email:anna@example.com", "00100", "FI")]
    categories = dict(con.execute("SELECT column_name, category FROM export_columns").fetchall())
    assert categories["Zip"] == "postal_address" and categories["City"] == "postal_address"


def test_shopify_orders_with_the_order_time_mapped_by_the_entry(vendor_register):
    con, report, _ = _load([{"file": "shopify_orders.csv", **ENTRIES["shopify_orders.csv"]}], vendor_register)
    assert report.problems == []
    assert _rows(con, "SELECT order_id, subject_id, ordered_at FROM orders ORDER BY 1") == [
        ("#1001", "email:anna@example.com", "2026-05-01 12:30:00+03:00"),
        ("#1002", "email:mikko@example.com", "2026-06-01 15:00:00+03:00")]


def test_mailchimp_audience_status_is_read_from_the_files_columns(vendor_register):
    files = ["mailchimp_subscribed.csv", "mailchimp_unsubscribed.csv", "mailchimp_cleaned.csv"]
    con, report, _ = _load([{"file": f, **ENTRIES[f]} for f in files], vendor_register)
    assert report.problems == []
    # Every contact opted in once; only the unsubscribed export, which has UNSUB_TIME, gives a withdrawal;
    # a cleaned (bounced) address is no withdrawal.
    assert _rows(con, 'SELECT _source_file, subject_id, action, "at", source FROM consent_events ORDER BY 1, 3') == [
        ("mailchimp_cleaned.csv", "email:old@example.com", "granted", "2023-05-01 12:00:00+03:00", "192.0.2.3"),
        ("mailchimp_subscribed.csv", "email:anna@example.com", "granted", "2025-01-10 08:00:00+02:00", "192.0.2.1"),
        ("mailchimp_unsubscribed.csv", "email:mikko@example.com", "granted", "2024-03-01 09:00:00+02:00",
         "192.0.2.2"),
        ("mailchimp_unsubscribed.csv", "email:mikko@example.com", "withdrawn", "2026-02-01 10:00:00+02:00",
         "Spring sale")]
    # The preset's columns a file lacks are simply absent: not recorded, not an error.
    recorded = {(f, c) for f, c in con.execute("SELECT file, column_name FROM export_columns").fetchall()}
    assert ("mailchimp_subscribed.csv", "UNSUB_TIME") not in recorded
    assert ("mailchimp_unsubscribed.csv", "UNSUB_TIME") in recorded


def test_mailchimp_campaign_activity_gives_keyed_sends(vendor_register):
    entry = {"file": "mailchimp_campaign_activity.csv", **ENTRIES["mailchimp_campaign_activity.csv"]}
    con, report, _ = _load([entry], vendor_register)
    assert report.problems == []
    rows = _rows(con, "SELECT message_id, subject_id, channel, campaign, has_opt_out FROM marketing_messages "
                      "ORDER BY subject_id")
    assert [row[1:] for row in rows] == [("email:anna@example.com", "email", "Spring sale", True),
                                         ("email:mikko@example.com", "email", "Spring sale", True)]
    assert all(row[0].startswith("D-") for row in rows) and rows[0][0] != rows[1][0]


def test_woocommerce_customers_and_orders_join_on_the_customer_number(vendor_register):
    files = ["woocommerce_customers.csv", "woocommerce_orders.csv"]
    con, report, _ = _load([{"file": f, **ENTRIES[f]} for f in files], vendor_register)
    assert report.problems == []
    assert _rows(con, "SELECT subject_id, email, first_name, phone, postal_code, country, created_at FROM subjects "
                      "ORDER BY 1") == [
        ("7", "anna@example.com", "Anna", "+358401234567", "00100", "FI", "2025-01-10 08:00:00+02:00"),
        ("8", "mikko@example.com", "Mikko", "+358501112233", "33100", "FI", "2025-02-11 09:30:00+02:00")]
    # Dates month first (9/6/2026 is 6 September), as the vendor documents.
    assert _rows(con, "SELECT order_id, subject_id, ordered_at, amount FROM orders ORDER BY 1") == [
        ("501", "7", "2026-09-06 06:29:00+03:00", 30.0), ("502", "8", "2026-10-12 14:05:00+03:00", 12.5)]
    # customer_ip_address is user.device.ip_address, which the register does not declare: an undeclared column.
    undeclared = con.execute("SELECT file, column_name FROM export_columns WHERE in_file AND field IS NULL AND "
                             "category IS NULL AND not_personal IS NULL").fetchall()
    assert undeclared == [("woocommerce_orders.csv", "customer_ip_address")]


def test_klaviyo_profiles_read_through_a_documented_alias(vendor_register):
    con, report, mapping = _load([{"file": "klaviyo_profiles.csv", **ENTRIES["klaviyo_profiles.csv"]}],
                                 vendor_register)
    assert report.problems == []
    # The file says "Email Address", Klaviyo's alternative header of Email.
    assert "Email Address" in _header(FIXTURES / "klaviyo_profiles.csv")
    assert _rows(con, "SELECT subject_id, email, phone, first_name FROM subjects ORDER BY 1") == [
        ("email:anna@example.com", "anna@example.com", "+358401234567", "Anna"),
        ("email:mikko@example.com", "mikko@example.com", "+358501112233", "Mikko")]
    assert ("klaviyo_profiles.csv", "Email Address", "email", "email") in con.execute(
        "SELECT file, column_name, field, category FROM export_columns").fetchall()


def test_a_file_spelling_the_presets_columns_in_another_case_loads(vendor_register, tmp_path):
    (tmp_path / "activity.csv").write_text("campaign,email,SENT AT,opens,clicks\n"
                                           "Spring sale,anna@example.com,2026-03-01 09:00:00,1,0\n", encoding="utf-8")
    con, report, _ = _load([{"file": "activity.csv", "preset": "mailchimp/campaign_activity"}], vendor_register,
                           tmp_path)
    assert report.problems == []
    assert _rows(con, "SELECT subject_id, campaign, sent_at FROM marketing_messages") == [
        ("email:anna@example.com", "Spring sale", "2026-03-01 09:00:00+02:00")]
    assert ("activity.csv", "email", "email") in con.execute(
        "SELECT file, column_name, category FROM export_columns").fetchall()


def test_with_the_bundled_register_undeclared_identifiers_are_left_out():
    # The bundled register declares only subject_id: the preset's customer_number/email/phone subject is
    # dropped, and the column mapped to subject_id names the subject.
    con, report, mapping = _load([{"file": "woocommerce_customers.csv", **ENTRIES["woocommerce_customers.csv"]}],
                                 sample_register())
    assert report.problems == []
    assert not mapping.exports[0].subject
    assert _rows(con, "SELECT subject_id, email FROM subjects ORDER BY 1") == [("7", "anna@example.com"),
                                                                               ("8", "mikko@example.com")]


# --- overrides and resolution ------------------------------------------------------------------------------

def test_an_entry_column_replaces_the_presets_column_and_keeps_the_others(vendor_register):
    entry = {"file": "shopify_customers.csv", "preset": "shopify/customers", "set": {"subject_type": "consumer"},
             "key": "Phone", "columns": {"Note": {"not_personal": "the shop writes no notes here"},
                                         "Email": {"field": "email", "category": "account_data"}}}
    export = ExportMap.model_validate({"exports": [entry]}, context={"register": vendor_register}).exports[0]
    note = export.columns["Note"]
    assert note.not_personal == "the shop writes no notes here" and not note.free_text
    assert export.columns["Email"].category == "account_data"
    assert export.columns["First Name"].field == "first_name" and export.columns["First Name"].category == "name"
    assert export.key == "Phone" and export.role == "subjects" and export.preset == "shopify/customers"
    con, report, _ = _load([entry], vendor_register)
    assert report.problems == []
    assert dict(con.execute("SELECT column_name, category FROM export_columns").fetchall())["Email"] == "account_data"


def test_the_entrys_options_and_constants_win_key_by_key():
    export = Export.model_validate({"file": "orders.csv", "preset": "woocommerce/orders",
                                    "options": {"delimiter": ";"}, "set": {"service_id": "webshop"}})
    assert export.options.delimiter == ";"  # the entry's
    assert export.options.timestamp_formats == ["%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M"]  # the preset's
    assert export.set == {"service_id": "webshop"} and export.key == "order_id"


def test_a_field_the_preset_cannot_give_is_an_error_naming_the_preset(tmp_path):
    (tmp_path / "exports.yaml").write_text("exports:\n  - file: orders.csv\n    preset: shopify/orders\n",
                                           encoding="utf-8")
    with pytest.raises(DeclarationError) as raised:
        load_declaration(VENDOR / "register.yaml", tmp_path / "exports.yaml")
    problem, = raised.value.problems
    assert problem.path == "exports[0]" and "'ordered_at'" in problem.message
    assert "(preset shopify/orders maps no column to it)" in problem.message


def test_an_entrys_own_column_missing_from_the_file_is_still_an_error(vendor_register):
    entry = {"file": "shopify_orders.csv", "preset": "shopify/orders",
             "columns": {"Created at": {"field": "ordered_at"}}}
    _, report, _ = _load([entry], vendor_register)
    assert len(report.problems) == 1 and "'Created at'" in report.problems[0]


def test_a_category_resolves_to_the_nearest_declared_parent(vendor_register):
    assert resolve_category("user.contact.email", vendor_register) == "email"
    assert resolve_category("user.contact.address.city", vendor_register) == "postal_address"
    assert resolve_category("user.behavior.purchase_history", vendor_register) == "purchased_services"
    assert resolve_category("user.behavior.browsing_history", vendor_register) == "customer_history"
    assert resolve_category("user.contact.organization", vendor_register) is None
    assert resolve_category("user.contact.email", None) is None


def test_without_a_register_no_category_is_guessed():
    export = Export.model_validate({"file": "a.csv", "preset": "klaviyo/profiles"})
    assert all(spec.category is None for spec in export.columns.values())
    assert export.subject == {"email": "Email", "phone": "Phone Number"}


# --- recognition ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("file", sorted(ENTRIES))
def test_recognise_picks_the_fixtures_preset(file):
    best = recognise(_header(FIXTURES / file))[0]
    assert best.name == ENTRIES[file]["preset"]
    assert 0 < best.score <= 1 and not set(best.matched) & set(best.unknown)


@pytest.mark.parametrize("file, preset", [
    ("newsletter_subscribed_2026-09-30.csv", "mailchimp/audience"),
    ("newsletter_unsubscribed_2026-09-30.csv", "mailchimp/audience"),
    ("newsletter_cleaned_2026-09-30.csv", "mailchimp/audience"),
    ("campaign_activity.csv", "mailchimp/campaign_activity"),
])
def test_recognise_picks_the_preset_of_the_vendor_samples_files(file, preset):
    header = _header(VENDOR / "exports" / file)
    matches = recognise(header)
    assert matches[0].name == preset
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)


def test_recognise_scores_the_share_of_the_presets_columns():
    header = ["Campaign", "Email", "Sent at", "Opens", "Clicks", "Extra"]
    best = recognise(header)[0]
    assert (best.name, best.score, best.unknown) == ("mailchimp/campaign_activity", 1.0, ["Extra"])
    half = recognise(["campaign", "EMAIL"])  # headers compared without case
    assert next(m for m in half if m.name == "mailchimp/campaign_activity").score == 0.4
    assert recognise(["nothing", "known"]) == []


# --- the vendor sample, mapped with presets ---------------------------------------------------------------

@pytest.mark.slow  # audits the whole vendor sample twice
def test_the_vendor_sample_mapped_with_presets_audits_to_the_same_findings(tmp_path):
    original = shutil.copytree(VENDOR, tmp_path / "original")
    with_presets = shutil.copytree(VENDOR, tmp_path / "presets")
    data = yaml.safe_load((with_presets / "exports.yaml").read_text(encoding="utf-8"))
    replaced = 0
    for index, entry in enumerate(data["exports"]):
        if entry["file"].startswith("newsletter_"):
            data["exports"][index] = {"file": entry["file"], "preset": "mailchimp/audience",
                                      "snapshot": entry["snapshot"]}
            replaced += 1
        elif entry["file"] == "campaign_activity.csv":
            data["exports"][index] = {"file": entry["file"], "preset": "mailchimp/campaign_activity"}
            replaced += 1
    assert replaced == 4
    (with_presets / "exports.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                               encoding="utf-8")
    key = strong_key("vendor-presets")
    results = [run_audit(None, folder / "exports.yaml", PERIOD, pseudonym_key=key)
               for folder in (original, with_presets)]
    findings = [sorted(zip(r.findings["check_id"], r.findings["record_ref"], r.findings["fingerprint"]))
                for r in results]
    assert findings[0] and findings[0] == findings[1]
    statuses = [sorted(zip(r.check_results["check_id"], r.check_results["status"])) for r in results]
    assert statuses[0] == statuses[1]
