"""The sample generator: reproducible files, the declared layout, a clean bulk, and ground truth that an
independent reading of the six checks (written here, apart from audit_lib/checks) agrees with."""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest
import yaml

from audit_lib.errors import RegauditError
from audit_lib.sample import generate
from audit_lib.sample import rules
from audit_lib.sample.layout import BUNDLED_DIR

# Each test generates a whole sample register.
pytestmark = pytest.mark.slow

SUBJECTS = 400
# The checks this module reads independently (ORACLE and the helpers below); the ground truth of
# other checks is held to the audit by tests/test_end_to_end.py.
CHECK_IDS = {
    "inventory_undeclared_column", "consent_email_sms_without_optin", "consent_sent_after_withdrawal",
    "consent_marketing_to_banned_subject", "retention_period_exceeded", "rights_request_late",
    "consent_message_without_opt_out", "consent_event_without_evidence", "consent_for_channel_without_contact",
    "consent_marketing_to_erased_subject", "consent_cookie_without_consent", "retention_erased_subject_residue",
    "rights_extension_notified_late", "access_unauthorised_role", "access_outside_validity",
    "access_shared_account", "access_bulk_read", "retention_deleted_before_minimum",
}
PERIODS = {"2026-Q2": ("2026-04-01", "2026-07-01"), "2026-Q3": ("2026-07-01", "2026-10-01")}
ZONE = "Europe/Helsinki"


@pytest.fixture(scope="module")
def tmp(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sample")


@pytest.fixture(scope="module")
def sample(tmp):
    return generate(tmp / "a", seed=7, subjects=SUBJECTS)


def _digest(folder: Path) -> dict[str, str]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def _declared() -> dict[str, list[str]]:
    exports = yaml.safe_load((BUNDLED_DIR / "exports.yaml").read_text(encoding="utf-8"))["exports"]
    return {e["file"]: list(e["columns"]) for e in exports}


def _expected_rows(summary) -> list[tuple[str, str, str]]:
    with summary.expected_findings.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["period", "check_id", "record_ref"]
    return [tuple(r) for r in rows[1:]]


def _expected(summary) -> list[tuple[str, str, str]]:
    """The expected findings of the planted data (the register's own gaps are tested apart)."""
    return [r for r in _expected_rows(summary) if not r[1].startswith("notice_")]


def _planted(summary) -> set[str]:
    """Record references of every planted violation and near miss."""
    return {r[2] for r in _expected(summary)} | {n.record_ref for n in summary.near_misses}


def test_register_gaps_are_expected_in_every_period(sample):
    import audit_lib.sample

    with (Path(audit_lib.sample.__file__).parent / "register_gaps.csv").open(encoding="utf-8", newline="") as handle:
        gaps = {(r["check_id"], r["record_ref"]) for r in csv.DictReader(handle)}
    notice = {r for r in _expected_rows(sample) if r[1].startswith("notice_")}
    assert len(gaps) >= 20
    assert notice == {(period, check, ref) for period in PERIODS for check, ref in gaps}


def test_register_gaps_have_the_kind_lint_gives():
    """Each known gap of the bundled register is a breach or an item to verify, as reviewed against
    the seed; lint must give the same kind (a verify item is not a breach the lead must fix)."""
    import audit_lib.sample
    from audit_lib.lint import lint

    with (Path(audit_lib.sample.__file__).parent / "register_gaps.csv").open(encoding="utf-8", newline="") as handle:
        reviewed = {(r["check_id"], r["record_ref"]): r["kind"] for r in csv.DictReader(handle)}
    found = {(f.check_id, f.record_ref): f.kind for f in lint(BUNDLED_DIR / "register.yaml").findings}
    assert found == reviewed
    assert set(reviewed.values()) == {"breach", "verify"}


# --- reproducibility --------------------------------------------------------------------------------
@pytest.mark.slow  # generates a whole sample
def test_same_seed_gives_identical_bytes(sample, tmp):
    again = generate(tmp / "b", seed=7, subjects=SUBJECTS)
    assert _digest(sample.out_dir) == _digest(again.out_dir)
    assert sample.row_counts == again.row_counts


@pytest.mark.slow
def test_other_seed_gives_other_data(sample, tmp):
    other = generate(tmp / "c", seed=8, subjects=SUBJECTS)
    for name in ("customers.csv", "orders.csv", "marketing_messages.parquet", "access_log.csv"):
        assert (sample.exports_dir / name).read_bytes() != (other.exports_dir / name).read_bytes(), name


@pytest.mark.slow
def test_bundled_sample_is_what_the_generator_writes(tmp):
    fresh = generate(tmp / "bundled", seed=42, subjects=2000)
    for name in [*fresh.row_counts, "../expected_findings.csv"]:
        left, right = fresh.exports_dir / name, BUNDLED_DIR / "exports" / name
        if name.endswith(".parquet"):  # compare content: the writer's version string is in the bytes
            query = "SELECT * FROM read_parquet(?) EXCEPT ALL SELECT * FROM read_parquet(?)"
            assert duckdb.execute(query, [str(left), str(right)]).fetchall() == [], name
            assert duckdb.execute(query, [str(right), str(left)]).fetchall() == [], name
        elif name.endswith(".xlsx"):
            assert _xlsx_rows(left) == _xlsx_rows(right), name
        else:
            assert left.read_bytes() == right.read_bytes(), f"{name}: regenerate the bundled sample"
    size = sum(p.stat().st_size for p in (BUNDLED_DIR / "exports").iterdir())
    assert size < 5_000_000


# --- layout -----------------------------------------------------------------------------------------
def test_files_and_columns_are_those_of_exports_yaml(sample):
    extra = {"customers.csv": ["birth_date"], "marketing_messages.parquet": ["opened_at"]}
    assert sorted(p.name for p in sample.exports_dir.iterdir()) == sorted(_declared())
    for name, columns in _declared().items():
        assert _header(sample.exports_dir / name) == columns + extra.get(name, []), name


def test_declaration_files_copied_when_missing(sample):
    for name in ("register.yaml", "exports.yaml"):
        assert (sample.out_dir / name).read_bytes() == (BUNDLED_DIR / name).read_bytes()


def test_row_counts_are_sensible(sample):
    counts = sample.row_counts
    assert sample.providers == 20
    assert SUBJECTS < counts["customers.csv"] <= SUBJECTS + sample.providers
    assert 3 * sample.providers <= counts["services.json"] <= 3 * sample.providers + 10   # bulk + planted
    assert 2.5 * SUBJECTS < counts["orders.csv"] < 6 * SUBJECTS
    assert 0.8 * SUBJECTS < counts["consents.csv"] < 2 * SUBJECTS
    assert 5 * SUBJECTS < counts["marketing_messages.parquet"] < 15 * SUBJECTS
    assert 0.4 * SUBJECTS < counts["support_contacts.csv"] < 1.4 * SUBJECTS
    assert 11 + 3 <= counts["requests.xlsx"] < 40 + 0.06 * SUBJECTS
    assert 15 <= counts["staff_accounts.csv"] <= 15 + 20   # 15 of the bulk, the rest planted
    assert 10_000 < counts["access_log.csv"] < 30_000
    for name, count in counts.items():
        assert _rows(sample.exports_dir / name) == count, name


def test_postal_codes_stay_text_with_leading_zeros(sample):
    with (sample.exports_dir / "customers.csv").open(encoding="utf-8", newline="") as handle:
        codes = [row["postal_code"] for row in csv.DictReader(handle)
                 if f"subjects/{row['customer_id']}" not in _planted(sample)]
    assert all(re.fullmatch(r"\d{5}", c) for c in codes)
    assert any(c.startswith("0") for c in codes)


def test_customers_have_undeclared_birth_date(sample):
    with (sample.exports_dir / "customers.csv").open(encoding="utf-8", newline="") as handle:
        births = [date.fromisoformat(row["birth_date"]) for row in csv.DictReader(handle)]
    assert all(date(1930, 1, 1) < b < date(2009, 1, 1) for b in births)


@pytest.mark.slow
def test_parquet_format_writes_every_file_as_parquet(tmp):
    summary = generate(tmp / "parquet", seed=7, subjects=SUBJECTS, fmt="parquet")
    names = sorted(p.name for p in summary.exports_dir.iterdir())
    assert names == sorted(n.rsplit(".", 1)[0] + ".parquet" for n in _declared())
    mapping = yaml.safe_load((summary.out_dir / "exports.yaml").read_text(encoding="utf-8"))
    assert sorted(e["file"] for e in mapping["exports"]) == names
    refs = {r[2] for r in _expected(summary) if r[1] == "inventory_undeclared_column"}
    assert refs == {"exports/customers.parquet#birth_date", "exports/marketing_messages.parquet#opened_at"}
    zip_codes = duckdb.execute("SELECT any_value(typeof(postal_code)), min(postal_code) FROM read_parquet(?)",
                               [str(summary.exports_dir / "customers.parquet")]).fetchone()
    assert zip_codes[0] == "VARCHAR" and zip_codes[1].startswith("0")
    # A native run into the same folder removes the Parquet files and restores the native mapping.
    native = generate(tmp / "parquet", seed=7, subjects=SUBJECTS)
    assert sorted(p.name for p in native.exports_dir.iterdir()) == sorted(_declared())
    assert (native.out_dir / "exports.yaml").read_bytes() == (BUNDLED_DIR / "exports.yaml").read_bytes()


def test_bad_arguments_are_refused(tmp):
    with pytest.raises(RegauditError, match="at least"):
        generate(tmp / "x", subjects=50)
    with pytest.raises(ValueError, match="format"):
        generate(tmp / "x", fmt="csv")
    with pytest.raises(ValueError, match="bundled"):
        generate(BUNDLED_DIR, fmt="parquet")


# --- ground truth -----------------------------------------------------------------------------------
def test_expected_findings_cover_every_check(sample):
    rows = _expected(sample)
    assert rows == sorted(rows) and len(rows) == len(set(rows))
    assert {r[0] for r in rows} == set(PERIODS)
    assert {r[1] for r in rows} >= CHECK_IDS
    for check in CHECK_IDS:
        assert sum(r[1] == check for r in rows) >= 2, check
    for period in PERIODS:  # violations are spread over both quarters
        assert {r[1] for r in rows if r[0] == period} >= CHECK_IDS


def test_violations_are_the_expected_findings(sample):
    from_violations = {(p, v.check_id, v.record_ref) for v in sample.violations for p in v.periods}
    assert from_violations == set(_expected(sample))
    assert all(v.why for v in sample.violations)


def test_near_misses_are_not_expected(sample):
    # A near miss of one check may be another's violation (a message posted 1 s before the erasure
    # is no marketing to an erased subject, but it is residue of the erasure).
    refs = {(r[1], r[2]) for r in _expected(sample)}
    assert len(sample.near_misses) >= 10
    assert {n.check_id for n in sample.near_misses} >= CHECK_IDS - {"inventory_undeclared_column"}
    for near in sample.near_misses:
        assert (near.check_id, near.record_ref) not in refs, near


def test_independent_reading_of_the_checks_agrees(sample):
    con = _load(sample.exports_dir)
    found = set()
    for period, (start, end) in PERIODS.items():
        params = {"start": start, "end": end, "zone": ZONE}
        for check, sql in ORACLE.items():
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            found |= {(period, check, ref) for (ref,) in con.execute(sql, used).fetchall()}
        found |= {(period, "rights_request_late", ref) for ref in _late_requests(con, start, end)}
        found |= {(period, "rights_extension_notified_late", ref) for ref in _late_extensions(con, start, end)}
        found |= {(period, "access_shared_account", ref) for ref in _shared_accounts(con, start, end)}
        found |= {(period, check, ref) for check, ref in _other_readings(sample.exports_dir, start, end)}
        found |= {(period, "inventory_undeclared_column", f"exports/{name}#{column}")
                  for name, columns in _declared().items()
                  for column in _header(sample.exports_dir / name) if column not in columns}
    assert found == {r for r in _expected(sample) if r[1] in CHECK_IDS}


def test_rules_count_with_the_register(sample):
    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    assert register["requests"]["deadline"] == f"P{rules.REQUEST_DEADLINE_MONTHS}M"
    assert register["requests"]["extension"] == f"P{rules.REQUEST_EXTENSION_MONTHS}M"
    assert register["requests"]["non_working_days"] == rules.NON_WORKING_DAYS
    from audit_lib.declaration.register import RetentionRule
    from audit_lib.durations import parse_duration

    # The model, not the raw YAML: bookkeeping: vouchers sets the anchor the law gives.
    models = [RetentionRule.model_validate(r) for r in register["retention"]["rules"]]
    declared = {r.role: (r.duration, r.anchor) for r in models
                if r.id in ("orders_bookkeeping", "inactive_accounts", "support_contacts_limitation")}
    assert declared == {role: (f"P{years}Y", anchor) for role, (years, anchor) in rules.RETENTION.items()}
    by_id = {r.id: (r.role, parse_duration(r.duration).months, r.anchor) for r in models}
    assert by_id == rules.RETENTION_RULES
    assert tuple(r.id for r in models if r.is_minimum) == rules.MINIMUM_RULES
    month, day = (int(p) for p in register["controller"]["financial_period_ends"].split("-"))
    assert (month, day) == rules.FINANCIAL_PERIOD_ENDS
    assert register["requests"]["extension_notice_within"] == f"P{rules.EXTENSION_NOTICE_MONTHS}M"


# --- a clean bulk for the checks still to come ------------------------------------------------------
def test_contact_details_are_valid_and_unique(sample):
    con = _load(sample.exports_dir)
    bad = con.execute("""
        SELECT count(*) FILTER (WHERE NOT regexp_full_match(email, '[a-z][a-z.-]*[0-9]*@example\\.(com|net|org)')),
               count(*) FILTER (WHERE NOT regexp_full_match(phone, '\\+358 (40|41|44|45|46|50) [0-9]{7}')),
               count(email) - count(DISTINCT email), count(phone) - count(DISTINCT phone),
               count(*) - count(DISTINCT customer_id)
        FROM subjects WHERE NOT list_contains(?, 'subjects/' || customer_id)""",
                      [list(_planted(sample))]).fetchone()
    assert bad == (0, 0, 0, 0, 0)


def test_marketing_and_consents_carry_their_evidence(sample):
    con = _load(sample.exports_dir)
    planted = list(_planted(sample))
    assert con.execute("SELECT count(*) FROM messages WHERE (NOT has_opt_out OR has_opt_out IS NULL) "
                       "AND NOT list_contains(?, 'marketing_messages/' || message_id)", [planted]).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM consents WHERE (source IS NULL OR source = '') "
                       "AND NOT list_contains(?, 'consent_events/' || consent_id)", [planted]).fetchone() == (0,)
    channels = con.execute("SELECT DISTINCT channel FROM messages ORDER BY 1").fetchall()
    assert channels == [("email",), ("post",), ("sms",)]


def test_staff_access_is_personal_valid_permitted_and_modest(sample):
    con = _load(sample.exports_dir)
    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    allowed = [(r["id"], t) for r in register["access"]["roles"] for t in r["may_access"]]
    con.execute("CREATE TABLE allowed (role VARCHAR, table_accessed VARCHAR)")
    con.executemany("INSERT INTO allowed VALUES (?, ?)", allowed)
    # The bulk's 15 accounts come first (the file is in account order); the planted ones follow.
    with (sample.exports_dir / "staff_accounts.csv").open(encoding="utf-8", newline="") as handle:
        bulk = [row["user_id"] for row in csv.DictReader(handle)][:15]
    con.execute("DELETE FROM staff WHERE NOT list_contains(?, user_id)", [bulk])
    con.execute("DELETE FROM access WHERE NOT list_contains(?, user_id)", [bulk])
    assert con.execute("SELECT count(*) FROM staff WHERE shared <> 'false'").fetchone() == (0,)
    outside = con.execute("""
        SELECT count(*) FROM access a JOIN staff s USING (user_id)
        WHERE a.ts < s.valid_from OR (s.valid_to IS NOT NULL AND a.ts >= s.valid_to)
           OR NOT EXISTS (SELECT 1 FROM allowed w WHERE w.role = s.role AND w.table_accessed = a.table_accessed)
    """).fetchone()
    assert outside == (0,)
    busiest = con.execute("""
        SELECT max(n) FROM (SELECT user_id, CAST(ts AS DATE), count(DISTINCT customer_id) AS n
                            FROM access GROUP BY ALL)""").fetchone()[0]
    assert busiest < 300
    unknown = con.execute("SELECT count(*) FROM access ANTI JOIN subjects USING (customer_id)").fetchone()
    assert unknown == (0,)


@pytest.mark.parametrize("which", ["small", "bundled"])
def test_nothing_left_of_erased_subjects(sample, which):
    con = _load(sample.exports_dir if which == "small" else BUNDLED_DIR / "exports")
    erased = [r[0] for r in con.execute(
        "SELECT customer_id FROM requests WHERE kind = 'erasure' AND completed_at IS NOT NULL").fetchall()]
    if which == "bundled":
        assert len(erased) >= 5, "the bundled sample should hold completed erasures"
    # Only the planted residue is left; orders may stay in their minimised, bookkeeping columns.
    with ((sample.out_dir if which == "small" else BUNDLED_DIR) / "expected_findings.csv").open(
            encoding="utf-8", newline="") as handle:
        planted = sorted({r["record_ref"] for r in csv.DictReader(handle)})
    keys = {"subjects": ("subjects", "customer_id"), "consents": ("consent_events", "consent_id"),
            "messages": ("marketing_messages", "message_id"), "orders": ("orders", "order_id"),
            "contacts": ("support_contacts", "contact_id"), "access": ("access_log", "log_id"),
            "usage": ("usage_events", "event_id")}
    kept = {table: f"NOT list_contains($planted, '{role}/' || {key})" for table, (role, key) in keys.items()}
    kept["orders"] += " AND (billing_name IS NOT NULL OR billing_email IS NOT NULL)"
    for table, condition in kept.items():
        assert con.execute(f"SELECT count(*) FROM {table} WHERE list_contains($erased, customer_id) AND {condition}",
                           {"erased": erased, "planted": planted}).fetchone() == (0,), table
    for table in ("consents", "messages", "orders", "contacts"):
        assert con.execute(f"SELECT count(*) FROM {table} ANTI JOIN subjects USING (customer_id) WHERE {kept[table]}",
                           {"planted": planted}).fetchone() == (0,), table


def test_times_are_local_wall_times_of_the_export_window(sample):
    """Nothing after the export's "now", nothing before 2019, and no local time in the hour that DST
    skips or repeats (03:00-04:00), which would make a naive time ambiguous."""
    stamps = []
    for name in ("customers.csv", "consents.csv", "orders.csv", "support_contacts.csv", "staff_accounts.csv",
                 "access_log.csv"):
        with (sample.exports_dir / name).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                stamps += [v for k, v in row.items()
                           if k != "birth_date" and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", v)]
    stamps += [str(v) for row in _xlsx_rows(sample.exports_dir / "requests.xlsx")[1:] for v in row[3:6] if v]
    assert len(stamps) > 10_000
    assert min(stamps) >= "2019-01-01 00:00:00" and max(stamps) <= "2026-09-30 23:59:59"
    assert not [s for s in stamps if s[11:13] == "03"]
    sent = duckdb.execute("SELECT min(sent_at), max(sent_at), max(opened_at) FROM read_parquet(?)",
                          [str(sample.exports_dir / "marketing_messages.parquet")]).fetchone()
    assert all(str(v.tzinfo) in ("UTC", "Etc/UTC") for v in sent)
    end_of_q3 = datetime(2026, 9, 30, 21, 0, tzinfo=timezone.utc)  # 2026-10-01 00:00 in Helsinki
    assert sent[1] < end_of_q3 and sent[2] < end_of_q3


def test_support_texts_hold_no_contact_details(sample):
    with (sample.exports_dir / "support_contacts.csv").open(encoding="utf-8", newline="") as handle:
        texts = {row["message"] for row in csv.DictReader(handle)
                 if f"support_contacts/{row['contact_id']}" not in _planted(sample)}
    assert texts and not any(re.search(r"@|\d", t) for t in texts)


def test_bulk_dates_keep_inside_retention(sample):
    con = _load(sample.exports_dir)
    planted = {r[2] for r in _expected(sample)} | {n.record_ref for n in sample.near_misses}
    early = con.execute("""
        SELECT 'orders/' || order_id FROM orders WHERE ts < timezone($zone, TIMESTAMP '2020-01-15 00:00:00')
        UNION ALL SELECT 'support_contacts/' || contact_id FROM contacts
                  WHERE ts < timezone($zone, TIMESTAMP '2023-11-01 00:00:00')
        UNION ALL SELECT 'subjects/' || customer_id FROM subjects
                  WHERE last_active_at < timezone($zone, TIMESTAMP '2023-11-01 00:00:00')""",
                        {"zone": ZONE}).fetchall()
    assert {r[0] for r in early} <= planted


# --- helpers: an independent, minimal loader and reading of the checks -----------------------------
def _header(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return path.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    if path.suffix == ".json":
        return [r[0] for r in duckdb.execute("DESCRIBE SELECT * FROM read_json(?)", [str(path)]).fetchall()]
    if path.suffix == ".xlsx":
        return list(_xlsx_rows(path)[0])
    return [r[0] for r in duckdb.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]


def _rows(path: Path) -> int:
    if path.suffix == ".xlsx":
        return len(_xlsx_rows(path)) - 1
    reader = {".csv": "read_csv", ".json": "read_json", ".parquet": "read_parquet"}[path.suffix]
    return duckdb.execute(f"SELECT count(*) FROM {reader}(?)", [str(path)]).fetchone()[0]


def _xlsx_rows(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    # Empty cells are not stored (as Excel does), so read-only rows end at their last value.
    return [tuple(row) + (None,) * (len(rows[0]) - len(row)) for row in rows]


def _load(exports: Path) -> duckdb.DuckDBPyConnection:
    """The exports as tables with instants (local wall time read in Europe/Helsinki)."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/Helsinki'")

    def csv_table(name: str, file: str, select: str) -> None:
        con.execute(f"CREATE TABLE {name} AS SELECT {select} FROM read_csv(?, all_varchar = true, header = true)",
                    [str(exports / file)])

    local = "timezone('Europe/Helsinki', CAST({} AS TIMESTAMP))".format
    csv_table("subjects", "customers.csv",
              f"*, {local('last_active_at')} AS last_active_at_tz, {local('marketing_ban_since')} AS ban_since, "
              f"{local('closed_at')} AS closed_tz")
    con.execute("ALTER TABLE subjects DROP COLUMN last_active_at")
    con.execute("ALTER TABLE subjects RENAME COLUMN last_active_at_tz TO last_active_at")
    csv_table("consents", "consents.csv",
              f"consent_id, customer_id, channel, action, source, {local('recorded_at')} AS ts")
    csv_table("orders", "orders.csv", f"order_id, customer_id, billing_name, billing_email, {local('ordered_at')} AS ts, "
                                      f"{local('deleted_at')} AS deleted")
    csv_table("contacts", "support_contacts.csv", f"contact_id, customer_id, {local('contacted_at')} AS ts")
    csv_table("staff", "staff_accounts.csv",
              f"user_id, role, shared, {local('valid_from')} AS valid_from, {local('valid_to')} AS valid_to")
    csv_table("access", "access_log.csv",
              f"log_id, user_id, table_accessed, customer_id, {local('accessed_at')} AS ts")
    con.execute(f"CREATE TABLE usage AS SELECT event_id, customer_id, cookie_purpose, consent_given, "
                f"{local('used_at')} AS ts FROM read_parquet(?)", [str(exports / "usage_events.parquet")])
    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    con.execute("CREATE TABLE may (role VARCHAR, table_accessed VARCHAR)")
    con.executemany("INSERT INTO may VALUES (?, ?)",
                    [(r["id"], t) for r in register["access"]["roles"] for t in r["may_access"]])
    con.execute("SET VARIABLE threshold = ?", [register["access"]["bulk_read_threshold_per_day"]])
    con.execute("CREATE TABLE messages AS SELECT * FROM read_parquet(?)", [str(exports / "marketing_messages.parquet")])
    rows = _xlsx_rows(exports / "requests.xlsx")
    con.execute("CREATE TABLE requests (request_id VARCHAR, customer_id VARCHAR, kind VARCHAR, received_at TIMESTAMP,"
                " extension_notified_at TIMESTAMP, completed_at TIMESTAMP, outcome VARCHAR)")
    con.executemany("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?)", [list(r) for r in rows[1:]])
    con.execute(f"CREATE TABLE erased AS SELECT customer_id, min({local('completed_at')}) AS erased_at FROM requests "
                "WHERE kind = 'erasure' AND completed_at IS NOT NULL GROUP BY ALL")
    return con


_IN_PERIOD = ("m.sent_at >= timezone($zone, CAST($start AS TIMESTAMP)) "
              "AND m.sent_at < timezone($zone, CAST($end AS TIMESTAMP))")
_AS_OF = "timezone($zone, CAST($end AS TIMESTAMP))"
ORACLE = {
    "consent_email_sms_without_optin": f"""
        SELECT 'marketing_messages/' || message_id FROM messages m
        WHERE channel IN ('email', 'sms') AND {_IN_PERIOD}
          AND NOT EXISTS (SELECT 1 FROM consents c WHERE c.customer_id = m.customer_id
                          AND c.channel = m.channel AND c.ts <= m.sent_at)""",
    "consent_sent_after_withdrawal": f"""
        WITH last AS (
          SELECT m.message_id, m.customer_id, m.channel, max(c.ts) AS ts FROM messages m
          JOIN consents c ON c.customer_id = m.customer_id AND c.channel = m.channel AND c.ts <= m.sent_at
          WHERE m.channel IN ('email', 'sms') AND {_IN_PERIOD} GROUP BY ALL)
        SELECT 'marketing_messages/' || l.message_id FROM last l
        JOIN consents c ON c.customer_id = l.customer_id AND c.channel = l.channel AND c.ts = l.ts
        GROUP BY l.message_id HAVING bool_or(c.action = 'withdrawn')""",
    "consent_marketing_to_banned_subject": f"""
        SELECT 'marketing_messages/' || message_id FROM messages m JOIN subjects s USING (customer_id)
        WHERE s.marketing_ban = 'kyllä' AND (s.ban_since IS NULL OR m.sent_at >= s.ban_since) AND {_IN_PERIOD}""",
    "retention_period_exceeded": f"""
        SELECT 'orders/' || order_id FROM orders
        WHERE timezone($zone, make_timestamp(year(ts) + 7, 1, 1, 0, 0, 0)) < {_AS_OF}
          AND (deleted IS NULL OR deleted >= {_AS_OF})
        UNION ALL SELECT 'subjects/' || customer_id FROM subjects
        WHERE last_active_at + INTERVAL 3 YEAR < {_AS_OF}
        UNION ALL SELECT 'support_contacts/' || contact_id FROM contacts WHERE ts + INTERVAL 3 YEAR < {_AS_OF}
        UNION ALL SELECT 'subjects/' || customer_id FROM subjects WHERE closed_tz + INTERVAL 3 YEAR < {_AS_OF}
        UNION ALL SELECT 'usage_events/' || event_id FROM usage WHERE ts + INTERVAL 25 MONTH < {_AS_OF}""",
    # Vouchers (calendar-year financial period): kept at least until 1 January seven years on.
    "retention_deleted_before_minimum": """
        SELECT 'orders/' || order_id FROM orders
        WHERE deleted < timezone($zone, make_timestamp(year(ts) + 7, 1, 1, 0, 0, 0))
          AND deleted >= timezone($zone, CAST($start AS TIMESTAMP)) AND deleted < timezone($zone, CAST($end AS TIMESTAMP))""",
    "consent_message_without_opt_out": f"""
        SELECT 'marketing_messages/' || message_id FROM messages m
        WHERE channel IN ('email', 'sms') AND has_opt_out IS NOT true AND {_IN_PERIOD}""",
    "consent_event_without_evidence": f"""
        SELECT 'consent_events/' || consent_id FROM consents
        WHERE action = 'granted' AND ts < {_AS_OF} AND coalesce(trim(source), '') = ''""",
    "consent_for_channel_without_contact": f"""
        SELECT 'consent_events/' || consent_id FROM consents c JOIN subjects s USING (customer_id)
        WHERE c.action = 'granted' AND c.ts < {_AS_OF}
          AND ((c.channel = 'email' AND coalesce(s.email, '') = '') OR (c.channel = 'sms' AND coalesce(s.phone, '') = ''))""",
    "consent_marketing_to_erased_subject": f"""
        SELECT 'marketing_messages/' || message_id FROM messages m JOIN erased e USING (customer_id)
        WHERE m.sent_at >= e.erased_at AND {_IN_PERIOD}""",
    "consent_cookie_without_consent": """
        SELECT 'usage_events/' || event_id FROM usage m
        WHERE cookie_purpose <> 'necessary' AND consent_given IS NOT true
          AND m.ts >= timezone($zone, CAST($start AS TIMESTAMP)) AND m.ts < timezone($zone, CAST($end AS TIMESTAMP))""",
    "retention_erased_subject_residue": f"""
        WITH gone AS (SELECT customer_id FROM erased WHERE erased_at < {_AS_OF})
        SELECT 'subjects/' || customer_id FROM subjects JOIN gone USING (customer_id)
        UNION ALL SELECT 'consent_events/' || consent_id FROM consents JOIN gone USING (customer_id)
        UNION ALL SELECT 'marketing_messages/' || message_id FROM messages JOIN gone USING (customer_id)
        UNION ALL SELECT 'support_contacts/' || contact_id FROM contacts JOIN gone USING (customer_id)
        UNION ALL SELECT 'access_log/' || log_id FROM access JOIN gone USING (customer_id)
        UNION ALL SELECT 'usage_events/' || event_id FROM usage JOIN gone USING (customer_id)
        UNION ALL SELECT 'orders/' || order_id FROM orders JOIN gone USING (customer_id)
        WHERE billing_name IS NOT NULL OR billing_email IS NOT NULL""",
    "access_unauthorised_role": """
        SELECT 'access_log/' || log_id FROM access a LEFT JOIN staff s USING (user_id)
        WHERE a.ts >= timezone($zone, CAST($start AS TIMESTAMP)) AND a.ts < timezone($zone, CAST($end AS TIMESTAMP))
          AND NOT EXISTS (SELECT 1 FROM may w WHERE w.role = s.role AND w.table_accessed = a.table_accessed)""",
    "access_outside_validity": """
        SELECT 'access_log/' || log_id FROM access a JOIN staff s USING (user_id)
        WHERE a.ts >= timezone($zone, CAST($start AS TIMESTAMP)) AND a.ts < timezone($zone, CAST($end AS TIMESTAMP))
          AND (a.ts < s.valid_from OR a.ts >= CASE WHEN strftime(s.valid_to, '%H:%M:%S') = '00:00:00'
                                                     THEN s.valid_to + INTERVAL 1 DAY ELSE s.valid_to END)""",
    "access_bulk_read": """
        SELECT 'access_log/' || user_id || '/' || CAST(CAST(ts AS DATE) AS VARCHAR) FROM access
        WHERE ts >= timezone($zone, CAST($start AS TIMESTAMP)) AND ts < timezone($zone, CAST($end AS TIMESTAMP))
        GROUP BY user_id, CAST(ts AS DATE) HAVING count(DISTINCT customer_id) > getvariable('threshold')""",
}


def _late_extensions(con: duckdb.DuckDBPyConnection, start: str, end: str) -> set[str]:
    """Extensions notified after the first month (same day number, clipped, moved to a working day)."""
    import calendar

    import holidays

    finnish = holidays.Finland(years=range(2019, 2028))
    late = set()
    for request_id, received, notified in con.execute(
            "SELECT request_id, received_at, extension_notified_at FROM requests "
            "WHERE extension_notified_at IS NOT NULL").fetchall():
        year, month = (received.year + 1, 1) if received.month == 12 else (received.year, received.month + 1)
        deadline = date(year, month, min(received.day, calendar.monthrange(year, month)[1]))
        while deadline.weekday() >= 5 or deadline in finnish:
            deadline += timedelta(days=1)
        if start <= notified.date().isoformat() < end and notified.date() > deadline:
            late.add(f"requests/{request_id}")
    return late


def _shared_accounts(con: duckdb.DuckDBPyConnection, start: str, end: str) -> set[str]:
    """Accounts valid in the period that are marked shared or carry a function's name."""
    generic = {"admin", "test", "asiakaspalvelu", "kesaharjoittelijat", "yhteinen", "tuki", "markkinointi"}
    found = set()
    for user_id, shared, valid_from, valid_to in con.execute(
            "SELECT user_id, shared, strftime(valid_from, '%Y-%m-%d %H:%M:%S'), "
            "strftime(valid_to, '%Y-%m-%d %H:%M:%S') FROM staff").fetchall():
        in_period = valid_from < end and (valid_to is None or valid_to >= start)
        if in_period and (shared == "true" or re.sub(r"[\d._\s-]", "", user_id.lower()) in generic):
            found.add(f"staff_accounts/{user_id}")
    return found


def _late_requests(con: duckdb.DuckDBPyConnection, start: str, end: str) -> set[str]:
    import calendar

    import holidays

    finnish = holidays.Finland(years=range(2019, 2028))
    start_day, end_day = date.fromisoformat(start), date.fromisoformat(end)
    late = set()
    def deadline_after(received, months: int) -> date:
        year, month = divmod(received.month - 1 + months, 12)
        year, month = received.year + year, month + 1
        day = date(year, month, min(received.day, calendar.monthrange(year, month)[1]))
        while day.weekday() >= 5 or day in finnish:
            day += timedelta(days=1)
        return day

    for request_id, received, notified, completed in con.execute(
            "SELECT request_id, received_at, extension_notified_at, completed_at FROM requests").fetchall():
        # An extension counts only when notified within the first month.
        extended = notified is not None and notified.date() <= deadline_after(received, 1)
        deadline = deadline_after(received, 3 if extended else 1)
        if received.date() >= end_day:
            continue
        done_here = completed is not None and start_day <= completed.date() < end_day and completed.date() > deadline
        still_open = (completed is None or completed.date() >= end_day) and deadline < end_day
        if done_here or still_open:
            late.add(f"requests/{request_id}")
    return late


# --- inventory, quality and disclosure: an independent reading of their ground truth ----------------
# (inventory_pii_in_free_text has no second reading here; tests/test_end_to_end.py holds it to the audit.)
CHECK_IDS.update({
    "inventory_declared_category_unused", "inventory_category_not_declared_for_subject_type",
    "inventory_health_service_without_art9", "quality_invalid_email", "quality_invalid_phone",
    "quality_invalid_postal_code", "quality_duplicate_subject", "disclosure_undeclared_recipient",
    "disclosure_third_country_without_safeguards", "disclosure_undeclared_categories",
})
# EU and EEA states and whole-country adequacy decisions, written out here apart from the check's countries.yaml.
_SAFE_COUNTRIES = set("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK IS LI NO "
                      "AD AR CH FO GB GG IL IM JE JP KR NZ UY".split())


def _read_all(path: Path) -> list[dict[str, str]]:
    reader = {".csv": "read_csv", ".json": "read_json", ".parquet": "read_parquet"}.get(path.suffix)
    if reader is None:
        return []
    options = ", all_varchar = true" if reader == "read_csv" else ""
    cursor = duckdb.execute(f"SELECT * FROM {reader}(?{options})", [str(path)])
    names = [d[0] for d in cursor.description]
    return [{k: (None if v is None else str(v)) for k, v in zip(names, row)} for row in cursor.fetchall()]


def _other_readings(exports: Path, start: str, end: str) -> set[tuple[str, str]]:
    import phonenumbers

    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    mapping = yaml.safe_load((BUNDLED_DIR / "exports.yaml").read_text(encoding="utf-8"))["exports"]
    lo, hi = datetime.fromisoformat(start), datetime.fromisoformat(end)  # local wall times, as the CSVs hold
    found: set[tuple[str, str]] = set()

    def local(value: str | None) -> datetime | None:
        return None if not value else datetime.fromisoformat(value[:19])

    customers = _read_all(exports / "customers.csv")
    types = {"kuluttaja": "consumer", "palveluntarjoaja": "service_provider"}
    people = {c["customer_id"]: c for c in customers if local(c["registered_at"]) < hi}
    # Declared categories no column maps to.
    mapped = {spec.get("category") for e in mapping for spec in e["columns"].values()}
    found |= {("inventory_declared_category_unused", f"categories/{c['id']}") for c in register["data_categories"]
              if c["id"] not in mapped}
    # Categories held about a subject type that does not declare them.
    declared = {(t["id"], c) for t in register["subject_types"] for c in t["categories"]}
    for export in mapping:
        owner = next((col for col, spec in export["columns"].items()
                      if spec.get("field") in ("subject_id", "provider_id")), None)
        if owner is None:
            continue
        for row in _read_all(exports / export["file"]):
            person = people.get(row.get(owner))
            for column, spec in export["columns"].items():
                if person and spec.get("category") and (row.get(column) or "").strip() \
                        and (types[person["customer_type"]], spec["category"]) not in declared:
                    found.add(("inventory_category_not_declared_for_subject_type",
                               f"subjects/{person['customer_id']}#{spec['category']}"))
    # Health-related services bought in the period (no Art. 9(2) condition is declared).
    assert register["special_categories"]["art9_condition"] is None
    health = {s["service_id"] for s in _read_all(exports / "services.json")
              if s["category"].lower() in register["special_categories"]["health_service_categories"]}
    found |= {("inventory_health_service_without_art9", f"orders/{o['order_id']}")
              for o in _read_all(exports / "orders.csv") if o["service_id"] in health
              and lo <= local(o["ordered_at"]) < hi}
    # Quality, as of the period's end.
    keys: dict[tuple[str, str], list[tuple[datetime, str]]] = {}
    for c in people.values():
        ref, email, phone, code = f"subjects/{c['customer_id']}", (c["email"] or "").strip(), c["phone"], c["postal_code"]
        if email and (not re.fullmatch(r"[^@\s.]+(\.[^@\s.]+)*@[^@\s.]+(\.[^@\s.]+)+", email)):
            found.add(("quality_invalid_email", ref))
        number = re.sub(r"[^0-9+]", "", phone or "")
        valid = bool(phone) and phonenumbers.is_valid_number(phonenumbers.parse(phone, "FI"))
        if phone and not valid:
            found.add(("quality_invalid_phone", ref))
        if code and (c.get("country") or "FI").upper() == "FI" and not re.fullmatch(r"\d{5}", code):
            found.add(("quality_invalid_postal_code", ref))
        when = (local(c["registered_at"]), c["customer_id"])
        if email:
            keys.setdefault(("email", email.lower()), []).append(when)
        if valid:
            keys.setdefault(("phone", "+358" + number[1:] if number.startswith("0") else number), []).append(when)
    for registrations in keys.values():
        found |= {("quality_duplicate_subject", f"subjects/{cid}") for _, cid in sorted(registrations)[1:]}
    # Disclosures in the period.
    recipients = {r["id"]: r for r in register["recipients"]}
    for d in _read_all(exports / "disclosures.csv"):
        if not lo <= local(d["disclosed_at"]) < hi:
            continue
        ref, recipient = f"disclosures/{d['disclosure_id']}", recipients.get(d["recipient"].lower())
        if recipient is None:
            found.add(("disclosure_undeclared_recipient", ref))
        country = d["country"] or (recipient or {}).get("country")
        if country and country.upper() not in _SAFE_COUNTRIES and not (recipient or {}).get("safeguards"):
            found.add(("disclosure_third_country_without_safeguards", ref))
        listed = {c.strip().lower() for c in (d["categories"] or "").split(";") if c.strip()}
        if recipient is not None and listed - set(recipient["categories"]):
            found.add(("disclosure_undeclared_categories", ref))
    return found
