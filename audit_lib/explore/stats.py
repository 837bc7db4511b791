"""Register statistics as DuckDB aggregate queries, each returning a small DataFrame.

Every function takes the connection (canonical views, ``decl_*`` tables, calendar) and a params
mapping as ``audit_lib.explore.params_for`` makes it: ``period_start``, ``period_end``, ``as_of``
and the optional filters ``subject_type`` and ``channel`` (None: all). Values are bound by DuckDB.
The result's size depends on the declaration and the calendar, never on the number of records.

Deadlines and retention due dates are counted exactly as the checks count them
(``checks/rights/rights_request_late.sql``, ``checks/retention/retention_period_exceeded.sql``);
tests/test_explore_stats.py holds the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from audit_lib.sql import bind, ident

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

# Consent state of a subject on a channel, in force from each instant on: a grant and a withdrawal
# at the same instant count as a withdrawal (as consent_sent_after_withdrawal counts it).
CONSENT_STATE = """
  SELECT subject_id, channel, "at",
         CASE WHEN bool_or(action = 'withdrawn') THEN 'withdrawn' ELSE 'granted' END AS state
  FROM consent_events
  GROUP BY subject_id, channel, "at"
"""

# Filters: a NULL parameter means "all".
_TYPE = "(CAST($subject_type AS VARCHAR) IS NULL OR {col} = CAST($subject_type AS VARCHAR))"
_CHANNEL = "(CAST($channel AS VARCHAR) IS NULL OR {col} = CAST($channel AS VARCHAR))"
NEVER_ASKED, NOT_REQUIRED = "never asked", "not required"


def _fetch(con: "duckdb.DuckDBPyConnection", sql: str, params: Mapping[str, Any]) -> "pd.DataFrame":
    return con.execute(sql, bind(sql, dict(params))).fetch_df()


def _has(con: "duckdb.DuckDBPyConnection", name: str) -> bool:
    """True if the relation exists and, for a role, some export of the register gives it."""
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                            [name]).fetchone()[0]) and not unexported(con, name)


def unexported(con: "duckdb.DuckDBPyConnection", *roles: str) -> list[str]:
    """Those of ``roles`` that no export of the register gives (the loader's ``unexported_roles``)."""
    if not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'unexported_roles'"
                       ).fetchone()[0]:
        return []
    found = {r for (r,) in con.execute("SELECT role FROM unexported_roles").fetchall()}
    return [role for role in roles if role in found]


def register_overview(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any] | None = None) -> "pd.DataFrame":
    """Rows loaded per canonical role (role, rows), in the order of audit_lib.roles."""
    import pandas as pd

    from audit_lib.roles import ROLES

    rows = [(name, con.execute(f"SELECT count(*) FROM {ident(name)}").fetchone()[0])
            for name in ROLES if _has(con, name)]
    return pd.DataFrame(rows, columns=["role", "rows"])


def subjects_by_type(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Subjects registered before as_of, per subject type (subject_type, subjects)."""
    return _fetch(con, f"""
        SELECT subject_type, count(*) AS subjects FROM subjects
        WHERE (created_at IS NULL OR created_at < $as_of) AND {_TYPE.format(col='subject_type')}
        GROUP BY subject_type ORDER BY subject_type""", params)


def registrations_by_month(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Subjects registered per local calendar month before as_of (month, subject_type, subjects)."""
    return _fetch(con, f"""
        SELECT CAST(date_trunc('month', created_at) AS DATE) AS month, subject_type, count(*) AS subjects
        FROM subjects
        WHERE created_at < $as_of AND {_TYPE.format(col='subject_type')}
        GROUP BY ALL ORDER BY month, subject_type""", params)


def account_states(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any],
                   rule_id: str = "inactive_accounts") -> "pd.DataFrame":
    """Accounts at as_of by state (subject_type, state, subjects): closed (closed_at before as_of),
    inactive (past the declared ``rule_id`` retention rule, due as the retention check counts it),
    active, or unknown (no start date for the rule, or no such rule loaded)."""
    return _fetch(con, f"""
        SELECT s.subject_type,
               CASE WHEN s.closed_at < $as_of THEN 'closed'
                    WHEN d.due_at IS NULL THEN 'unknown'
                    WHEN d.due_at < $as_of THEN 'inactive'
                    ELSE 'active' END AS state,
               count(*) AS subjects
        FROM subjects s
        LEFT JOIN retention_due d ON d.rule_id = $rule_id AND d.subject_id = s.subject_id
        WHERE (s.created_at IS NULL OR s.created_at < $as_of) AND {_TYPE.format(col='s.subject_type')}
        GROUP BY ALL ORDER BY s.subject_type, state""", {**params, "rule_id": rule_id})


# consent_by_month's query in three steps (see its docstring). First what is counted: the consent
# states, the opt-in channels (declared, or seen in the events), the subjects of the type filter and
# the months from the first consent event's to as_of.
_CONSENT_MONTHS = f"""
        WITH consent_state AS ({CONSENT_STATE}),
        channels AS (
          SELECT channel FROM decl_marketing_channels WHERE requires = 'opt_in_consent'
          UNION SELECT DISTINCT channel FROM consent_events
        ),
        typed AS (
          SELECT subject_id, created_at FROM subjects WHERE {_TYPE.format(col='subject_type')}
        ),
        first_month AS (
          SELECT date_trunc('month', min(e."at")) AS m FROM consent_events e WHERE e."at" < $as_of
        ),
        months AS (
          SELECT CAST(t.m AS DATE) AS month
          FROM first_month f, generate_series(f.m, $as_of - INTERVAL 1 MICROSECOND, INTERVAL 1 MONTH) AS t(m)
          WHERE f.m IS NOT NULL
        ),
"""
# Each subject-channel pair's state at the end of the months it has events in, and a +1/-1 per
# month and state where it changes:
_CONSENT_CHANGES = f"""\
        month_end_state AS (
          SELECT c.subject_id, c.channel, CAST(date_trunc('month', c."at") AS DATE) AS month,
                 arg_max(c.state, c."at") AS state
          FROM consent_state c SEMI JOIN typed t ON t.subject_id = c.subject_id
          WHERE c."at" < $as_of AND {_CHANNEL.format(col='c.channel')}
          GROUP BY ALL
        ),
        changes AS (
          SELECT *, lag(state) OVER (PARTITION BY subject_id, channel ORDER BY month) AS before
          FROM month_end_state
        ),
        deltas AS (
          SELECT month, channel, state, sum(n) AS n FROM (
            SELECT month, channel, state, 1 AS n FROM changes WHERE before IS DISTINCT FROM state
            UNION ALL
            SELECT month, channel, before, -1 FROM changes WHERE before IS NOT NULL AND before <> state)
          GROUP BY ALL
        ),
"""
# The changes summed over the months (a running total) for every month, channel and state; never
# asked is the rest of the subjects registered by then:
_CONSENT_COUNTS = f"""\
        frame AS (
          SELECT m.month, c.channel, st.state
          FROM months m, channels c, (VALUES ('granted'), ('withdrawn')) st(state)
          WHERE {_CHANNEL.format(col='c.channel')}
        ),
        known AS (
          SELECT f.month, f.channel, f.state,
                 CAST(sum(coalesce(d.n, 0)) OVER (PARTITION BY f.channel, f.state ORDER BY f.month) AS BIGINT)
                   AS subjects
          FROM frame f LEFT JOIN deltas d USING (month, channel, state)
        ),
        registered AS (
          SELECT m.month, CAST(sum(coalesce(r.n, 0)) OVER (ORDER BY m.month) AS BIGINT) AS subjects
          FROM months m LEFT JOIN (
            SELECT greatest(coalesce(CAST(date_trunc('month', created_at) AS DATE), f.m), CAST(f.m AS DATE)) AS month,
                   count(*) AS n
            FROM typed, first_month f WHERE created_at IS NULL OR created_at < $as_of GROUP BY 1) r USING (month)
        )
        SELECT month, channel, state, subjects FROM known
        UNION ALL
        SELECT k.month, k.channel, '{NEVER_ASKED}', CAST(greatest(r.subjects - sum(k.subjects), 0) AS BIGINT)
        FROM known k JOIN registered r USING (month)
        GROUP BY k.month, k.channel, r.subjects
        ORDER BY month, channel, state"""


def consent_by_month(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Consent state per opt-in channel at each month's end, from the first consent event's month to
    as_of (month, channel, state, subjects): granted / withdrawn / never asked among the subjects
    registered by then.

    The state at a month's end is the one of the latest consent event before it (as of the month's
    end). Computed in one pass over the events: each subject-channel pair's state at the end of the
    months it has events in, a +1/-1 where it changes, summed over the months (a running total), so
    the cost grows with the events, not with subjects times months.
    """
    return _fetch(con, _CONSENT_MONTHS + _CONSENT_CHANGES + _CONSENT_COUNTS, params)


def marketing_volume(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Marketing messages sent in the period per channel, campaign and the consent state at send
    time (channel, campaign, consent_state, messages): granted / withdrawn / never asked on opt-in
    channels (the as-of join of the consent checks), not required on the others."""
    return _fetch(con, f"""
        WITH consent_state AS ({CONSENT_STATE}),
        sent AS (
          SELECT m.subject_id, m.channel, m.sent_at, coalesce(m.campaign, '(none)') AS campaign,
                 c.requires = 'opt_in_consent' AS needs_consent
          FROM marketing_messages m
          LEFT JOIN decl_marketing_channels c ON c.channel = m.channel
          WHERE m.sent_at >= $period_start AND m.sent_at < $period_end AND {_CHANNEL.format(col='m.channel')}
            AND (CAST($subject_type AS VARCHAR) IS NULL OR m.subject_id IN (
                 SELECT subject_id FROM subjects WHERE subject_type = CAST($subject_type AS VARCHAR)))
        )
        SELECT m.channel, m.campaign,
               CASE WHEN NOT coalesce(m.needs_consent, false) THEN '{NOT_REQUIRED}'
                    ELSE coalesce(s.state, '{NEVER_ASKED}') END AS consent_state,
               count(*) AS messages
        FROM sent m
        ASOF LEFT JOIN consent_state s
          ON s.subject_id = m.subject_id AND s.channel = m.channel AND m.sent_at >= s."at"
        GROUP BY ALL ORDER BY m.channel, m.campaign, consent_state""", params)


def retention_ages(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Age at as_of of the records each retention rule covers, in whole months counted from when the
    rule's period runs (rule_id, age_months, overdue, records, limit_months); overdue is the
    retention check's verdict (due date before as_of), limit_months the declared duration."""
    return _fetch(con, """
        WITH aged AS (
          SELECT d.rule_id, d.months + d.days / 30.0 AS limit_months,
                 d.due_at < $as_of AND d.action <> 'keep' AS overdue,
                 datediff('month', d.counted_from, $as_of) AS whole
              , d.counted_from
          FROM retention_due d
          -- What is still held at as_of, as retention_period_exceeded counts it.
          WHERE d.start_at < $as_of AND (d.deleted_at IS NULL OR d.deleted_at >= $as_of)
            AND (CAST($subject_type AS VARCHAR) IS NULL OR d.subject_id IN (
                 SELECT subject_id FROM subjects WHERE subject_type = CAST($subject_type AS VARCHAR)))
        )
        SELECT rule_id,
               greatest(whole - CASE WHEN counted_from + to_months(whole) > $as_of THEN 1 ELSE 0 END, 0)
                 AS age_months,
               overdue, count(*) AS records, any_value(limit_months) AS limit_months
        FROM aged
        GROUP BY ALL ORDER BY rule_id, age_months, overdue""", params)


def request_lead_times(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Requests of the period (received before its end, open at its start) by kind, status and days
    against the deadline (kind, status, days_vs_deadline, requests): on time, late, open, or open
    past the deadline; days are completion (or as_of) minus the deadline, negative meaning early."""
    return _fetch(con, """
        WITH scoped AS (
          SELECT j.*, j.completed_at IS NOT NULL AND j.completed_at < $period_end AS done
          FROM request_deadlines j
          WHERE j.received_at < $period_end AND (j.completed_at IS NULL OR j.completed_at >= $period_start)
            AND (CAST($subject_type AS VARCHAR) IS NULL OR j.subject_id IN (
                 SELECT subject_id FROM subjects WHERE subject_type = CAST($subject_type AS VARCHAR)))
        )
        SELECT kind,
               CASE WHEN done AND completed_day > deadline THEN 'late'
                    WHEN done THEN 'on time'
                    WHEN deadline < CAST($as_of AS DATE) THEN 'open, overdue'
                    ELSE 'open' END AS status,
               CASE WHEN done THEN completed_day - deadline
                    ELSE CAST($as_of AS DATE) - deadline END AS days_vs_deadline,
               count(*) AS requests
        FROM scoped WHERE deadline IS NOT NULL
        GROUP BY ALL ORDER BY kind, status, days_vs_deadline""", params)


def access_by_role_hour(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any]) -> "pd.DataFrame":
    """Access-log entries of the period per staff role and local hour of day (role, hour, accesses);
    an entry whose user has no staff account counts under role "(no account)"."""
    return _fetch(con, """
        WITH roles AS (SELECT user_id, any_value(role) AS role FROM staff_accounts GROUP BY user_id)
        SELECT coalesce(r.role, '(no account)') AS role, CAST(hour(a."at") AS INTEGER) AS hour,
               count(*) AS accesses
        FROM access_log a LEFT JOIN roles r USING (user_id)
        WHERE a."at" >= $period_start AND a."at" < $period_end
          AND (CAST($subject_type AS VARCHAR) IS NULL OR a.subject_id IN (
               SELECT subject_id FROM subjects WHERE subject_type = CAST($subject_type AS VARCHAR)))
        GROUP BY ALL ORDER BY role, hour""", params)


def heaviest_readers(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any], limit: int = 10) -> "pd.DataFrame":
    """The ``limit`` staff users with the most access-log entries in the period (user_id, role,
    accesses, subjects, busiest_day, busiest_day_accesses, bulk_threshold); user ids are staff ids."""
    return _fetch(con, """
        WITH roles AS (SELECT user_id, any_value(role) AS role FROM staff_accounts GROUP BY user_id),
        scoped AS (
          SELECT a.user_id, a.subject_id, CAST(a."at" AS DATE) AS day FROM access_log a
          WHERE a."at" >= $period_start AND a."at" < $period_end
            AND (CAST($subject_type AS VARCHAR) IS NULL OR a.subject_id IN (
                 SELECT subject_id FROM subjects WHERE subject_type = CAST($subject_type AS VARCHAR)))
        ),
        daily AS (SELECT user_id, day, count(*) AS n FROM scoped GROUP BY ALL),
        busiest AS (SELECT user_id, arg_max(day, (n, day)) AS busiest_day, max(n) AS busiest_day_accesses
                    FROM daily GROUP BY user_id),
        totals AS (SELECT user_id, count(*) AS accesses, count(DISTINCT subject_id) AS subjects
                   FROM scoped GROUP BY user_id)
        SELECT t.user_id, coalesce(r.role, '(no account)') AS role, t.accesses, t.subjects,
               b.busiest_day, b.busiest_day_accesses,
               (SELECT max(value) FROM decl_settings WHERE name = 'bulk_read_threshold_per_day') AS bulk_threshold
        FROM totals t JOIN busiest b USING (user_id) LEFT JOIN roles r USING (user_id)
        ORDER BY t.accesses DESC, t.user_id LIMIT $limit""", {**params, "limit": limit})


def declared_categories(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any] | None = None) -> "pd.DataFrame":
    """Categories register.yaml declares per subject type (subject_type, category_id)."""
    return con.execute("SELECT subject_type, category_id FROM decl_subject_type_categories "
                       "ORDER BY subject_type, category_id").fetch_df()


def categories_present(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any] | None = None) -> "pd.DataFrame":
    """Per subject type and category, how many export rows hold a non-empty value in a column
    exports.yaml maps to that category (subject_type, category_id, rows_with_values); a row's
    subject type is its subject's (services: its provider's); rows of unknown subjects are left out.

    The same presence the inventory check judges (checks/inventory/_categories.py), over the rows
    that loaded, with every export's subject resolved through the register's identifiers.
    """
    import pandas as pd

    from audit_lib.checks.inventory._categories import present_sql

    columns = ["subject_type", "category_id", "rows_with_values"]
    present = present_sql(con)
    if present is None or not _has(con, "subjects"):
        return pd.DataFrame(columns=columns)
    return con.execute(f"""
        SELECT s.subject_type, p.category_id, sum(p.n)::BIGINT AS rows_with_values
        FROM ({present}) p JOIN subjects s ON s.subject_id = p.subject_id
        WHERE s.subject_type IS NOT NULL
        GROUP BY ALL HAVING sum(p.n) > 0
        ORDER BY s.subject_type, p.category_id""").fetch_df()


def category_matrix(con: "duckdb.DuckDBPyConnection", params: Mapping[str, Any] | None = None) -> "pd.DataFrame":
    """Declared against present categories per subject type (subject_type, category_id, declared,
    present, rows_with_values): every declared pair and every present pair, once."""
    declared = declared_categories(con).assign(declared=True)
    present = categories_present(con)
    merged = declared.merge(present, on=["subject_type", "category_id"], how="outer")
    merged["declared"] = merged["declared"].fillna(False).astype(bool)
    merged["rows_with_values"] = merged["rows_with_values"].fillna(0).astype("int64")
    merged["present"] = merged["rows_with_values"] > 0
    return (merged[["subject_type", "category_id", "declared", "present", "rows_with_values"]]
            .sort_values(["subject_type", "category_id"]).reset_index(drop=True))
