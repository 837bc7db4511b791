"""Inventory checks: export columns that map to nothing declared."""

from checkkit import KEY, SAMPLE, audit, refs

from audit_lib.findings import pseudonymise_references


def test_unmapped_column_is_a_finding(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "shoe_size": "43"}]
    exports = {"subjects": {"shoe_size": {}}}  # listed, but mapped to no field or category
    result = audit(tmp_path, {"subjects": subjects}, "inventory_undeclared_column", extra_columns=exports)
    assert refs(result) == ["exports/subjects.csv#shoe_size"]


def test_mapped_or_explicitly_non_personal_columns_pass(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "batch": "7"}]
    exports = {"subjects": {"batch": {"not_personal": "export batch number of the CRM"}}}
    result = audit(tmp_path, {"subjects": subjects}, "inventory_undeclared_column", extra_columns=exports)
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 3


# --- declared categories that nothing holds ------------------------------------------------------------
def test_declared_category_without_any_column_is_a_finding(tmp_path):
    subjects = [{"subject_id": "C1", "subject_type": "consumer", "email": "a@example.com"}]
    exports = {"subjects": {"email": {"field": "email", "category": "email"}}}
    result = audit(tmp_path, {"subjects": subjects}, "inventory_declared_category_unused", extra_columns=exports)
    assert "categories/email" not in refs(result)
    assert "categories/phone" in refs(result) and "categories/customer_history" in refs(result)
    assert result.check_results.loc[0, "population"] == 12


def test_every_declared_category_mapped_passes(tmp_path):
    import yaml

    register = yaml.safe_load((SAMPLE / "register.yaml").read_text(encoding="utf-8"))
    row = {"subject_id": "C1", "subject_type": "consumer"}
    exports = {"subjects": {}}
    for category in register["data_categories"]:
        row[f"c_{category['id']}"] = "x"
        exports["subjects"][f"c_{category['id']}"] = {"category": category["id"]}
    result = audit(tmp_path, {"subjects": [row]}, "inventory_declared_category_unused", extra_columns=exports)
    assert result.check_results.loc[0, "status"] == "pass"


# --- categories held about a subject type that does not declare them ------------------------------------
PEOPLE = [{"subject_id": "C1", "subject_type": "consumer", "created_at": "2026-01-05 10:00:00", "interests": "jooga"},
          {"subject_id": "P1", "subject_type": "service_provider", "created_at": "2025-01-05 10:00:00",
           "interests": "  "},
          {"subject_id": "P2", "subject_type": "service_provider", "created_at": "2025-02-05 10:00:00",
           "interests": "pilates"},
          {"subject_id": "C2", "subject_type": "consumer", "created_at": "2026-10-02 10:00:00", "interests": ""}]
SERVICES = [{"service_id": "S1", "provider_id": "P1", "title": "Jooga", "category": "jooga"},
            {"service_id": "S2", "provider_id": "C2", "title": "Jooga kotona", "category": "jooga"}]
MAPPING = {"subjects": {"interests": {"category": "interests_profiling"}},
           "services": {"title": {"field": "title", "category": "services_for_sale"}}}


def test_category_of_another_subject_type_is_a_finding(tmp_path):
    result = audit(tmp_path, {"subjects": PEOPLE, "services": SERVICES},
                   "inventory_category_not_declared_for_subject_type", period="2026-Q4", extra_columns=MAPPING)
    # P2 (a provider) has interests; C2 (a consumer) sells a service; P1's blank profile holds nothing.
    assert refs(result) == ["subjects/C2#services_for_sale", "subjects/P2#interests_profiling"]
    record = pseudonymise_references("subjects/P2#interests_profiling", KEY)
    evidence = result.findings.loc[result.findings["record_ref"] == record, "evidence"]
    assert "pilates" not in evidence.iloc[0] and "customers" not in evidence.iloc[0]


def test_categories_declared_for_the_type_pass_and_later_subjects_are_not_in_the_register(tmp_path):
    people = [p for p in PEOPLE if p["subject_id"] != "P2"]
    result = audit(tmp_path, {"subjects": people, "services": SERVICES},
                   "inventory_category_not_declared_for_subject_type", extra_columns=MAPPING)
    assert result.check_results.loc[0, "status"] == "pass"  # C2 registered after 2026-Q3
    assert result.check_results.loc[0, "population"] == 2   # C1's interests, P1's service


# --- personal data in free text -----------------------------------------------------------------------
def contact(contact_id, text, at="2026-08-01 10:00:00"):
    return {"contact_id": contact_id, "subject_id": "C1", "at": at, "text": text}


def test_identifiers_in_free_text_are_findings_without_their_values(tmp_path):
    contacts = [contact("T1", "Tunnukseni 131052-308T ja lapsen 070305B412H"),
                contact("T2", "Tilille FI2112345600000785 kiitos"),
                contact("T3", "Soita 040 765 4321 tai laita viestiä aino@example.com"),
                contact("T4", "Tunnukseni 131052-308T", at="2026-06-30 23:59:59")]  # the previous quarter
    result = audit(tmp_path, {"support_contacts": contacts}, "inventory_pii_in_free_text")
    assert refs(result) == ["support_contacts/T1", "support_contacts/T2", "support_contacts/T3"]
    text = result.findings.to_csv()
    for value in ("131052", "070305", "FI21", "765", "aino@"):
        assert value not in text
    assert '"hetu ×2"' in result.findings.loc[0, "evidence"]
    assert result.check_results.loc[0, "population"] == 3


def test_lookalikes_in_free_text_pass(tmp_path):
    contacts = [contact("T1", "Tunnukseni 131052-308U"),                      # wrong check character
                contact("T2", "Tilinumero FI21 1234 5600 0007 86 ei käy"),   # wrong IBAN check digits
                contact("T3", "Tilaus 20260615, varaus 15.6. klo 14"),        # order number, date, hour
                contact("T4", "Kirjoitin osoitteeseen asiakaspalvelu@hyvinvoivin.fi"),  # the controller's own
                contact("T5", "Kiitos hyvästä palvelusta")]
    result = audit(tmp_path, {"support_contacts": contacts}, "inventory_pii_in_free_text")
    assert result.check_results.loc[0, "status"] == "pass"


def test_scan_counts_kinds_offline():
    import importlib

    scan = importlib.import_module("audit_lib.checks.inventory.inventory_pii_in_free_text").scan
    assert scan("150688U936D, +358 50 123 4567 ja DE89 3704 0044 0532 0130 00") == {"hetu": 1, "iban": 1, "phone": 1}
    assert scan("010101-123A 00100 Helsinki") == {}


# --- health-related services without an Art. 9(2) condition -------------------------------------------
HEALTH_SERVICES = [{"service_id": "S1", "category": "Fysioterapia"}, {"service_id": "S2", "category": "hieronta"}]


def order(order_id, service_id, at):
    return {"order_id": order_id, "subject_id": "C1", "ordered_at": at, "service_id": service_id}


def test_health_service_order_without_art9_condition_is_a_finding(tmp_path):
    orders = [order("O1", "S1", "2026-07-01 00:00:00"), order("O2", "S2", "2026-07-02 10:00:00"),
              order("O3", "S1", "2026-06-30 23:59:59")]
    result = audit(tmp_path, {"orders": orders, "services": HEALTH_SERVICES}, "inventory_health_service_without_art9")
    assert refs(result) == ["orders/O1"]
    assert result.check_results.loc[0, "population"] == 1


def test_health_service_order_with_art9_condition_passes(tmp_path):
    result = audit(tmp_path, {"orders": [order("O1", "S1", "2026-07-05 10:00:00")], "services": HEALTH_SERVICES},
                   "inventory_health_service_without_art9",
                   register_patch={"special_categories.art9_condition": "Art. 9(2)(a) explicit consent"})
    assert result.check_results.loc[0, "status"] == "pass"
