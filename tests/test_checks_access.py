"""Access checks: roles, account validity, shared accounts, bulk reads (register.yaml access section)."""

from checkkit import audit, refs


def staff(user_id, role="customer_service", valid_from="2025-10-01 08:00:00", valid_to="", shared="false"):
    return {"user_id": user_id, "role": role, "valid_from": valid_from, "valid_to": valid_to, "shared": shared}


def log(access_id, user_id, at, table="subjects", subject="C1", action="read"):
    return {"access_id": access_id, "user_id": user_id, "at": at, "role_accessed": table, "subject_id": subject,
            "action": action}


def test_role_reading_a_table_it_may_not_access_fails(tmp_path):
    accounts = [staff("pnieminen", "marketing"), staff("jsalo", "provider_support")]
    entries = [log("L1", "pnieminen", "2026-07-01 10:00:00", "orders"),            # marketing: no orders
               log("L2", "pnieminen", "2026-07-01 10:05:00", "consent_events"),    # allowed
               log("L3", "jsalo", "2026-07-01 10:10:00", "orders"),                # allowed
               log("L4", "stranger", "2026-07-01 10:15:00", "subjects")]           # unknown account
    result = audit(tmp_path, {"staff_accounts": accounts, "access_log": entries}, "access_unauthorised_role")
    assert refs(result) == ["access_log/L1", "access_log/L4"]
    assert "unknown account" in result.findings.loc[1, "message"]
    clean = audit(tmp_path / "clean", {"staff_accounts": accounts, "access_log": entries[1:3]},
                  "access_unauthorised_role")
    assert clean.check_results.loc[0, "status"] == "pass"


def test_access_outside_validity_fails_on_the_last_valid_day_passes(tmp_path):
    accounts = [staff("leaver", valid_to="2026-08-14 00:00:00"),        # a date: valid all of 14 August
                staff("closer", valid_to="2026-08-14 16:00:00"),        # an instant
                staff("starter", valid_from="2026-07-01 08:00:00")]
    entries = [log("L1", "leaver", "2026-08-14 23:59:59"), log("L2", "leaver", "2026-08-15 00:00:00"),
               log("L3", "closer", "2026-08-14 15:59:59"), log("L4", "closer", "2026-08-14 16:00:00"),
               log("L5", "starter", "2026-07-01 07:59:59"), log("L6", "starter", "2026-07-01 08:00:00")]
    result = audit(tmp_path, {"staff_accounts": accounts, "access_log": entries}, "access_outside_validity")
    assert refs(result) == ["access_log/L2", "access_log/L4", "access_log/L5"]
    clean = audit(tmp_path / "clean", {"staff_accounts": accounts, "access_log": [entries[0], entries[2], entries[5]]},
                  "access_outside_validity")
    assert clean.check_results.loc[0, "status"] == "pass"


def test_shared_and_generic_accounts_fail_personal_ones_pass(tmp_path):
    accounts = [staff("asiakaspalvelu"), staff("Admin_2", "administrator"), staff("tvirtanen7", shared="true"),
                staff("tkoski98", "administrator"),                                   # personal
                staff("yhteinen", valid_to="2026-03-31 16:00:00", shared="true")]     # closed before Q3
    result = audit(tmp_path, {"staff_accounts": accounts}, "access_shared_account")
    assert refs(result) == ["staff_accounts/Admin_2", "staff_accounts/asiakaspalvelu", "staff_accounts/tvirtanen7"]
    assert "marked shared" in result.findings.set_index("record_ref").loc["staff_accounts/tvirtanen7", "message"]
    clean = audit(tmp_path / "clean", {"staff_accounts": accounts[3:]}, "access_shared_account")
    assert clean.check_results.loc[0, "status"] == "pass"
    assert clean.check_results.loc[0, "population"] == 1


def _reads(user, day, count, start=0):
    return [log(f"L{user}{day}{n}", user, f"{day} {8 + n // 60:02d}:{n % 60:02d}:00", subject=f"C{n}")
            for n in range(start, start + count)]


def test_more_subjects_than_the_threshold_in_one_local_day_fails(tmp_path):
    patch = {"access.bulk_read_threshold_per_day": 3}
    entries = (_reads("a", "2026-07-01", 4) + _reads("b", "2026-07-01", 3)       # b: exactly the threshold
               + [log("Lb2", "b", "2026-07-01 23:30:00", subject="C0")]          # a repeat is no new subject
               + [log("La3", "a", "2026-07-02 00:30:00", subject="C9")])         # next local day
    result = audit(tmp_path, {"access_log": entries}, "access_bulk_read", register_patch=patch)
    assert refs(result) == ["access_log/a/2026-07-01"]
    assert "4 different subjects" in result.findings.loc[0, "message"]
    clean = audit(tmp_path / "clean", {"access_log": entries[4:]}, "access_bulk_read", register_patch=patch)
    assert clean.check_results.loc[0, "status"] == "pass"


def test_bulk_read_without_a_threshold_is_an_error_not_a_pass(tmp_path):
    result = audit(tmp_path, {"access_log": _reads("a", "2026-07-01", 2)}, "access_bulk_read",
                   register_patch={"access.bulk_read_threshold_per_day": None})
    assert result.check_results.loc[0, "status"] == "error"
    assert "bulk_read_threshold_per_day" in result.check_results.loc[0, "reason"]
