"""Disclosure checks: a passing and a failing case each, on tiny inline tables."""

from checkkit import audit, refs


def disclosure(disclosure_id, recipient="webshop_operator", at="2026-08-03 10:00:00", categories="name;email",
               country="FI", rows="100"):
    return {"disclosure_id": disclosure_id, "recipient": recipient, "at": at, "categories": categories,
            "rows": rows, "country": country}


def test_disclosure_to_an_undeclared_recipient_is_a_finding(tmp_path):
    result = audit(tmp_path, {"disclosures": [disclosure("D1", "mainosverkosto_oy"),
                                              disclosure("D2", "mainosverkosto_oy", at="2026-06-30 23:59:59"),
                                              disclosure("D3")]},
                   "disclosure_undeclared_recipient")
    assert refs(result) == ["disclosures/D1"]
    assert result.check_results.loc[0, "population"] == 2


def test_disclosure_to_the_declared_processor_passes_whatever_its_case(tmp_path):
    result = audit(tmp_path, {"disclosures": [disclosure("D1", "WebShop_Operator"), disclosure("D2")]},
                   "disclosure_undeclared_recipient")
    assert result.check_results.loc[0, "status"] == "pass"


def test_transfer_to_a_third_country_without_safeguards_is_a_finding(tmp_path):
    result = audit(tmp_path, {"disclosures": [disclosure("D1", country="US"), disclosure("D2", "other", country="in"),
                                              disclosure("D3", country="NO"), disclosure("D4", country="CH"),
                                              disclosure("D5", country="")]},
                   "disclosure_third_country_without_safeguards")
    assert refs(result) == ["disclosures/D1", "disclosures/D2"]
    # D5 has no country in the log and the processor's is not declared: not judged.
    assert result.check_results.loc[0, "population"] == 4


def test_third_country_with_declared_safeguards_or_declared_country_passes(tmp_path):
    patch = {"recipients.0.safeguards": "EU standard contractual clauses (2021/914)"}
    result = audit(tmp_path, {"disclosures": [disclosure("D1", country="US")]},
                   "disclosure_third_country_without_safeguards", register_patch=patch)
    assert result.check_results.loc[0, "status"] == "pass"
    # Without a country in the log, the declared one is judged.
    result = audit(tmp_path / "declared", {"disclosures": [disclosure("D1", country="")]},
                   "disclosure_third_country_without_safeguards", register_patch={"recipients.0.country": "SE"})
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 1


def test_undeclared_categories_are_findings(tmp_path):
    result = audit(tmp_path, {"disclosures": [disclosure("D1", categories="name;interests_profiling;health"),
                                              disclosure("D2", "mainosverkosto_oy", categories="health")]},
                   "disclosure_undeclared_categories")
    assert refs(result) == ["disclosures/D1"]  # D2's recipient is the other check's finding
    assert '"undeclared": "health, interests_profiling"' in result.findings.loc[0, "evidence"]


def test_declared_categories_pass_with_blanks_and_case(tmp_path):
    result = audit(tmp_path, {"disclosures": [disclosure("D1", categories=" Name ; EMAIL ;phone;"),
                                              disclosure("D2", categories="services_for_sale")]},
                   "disclosure_undeclared_categories")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 2
