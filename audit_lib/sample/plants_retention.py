"""Planted cases of the retention rules added with the full catalogue (closed accounts, usage data)
and of retention_erased_subject_residue. Loaded by plants._import_family_plants."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample import rules
from audit_lib.sample.plants import PlantContext, plant


def _t(*parts: int) -> datetime:
    return datetime(*parts)


@plant("retention_period_exceeded")
def closed_accounts_and_usage_kept_too_long(ctx: PlantContext) -> None:
    """Accounts closed more than three years ago, usage events older than 25 months."""
    check = "retention_period_exceeded"
    # Closed accounts migrated from the old system without an activity date: only the closed_accounts
    # rule applies to them (an activity date would be overdue as well and make a second finding).
    for salt, closed, why in (
        ("closed_2023_03", _t(2023, 3, 20, 14, 0), "closed 2023-03-20: due 2026-03-20"),
        ("closed_2023_08", _t(2023, 8, 5, 10, 0), "closed 2023-08-05: due 2026-08-05, in Q3 only"),
    ):
        s = ctx.adopt(f"retention_{salt}", _t(2021, 1, 1))
        ctx.expect(check, ctx.update_subject(s, closed_at=closed, last_active_at=None),
                   rules.rule_overdue_periods("closed_accounts", closed), why)
    closed = _t(2023, 10, 1, 0, 0)
    s = ctx.adopt("retention_closed_near", _t(2021, 1, 1))
    ctx.near_miss(check, ctx.update_subject(s, closed_at=closed, last_active_at=None),
                  "closed 2023-10-01 00:00: due 2026-10-01 00:00, the instant Q3 ends",
                  rules.rule_overdue_periods("closed_accounts", closed))
    for salt, at, why in (
        ("usage_2024_04", _t(2024, 4, 15, 12, 0), "usage event of 2024-04-15: due 2026-05-15"),
        ("usage_2024_07", _t(2024, 7, 10, 10, 0), "usage event of 2024-07-10: due 2026-08-10, in Q3 only"),
    ):
        s = ctx.adopt(f"retention_{salt}", _t(2024, 1, 1))
        ctx.expect(check, ctx.usage(s, at, "analytics", True, f"ck-plant-{salt}"),
                   rules.rule_overdue_periods("usage_data", at), why)
    at = _t(2024, 9, 1, 0, 0)
    s = ctx.adopt("retention_usage_near", _t(2024, 1, 1))
    ctx.near_miss(check, ctx.usage(s, at, "analytics", True, "ck-plant-usage-near"),
                  "usage event of 2024-09-01 00:00: due 2026-10-01 00:00, the instant Q3 ends",
                  rules.rule_overdue_periods("usage_data", at))


@plant("retention_erased_subject_residue")
def erased_subject_residue(ctx: PlantContext) -> None:
    """Erasures that left the subject row, a billed order or a usage event behind; and the kept,
    minimised order and the open request that are not residue."""
    check = "retention_erased_subject_residue"
    completed = _t(2026, 4, 10, 11, 0)
    s = ctx.adopt("residue_subject_row", _t(2025, 1, 1))
    request = ctx.request(s, "erasure", _t(2026, 4, 2, 10, 0), completed)
    ctx.expect(check, f"subjects/{s}", rules.before_end_periods(completed),
               "the erasure removed everything but the customer row itself")
    ctx.near_miss(check, request, "the erasure request is kept as the evidence of the erasure")

    completed = _t(2026, 7, 20, 10, 0)
    s = ctx.adopt("residue_order_billing", _t(2025, 1, 1))
    order = ctx.order(s, _t(2025, 3, 10, 12, 0), "residue_order_billing")
    ctx.erase_subject(s)
    ctx.request(s, "erasure", _t(2026, 7, 8, 9, 0), completed)
    ctx.expect(check, order, rules.before_end_periods(completed),
               "the order was kept for bookkeeping with the billing name and e-mail (4359/163/2018); Q3 only")

    completed = _t(2026, 6, 1, 12, 0)
    s = ctx.fresh_subject_id()
    ctx.request(s, "erasure", _t(2026, 5, 25, 9, 0), completed)
    ctx.expect(check, ctx.usage(s, _t(2026, 5, 20, 19, 30), "analytics", True, "ck-plant-residue"),
               rules.before_end_periods(completed), "the analytics tool kept the erased customer's usage event")

    s = ctx.adopt("residue_near_minimised_order", _t(2024, 1, 1))
    order = ctx.order(s, _t(2024, 11, 11, 15, 0), "residue_near_minimised_order", billing=False)
    ctx.erase_subject(s)
    ctx.request(s, "erasure", _t(2026, 4, 28, 10, 0), _t(2026, 5, 5, 14, 0))
    ctx.near_miss(check, order, "an order kept for bookkeeping in the minimised columns only")

    s = ctx.adopt("residue_near_open_request", _t(2025, 1, 1))
    ctx.request(s, "erasure", _t(2026, 9, 24, 10, 0))
    ctx.near_miss(check, f"subjects/{s}", "erasure requested 2026-09-24, not yet done (due 2026-10-26)")


@plant("retention_deleted_before_minimum")
def vouchers_deleted_before_minimum(ctx: PlantContext) -> None:
    """Orders (vouchers, kirjanpitolaki 2:10 § 2 mom.) the webshop deleted before their six years: one
    by an erasure request, one by a clean-up; and one deleted after its minimum, which is allowed."""
    check = "retention_deleted_before_minimum"
    rule = "orders_bookkeeping"
    s = ctx.adopt("minimum_erasure", _t(2022, 1, 1))
    ordered, deleted = _t(2023, 3, 14, 12, 0), _t(2026, 5, 11, 10, 5)
    order = ctx.order(s, ordered, "minimum_erasure", deleted_at=deleted)
    ctx.erase_subject(s)
    ctx.request(s, "erasure", _t(2026, 5, 4, 9, 0), _t(2026, 5, 11, 10, 0))
    ctx.expect(check, order, rules.deleted_early_periods(rule, ordered, deleted),
               "an erasure request carried out on a 2023 voucher, due 2030-01-01 (Art. 17(3)(b) exempts it)")

    s = ctx.adopt("minimum_cleanup", _t(2021, 1, 1))
    ordered, deleted = _t(2021, 9, 1, 15, 0), _t(2026, 8, 20, 22, 0)
    ctx.expect(check, ctx.order(s, ordered, "minimum_cleanup", deleted_at=deleted),
               rules.deleted_early_periods(rule, ordered, deleted),
               "a clean-up deleted a 2021 voucher, due 2028-01-01; Q3 only")

    s = ctx.adopt("minimum_after_due", _t(2020, 6, 1))
    ordered, deleted = _t(2019, 11, 20, 18, 0), _t(2026, 4, 15, 22, 0)  # an order migrated from the old shop
    order = ctx.order(s, ordered, "minimum_after_due", deleted_at=deleted)
    ctx.near_miss(check, order, "a 2019 voucher deleted 2026-04-15, after its minimum ended 2025-12-31",
                  rules.deleted_early_periods(rule, ordered, deleted))
    # Past its six years since 2026-01-01, but deleted before either period's end: not kept.
    ctx.near_miss("retention_period_exceeded", order, "the overdue 2019 voucher was deleted before the period ended")
