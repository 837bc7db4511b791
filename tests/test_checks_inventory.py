"""Inventory checks: export columns that map to nothing declared."""

from checkkit import audit, refs


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
