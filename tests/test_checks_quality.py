"""Quality checks: a passing and a failing case each, on tiny inline tables (scope: the register as of
the period's end); quality_invalid_postal_code's are in its cases file beside it (tests/test_check_cases.py)."""

from checkkit import KEY, audit, refs

from audit_lib.findings import pseudonymise_references


def person(subject_id, created_at="2026-01-10 10:00:00", **values):
    return {"subject_id": subject_id, "subject_type": "consumer", "created_at": created_at, **values}


def test_invalid_emails_are_findings(tmp_path):
    people = [person("C1", email="aino.virtanen@example"), person("C2", email="laura(at)example.com"),
              person("C3", email="matti..nieminen@example.com"), person("C4", email="eero virtanen@example.fi"),
              person("C5", email="x@example"),
              person("C6", created_at="2026-10-02 10:00:00", email="bad@")]  # registered after Q3
    result = audit(tmp_path, {"subjects": people}, "quality_invalid_email")
    assert refs(result) == ["subjects/C1", "subjects/C2", "subjects/C3", "subjects/C4", "subjects/C5"]
    output = result.findings.to_csv().lower()
    assert not any(name in output for name in ("aino", "laura", "matti", "eero"))  # no address in the output


def test_valid_emails_pass(tmp_path):
    people = [person("C1", email="Matti.Virtanen+jooga@Example.COM"), person("C2", email="o'brien@example.ie"),
              person("C3", email="anna-liisa@mail.example.co.uk"), person("C4", email="")]
    result = audit(tmp_path, {"subjects": people}, "quality_invalid_email")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 3


def test_invalid_phones_are_findings(tmp_path):
    people = [person("C1", phone="+358 40 123"), person("C2", phone="+358 12 3456789"),
              person("C3", phone="puhelin puuttuu"), person("C4", phone="040-12345678901")]
    result = audit(tmp_path, {"subjects": people}, "quality_invalid_phone")
    assert refs(result) == ["subjects/C1", "subjects/C2", "subjects/C3", "subjects/C4"]
    # No number in the output ("358" alone may occur inside a hexadecimal pseudonym or fingerprint).
    output = result.findings.to_csv()
    assert not any(number in output for number in ("+358", "40 123", "3456789", "12345678901"))
    assert "too long" in result.findings.loc[3, "evidence"]


def test_valid_phones_pass(tmp_path):
    people = [person("C1", phone="040 123 4567"), person("C2", phone="+46 70 123 45 67"),
              person("C3", phone="(09) 123 4567"), person("C4", phone="+358401234567")]
    result = audit(tmp_path, {"subjects": people}, "quality_invalid_phone")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 4


def test_duplicates_by_email_case_or_phone_format_are_findings(tmp_path):
    people = [person("C1", "2024-01-01 10:00:00", email="aino.virtanen@example.com", phone="+358 40 1234567"),
              person("C2", "2026-05-01 10:00:00", email=" Aino.Virtanen@EXAMPLE.com ", phone="+358 50 7654321"),
              person("C3", "2026-08-01 10:00:00", email="eero@example.com", phone="0401234567"),
              person("C0", "2026-08-02 10:00:00", email="AINO.virtanen@example.com", phone="040 123 4567")]
    result = audit(tmp_path, {"subjects": people}, "quality_duplicate_subject")
    # The earliest registration is the original, whatever its id; the later ones are the findings.
    assert refs(result) == ["subjects/C0", "subjects/C2", "subjects/C3"]
    row = result.findings.set_index("record_ref").loc[pseudonymise_references("subjects/C0", KEY)]
    assert '"matched_on": "e-mail address and phone number"' in row["evidence"]
    # The original is named by its pseudonym too, never by its customer number.
    assert f'"duplicate_of": "{pseudonymise_references("subjects/C1", KEY)}"' in row["evidence"]
    assert "C1" not in row["evidence"]
    assert "aino" not in result.findings.to_csv().lower()


def test_distinct_numbers_and_addresses_pass(tmp_path):
    people = [person("C1", "2024-01-01 10:00:00", email="aino.virtanen@example.com", phone="09 2345 678"),
              person("C2", "2026-05-01 10:00:00", email="aino.virtanen@example.net", phone="(09) 234 5679"),
              person("C3", "2026-05-02 10:00:00", email="", phone="+358 40 123"),  # invalid numbers match nothing
              person("C4", "2026-05-03 10:00:00", email="eero@example.com", phone="+358 40 123"),
              person("C5", "2026-10-05 10:00:00", email="aino.virtanen@example.com")]  # registered after Q3
    result = audit(tmp_path, {"subjects": people}, "quality_duplicate_subject")
    assert result.check_results.loc[0, "status"] == "pass"
    assert result.check_results.loc[0, "population"] == 3


def test_phone_fast_path_agrees_with_phonenumbers():
    """Numbers judged in SQL (plain +358 form) get exactly the E.164 form phonenumbers gives."""
    import random

    import duckdb

    from audit_lib.checks.quality._phones import e164, normalised_table

    rng = random.Random(7)
    values = set()
    for _ in range(4000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 18)))
        prefix = rng.choice(["4", "50", "18", "2", "29", "3", "6", "7", "75", "8", "9", "10", "0", ""])
        spaced = " ".join(digits[i:i + 3] for i in range(0, len(digits), 3))
        values.add(rng.choice(["+358 ", "+358", "+3580", "0", "+46 ", "(09) "]) + prefix + rng.choice([digits, spaced]))
    con = duckdb.connect()
    con.execute("CREATE TABLE subjects AS SELECT unnest(?) AS phone", [sorted(values)])
    got = dict(con.execute(f"SELECT phone, e164 FROM {normalised_table(con)}").fetchall())
    assert con.execute("SELECT count(*) FROM _phone_e164 WHERE fast").fetchone()[0] > 1000
    assert {v: got[v] for v in values} == {v: e164(v) for v in values}
