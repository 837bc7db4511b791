"""Planted cases of rights_extension_notified_late. Loaded by plants._import_family_plants."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample import rules
from audit_lib.sample.plants import PlantContext, plant


def _t(*parts: int) -> datetime:
    return datetime(*parts)


@plant("rights_extension_notified_late")
def extensions_notified_late(ctx: PlantContext) -> None:
    """Extensions notified after the first month, each request answered within three months but after
    the first: a late notice does not extend the deadline, so the answer is late too (rights_request_late);
    and the calendar's near misses, whose extensions count and whose answers are in time."""
    check = "rights_extension_notified_late"
    cases = (
        ("ext_late_q2", "access", _t(2026, 4, 10, 9, 0), _t(2026, 5, 12, 10, 0), _t(2026, 6, 20, 12, 0),
         "first month ends Sun 2026-05-10, moved to Mon 2026-05-11; notified Tue 2026-05-12", True),
        ("ext_late_q3", "portability", _t(2026, 7, 6, 14, 0), _t(2026, 8, 10, 9, 0), _t(2026, 9, 10, 15, 0),
         "first month ends Thu 2026-08-06; notified Mon 2026-08-10", True),
        ("ext_near_last_day", "access", _t(2026, 6, 30, 11, 0), _t(2026, 7, 30, 16, 0), _t(2026, 9, 1, 10, 0),
         "notified Thu 2026-07-30, the last day of the first month", False),
        ("ext_near_weekend", "rectification", _t(2026, 7, 15, 10, 0), _t(2026, 8, 17, 9, 0), _t(2026, 9, 14, 10, 0),
         "the first month ends Sat 2026-08-15, moved to Mon 2026-08-17; notified that day", False),
    )
    for salt, kind, received, notified, completed, why, late in cases:
        s = ctx.adopt(salt, received)
        ref = ctx.request(s, kind, received, completed, notified)
        periods = rules.extension_notice_late_periods(received, notified)
        answered_late = rules.late_periods(received, notified, completed)
        assert bool(answered_late) == late, salt
        if late:
            ctx.expect(check, ref, periods, why)
            ctx.expect("rights_request_late", ref, answered_late, why + "; the extension does not count")
        else:
            ctx.near_miss(check, ref, why, periods)
