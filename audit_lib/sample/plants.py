"""Planted cases: violations with their expected findings, and near misses that must stay clean.

One function per check id, registered with ``@plant(check_id)`` in PLANTS. A function adopts a few
bulk subjects (their own bulk records are removed first, so nothing else in the bulk interferes),
gives them the records of its case through the PlantContext, and states the expected finding of each
violation (``expect``) or names the near miss (``near_miss``). Periods come from ``rules``, so a
plant only says what it planted, never which quarter it lands in. To add a check's plants, write
one more function here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from audit_lib.sample import finnish, prng, rules
from audit_lib.sample.bulk import IdFormat
from audit_lib.sample.layout import export_for_role

if TYPE_CHECKING:
    import duckdb

# Tables whose rows belong to a subject: an adopted subject's rows are removed from all of them.
SUBJECT_TABLES = ("consent_events", "marketing_messages", "orders", "support_contacts", "requests", "access_log",
                  "usage_events")
_KEYS = {"consent_events": "consent_id", "marketing_messages": "message_id", "orders": "order_id",
         "support_contacts": "contact_id", "requests": "request_id", "services": "service_id",
         "disclosures": "disclosure_id", "access_log": "log_id", "usage_events": "event_id"}


@dataclass(frozen=True)
class Finding:
    """One expected row of expected_findings.csv."""

    period: str
    check_id: str
    record_ref: str


@dataclass(frozen=True)
class Violation:
    """A planted violation: the record, the periods it is a finding in, and what makes it one."""

    check_id: str
    record_ref: str
    periods: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class NearMiss:
    """A planted record that looks like a violation of ``check_id`` but is not one."""

    check_id: str
    record_ref: str
    why: str


@dataclass
class PlantContext:
    """What plant functions work through: adoption of subjects, new records, expectations."""

    con: "duckdb.DuckDBPyConnection"
    seed: int
    ids: dict[str, IdFormat]
    fmt: str
    violations: list[Violation] = field(default_factory=list)
    near_misses: list[NearMiss] = field(default_factory=list)
    exposed: dict[str, list[str]] = field(default_factory=dict)
    _adopted: list[str] = field(default_factory=list)
    _rows: dict[str, list[dict]] = field(default_factory=dict)
    _updates: list[tuple[str, dict]] = field(default_factory=list)
    _next: dict[str, int] = field(default_factory=dict)
    _reserved: list[str] = field(default_factory=list)
    _erased: list[str] = field(default_factory=list)
    _fresh: int = 0

    # --- subjects ---------------------------------------------------------------------------------
    def adopt(self, salt: str, registered_before: datetime, registered_after: datetime | None = None) -> str:
        """A consumer of the bulk, chosen by ``salt``, registered before the given local time (and
        at or after ``registered_after``), open and without a marketing ban; its own bulk records are
        dropped before the plants are added."""
        row = self.con.execute(
            "SELECT customer_id FROM subjects "
            "WHERE _kind = 'c' AND registered_at < ? AND registered_at >= coalesce(?, registered_at) "
            "AND closed_at IS NULL AND marketing_ban = 'ei' "
            "AND NOT list_contains(?, customer_id) ORDER BY rnd_s(?, _idx), customer_id LIMIT 1",
            [registered_before, registered_after, self._adopted + self._reserved,
             prng.stream(self.seed, salt)]).fetchone()
        if row is None:
            raise RuntimeError(f"no consumer registered before {registered_before} is left to plant {salt!r}")
        self._adopted.append(row[0])
        return row[0]

    def reserve(self, customer_ids: list[str]) -> None:
        """Keep ``customer_ids`` from being adopted by later plants (a plant refers to them as they are,
        e.g. reads them in the access log)."""
        self._reserved.extend(customer_ids)

    def erase_subject(self, customer_id: str) -> str:
        """Remove the subject's row, as a completed erasure does; returns its record reference."""
        self._erased.append(customer_id)
        return f"subjects/{customer_id}"

    def fresh_subject_id(self) -> str:
        """A consumer id the bulk never issued: for subjects whose erasure was completed before the
        plant's records (only the plant's records and its request name them)."""
        self._fresh += 1
        first = self.con.execute("SELECT getvariable('n_consumers')").fetchone()[0]
        return self.ids["consumer"].format(first + 100 + self._fresh)

    def update_subject(self, customer_id: str, **values: object) -> str:
        """Set columns of a subject's row; returns its record reference."""
        self._updates.append((customer_id, values))
        return f"subjects/{customer_id}"

    # --- records ----------------------------------------------------------------------------------
    def _new(self, table: str, values: dict) -> str:
        key = _KEYS[table]
        if table not in self._next:
            count = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            self._next[table] = count + 1
        values = {key: self.ids[table].format(self._next[table]), **values}
        self._next[table] += 1
        self._rows.setdefault(table, []).append(values)
        return f"{table}/{values[key]}"

    def consent(self, customer_id: str, channel: str, action: str, at: datetime, source: str) -> str:
        """A consent event; returns its record reference."""
        return self._new("consent_events", {"customer_id": customer_id, "channel": channel, "action": action,
                                            "recorded_at": at, "source": source})

    def message(self, customer_id: str, channel: str, sent_at: datetime, opt_out: bool = True) -> str:
        """A marketing message (with an opt-out, as every bulk message has) sent at local ``sent_at``."""
        campaign = finnish.campaign_name(channel, sent_at.year, sent_at.month)
        return self._new("marketing_messages", {"customer_id": customer_id, "channel": channel, "sent_at": sent_at,
                                                "campaign": campaign, "has_opt_out": opt_out})

    def order(self, customer_id: str, ordered_at: datetime, salt: str, service: tuple[str, str] | None = None,
              billing: bool = True, deleted_at: datetime | None = None) -> str:
        """An order of a service chosen by ``salt`` (or of ``service``: its id and price), billed to the
        subject's name and e-mail (left empty with ``billing=False``); with ``deleted_at``, the webshop's
        tombstone of an order deleted then (its billing columns emptied)."""
        service_id, price = service or self.con.execute(
            "SELECT service_id, _price FROM services ORDER BY rnd_s(?, _idx), service_id LIMIT 1",
            [prng.stream(self.seed, salt)]).fetchone()
        name, email = self.con.execute(
            "SELECT first_name || ' ' || last_name, email FROM subjects WHERE customer_id = ?",
            [customer_id]).fetchone()
        if not billing or deleted_at is not None:  # minimised: only the columns bookkeeping keeps
            name = email = None
        return self._new("orders", {"customer_id": customer_id, "ordered_at": ordered_at, "service_id": service_id,
                                    "amount_eur": price, "billing_name": name, "billing_email": email,
                                    "deleted_at": deleted_at})

    def service(self, provider_id: str, title: str, category: str, price: str) -> str:
        """A service for sale (bulk orders never buy it); returns its record reference."""
        return self._new("services", {"provider_id": provider_id, "title": title, "category": category,
                                      "_price": price})

    def disclosure(self, recipient: str, at: datetime, categories: str, rows: int, country: str | None) -> str:
        """An entry of the disclosure log; returns its record reference."""
        return self._new("disclosures", {"recipient": recipient, "disclosed_at": at, "categories": categories,
                                         "rows": rows, "country": country})

    def staff_account(self, user_id: str, role: str, valid_from: datetime, valid_to: datetime | None = None,
                      shared: bool = False) -> str:
        """A staff account; returns its record reference."""
        self._rows.setdefault("staff_accounts", []).append({
            "user_id": user_id, "role": role, "valid_from": valid_from, "valid_to": valid_to,
            "shared": "true" if shared else "false", "_idx": 1000 + len(self._rows.get("staff_accounts", []))})
        return f"staff_accounts/{user_id}"

    def access(self, user_id: str, at: datetime, table: str, customer_id: str, action: str = "read") -> str:
        """An access-log entry; returns its record reference."""
        return self._new("access_log", {"user_id": user_id, "accessed_at": at, "table_accessed": table,
                                        "customer_id": customer_id, "action": action})

    def usage(self, customer_id: str | None, at: datetime, purpose: str, consent_given: bool, cookie_id: str) -> str:
        """A cookie/usage event; returns its record reference."""
        return self._new("usage_events", {"customer_id": customer_id, "cookie_id": cookie_id, "used_at": at,
                                          "cookie_purpose": purpose, "consent_given": consent_given})

    def contact(self, customer_id: str, at: datetime, text: str) -> str:
        """A customer-service contact."""
        return self._new("support_contacts", {"customer_id": customer_id, "contacted_at": at, "message": text})

    def request(self, customer_id: str, kind: str, received: datetime, completed: datetime | None = None,
                extension_notified: datetime | None = None) -> str:
        """A data-subject request; open when ``completed`` is None."""
        outcome = finnish.REQUEST_OUTCOMES[kind] if completed else None
        return self._new("requests", {"customer_id": customer_id, "kind": kind, "received_at": received,
                                      "extension_notified_at": extension_notified, "completed_at": completed,
                                      "outcome": outcome})

    # --- expectations -----------------------------------------------------------------------------
    def expect(self, check_id: str, record_ref: str, periods: list[str], why: str) -> None:
        """``record_ref`` is a finding of ``check_id`` in each of ``periods`` (at least one)."""
        if not periods:
            raise ValueError(f"planted {record_ref} for {check_id} falls in no audited period")
        self.violations.append(Violation(check_id, record_ref, tuple(periods), why))

    @property
    def findings(self) -> set[Finding]:
        """The expected findings: one per violation and period."""
        return {Finding(p, v.check_id, v.record_ref) for v in self.violations for p in v.periods}

    def near_miss(self, check_id: str, record_ref: str, why: str, periods: list[str] | None = None) -> None:
        """``record_ref`` must not be a finding of ``check_id``; ``periods`` (if given) must be empty,
        which proves with ``rules`` that the near miss really is one."""
        if periods:
            raise ValueError(f"near miss {record_ref} of {check_id} is a finding in {periods}")
        self.near_misses.append(NearMiss(check_id, record_ref, why))

    def expose_column(self, role: str, column: str) -> str:
        """Write the working table's ``column`` into the role's export although exports.yaml does not
        map it; returns the inventory record reference."""
        self.exposed.setdefault(role, []).append(column)
        return f"exports/{export_for_role(role).name_in(self.fmt)}#{column}"

    # --- applying ---------------------------------------------------------------------------------
    def apply(self) -> None:
        """Drop the adopted subjects' bulk records, then insert and update the planted ones."""
        for table in SUBJECT_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE list_contains(?, customer_id)", [self._adopted])
        for table, rows in self._rows.items():
            columns = list(rows[0])
            self.con.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [[row[c] for c in columns] for row in rows])
        for customer_id, values in self._updates:
            for column, value in values.items():
                self.con.execute(f"UPDATE subjects SET {column} = ? WHERE customer_id = ?", [value, customer_id])
        if self._erased:
            self.con.execute("DELETE FROM subjects WHERE list_contains(?, customer_id)", [self._erased])


Plant = Callable[[PlantContext], None]
PLANTS: list[tuple[str, Plant]] = []


def plant(check_id: str) -> Callable[[Plant], Plant]:
    """Register a function that plants the cases of ``check_id``."""
    def register(function: Plant) -> Plant:
        PLANTS.append((check_id, function))
        return function
    return register


def _import_family_plants() -> None:
    # Plants of further check families live in plants_<family>.py beside this module; importing
    # them registers their functions. Sorted, so the order (and so the ids planted) is stable.
    import importlib
    from pathlib import Path

    for path in sorted(Path(__file__).parent.glob("plants_*.py")):
        importlib.import_module(f"{__package__}.{path.stem}")


def apply_plants(ctx: PlantContext) -> PlantContext:
    """Run every registered plant function on ``ctx`` and apply the result to the tables."""
    _import_family_plants()
    for _check_id, function in PLANTS:
        function(ctx)
    ctx.apply()
    return ctx


def _t(*parts: int) -> datetime:
    return datetime(*parts)


# --- inventory --------------------------------------------------------------------------------------
@plant("inventory_undeclared_column")
def undeclared_columns(ctx: PlantContext) -> None:
    """A birth date in the customer export and open tracking in the newsletter tool's, neither mapped."""
    check = "inventory_undeclared_column"
    every = [p.label for p in rules.periods()]  # a property of the files, not of a period
    ctx.expect(check, ctx.expose_column("subjects", "birth_date"), every,
               "birth dates exported by the webshop, in no declared category")
    ctx.expect(check, ctx.expose_column("marketing_messages", "opened_at"), every,
               "e-mail open tracking exported by the newsletter tool, in no declared category")


# --- consent ----------------------------------------------------------------------------------------
@plant("consent_email_sms_without_optin")
def messages_without_optin(ctx: PlantContext) -> None:
    """E-mail and SMS without any consent event at or before the send."""
    check = "consent_email_sms_without_optin"

    def violation(salt: str, registered_before: datetime, channel: str, sent: datetime, why: str,
                  consents: tuple = ()) -> None:
        s = ctx.adopt(salt, registered_before)
        for args in consents:
            ctx.consent(s, *args)
        ctx.expect(check, ctx.message(s, channel, sent), rules.event_periods(sent), why)

    violation("optin_none", _t(2024, 1, 1), "email", _t(2026, 5, 12, 10, 0), "no consent event at all")
    violation("optin_other_channel", _t(2024, 1, 1), "sms", _t(2026, 7, 1, 0, 30),
              "consent for e-mail only; the SMS goes out at 00:30 on 1 July, Q3 locally, still 30 June in UTC",
              consents=(("email", "granted", _t(2024, 2, 3, 18, 4, 11), "newsletter_form"),))
    violation("optin_late_grant", _t(2026, 1, 1), "email", _t(2026, 8, 14, 11, 59, 59),
              "sent 1 s before the consent was granted",
              consents=(("email", "granted", _t(2026, 8, 14, 12, 0, 0), "checkout_checkbox"),))

    s = ctx.adopt("optin_near_second", _t(2026, 1, 1))
    ctx.consent(s, "email", "granted", _t(2026, 8, 3, 9, 0, 0), "newsletter_form")
    ctx.near_miss(check, ctx.message(s, "email", _t(2026, 8, 3, 9, 0, 1)),
                  "sent 1 s after the grant (local 09:00:01 = 06:00:01 UTC; the grant is local time in CSV)")
    s = ctx.adopt("optin_near_same_instant", _t(2026, 1, 1))
    ctx.consent(s, "sms", "granted", _t(2026, 6, 15, 14, 0, 0), "checkout_checkbox")
    ctx.near_miss(check, ctx.message(s, "sms", _t(2026, 6, 15, 14, 0, 0)), "sent at the instant of the grant")


@plant("consent_sent_after_withdrawal")
def messages_after_withdrawal(ctx: PlantContext) -> None:
    """E-mail and SMS whose latest consent event at send time is a withdrawal."""
    check = "consent_sent_after_withdrawal"

    def case(salt: str, channel: str, consents: tuple, sent: datetime) -> tuple[str, str]:
        s = ctx.adopt(salt, consents[0][1])
        for action, at, source in consents:
            ctx.consent(s, channel, action, at, source)
        return s, ctx.message(s, channel, sent)

    _, m = case("withdrawn_before", "email", (("granted", _t(2024, 3, 1, 19, 12, 5), "checkout_checkbox"),
                                              ("withdrawn", _t(2026, 5, 20, 10, 0, 0), "unsubscribe_link")),
                _t(2026, 6, 2, 9, 0))
    ctx.expect(check, m, rules.event_periods(_t(2026, 6, 2, 9, 0)), "sent 13 days after the unsubscribe")
    _, m = case("withdrawn_same_instant", "sms", (("granted", _t(2025, 1, 10, 12, 0, 0), "account_settings"),
                                                  ("withdrawn", _t(2026, 8, 5, 12, 0, 0), "unsubscribe_link")),
                _t(2026, 8, 5, 12, 0, 0))
    ctx.expect(check, m, rules.event_periods(_t(2026, 8, 5, 12, 0)),
               "sent at the very instant of the withdrawal (at <= sent_at, so it is in force)")
    _, m = case("withdrawn_tie", "email", (("granted", _t(2026, 7, 10, 15, 0, 0), "checkout_checkbox"),
                                           ("withdrawn", _t(2026, 7, 10, 15, 0, 0), "account_settings")),
                _t(2026, 7, 20, 10, 0))
    ctx.expect(check, m, rules.event_periods(_t(2026, 7, 20, 10, 0)),
               "grant and withdrawal at the same instant: the withdrawal wins")

    _, m = case("withdrawn_near_second", "email", (("granted", _t(2025, 5, 5, 8, 30, 0), "newsletter_form"),
                                                   ("withdrawn", _t(2026, 9, 10, 18, 0, 0), "unsubscribe_link")),
                _t(2026, 9, 10, 17, 59, 59))
    ctx.near_miss(check, m, "sent 1 s before the withdrawal")
    _, m = case("withdrawn_regranted", "email", (("granted", _t(2024, 6, 1, 12, 0, 0), "checkout_checkbox"),
                                                 ("withdrawn", _t(2025, 2, 1, 12, 0, 0), "unsubscribe_link"),
                                                 ("granted", _t(2026, 4, 20, 12, 0, 0), "newsletter_form")),
                _t(2026, 5, 4, 9, 0))
    ctx.near_miss(check, m, "sent after the consent was withdrawn and then given again")


@plant("consent_marketing_to_banned_subject")
def marketing_to_banned(ctx: PlantContext) -> None:
    """Messages to subjects with a marketing ban; e-mail and SMS ones have a valid consent, so only
    the ban makes them findings."""
    check = "consent_marketing_to_banned_subject"

    def case(salt: str, registered_before: datetime, ban_since: datetime | None, channel: str, sent: datetime,
             consent: datetime | None = None) -> str:
        s = ctx.adopt(salt, registered_before)
        if consent:
            ctx.consent(s, channel, "granted", consent, "checkout_checkbox")
        ctx.update_subject(s, marketing_ban="kyllä", marketing_ban_since=ban_since)
        return ctx.message(s, channel, sent)

    sent = _t(2026, 5, 5, 9, 0)
    ctx.expect(check, case("banned_post", _t(2025, 1, 1), _t(2026, 3, 1, 11, 0), "post", sent),
               rules.event_periods(sent), "catalogue posted two months after the ban")
    sent = _t(2026, 8, 12, 10, 0)
    ctx.expect(check, case("banned_email", _t(2024, 9, 1), _t(2026, 7, 1, 10, 0), "email", sent,
                           consent=_t(2024, 9, 1, 20, 15, 0)),
               rules.event_periods(sent), "the ban never reached the newsletter tool, whose consent is still granted")
    sent = _t(2026, 9, 15, 12, 0)
    ctx.expect(check, case("banned_undated", _t(2025, 3, 3), None, "sms", sent, consent=_t(2025, 3, 3, 17, 45, 0)),
               rules.event_periods(sent), "a ban without a date counts from always")
    sent = _t(2026, 6, 10, 12, 0, 0)
    ctx.expect(check, case("banned_same_instant", _t(2023, 12, 1), _t(2026, 6, 10, 12, 0, 0), "email", sent,
                           consent=_t(2023, 12, 1, 9, 0, 0)),
               rules.event_periods(sent), "sent at the instant the ban starts (sent_at >= marketing_ban_since)")
    ctx.near_miss(check, case("banned_near_day_before", _t(2025, 1, 1), _t(2026, 8, 20, 9, 0), "post",
                              _t(2026, 8, 19, 9, 0)), "posted the day before the ban started")


# --- retention --------------------------------------------------------------------------------------
@plant("retention_period_exceeded")
def kept_too_long(ctx: PlantContext) -> None:
    """Orders of 2019, accounts inactive since before 2023-07-01 (and one since 2023-08-15), old contacts."""
    check = "retention_period_exceeded"
    # Orders: P6Y from the end of the local year of the order.
    s = ctx.adopt("retention_orders", _t(2019, 3, 1))
    for at, why in ((_t(2019, 3, 14, 12, 5), "order of 2019: due 2026-01-01"),
                    (_t(2019, 11, 2, 18, 40), "order of 2019: due 2026-01-01"),
                    (_t(2019, 12, 31, 23, 30), "order of 2019-12-31 23:30 local (21:30 UTC): due 2026-01-01")):
        ctx.expect(check, ctx.order(s, at, f"retention_order_{at:%m%d}"), rules.overdue_periods("orders", at), why)
    s = ctx.adopt("retention_order_near", _t(2019, 12, 1))
    at = _t(2020, 1, 1, 0, 30)
    ctx.near_miss(check, ctx.order(s, at, "retention_order_near"),
                  "ordered 2020-01-01 00:30 local (still 2019 in UTC): due 2027-01-01",
                  rules.overdue_periods("orders", at))
    # Accounts: P3Y from last activity.
    for salt, at, why in (("retention_subject_2022", _t(2022, 11, 20, 17, 45), "inactive since 2022-11-20"),
                          ("retention_subject_2023_06", _t(2023, 6, 15, 10, 0),
                           "inactive since 2023-06-15: due 2026-06-15"),
                          ("retention_subject_2023_08", _t(2023, 8, 15, 12, 0),
                           "inactive since 2023-08-15: due 2026-08-15, in Q3 only")):
        s = ctx.adopt(salt, at)
        ctx.expect(check, ctx.update_subject(s, last_active_at=at), rules.overdue_periods("subjects", at), why)
    at = _t(2023, 10, 2, 0, 0)
    s = ctx.adopt("retention_subject_near", at)
    ctx.near_miss(check, ctx.update_subject(s, last_active_at=at),
                  "last active 2023-10-02 00:00: due 2026-10-02, one day after Q3 ends",
                  rules.overdue_periods("subjects", at))
    # Support contacts: P3Y from the contact.
    for salt, at, why in (("retention_contact_2023_03", _t(2023, 3, 10, 14, 0), "contact of 2023-03-10"),
                          ("retention_contact_2023_09", _t(2023, 9, 5, 9, 30),
                           "contact of 2023-09-05: due 2026-09-05, in Q3 only")):
        s = ctx.adopt(salt, at)
        ctx.expect(check, ctx.contact(s, at, finnish.CONSUMER_SUPPORT_TEXTS[2]),
                   rules.overdue_periods("support_contacts", at), why)
    at = _t(2023, 10, 15, 16, 20)
    s = ctx.adopt("retention_contact_near", at)
    ctx.near_miss(check, ctx.contact(s, at, finnish.CONSUMER_SUPPORT_TEXTS[0]),
                  "contact of 2023-10-15: due 2026-10-15", rules.overdue_periods("support_contacts", at))


# --- rights -----------------------------------------------------------------------------------------
@plant("rights_request_late")
def late_requests(ctx: PlantContext) -> None:
    """Requests answered after the deadline, or open past it, and the calendar's near misses."""
    check = "rights_request_late"

    def request(salt: str, kind: str, received: datetime, completed: datetime | None,
                extension: datetime | None) -> tuple[str, list[str]]:
        s = ctx.adopt(salt, received)
        return ctx.request(s, kind, received, completed, extension), rules.late_periods(received, extension, completed)

    for salt, kind, received, completed, extension, why in (
        ("late_one_day", "access", _t(2026, 6, 15, 10, 0), _t(2026, 7, 16, 9, 30), None,
         "due Wed 2026-07-15, answered a day late"),
        ("late_open", "rectification", _t(2026, 5, 2, 13, 20), None, None,
         "open since Sat 2026-05-02: due Tue 2026-06-02, late at the end of Q2 and of Q3"),
        ("late_in_q2", "portability", _t(2026, 2, 10, 8, 45), _t(2026, 4, 20, 15, 0), None,
         "due Tue 2026-03-10, answered 2026-04-20"),
        ("late_after_extension", "access", _t(2026, 5, 20, 10, 0), _t(2026, 8, 24, 11, 0), _t(2026, 6, 1, 9, 0),
         "extended (notified in time) to Thu 2026-08-20, answered Mon 2026-08-24"),
        ("late_open_last_day", "restriction", _t(2026, 8, 31, 16, 0), None, None,
         "open since Mon 2026-08-31: due Wed 2026-09-30, the last day of Q3"),
    ):
        ref, periods = request(salt, kind, received, completed, extension)
        ctx.expect(check, ref, periods, why)

    for salt, kind, received, completed, extension, why in (
        ("ontime_month_end", "access", _t(2026, 5, 31, 12, 0), _t(2026, 6, 30, 16, 0), None,
         "received 31 May, June has no 31st: due Tue 2026-06-30, answered that day"),
        ("ontime_saturday", "rectification", _t(2026, 7, 15, 11, 0), _t(2026, 8, 17, 10, 0), None,
         "due Sat 2026-08-15, moved to Mon 2026-08-17, answered that day"),
        ("ontime_ascension", "portability", _t(2026, 4, 14, 9, 0), _t(2026, 5, 15, 14, 0), None,
         "due Ascension Day Thu 2026-05-14, moved to Fri 2026-05-15, answered that day"),
        ("ontime_midsummer", "access", _t(2026, 5, 19, 12, 0), _t(2026, 6, 22, 17, 0), None,
         "due Midsummer Eve Fri 2026-06-19, then Midsummer Day and a Sunday: moved to Mon 2026-06-22"),
        ("ontime_extension", "access", _t(2026, 4, 8, 10, 0), _t(2026, 7, 6, 12, 0), _t(2026, 4, 20, 9, 0),
         "extension notified 2026-04-20: due Wed 2026-07-08, answered 2026-07-06"),
        ("ontime_open_due_oct", "access", _t(2026, 9, 1, 10, 0), None, None,
         "open at the end of Q3, due Thu 2026-10-01: not yet late"),
    ):
        ref, periods = request(salt, kind, received, completed, extension)
        ctx.near_miss(check, ref, why, periods)
