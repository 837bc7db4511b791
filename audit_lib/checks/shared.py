"""Intermediate results that several checks read, defined once here and made once per audit.

A SQL check names what it reads in its header (``shared: [access_log_in_period]``) and reads the
table ``shared_<name>``; a Python check calls ``context.shared(name)``. ``CheckContext.shared`` makes
each table on first use, with the audit's ``$parameters`` bound, and every later reader gets the
same table: the period's access log is read from the role view once, not once per check. Share only
what measures better (benchmarks/bench_checks.py): the period's marketing messages were tried, and
DuckDB's filter on the role view already made each read cheap (0.9x at 1M). A result a Python module must compute in Python (the phone numbers in E.164) is made through
the same ``CheckContext.shared`` with a builder function instead of SQL.
"""

from __future__ import annotations

# name -> SQL over the role views and decl_* tables (DuckDB dialect, $parameters as everywhere).
SHARED_SQL: dict[str, str] = {
    # The period's reads of the register by staff: the three access checks and their populations.
    "access_log_in_period": (
        'SELECT access_id, user_id, "at", role_accessed, subject_id, action FROM access_log '
        'WHERE "at" >= $period_start AND "at" < $period_end'),
    # Subjects in the register as of the period's end (registered before it, or at an unknown time): the
    # quality checks read their contact details from this one pass over the role view.
    "subjects_in_register": ("SELECT subject_id, created_at, email, phone, postal_code, country FROM subjects "
                             "WHERE created_at IS NULL OR created_at < $as_of"),
    # Every subject of every role view and export file, with whether the master register holds it
    # (loader/identity.py): it groups every role view, so it is read once per audit. The runner's
    # guard against joins that cannot match counts each role's subjects from it.
    "subject_index": "SELECT * FROM subject_index",
    # Granted e-mail and SMS consents joined to their subject's contact details, once: the population
    # of consent_for_channel_without_contact counts it, its findings filter it.
    "granted_channel_consents": (
        "SELECT e.event_id, e.subject_id, e.\"at\", e.channel, "
        "CASE e.channel WHEN 'email' THEN s.email IS NULL ELSE s.phone IS NULL END AS no_contact "
        "FROM consent_events e JOIN subjects s ON s.subject_id = e.subject_id "
        "WHERE e.action = 'granted' AND e.channel IN ('email', 'sms') AND e.\"at\" < $as_of"),
}

# name -> the relations its SQL reads (for `check --only`, which loads what the selected checks read).
SHARED_READS: dict[str, tuple[str, ...]] = {
    "access_log_in_period": ("access_log",),
    "granted_channel_consents": ("consent_events", "subjects"),
    "subjects_in_register": ("subjects",),
    "subject_index": ("subject_index",),
}
