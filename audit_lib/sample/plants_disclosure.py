"""Planted cases of the disclosure checks: entries of the disclosure log to undeclared recipients, to
third countries, and of categories the recipient's declaration does not list."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample import rules
from audit_lib.sample.plants import PlantContext, plant

DECLARED = "webshop_operator"


def _t(*parts: int) -> datetime:
    return datetime(*parts)


@plant("disclosure_undeclared_recipient")
def undeclared_recipients(ctx: PlantContext) -> None:
    """An ad network and an analytics partner the register never mentions."""
    check = "disclosure_undeclared_recipient"
    for recipient, at, categories, why in (
        ("mainosverkosto_oy", _t(2026, 5, 18, 10, 0), "email;interests_profiling", "customer list to an ad network"),
        ("analytiikka_partneri", _t(2026, 8, 3, 9, 15), "cookies_usage", "usage data to an analytics partner"),
    ):
        ctx.expect(check, ctx.disclosure(recipient, at, categories, 1200, "FI"), rules.event_periods(at), why)
    at = _t(2026, 3, 31, 23, 59, 59)
    ctx.near_miss(check, ctx.disclosure("mainosverkosto_oy", at, "email", 800, "FI"),
                  "one second before Q2", rules.event_periods(at))
    ctx.near_miss(check, ctx.disclosure("WebShop_Operator", _t(2026, 7, 21, 13, 0), "name;email", 150, "FI"),
                  "the declared processor, its id written in other case")


@plant("disclosure_third_country_without_safeguards")
def third_countries(ctx: PlantContext) -> None:
    """Backups of the processor in the United States and India, with no safeguards declared."""
    check = "disclosure_third_country_without_safeguards"
    for country, at, why in (("US", _t(2026, 6, 8, 22, 0), "a backup copy in the United States"),
                             ("IN", _t(2026, 9, 14, 21, 30), "a support team in India")):
        ctx.expect(check, ctx.disclosure(DECLARED, at, "name;email", 2000, country), rules.event_periods(at), why)
    for country, at, why in (("NO", _t(2026, 5, 25, 20, 0), "Norway is in the EEA"),
                             ("CH", _t(2026, 8, 31, 20, 0), "Switzerland has an adequacy decision"),
                             (None, _t(2026, 7, 27, 20, 0),
                              "no country in the log and none declared: a notice gap, not judged")):
        ctx.near_miss(check, ctx.disclosure(DECLARED, at, "name;email", 2000, country), why)


@plant("disclosure_undeclared_categories")
def undeclared_categories(ctx: PlantContext) -> None:
    """Interest profiles and support messages sent to the processor, declared for neither."""
    check = "disclosure_undeclared_categories"
    for categories, at, why in (("name;email;interests_profiling", _t(2026, 4, 14, 11, 0), "interest profiles"),
                                ("feedback_contacts", _t(2026, 9, 8, 11, 0), "support messages")):
        ctx.expect(check, ctx.disclosure(DECLARED, at, categories, 500, "FI"), rules.event_periods(at),
                   f"{why} are not declared for the processor")
    ctx.near_miss(check, ctx.disclosure(DECLARED, _t(2026, 8, 17, 11, 0), " Name ; EMAIL ;phone;", 500, "FI"),
                  "declared categories with blanks, capitals and a trailing semicolon")
