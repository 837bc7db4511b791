"""The check registry: one file per check, id equals file name, ids unique, headers validated."""

import pytest

from audit_lib.checks.registry import catalogue, discover
from audit_lib.checks.spec import FAMILIES
from audit_lib.errors import CheckDefinitionError

HEADER = """/*---
id: {id}
title: {{en: A title, fi: Otsikko}}
severity: low
legal: ["GDPR Art. 5(1)(d)"]
message: {{en: "Record {{record_ref}} is wrong.", fi: "Tietue {{record_ref}} on väärin."}}
remediation: {{en: Fix it., fi: Korjaa se.}}
---*/
SELECT 'x/1' AS record_ref
"""


def test_catalogue_ids_are_file_names_and_unique():
    checks = catalogue()
    assert len({c.id for c in checks}) == len(checks)
    for check in checks:
        assert check.source.stem == check.id
        assert check.family in FAMILIES
        assert check.source.parent.name == check.family


def test_every_check_cites_law_and_speaks_both_languages():
    for check in catalogue():
        assert check.meta.legal, check.id
        assert check.meta.message.en and check.meta.message.fi, check.id
        assert check.meta.title.en != check.meta.title.fi, check.id


def test_duplicate_id_is_rejected(tmp_path):
    for family in ("quality", "access"):
        (tmp_path / family).mkdir()
        (tmp_path / family / "quality_same.sql").write_text(HEADER.format(id="quality_same"))
    with pytest.raises(CheckDefinitionError, match="already used"):
        discover(tmp_path)


def test_header_id_must_equal_file_name(tmp_path):
    (tmp_path / "quality").mkdir()
    (tmp_path / "quality" / "quality_name.sql").write_text(HEADER.format(id="quality_other"))
    with pytest.raises(CheckDefinitionError, match="differs from the file name"):
        discover(tmp_path)


def test_header_without_legal_reference_is_rejected(tmp_path):
    (tmp_path / "quality").mkdir()
    text = HEADER.format(id="quality_x").replace('legal: ["GDPR Art. 5(1)(d)"]', "legal: []")
    (tmp_path / "quality" / "quality_x.sql").write_text(text)
    with pytest.raises(CheckDefinitionError, match="legal"):
        discover(tmp_path)


def test_broken_check_is_an_error_result_not_a_crash(tmp_path):
    from checkkit import KEY, write_register

    from audit_lib.audit import run_audit
    from audit_lib.checks.registry import parse_sql_check

    (tmp_path / "quality").mkdir()
    path = tmp_path / "quality" / "quality_broken.sql"
    path.write_text(HEADER.format(id="quality_broken").replace("SELECT 'x/1' AS record_ref", "SELECT * FROM nowhere"))
    exports = write_register(tmp_path / "reg", {"subjects": [{"subject_id": "C1", "subject_type": "consumer"}]})
    result = run_audit(None, exports, "2026-Q3", pseudonym_key=KEY, checks=(parse_sql_check(path, "quality"),))
    row = result.check_results.loc[0]
    assert row["status"] == "error"
    assert "nowhere" in row["reason"]
    assert result.exit_code() == 2
