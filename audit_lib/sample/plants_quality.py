"""Planted cases of the quality checks: invalid e-mail addresses, phone numbers and postal codes, and
people registered twice. The checks judge the register as of each period's end, so a subject
registered in Q3 is a finding of Q3 only.

Subjects are few in small samples: one careless registration per quarter carries an invalid e-mail,
phone number and postal code at once (a finding of each check), and one careful registration per
quarter carries the valid look-alikes (near misses of each)."""

from __future__ import annotations

from datetime import datetime

from audit_lib.sample.plants import PlantContext, plant
from audit_lib.sample.plants_inventory import as_of_periods, registered_at

Q2 = (datetime(2026, 4, 1), datetime(2026, 7, 1))
Q3 = (datetime(2026, 7, 1), datetime(2026, 9, 30))
EARLY = (datetime(2020, 1, 1), datetime(2025, 1, 1))
EMAIL, PHONE, POSTAL = "quality_invalid_email", "quality_invalid_phone", "quality_invalid_postal_code"
DUPLICATE = "quality_duplicate_subject"


def _adopt(ctx: PlantContext, salt: str, window: tuple[datetime, datetime]) -> tuple[str, list[str]]:
    s = ctx.adopt(salt, window[1], registered_after=window[0])
    return s, as_of_periods(registered_at(ctx, s))


def _value(ctx: PlantContext, customer_id: str, column: str) -> str:
    return ctx.con.execute(f"SELECT {column} FROM subjects WHERE customer_id = ?", [customer_id]).fetchone()[0]


@plant("quality_invalid_email")
def invalid_contact_details(ctx: PlantContext) -> None:
    """Careless registrations (Q2, Q3) and careful ones with unusual but valid details."""
    s, periods = _adopt(ctx, "quality_careless_q2", Q2)
    ref = ctx.update_subject(s, email=_value(ctx, s, "email").replace("@example.", "@example"),
                             phone="+358 40 123", postal_code="100", city="Helsinki")
    ctx.expect(EMAIL, ref, periods, "no dot in the domain: no top-level domain")
    ctx.expect(PHONE, ref, periods, "three digits after the mobile prefix: no such number")
    ctx.expect(POSTAL, ref, periods, "00100 read as a number: 100")
    s, periods = _adopt(ctx, "quality_careless_q3", Q3)
    ref = ctx.update_subject(s, email=_value(ctx, s, "email").replace("@", "(at)"),
                             phone="+358 12 3456789", postal_code="331OO", city="Tampere")
    ctx.expect(EMAIL, ref, periods, "'(at)' typed for the @ sign")
    ctx.expect(PHONE, ref, periods, "012 is no Finnish area code")
    ctx.expect(POSTAL, ref, periods, "letter O typed for zero")

    s, _ = _adopt(ctx, "quality_careful_q2", Q2)
    local, domain = _value(ctx, s, "email").split("@")
    ref = ctx.update_subject(s, email=f"{local.title()}+jooga@{domain.upper()}", phone="(09) 234 5679",
                             postal_code="114 55", city="Stockholm", country="SE")
    ctx.near_miss(EMAIL, ref, "capitals and a '+' tag are valid")
    ctx.near_miss(PHONE, ref, "a Helsinki landline in national form")
    ctx.near_miss(POSTAL, ref, "a Swedish address: Swedish codes are not Finnish ones")
    s, _ = _adopt(ctx, "quality_careful_q3", Q3)
    ref = ctx.update_subject(s, email="o'" + _value(ctx, s, "email"), phone="+46 70 123 45 67",
                             postal_code="22100", city="Mariehamn")
    ctx.near_miss(EMAIL, ref, "an apostrophe is valid in the local part")
    ctx.near_miss(PHONE, ref, "a Swedish mobile with its country code")
    ctx.near_miss(POSTAL, ref, "Åland: five digits")


@plant("quality_duplicate_subject")
def duplicates(ctx: PlantContext) -> None:
    """Second registrations with the same e-mail in other case, or the same number in another format."""
    original, _ = _adopt(ctx, "duplicate_email_first", EARLY)
    s, periods = _adopt(ctx, "duplicate_email_second", Q2)
    local, domain = _value(ctx, original, "email").split("@")
    ctx.expect(DUPLICATE, ctx.update_subject(s, email=f" {local.title()}@{domain.upper()} "), periods,
               "the earlier subject's e-mail in capitals with blanks around it")
    original, _ = _adopt(ctx, "duplicate_phone_first", EARLY)
    s, periods = _adopt(ctx, "duplicate_phone_second", Q3)
    phone = _value(ctx, original, "phone")  # "+358 40 1234567"
    ctx.expect(DUPLICATE, ctx.update_subject(s, phone="0" + phone[5:].replace(" ", "")), periods,
               "the earlier subject's number in national form without blanks (same E.164)")
    # Near misses: an earlier subject whose number differs in one digit from the careful Q2
    # registration's "(09) 234 5679", written with other blanks, and whose address is the e-mail
    # duplicate's local part at a domain nobody uses.
    s, _ = _adopt(ctx, "duplicate_near", EARLY)
    # The bulk's domains first (small samples keep their bytes); in a large register the local part
    # is taken at all of them, so further domains nobody uses follow.
    candidates = [f"{local}@{d}" for d in ("example.org", "example.net", "example.com", "mail.example.org",
                                            "posti.example.net", "webmail.example.com")]
    taken = {r[0] for r in ctx.con.execute("SELECT lower(email) FROM subjects WHERE lower(email) IN "
                                           "(SELECT unnest($c))", {"c": candidates}).fetchall()}
    other = next(c for c in candidates if c not in taken)
    ctx.near_miss(DUPLICATE, ctx.update_subject(s, phone="09 2345 678", email=other),
                  "a different number, differently spaced; the same local part at another domain")
