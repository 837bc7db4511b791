"""Planted cases of the access checks: planted staff accounts and their access-log entries.
Loaded by plants._import_family_plants; periods come from ``rules``."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache

from audit_lib.sample import prng, rules
from audit_lib.sample.layout import BUNDLED_DIR
from audit_lib.sample.plants import PlantContext, plant


@lru_cache(maxsize=1)
def threshold() -> int:
    """register.yaml's access.bulk_read_threshold_per_day."""
    import yaml

    register = yaml.safe_load((BUNDLED_DIR / "register.yaml").read_text(encoding="utf-8"))
    return int(register["access"]["bulk_read_threshold_per_day"])


def _t(*parts: int) -> datetime:
    return datetime(*parts)


def _subjects(ctx: PlantContext, salt: str, count: int, before: datetime) -> list[str]:
    """``count`` subjects of the bulk registered before ``before``, not adopted by any plant; they are
    reserved, so that no later plant adopts (and changes or erases) them."""
    rows = ctx.con.execute(
        "SELECT customer_id FROM subjects WHERE registered_at < ? AND NOT list_contains(?, customer_id) "
        "ORDER BY rnd_s(?, _g), customer_id LIMIT ?",
        [before, ctx._adopted, prng.stream(ctx.seed, salt), count]).fetchall()
    if len(rows) < count:
        raise RuntimeError(f"only {len(rows)} subjects registered before {before} to plant {salt!r}")
    chosen = [r[0] for r in rows]
    ctx.reserve(chosen)
    return chosen


def _valid_periods(valid_from: datetime, valid_to: datetime | None) -> list[str]:
    start, end = rules.instant(valid_from), rules.instant(valid_to) if valid_to else None
    return [p.label for p in rules.periods() if start < p.end and (end is None or end >= p.start)]


@plant("access_unauthorised_role")
def unauthorised_roles(ctx: PlantContext) -> None:
    """A marketer reading orders and provider support reading support contacts."""
    check = "access_unauthorised_role"
    ctx.staff_account("pnieminen93", "marketing", _t(2025, 10, 20, 8, 0))
    ctx.staff_account("jsalo94", "provider_support", _t(2025, 10, 20, 8, 0))
    a, b = _subjects(ctx, "access_role_subjects", 2, _t(2026, 1, 1))
    at = _t(2026, 5, 14, 10, 12)
    ctx.expect(check, ctx.access("pnieminen93", at, "orders", a), rules.event_periods(at),
               "marketing may read subjects, consents and messages, not orders")
    at = _t(2026, 8, 11, 13, 40)
    ctx.expect(check, ctx.access("jsalo94", at, "support_contacts", b), rules.event_periods(at),
               "provider support may read subjects, services and orders, not support contacts")
    ctx.near_miss(check, ctx.access("pnieminen93", _t(2026, 5, 14, 10, 20), "consent_events", a),
                  "marketing reading consents, which its role allows")
    ctx.near_miss(check, ctx.access("jsalo94", _t(2026, 8, 11, 13, 45), "orders", b),
                  "provider support reading orders, which its role allows")


@plant("access_outside_validity")
def access_outside_validity(ctx: PlantContext) -> None:
    """Leavers' accounts used after their last day, and an account used before its first."""
    check = "access_outside_validity"
    ctx.staff_account("kheikkinen95", "customer_service", _t(2025, 10, 6, 8, 0), _t(2026, 6, 12, 0, 0))
    ctx.staff_account("olaine96", "customer_service", _t(2025, 10, 6, 8, 0), _t(2026, 8, 14, 16, 0))
    ctx.staff_account("eranta97", "customer_service", _t(2026, 7, 1, 8, 0))
    a, b, c = _subjects(ctx, "access_validity_subjects", 3, _t(2026, 1, 1))
    for user, at, subject, why in (
        ("kheikkinen95", _t(2026, 6, 15, 9, 10), a, "three days after the last valid day 2026-06-12 (a date)"),
        ("olaine96", _t(2026, 8, 20, 10, 0), b, "six days after the account closed at 2026-08-14 16:00"),
        ("eranta97", _t(2026, 7, 1, 7, 45), c, "15 minutes before the account became valid"),
    ):
        ctx.expect(check, ctx.access(user, at, "subjects", subject), rules.event_periods(at), why)
    ctx.near_miss(check, ctx.access("kheikkinen95", _t(2026, 6, 12, 15, 30), "subjects", a),
                  "on the last valid day, given as a date (valid_to 2026-06-12 00:00)")
    ctx.near_miss(check, ctx.access("olaine96", _t(2026, 8, 14, 15, 59, 59), "orders", b),
                  "1 s before the account closed")


@plant("access_shared_account")
def shared_accounts(ctx: PlantContext) -> None:
    """A function-named account and a shared interns' account; a personal administrator account and a
    shared account closed before the audited periods are not findings."""
    check = "access_shared_account"
    for user, role, valid_from, valid_to, shared, why in (
        ("asiakaspalvelu", "customer_service", _t(2025, 10, 1, 8, 0), None, False,
         "the customer-service team's common account, not marked shared"),
        ("kesaharjoittelijat", "customer_service", _t(2026, 7, 1, 8, 0), _t(2026, 8, 31, 16, 0), True,
         "the summer interns' shared account; Q3 only"),
    ):
        ctx.expect(check, ctx.staff_account(user, role, valid_from, valid_to, shared),
                   _valid_periods(valid_from, valid_to), why)
    ctx.near_miss(check, ctx.staff_account("tkoski98", "administrator", _t(2025, 10, 1, 8, 0)),
                  "a personal account with an administrator's role")
    valid_from, valid_to = _t(2025, 10, 1, 8, 0), _t(2026, 3, 31, 16, 0)
    ctx.near_miss(check, ctx.staff_account("yhteinen", "customer_service", valid_from, valid_to, True),
                  "a shared account closed before 2026-Q2", _valid_periods(valid_from, valid_to))


@plant("access_bulk_read")
def bulk_reads(ctx: PlantContext) -> None:
    """Accounts reading more than the threshold of subjects in one local day, and one reading exactly it."""
    check = "access_bulk_read"
    ctx.staff_account("mvirta91", "customer_service", _t(2025, 11, 3, 8, 0))
    ctx.staff_account("sleino92", "customer_service", _t(2025, 11, 3, 8, 0))

    # One pool of customers registered before the first day, reserved once: small samples have few.
    limit = threshold()
    pool = _subjects(ctx, "bulk_pool", limit + 20, _t(2026, 5, 27))

    def day_of_reads(user: str, day: datetime, count: int) -> str:
        for n, subject in enumerate(pool[:count]):
            ctx.access(user, day + timedelta(hours=8, seconds=90 * n), "subjects", subject)
        return f"access_log/{user}/{day:%Y-%m-%d}"

    day = _t(2026, 5, 27)
    ctx.expect(check, day_of_reads("mvirta91", day, limit + 1), rules.event_periods(day),
               "one customer more than the threshold read in one day")
    day = _t(2026, 9, 9)
    ctx.expect(check, day_of_reads("sleino92", day, limit + 20), rules.event_periods(day),
               "twenty customers more than the threshold read in one day")
    ctx.near_miss(check, day_of_reads("mvirta91", _t(2026, 8, 5), limit),
                  "exactly the threshold of customers in one day")
