"""Planted cases of the inventory checks: categories the data holds but the declaration does not (or
the reverse), personal data typed into support messages, and health-related services."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample import rules
from audit_lib.sample.plants import PlantContext, plant


def _t(*parts: int) -> datetime:
    return datetime(*parts)


def _every() -> list[str]:
    return [p.label for p in rules.periods()]


def _provider(ctx: PlantContext, n: int) -> str:
    """The ``n``-th provider (by id) registered before 2025: providers are never adopted."""
    return ctx.con.execute("SELECT customer_id FROM subjects WHERE _kind = 'p' AND registered_at < ? "
                           "ORDER BY customer_id LIMIT 1 OFFSET ?", [_t(2025, 1, 1), n]).fetchone()[0]


def as_of_periods(registered: datetime) -> list[str]:
    """Periods whose as_of finds a subject registered at local ``registered`` in the register."""
    return [p.label for p in rules.periods() if rules.instant(registered) < p.as_of]


def registered_at(ctx: PlantContext, customer_id: str) -> datetime:
    """The local registration time of a bulk subject."""
    return ctx.con.execute("SELECT registered_at FROM subjects WHERE customer_id = ?", [customer_id]).fetchone()[0]


@plant("inventory_declared_category_unused")
def unused_categories(ctx: PlantContext) -> None:
    """Nothing to plant: the published notice lists "asiakashistoria" (customer history) and no export
    holds it. The register's own statement, true in every period."""
    check = "inventory_declared_category_unused"
    ctx.expect(check, "categories/customer_history", _every(),
               "the notice lists customer history for providers; no export column holds it")
    ctx.near_miss(check, "categories/interests_profiling",
                  "mapped by customers.csv#interests although most profiles are empty")
    ctx.near_miss(check, "categories/cookies_usage", "held only by the usage-event export")


@plant("inventory_category_not_declared_for_subject_type")
def categories_of_other_subject_types(ctx: PlantContext) -> None:
    """A provider with an interest profile (declared for consumers only) and a consumer selling a
    service (declared for providers only)."""
    check = "inventory_category_not_declared_for_subject_type"
    provider = _provider(ctx, 0)
    ctx.update_subject(provider, interests="jooga;pilates")
    ctx.expect(check, f"subjects/{provider}#interests_profiling", as_of_periods(registered_at(ctx, provider)),
               "a provider's account holds an interest profile, declared for consumers only")
    seller = ctx.adopt("subject_type_seller", _t(2026, 9, 1), registered_after=_t(2026, 7, 1))
    ctx.service(seller, "Joogatunti kotona, Tampere", "jooga", "20.00")
    ctx.expect(check, f"subjects/{seller}#services_for_sale", as_of_periods(registered_at(ctx, seller)),
               "a consumer registered in Q3 sells a service: services for sale are declared for providers only")
    blank = _provider(ctx, 1)
    ctx.update_subject(blank, interests="   ")
    ctx.near_miss(check, f"subjects/{blank}#interests_profiling", "a provider's interest profile of blanks only")
    ctx.near_miss(check, f"subjects/{_provider(ctx, 2)}#services_for_sale",
                  "providers sell services: declared for them")


# Texts of support messages: (salt, local time, text, what is in it). No "@" or digit in the bulk's texts,
# so these are the only ones the scan reads.
PII_TEXTS = (
    ("pii_hetu", _t(2026, 4, 22, 10, 15), "Henkilötunnukseni on 131052-308T, päivittäkää tietoni.", "an identity code"),
    ("pii_iban", _t(2026, 6, 9, 14, 40), "Palauttakaa rahat tililleni FI21 1234 5600 0007 85, kiitos.", "an IBAN"),
    ("pii_contact", _t(2026, 7, 14, 9, 5),
     "Vastatkaa osoitteeseen aino.esimerkki@example.com tai soittakaa 040 765 4321.", "an e-mail address and a phone number"),
    ("pii_hetu_2023", _t(2026, 9, 2, 18, 20),
     "Lapseni tunnus on 070305B412H ja oma 240799Y237A, varaus hänelle.", "two identity codes with the century signs of 2023"),
)
PII_NEAR = (
    ("pii_near_checksum", _t(2026, 5, 5, 11, 0), "Henkilötunnukseni on 131052-308U, päivittäkää tietoni.",
     "a hetu-shaped code whose check character is wrong: not an identity code"),
    ("pii_near_iban", _t(2026, 8, 11, 12, 30), "Tilinumero FI21 1234 5600 0007 86 ei kelvannut.",
     "an IBAN-shaped number whose check digits are wrong"),
    ("pii_near_order", _t(2026, 7, 2, 16, 45), "Tilausnumero 20260615, varaus 15.6. klo 14.",
     "an order number, a date and an hour: no phone number"),
    ("pii_near_controller", _t(2026, 6, 1, 8, 10), "Lähetin jo viestin osoitteeseen asiakaspalvelu@hyvinvoivin.fi.",
     "the controller's own published address names nobody"),
)


@plant("inventory_pii_in_free_text")
def pii_in_support_texts(ctx: PlantContext) -> None:
    """Support messages with an identity code, an IBAN, an e-mail and phone number, new century signs."""
    check = "inventory_pii_in_free_text"
    # Two customers write all the messages: subjects are few in small samples, and records are what count.
    s = ctx.adopt("pii_writer", _t(2026, 1, 1))
    for _salt, at, text, why in PII_TEXTS:
        ctx.expect(check, ctx.contact(s, at, text), rules.event_periods(at), f"the message holds {why}")
    s = ctx.adopt("pii_near_writer", _t(2026, 1, 1))
    for _salt, at, text, why in PII_NEAR:
        ctx.near_miss(check, ctx.contact(s, at, text), why)


@plant("inventory_health_service_without_art9")
def health_services(ctx: PlantContext) -> None:
    """Physiotherapy and nutrition therapy, declared health-related, bought with no Art. 9(2) condition."""
    check = "inventory_health_service_without_art9"
    physio = (ctx.service(_provider(ctx, 3), "Fysioterapia selkäkipuun, Helsinki", "fysioterapia", "75.00")
              .split("/", 1)[1], "75.00")
    nutrition = (ctx.service(_provider(ctx, 4), "Ravitsemusterapeutin vastaanotto, Tampere", "ravitsemusterapia",
                             "90.00").split("/", 1)[1], "90.00")
    s = ctx.adopt("health_customer", _t(2026, 1, 1))  # one customer's orders: records are what count
    for salt, service, at in (("health_physio", physio, _t(2026, 5, 6, 10, 0)),
                              ("health_nutrition", nutrition, _t(2026, 8, 20, 15, 30))):
        ctx.expect(check, ctx.order(s, at, salt, service=service), rules.event_periods(at),
                   f"{service[0]} is of a health-related category")
    at = _t(2026, 3, 31, 23, 59, 59)
    ctx.near_miss(check, ctx.order(s, at, "health_near_q1", service=physio),
                  "physiotherapy bought one second before Q2", rules.event_periods(at))
    massage = ctx.con.execute("SELECT service_id, CAST(_price AS VARCHAR) FROM services WHERE category = 'hieronta' "
                              "ORDER BY service_id LIMIT 1").fetchone()
    ctx.near_miss(check, ctx.order(s, _t(2026, 7, 7, 12, 0), "health_near_massage", service=massage),
                  "massage is wellness, not a declared health-related category")
