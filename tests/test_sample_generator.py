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

SUBJECTS = 300
CHECK_IDS = {
    "inventory_undeclared_column", "consent_email_sms_without_optin", "consent_sent_after_withdrawal",
    "consent_marketing_to_banned_subject", "retention_period_exceeded", "rights_request_late",
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


def test_register_gaps_are_expected_in_every_period(sample):
    import audit_lib.sample

    with (Path(audit_lib.sample.__file__).parent / "register_gaps.csv").open(encoding="utf-8", newline="") as handle:
        gaps = {(r["check_id"], r["record_ref"]) for r in csv.DictReader(handle)}
    notice = {r for r in _expected_rows(sample) if r[1].startswith("notice_")}
    assert len(gaps) >= 20
    assert notice == {(period, check, ref) for period in PERIODS for check, ref in gaps}


# --- reproducibility --------------------------------------------------------------------------------
def test_same_seed_gives_identical_bytes(sample, tmp):
    again = generate(tmp / "b", seed=7, subjects=SUBJECTS)
    assert _digest(sample.out_dir) == _digest(again.out_dir)
    assert sample.row_counts == again.row_counts


def test_other_seed_gives_other_data(sample, tmp):
    other = generate(tmp / "c", seed=8, subjects=SUBJECTS)
    for name in ("customers.csv", "orders.csv", "marketing_messages.parquet", "access_log.csv"):
        assert (sample.exports_dir / name).read_bytes() != (other.exports_dir / name).read_bytes(), name


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
    assert sample.providers == 15
    assert SUBJECTS < counts["customers.csv"] <= SUBJECTS + 15
    assert counts["services.json"] == 45
    assert 2.5 * SUBJECTS < counts["orders.csv"] < 6 * SUBJECTS
    assert 0.8 * SUBJECTS < counts["consents.csv"] < 2 * SUBJECTS
    assert 5 * SUBJECTS < counts["marketing_messages.parquet"] < 15 * SUBJECTS
    assert 0.4 * SUBJECTS < counts["support_contacts.csv"] < 1.4 * SUBJECTS
    assert 11 + 3 <= counts["requests.xlsx"] < 11 + 0.06 * SUBJECTS
    assert counts["staff_accounts.csv"] == 15
    assert 10_000 < counts["access_log.csv"] < 30_000
    for name, count in counts.items():
        assert _rows(sample.exports_dir / name) == count, name


def test_postal_codes_stay_text_with_leading_zeros(sample):
    with (sample.exports_dir / "customers.csv").open(encoding="utf-8", newline="") as handle:
        codes = [row["postal_code"] for row in csv.DictReader(handle)]
    assert all(re.fullmatch(r"\d{5}", c) for c in codes)
    assert any(c.startswith("0") for c in codes)


def test_customers_have_undeclared_birth_date(sample):
    with (sample.exports_dir / "customers.csv").open(encoding="utf-8", newline="") as handle:
        births = [date.fromisoformat(row["birth_date"]) for row in csv.DictReader(handle)]
    assert all(date(1930, 1, 1) < b < date(2009, 1, 1) for b in births)


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
    assert {r[1] for r in rows} == CHECK_IDS
    for check in CHECK_IDS:
        assert sum(r[1] == check for r in rows) >= 2, check
    for period in PERIODS:  # violations are spread over both quarters
        assert len({r[1] for r in rows if r[0] == period}) == len(CHECK_IDS)


def test_violations_are_the_expected_findings(sample):
    from_violations = {(p, v.check_id, v.record_ref) for v in sample.violations for p in v.periods}
    assert from_violations == set(_expected(sample))
    assert all(v.why for v in sample.violations)


def test_near_misses_are_not_expected(sample):
    refs = {r[2] for r in _expected(sample)}
    assert len(sample.near_misses) >= 10
    assert {n.check_id for n in sample.near_misses} == CHECK_IDS - {"inventory_undeclared_column"}
    for near in sample.near_misses:
        assert near.record_ref not in refs, near


def test_independent_reading_of_the_checks_agrees(sample):
    con = _load(sample.exports_dir)
    found = set()
    for period, (start, end) in PERIODS.items():
        params = {"start": start, "end": end, "zone": ZONE}
        for check, sql in ORACLE.items():
            used = {k: v for k, v in params.items() if f"${k}" in sql}
            found |= {(period, check, ref) for (ref,) in con.execute(sql, used).fetchall()}
        found |= {(period, "rights_request_late", ref) for ref in _late_requests(con, start, end)}
        found |= {(period, "inventory_undeclared_column", f"exports/{name}#{column}")
                  for name, columns in _declared().items()
                  for column in _header(sample.exports_dir / name) if column not in columns}
    assert found == set(_expected(sample))


def test_rules_count_with_the_register(sample):
    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    assert register["requests"]["deadline"] == f"P{rules.REQUEST_DEADLINE_MONTHS}M"
    assert register["requests"]["extension"] == f"P{rules.REQUEST_EXTENSION_MONTHS}M"
    declared = {r["role"]: (r["duration"], r.get("anchor")) for r in register["retention"]["rules"]}
    assert declared == {role: (f"P{years}Y", "end_of_year" if eoy else None)
                        for role, (years, eoy) in rules.RETENTION.items()}


# --- a clean bulk for the checks still to come ------------------------------------------------------
def test_contact_details_are_valid_and_unique(sample):
    con = _load(sample.exports_dir)
    bad = con.execute("""
        SELECT count(*) FILTER (WHERE NOT regexp_full_match(email, '[a-z][a-z.-]*[0-9]*@example\\.(com|net|org)')),
               count(*) FILTER (WHERE NOT regexp_full_match(phone, '\\+358 (40|41|44|45|46|50) [0-9]{7}')),
               count(*) - count(DISTINCT email), count(*) - count(DISTINCT phone),
               count(*) - count(DISTINCT customer_id)
        FROM subjects""").fetchone()
    assert bad == (0, 0, 0, 0, 0)


def test_marketing_and_consents_carry_their_evidence(sample):
    con = _load(sample.exports_dir)
    assert con.execute("SELECT count(*) FROM messages WHERE NOT has_opt_out OR has_opt_out IS NULL").fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM consents WHERE source IS NULL OR source = ''").fetchone() == (0,)
    channels = con.execute("SELECT DISTINCT channel FROM messages ORDER BY 1").fetchall()
    assert channels == [("email",), ("post",), ("sms",)]


def test_staff_access_is_personal_valid_permitted_and_modest(sample):
    con = _load(sample.exports_dir)
    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    allowed = [(r["id"], t) for r in register["access"]["roles"] for t in r["may_access"]]
    con.execute("CREATE TABLE allowed (role VARCHAR, table_accessed VARCHAR)")
    con.executemany("INSERT INTO allowed VALUES (?, ?)", allowed)
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
    for table in ("subjects", "consents", "messages", "orders", "contacts", "access"):
        assert con.execute(f"SELECT count(*) FROM {table} WHERE list_contains(?, customer_id)",
                           [erased]).fetchone() == (0,), table
    for table in ("consents", "messages", "orders", "contacts"):
        assert con.execute(f"SELECT count(*) FROM {table} ANTI JOIN subjects USING (customer_id)").fetchone() == (0,)


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
        texts = {row["message"] for row in csv.DictReader(handle)}
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
              f"*, {local('last_active_at')} AS last_active_at_tz, {local('marketing_ban_since')} AS ban_since")
    con.execute("ALTER TABLE subjects DROP COLUMN last_active_at")
    con.execute("ALTER TABLE subjects RENAME COLUMN last_active_at_tz TO last_active_at")
    csv_table("consents", "consents.csv", f"customer_id, channel, action, source, {local('recorded_at')} AS ts")
    csv_table("orders", "orders.csv", f"order_id, customer_id, {local('ordered_at')} AS ts")
    csv_table("contacts", "support_contacts.csv", f"contact_id, customer_id, {local('contacted_at')} AS ts")
    csv_table("staff", "staff_accounts.csv",
              f"user_id, role, shared, {local('valid_from')} AS valid_from, {local('valid_to')} AS valid_to")
    csv_table("access", "access_log.csv", f"user_id, table_accessed, customer_id, {local('accessed_at')} AS ts")
    con.execute("CREATE TABLE messages AS SELECT * FROM read_parquet(?)", [str(exports / "marketing_messages.parquet")])
    rows = _xlsx_rows(exports / "requests.xlsx")
    con.execute("CREATE TABLE requests (request_id VARCHAR, customer_id VARCHAR, kind VARCHAR, received_at TIMESTAMP,"
                " extension_notified_at TIMESTAMP, completed_at TIMESTAMP, outcome VARCHAR)")
    con.executemany("INSERT INTO requests VALUES (?, ?, ?, ?, ?, ?, ?)", [list(r) for r in rows[1:]])
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
        UNION ALL SELECT 'subjects/' || customer_id FROM subjects
        WHERE last_active_at + INTERVAL 3 YEAR < {_AS_OF}
        UNION ALL SELECT 'support_contacts/' || contact_id FROM contacts WHERE ts + INTERVAL 3 YEAR < {_AS_OF}""",
}


def _late_requests(con: duckdb.DuckDBPyConnection, start: str, end: str) -> set[str]:
    import calendar

    import holidays

    finnish = holidays.Finland(years=range(2019, 2028))
    start_day, end_day = date.fromisoformat(start), date.fromisoformat(end)
    late = set()
    for request_id, received, extended, completed in con.execute(
            "SELECT request_id, received_at, extension_notified_at, completed_at FROM requests").fetchall():
        months = 3 if extended else 1
        year, month = divmod(received.month - 1 + months, 12)
        year, month = received.year + year, month + 1
        deadline = date(year, month, min(received.day, calendar.monthrange(year, month)[1]))
        while deadline.weekday() >= 5 or deadline in finnish:
            deadline += timedelta(days=1)
        if received.date() >= end_day:
            continue
        done_here = completed is not None and start_day <= completed.date() < end_day and completed.date() > deadline
        still_open = (completed is None or completed.date() >= end_day) and deadline < end_day
        if done_here or still_open:
            late.add(f"requests/{request_id}")
    return late
