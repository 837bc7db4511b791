"""A small vendor-shaped sample: the Hyvinvoivin register as real systems export it.

``generate_vendor(out_dir, seed)`` writes ``register.yaml`` (the bundled register plus an
``identifiers:`` block), ``exports.yaml``, ``exports/`` and ``expected_findings.csv``:

- ``asiakkaat.csv``: the webshop platform's customer export, Finnish Excel flavour (UTF-8 BOM, ``;``,
  CRLF, ``dd.mm.yyyy hh:mm``, ``Kyllä``/``Ei``, phones in national notation); the master register;
- ``tilaukset.csv``: orders by customer number, decimal comma amounts;
- ``newsletter_{subscribed,unsubscribed,cleaned}_2026-09-30.csv``: the newsletter tool's audience,
  keyed by e-mail only, dated in the file name;
- ``campaign_activity.csv``: the newsletter tool's sends, keyed by e-mail;
- ``sms_lahetykset.csv`` / ``sms_optin_log.csv``: the SMS provider's send log and JOIN/STOP log, keyed
  by phone in international notation (``358401234567``, ``+358 40 1234567``);
- ``helpdesk_tickets.json``: the helpdesk's tickets (JSON lines), keyed by the requester's e-mail;
- ``pyynnot.xlsx``: the data-protection request log, by customer number, Finnish request types;
- ``vanha_asiakasrekisteri_2019.csv``: a stray old file no entry maps.

About 120 clean background customers, then the plants. Every plant records the findings it must
cause (``Plant.findings``); near misses record none. The ground truth is written from those records
and from the declaration the generator writes (register gaps, categories no column maps), never
from an audit. The audited period is 2026-Q3 only.

Plus-addressing is not merged (audit_lib.normalise): a customer who subscribed to the newsletter as
``first.last+uutiskirje@…`` is a subject of the newsletter tool the master register does not hold,
so each file that names the plus-address is an ``inventory_subject_outside_master_register`` finding
(planted as ``plus_address_not_merged``).
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from audit_lib.loader.mapping import derived_key
from audit_lib.resources import SAMPLE
from audit_lib.sample import finnish

PERIOD = "2026-Q3"
HELSINKI = ZoneInfo("Europe/Helsinki")
BUNDLED_REGISTER = SAMPLE / "register.yaml"
REGISTER_GAPS = Path(__file__).resolve().parent / "register_gaps.csv"

SUBSCRIBED = "newsletter_subscribed_2026-09-30.csv"
UNSUBSCRIBED = "newsletter_unsubscribed_2026-09-30.csv"
CLEANED = "newsletter_cleaned_2026-09-30.csv"
CUSTOMERS = "asiakkaat.csv"
ORDERS = "tilaukset.csv"
ACTIVITY = "campaign_activity.csv"
SMS_SENDS = "sms_lahetykset.csv"
SMS_OPTIN = "sms_optin_log.csv"
TICKETS = "helpdesk_tickets.json"
REQUESTS = "pyynnot.xlsx"
STRAY = "vanha_asiakasrekisteri_2019.csv"

# The newsletter tool's audience snapshot (the date in the file names, start of the day).
AUDIENCE_SNAPSHOT = datetime(2026, 9, 30, 0, 0)
EMAIL_CAMPAIGNS = (("Heinäkuun uutiskirje", datetime(2026, 7, 9, 10, 0)),
                   ("Elokuun uutiskirje", datetime(2026, 8, 13, 10, 0)),
                   ("Syyskuun uutiskirje", datetime(2026, 9, 10, 10, 0)))
SMS_CAMPAIGNS = (("Kesäale", datetime(2026, 7, 20, 12, 0)), ("Syysale", datetime(2026, 9, 15, 12, 0)))
SMS_BODY = {"Kesäale": "Hyvinvoivin kesäale: -20 % kaikista kursseista sunnuntaihin asti! Lopeta: STOP 16160",
            "Syysale": "Syyskausi alkaa Hyvinvoivinissa, katso uudet kurssit hyvinvoivin.fi. Lopeta: STOP 16160"}
PRODUCTS = (("JOOGA-10", "149,00"), ("PILATES-ALK", "79,00"), ("SALI-KK", "49,90"), ("HIERONTA-60", "69,00"),
            ("VALMENNUS-5", "390,00"), ("ZUMBA", "12,00"), ("RAVINTO", "149,00"), ("AAMUJOOGA", "15,00"))
PAYMENTS = ("Verkkopankki", "Kortti", "MobilePay", "Lasku")
NOTES = ("Toivoo yhteydenottoa sähköpostitse.", "Asiakas pyysi paperisen kuitin.", "Kanta-asiakas vuodesta alkaen.",
         "Ei halua puhelinsoittoja.", "Lahjakortti käytetty kokonaan.", "Allekirjoitti sopimuksen myymälässä.")
TICKET_SUBJECTS = ("Tilaus", "Varaus", "Maksu", "Kirjautuminen", "Lahjakortti", "Palaute")
SMS_SOURCES = ("kassasivun valintaruutu", "tekstiviesti ALOITA 16160", "verkkolomake: tekstiviestikerho")


@dataclass
class Customer:
    number: str
    first: str
    last: str
    email: str            # as written in the shop's export
    phone: str            # national notation, "" when none
    postal: str
    registered: datetime
    newsletter: str = "Ei"
    newsletter_changed: datetime | None = None
    sms: str = "Ei"
    ban: str = "Ei"
    notes: str = ""
    in_master: bool = True


@dataclass
class Member:
    """A row of the newsletter tool's audience."""

    email: str
    first: str
    last: str
    status: str                       # subscribed | unsubscribed | cleaned
    optin: datetime
    optin_ip: str
    unsub: datetime | None = None
    unsub_campaign: str = ""
    clean: datetime | None = None
    rating: int = 2
    leid: str = ""
    send: bool = True                 # the tool sends it campaigns while it is active


@dataclass
class SmsEvent:
    phone: str
    email: str
    keyword: str
    at: datetime
    source: str


@dataclass
class Plant:
    """A planted violation (findings) or near miss (no findings)."""

    name: str
    description: str
    findings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def near_miss(self) -> bool:
        return not self.findings


@dataclass
class VendorSummary:
    """What generate_vendor wrote."""

    out_dir: Path
    customers: int
    files: list[str]
    plants: list[Plant]
    expected: int

    def __str__(self) -> str:
        violations = sum(1 for p in self.plants if not p.near_miss)
        return (f"{self.customers} customers in {len(self.files)} export files; {violations} planted violations, "
                f"{len(self.plants) - violations} near misses; {self.expected} expected findings ({PERIOD})")


def _slug(text: str) -> str:
    text = text.lower().replace("ä", "a").replace("ö", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in text if c.isalnum() or c == "-")


def _fi(value: datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


def _iso(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def _utc(value: datetime) -> str:
    return value.replace(tzinfo=HELSINKI).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _international(phone: str, style: int) -> str:
    """A national mobile number (``040 123 4567``) as the SMS provider writes it."""
    digits = phone.replace(" ", "")[1:]
    return f"358{digits}" if style % 2 == 0 else f"+358 {digits[:2]} {digits[2:]}"


class _Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.customers: list[Customer] = []
        self.members: list[Member] = []
        self.sms_log: list[SmsEvent] = []
        self.orders: list[list[str]] = []
        self.tickets: list[dict] = []
        self.requests: list[list] = []
        self.plants: list[Plant] = []
        self.banned_quietly: set[str] = set()     # background bans: the tool has them suppressed too
        self.sms_suppressed: set[str] = set()     # phones the provider's list leaves out
        self.forced_email_sends: list[tuple[str, str, datetime]] = []
        self.forced_sms_sends: list[tuple[str, str, datetime]] = []
        self.exact_send_time: dict[tuple[str, str], datetime] = {}
        self.no_opt_out: set[tuple[str, str]] = set()
        self._emails: set[str] = set()
        self._phones: set[str] = set()
        self._next_number = 100001
        self._next_order = 50001
        self._next_ticket = 4100
        self._ip = 0

    # -- building blocks ---------------------------------------------------------------------
    def time_between(self, start: datetime, end: datetime) -> datetime:
        span = int((end - start).total_seconds() // 60)
        moment = start + timedelta(minutes=self.rng.randrange(max(span, 1)))
        return moment.replace(hour=self.rng.randrange(7, 23))  # daytime: never in the DST repeated hour

    def ip(self) -> str:
        self._ip += 1
        return f"192.0.2.{self._ip % 250 + 1}" if self._ip % 2 else f"198.51.100.{self._ip % 250 + 1}"

    def new_phone(self) -> str:
        while True:
            prefix = self.rng.choice(finnish.MOBILE_PREFIXES)
            number = f"0{prefix} {self.rng.randrange(100, 1000)} {self.rng.randrange(1000, 10000)}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def new_customer(self, *, phone: bool | str = True, email: str | None = None,
                     registered: datetime | None = None, postal: str | None = None) -> Customer:
        rng = self.rng
        first = rng.choice(finnish.FEMALE_FIRST_NAMES + finnish.MALE_FIRST_NAMES)
        last = rng.choice(finnish.LAST_NAMES)
        if email is None:
            base = f"{_slug(first)}.{_slug(last)}"
            email = f"{base}@{rng.choice(finnish.EMAIL_DOMAINS)}"
            n = 2
            while email in self._emails:
                email = f"{base}{n}@{rng.choice(finnish.EMAIL_DOMAINS)}"
                n += 1
        self._emails.add(email.strip().lower())
        if phone is True:
            phone = self.new_phone()
        elif phone is False:
            phone = ""
        place = postal or rng.choices([p[0] for p in finnish.PLACES], [p[2] for p in finnish.PLACES])[0]
        customer = Customer(str(self._next_number), first, last, email, phone, place,
                            registered or self.time_between(datetime(2021, 1, 4), datetime(2026, 6, 1)))
        self._next_number += 1
        self.customers.append(customer)
        return customer

    def subscribe(self, customer: Customer, optin: datetime, *, email: str | None = None, ip: str | None = None,
                  status: str = "subscribed", unsub: datetime | None = None, clean: datetime | None = None,
                  shop: bool = True) -> Member:
        member = Member((email or customer.email).strip().lower(), customer.first, customer.last, status, optin,
                        self.ip() if ip is None else ip, unsub=unsub, clean=clean,
                        rating=self.rng.randrange(1, 6), leid=str(self.rng.randrange(10**8, 10**9)))
        if unsub is not None:
            member.unsub_campaign = self.rng.choice([c for c, at in EMAIL_CAMPAIGNS if at < unsub] or [""])
        self.members.append(member)
        if shop:
            customer.newsletter = "Ei" if status == "unsubscribed" else "Kyllä"
            customer.newsletter_changed = unsub if status == "unsubscribed" else optin
        return member

    def sms_optin(self, customer: Customer, at: datetime, *, stop: datetime | None = None, shop: bool = True) -> str:
        style = self.rng.randrange(2)
        phone = _international(customer.phone, style)
        join, leave = ("JOIN", "STOP") if style == 0 else ("ALOITA", "LOPETA")
        source = SMS_SOURCES[0] if self.rng.random() < 0.5 else f"tekstiviesti {join} 16160"
        self.sms_log.append(SmsEvent(phone, "", join, at, source))
        if stop is not None:
            self.sms_log.append(SmsEvent(phone, "", leave, stop, f"tekstiviesti {leave} 16160"))
        if shop:
            customer.sms = "Ei" if stop else "Kyllä"
        return phone

    def order(self, customer: Customer, at: datetime) -> str:
        number = str(self._next_order)
        self._next_order += 1
        product, amount = self.rng.choice(PRODUCTS)
        self.orders.append([number, customer.number, _fi(at), product, amount, self.rng.choice(PAYMENTS)])
        return number

    def ticket(self, email: str, at: datetime, text: str) -> str:
        number = self._next_ticket
        self._next_ticket += 1
        self.tickets.append({"id": number, "created_at": _utc(at), "requester_email": email,
                             "subject": self.rng.choice(TICKET_SUBJECTS), "description": text,
                             "status": self.rng.choice(["solved", "closed"]), "via": self.rng.choice(["email", "web"])})
        return str(number)

    def request(self, customer_number: str, kind: str, received: datetime, completed: datetime | None,
                outcome: str, notified: datetime | None = None) -> str:
        number = f"PY-{received.year}-{len(self.requests) + 1:03d}"
        self.requests.append([number, customer_number, kind, received, notified, completed, outcome])
        return number

    def plant(self, name: str, description: str, *findings: tuple[str, str]) -> Plant:
        item = Plant(name, description, list(findings))
        self.plants.append(item)
        return item

    def row(self, customer: Customer) -> int:
        """The 1-based data row of ``customer`` in asiakkaat.csv (written in customer-number order)."""
        return sorted((c for c in self.customers if c.in_master), key=lambda c: c.number).index(customer) + 1


def _background(b: _Builder, count: int) -> None:
    """``count`` clean customers with their marketing, orders and tickets, then routine requests."""
    for _ in range(count):
        _background_customer(b)
    _background_requests(b)


def _background_customer(b: _Builder) -> None:
    """One clean customer: notes, a ban or marketing consents, orders and perhaps a ticket."""
    rng = b.rng
    c = b.new_customer(phone=rng.random() < 0.85)
    if rng.random() < 0.2:
        c.notes = rng.choice(NOTES)
    if rng.random() < 0.03:
        c.ban = "Kyllä"                     # a ban and no marketing at all
        b.banned_quietly.add(c.number)
    else:
        _background_marketing(b, c)
    for _ in range(rng.choice([0, 1, 1, 2, 3, 4])):
        b.order(c, b.time_between(max(c.registered, datetime(2020, 1, 2)), datetime(2026, 9, 25)))
    if rng.random() < 0.3:
        b.ticket(c.email.strip().lower(), b.time_between(datetime(2024, 1, 8), datetime(2026, 9, 25)),
                 rng.choice(finnish.CONSUMER_SUPPORT_TEXTS))


def _background_marketing(b: _Builder, c: Customer) -> None:
    """A clean customer's newsletter status (subscribed, unsubscribed, cleaned or none) and SMS consent."""
    rng = b.rng
    r = rng.random()
    start = max(c.registered, datetime(2021, 1, 4))
    if r < 0.5:
        b.subscribe(c, b.time_between(start, min(start + timedelta(days=400), datetime(2026, 9, 25))))
    elif r < 0.65:
        optin = b.time_between(start, min(start + timedelta(days=300), datetime(2026, 6, 1)))
        unsub = b.time_between(optin + timedelta(days=10), min(optin + timedelta(days=500),
                                                               datetime(2026, 9, 25)))
        if unsub <= optin:
            unsub = optin + timedelta(days=11)
        b.subscribe(c, optin, status="unsubscribed", unsub=unsub)
    elif r < 0.7:
        optin = b.time_between(start, min(start + timedelta(days=200), datetime(2025, 12, 1)))
        b.subscribe(c, optin, status="cleaned", clean=datetime(2026, 3, 2 + rng.randrange(20), 11, 0))
    if c.phone and rng.random() < 0.35:
        at = b.time_between(start, datetime(2026, 9, 1))
        stop = None
        if rng.random() < 0.2:
            stop = at + timedelta(days=rng.randrange(20, 300))
            if stop >= datetime(2026, 9, 28):
                stop = None
        b.sms_optin(c, at, stop=stop)


def _background_requests(b: _Builder) -> None:
    """Eight routine requests answered in time, and the ban request of each quietly banned customer."""
    rng = b.rng
    for _ in range(8):
        c = rng.choice([c for c in b.customers if c.number not in b.banned_quietly])
        received = b.time_between(datetime(2025, 10, 1), datetime(2026, 9, 1))
        kind, outcome = rng.choice([("tarkastus", "tiedot toimitettu"), ("oikaisu", "korjattu"),
                                    ("siirto", "tiedot siirretty")])
        b.request(c.number, kind, received, received + timedelta(days=rng.randrange(1, 20)), outcome)
    for c in b.customers:
        if c.number in b.banned_quietly:
            received = max(c.registered, datetime(2024, 1, 8)) + timedelta(days=30)
            b.request(c.number, "markkinointikielto", received, received + timedelta(days=2), "kielto asetettu")


def _plants(b: _Builder) -> None:
    """Every planted violation and near miss, family by family (their order fixes the random draws)."""
    _consent_state_plants(b)
    _marketing_rule_plants(b)
    _outside_master_plants(b)
    _quality_plants(b)
    _rights_plants(b)
    _retention_plants(b)
    _identity_timing_near_misses(b)
    _customer_notes_plants(b)


def _consent_state_plants(b: _Builder) -> None:
    """Sends without consent, and consent states that one system changed and another did not."""
    p = b.new_customer(registered=datetime(2024, 2, 3, 15, 0))
    b.forced_sms_sends.append((_international(p.phone, 0), "Kesäale", SMS_CAMPAIGNS[0][1] + timedelta(minutes=3)))
    b.plant("sms_without_optin", f"customer {p.number} got the July SMS with no SMS consent anywhere (Tekstiviestit: "
            "Ei, no JOIN in the provider's log)", ("consent_email_sms_without_optin", "sms:" + p.number))

    p = b.new_customer(registered=datetime(2025, 3, 1, 9, 0))
    b.subscribe(p, datetime(2025, 3, 2, 18, 20), status="unsubscribed", unsub=datetime(2026, 8, 1, 20, 15))
    b.forced_email_sends.append((p.email, "Syyskuun uutiskirje", datetime(2026, 9, 10, 10, 3)))
    b.plant("sent_after_withdrawal", f"customer {p.number} unsubscribed on 1.8.2026 (tool and shop agree) and "
            "still got the September newsletter", ("consent_sent_after_withdrawal", "email:" + p.email))

    p = b.new_customer(registered=datetime(2023, 5, 1, 12, 0))
    b.subscribe(p, datetime(2026, 6, 15, 19, 40), shop=False)
    p.newsletter, p.newsletter_changed = "Ei", datetime(2026, 3, 5, 21, 10)
    b.plant("resubscribed_in_tool_only", f"customer {p.number} unticked the newsletter in the shop on 5.3.2026 and "
            "signed up again through the tool's form on 15.6.2026: every Q3 newsletter went on the tool's grant while "
            "the shop still said withdrawn, and the shop's state contradicts the tool at the snapshot",
            ("consent_systems_disagree_at_send", "email-all:" + p.email),
            ("consent_states_disagree_at_snapshot", f"consent_states/{CUSTOMERS}#row:{p.number}/email"))

    p = b.new_customer(registered=datetime(2024, 5, 10, 8, 0))
    b.subscribe(p, datetime(2024, 5, 10, 8, 30), status="unsubscribed", unsub=datetime(2026, 7, 20, 9, 0), shop=False)
    p.newsletter, p.newsletter_changed = "Kyllä", datetime(2024, 5, 10, 8, 30)
    b.plant("unsubscribe_not_synced_to_shop", f"customer {p.number} unsubscribed in the tool on 20.7.2026; the shop "
            "still says Uutiskirje: Kyllä", ("consent_states_disagree_at_snapshot",
                                            f"consent_states/{CUSTOMERS}#row:{p.number}/email"))

    p = b.new_customer(registered=datetime(2025, 10, 1, 10, 0))
    b.sms_optin(p, datetime(2025, 11, 2, 17, 5), stop=datetime(2026, 8, 20, 14, 0), shop=False)
    p.sms = "Kyllä"
    b.plant("sms_stop_not_synced_to_shop", f"customer {p.number} texted STOP on 20.8.2026; the shop still says "
            "Tekstiviestit: Kyllä", ("consent_states_disagree_at_snapshot",
                                     f"consent_states/{CUSTOMERS}#row:{p.number}/sms"))


def _marketing_rule_plants(b: _Builder) -> None:
    """A ban that never reached the tool, marketing to the erased, a missing opt-out, evidence, contact."""
    p = b.new_customer(registered=datetime(2025, 1, 10, 13, 0))
    p.ban = "Kyllä"
    b.subscribe(p, datetime(2026, 8, 1, 16, 45))
    b.plant("banned_but_subscribed", f"customer {p.number} has Markkinointikielto: Kyllä in the shop, the ban never "
            "reached the newsletter tool", ("consent_marketing_to_banned_subject", "email-all:" + p.email))

    p = b.new_customer(registered=datetime(2024, 9, 1, 10, 0))
    p.newsletter, p.newsletter_changed = "Kyllä", datetime(2024, 9, 1, 10, 5)
    erasure = b.request(p.number, "poisto", datetime(2026, 7, 1, 10, 0), datetime(2026, 7, 15, 12, 0), "poistettu")
    b.forced_email_sends.append((p.email, "Elokuun uutiskirje", datetime(2026, 8, 13, 10, 7)))
    b.plant("marketing_to_erased_by_email", f"customer {p.number} was erased on 15.7.2026 (request {erasure}, by "
            "customer number); the shop kept the row and the tool sent the August newsletter to the e-mail address "
            "(campaign activity knows only the e-mail)",
            ("consent_marketing_to_erased_subject", "email:" + p.email),
            ("retention_erased_subject_residue", f"subjects/{p.number}"),
            ("retention_erased_subject_residue", "email:" + p.email))

    p = b.new_customer(registered=datetime(2024, 4, 4, 11, 0))
    b.no_opt_out.add((b.sms_optin(p, datetime(2024, 4, 4, 11, 20)), "Syysale"))
    b.plant("sms_without_opt_out", f"the September SMS to customer {p.number} went out without the STOP footer",
            ("consent_message_without_opt_out", "sms:" + p.number))

    p = b.new_customer(registered=datetime(2025, 6, 6, 12, 0))
    b.subscribe(p, datetime(2025, 6, 7, 14, 0), ip="")
    b.plant("consent_without_evidence", f"customer {p.number}'s subscription was imported from a paper list: no "
            "OPTIN_IP", ("consent_event_without_evidence", f"consent_events/{SUBSCRIBED}#member:{p.email}/0"))

    p = b.new_customer(phone=False, registered=datetime(2025, 2, 2, 10, 0))
    club = "+358 45 777 1234"
    b.sms_log.append(SmsEvent(club, p.email, "JOIN", datetime(2026, 5, 20, 18, 30), SMS_SOURCES[2]))
    b.sms_suppressed.add(club)
    b.plant("sms_consent_without_phone", f"customer {p.number} joined the SMS club with a phone number the shop does "
            "not hold (resolved through the form's e-mail); the shop says Tekstiviestit: Ei",
            ("consent_for_channel_without_contact", f"consent_events/{SMS_OPTIN}#phone:{club}"),
            ("consent_states_disagree_at_snapshot", f"consent_states/{CUSTOMERS}#row:{p.number}/sms"))


def _outside_master_plants(b: _Builder) -> None:
    """Subjects the tools hold that the master register does not."""
    outsider = Customer("", "Liisa", "Nurmi", "liisa.nurmi@example.org", "", "", datetime(2026, 1, 1), in_master=False)
    b.subscribe(outsider, datetime(2026, 2, 14, 20, 0), shop=False)
    b.plant("newsletter_only_subscriber", "liisa.nurmi@example.org subscribed to the newsletter and never became a "
            "customer", ("inventory_subject_outside_master_register", f"subjects/email:{outsider.email}#{SUBSCRIBED}"),
            ("inventory_subject_outside_master_register", f"subjects/email:{outsider.email}#{ACTIVITY}"))

    p = b.new_customer(registered=datetime(2024, 11, 11, 11, 0))
    plus = p.email.replace("@", "+uutiskirje@")
    b.subscribe(p, datetime(2024, 11, 11, 11, 30), email=plus)
    b.plant("plus_address_not_merged", f"customer {p.number} subscribed as {plus}; plus-addresses are not merged, so "
            "the tool's subject is outside the master register in each of its files",
            ("inventory_subject_outside_master_register", f"subjects/email:{plus}#{SUBSCRIBED}"),
            ("inventory_subject_outside_master_register", f"subjects/email:{plus}#{ACTIVITY}"))

    asker = "lahjakortti.kysyja@example.net"
    b.ticket(asker, datetime(2026, 8, 5, 9, 30), "Hei, voiko lahjakortin ostaa yritykselle laskulla?")
    b.plant("helpdesk_non_customer", f"{asker} asked the helpdesk a question and is no customer",
            ("inventory_subject_outside_master_register", f"subjects/email:{asker}#{TICKETS}"))

    club_member = "+358 50 987 6543"
    b.sms_log.append(SmsEvent(club_member, "", "JOIN", datetime(2026, 4, 3, 12, 10), SMS_SOURCES[1]))
    b.plant("sms_club_non_customer", f"{club_member} joined the SMS club by text message and is no customer; the "
            "provider sends it the campaigns", ("inventory_subject_outside_master_register",
                                                f"subjects/phone:+358509876543#{SMS_OPTIN}"),
            ("inventory_subject_outside_master_register", f"subjects/phone:+358509876543#{SMS_SENDS}"))


def _quality_plants(b: _Builder) -> None:
    """Contact details shared, malformed or cut short."""
    shared = b.new_phone()
    first = b.new_customer(phone=shared, registered=datetime(2022, 3, 3, 10, 0))
    second = b.new_customer(phone=shared, registered=datetime(2023, 8, 8, 10, 0))
    b.plant("shared_phone", f"customers {first.number} and {second.number} (a couple) give the same phone number",
            ("quality_identifier_shared", f"identities/phone#subjects/{first.number}"),
            ("quality_duplicate_subject", f"subjects/{second.number}"))
    p = b.new_customer(email="pekka.salo@example,com", registered=datetime(2023, 1, 9, 10, 0))
    b.plant("invalid_email", f"customer {p.number}'s e-mail has a comma for a dot",
            ("quality_invalid_email", f"subjects/{p.number}"))
    p = b.new_customer(phone="040 123", registered=datetime(2023, 1, 10, 10, 0))
    b.plant("invalid_phone", f"customer {p.number}'s phone number is cut short",
            ("quality_invalid_phone", f"subjects/{p.number}"))
    p = b.new_customer(postal="2100", registered=datetime(2023, 1, 11, 10, 0))
    b.plant("postal_code_lost_zero", f"customer {p.number}'s postal code 02100 lost its leading zero in Excel",
            ("quality_invalid_postal_code", f"subjects/{p.number}"))


def _rights_plants(b: _Builder) -> None:
    """Requests answered late, and deadlines met at the edge (near misses)."""
    rng = b.rng
    p = rng.choice(b.customers[:100])
    late = b.request(p.number, "tarkastus", datetime(2026, 6, 10, 9, 0), datetime(2026, 7, 20, 15, 0),
                     "tiedot toimitettu")
    b.plant("late_access_request", f"access request {late} received 10.6.2026, due 10.7., answered 20.7.",
            ("rights_request_late", f"requests/{late}"))
    p = rng.choice(b.customers[:100])
    ext = b.request(p.number, "siirto", datetime(2026, 7, 1, 10, 0), datetime(2026, 9, 10, 12, 0), "tiedot siirretty",
                    notified=datetime(2026, 8, 14, 9, 0))
    b.plant("extension_notified_late", f"portability request {ext} received 1.7.2026: the extension was notified on "
            "14.8., after the first month (3.8.); so no extension, and the answer on 10.9. was late",
            ("rights_extension_notified_late", f"requests/{ext}"), ("rights_request_late", f"requests/{ext}"))
    p = rng.choice(b.customers[:100])
    weekend = b.request(p.number, "oikaisu", datetime(2026, 6, 5, 12, 0), datetime(2026, 7, 6, 9, 0), "korjattu")
    b.plant("deadline_on_sunday", f"rectification request {weekend} received Fri 5.6.2026: due Sun 5.7., moved to "
            "Mon 6.7., answered 6.7. (near miss)")
    p = rng.choice(b.customers[:100])
    timely = b.request(p.number, "tarkastus", datetime(2026, 7, 15, 9, 0), datetime(2026, 9, 30, 12, 0),
                       "tiedot toimitettu", notified=datetime(2026, 8, 10, 9, 0))
    b.plant("extension_notified_in_time", f"access request {timely}: extension notified within the first month, "
            "answered within three (near miss)")
    gone = str(b._next_number + 100)
    b.request(gone, "poisto", datetime(2026, 4, 2, 9, 0), datetime(2026, 4, 20, 16, 0), "poistettu")
    b.plant("erased_and_gone", f"customer {gone} was erased in April and is in no export but the request log: not a "
            "subject outside the master register (near miss)")


def _retention_plants(b: _Builder) -> None:
    """Records held past their retention period, and contact details in ticket texts."""
    rng = b.rng
    p = b.new_customer(registered=datetime(2019, 4, 1, 10, 0))
    old = b.order(p, datetime(2019, 11, 15, 14, 0))
    b.plant("order_past_bookkeeping_period", f"order {old} of 15.11.2019 was due for deletion on 1.1.2026",
            ("retention_period_exceeded", f"orders/{old}"))
    new_year = b.order(p, datetime(2020, 1, 1, 0, 30))
    b.plant("order_in_first_minutes_of_2020", f"order {new_year} at 1.1.2020 00:30 Helsinki time (still 2019 in "
            "UTC) counts from the end of 2020: due 1.1.2027 (near miss)")
    q = rng.choice([c for c in b.customers[:100] if c.number not in b.banned_quietly])
    stale = b.ticket(q.email.strip().lower(), datetime(2023, 6, 12, 10, 0), finnish.CONSUMER_SUPPORT_TEXTS[0])
    b.plant("ticket_past_limitation", f"helpdesk ticket {stale} of 12.6.2023 was due for deletion on 12.6.2026",
            ("retention_period_exceeded", f"support_contacts/{stale}"))
    recent = b.ticket(q.email.strip().lower(), datetime(2023, 10, 2, 10, 0), finnish.CONSUMER_SUPPORT_TEXTS[1])
    b.plant("ticket_within_limitation", f"helpdesk ticket {recent} of 2.10.2023 is due on 2.10.2026 (near miss)")
    q = rng.choice(b.customers[:100])
    pii = b.ticket(q.email.strip().lower(), datetime(2026, 8, 18, 13, 0),
                   "Soittakaa minulle numeroon 040 765 4321, en saa vahvistusviestiä.")
    b.plant("phone_in_ticket", f"helpdesk ticket {pii} has a phone number in its text",
            ("inventory_pii_in_free_text", f"support_contacts/{pii}"))
    q = rng.choice(b.customers[:100])
    b.ticket(q.email.strip().lower(), datetime(2026, 9, 2, 11, 0),
             "Kirjoitin jo osoitteeseen asiakaspalvelu@hyvinvoivin.fi mutta en saanut vastausta.")
    b.plant("controller_address_in_ticket", "a helpdesk ticket names the controller's own published address (near miss)")


def _identity_timing_near_misses(b: _Builder) -> None:
    """The same person written differently, and sends a minute after consent (near misses)."""
    p = b.new_customer(email=" Anna.K@Example.FI ", registered=datetime(2024, 3, 3, 10, 0))
    p.first, p.last = "Anna", "Kivelä"
    b.subscribe(p, datetime(2024, 3, 3, 10, 20), email="anna.k@example.fi")
    b.ticket("Anna.K@example.fi", datetime(2026, 7, 28, 10, 0), finnish.CONSUMER_SUPPORT_TEXTS[3])
    b.plant("email_case_and_spaces", f"customer {p.number} is ' Anna.K@Example.FI ' in the shop, "
            "anna.k@example.fi in the newsletter tool and Anna.K@example.fi in the helpdesk (near miss)")
    p = b.new_customer(phone="040 123 4567", registered=datetime(2024, 6, 1, 10, 0))
    b._phones.add("040 123 4567")
    b.sms_log.append(SmsEvent("+358 40 1234567", "", "JOIN", datetime(2024, 6, 1, 10, 30), SMS_SOURCES[0]))
    p.sms = "Kyllä"
    b.plant("phone_notations", f"customer {p.number} is 040 123 4567 in the shop, +358 40 1234567 in the SMS log "
            "(near miss)")
    p = b.new_customer(registered=datetime(2026, 8, 13, 9, 50))
    b.subscribe(p, datetime(2026, 8, 13, 9, 59))
    b.exact_send_time[(p.email, "Elokuun uutiskirje")] = datetime(2026, 8, 13, 10, 0)
    b.plant("send_a_minute_after_optin", f"customer {p.number} subscribed at 9.59 and got the August newsletter at "
            "10.00 (near miss)")
    p = b.new_customer(registered=datetime(2026, 7, 20, 11, 0))
    b.sms_optin(p, datetime(2026, 7, 20, 11, 59))
    b.plant("sms_a_minute_after_join", f"customer {p.number} joined at 11.59 and got the 12.00 SMS (near miss)")


def _customer_notes_plants(b: _Builder) -> None:
    """Free text in the shop's customer notes: an account number, and the controller's own address."""
    # The shop's notes column is marked free_text: true; its texts have no time, so they are judged as
    # held. Two background customers, taken by place so that no random draw of the sample changes.
    noted = b.customers[10]
    noted.notes = "Palautus tilille FI21 1234 5600 0007 85, asiakas soitti."
    b.plant("iban_in_customer_notes", f"customer {noted.number}'s notes in the shop hold a bank account number",
            ("inventory_pii_in_free_text", f"subjects/{noted.number}#Muistiinpanot"))
    b.customers[11].notes = "Ohjattu kirjoittamaan osoitteeseen asiakaspalvelu@hyvinvoivin.fi."
    b.plant("controller_address_in_notes", "a customer's notes name the controller's own published address "
            "(near miss)")


@dataclass
class _Sends:
    email: list[list[str]]
    sms: list[list[str]]
    email_ids: dict[tuple[str, str], str]   # (e-mail as written, campaign) -> message id
    sms_ids: dict[tuple[str, str], str]     # (phone as written, campaign) -> message id


def _sends(b: _Builder) -> _Sends:
    rng = b.rng
    email_rows, email_ids = [], {}
    banned = {c.email.strip().lower() for c in b.customers if c.number in b.banned_quietly}
    planned: list[tuple[str, str, datetime]] = []
    for campaign, at in EMAIL_CAMPAIGNS:
        for m in sorted(b.members, key=lambda m: m.email):
            end = m.unsub or m.clean
            if m.email in banned or not m.send or m.optin >= at or (end is not None and end <= at):
                continue
            planned.append((m.email, campaign, b.exact_send_time.get((m.email, campaign),
                                                                     at + timedelta(minutes=rng.randrange(1, 25)))))
    planned += b.forced_email_sends
    for email, campaign, sent in sorted(planned, key=lambda s: (s[2], s[0])):
        sent_text = _iso(sent)
        row = [campaign, email, sent_text, str(rng.randrange(0, 3)), str(rng.randrange(0, 2)), b.ip()]
        email_rows.append(row)
        email_ids[(email, campaign)] = derived_key([campaign, email, sent_text])
    sms_rows, sms_ids = [], {}
    by_phone: dict[str, list[SmsEvent]] = {}
    for event in b.sms_log:
        by_phone.setdefault(event.phone, []).append(event)
    planned = []
    for campaign, at in SMS_CAMPAIGNS:
        for phone, events in sorted(by_phone.items()):
            if phone in b.sms_suppressed:
                continue
            before = [e for e in sorted(events, key=lambda e: e.at) if e.at < at]
            if before and before[-1].keyword in ("JOIN", "ALOITA"):
                planned.append((phone, campaign, at + timedelta(seconds=rng.randrange(0, 240))))
    planned += b.forced_sms_sends
    for phone, campaign, sent in sorted(planned, key=lambda s: (s[2], s[0])):
        sid = f"SM{rng.getrandbits(128):032x}"
        opt_out = "no" if (phone, campaign) in b.no_opt_out else "yes"
        sms_rows.append([sid, phone, campaign, _utc(sent), "delivered", SMS_BODY[campaign], opt_out])
        sms_ids[(phone, campaign)] = sid
    return _Sends(email_rows, sms_rows, email_ids, sms_ids)


def _resolve_refs(b: _Builder, sends: _Sends) -> list[tuple[str, str, str]]:
    """The plants' findings with the record references the generator knows only after writing."""
    by_number = {c.number: c for c in b.customers}
    subscribed = sorted((m for m in b.members if m.status == "subscribed"), key=lambda m: m.email)
    expected: list[tuple[str, str, str]] = []
    for plant in b.plants:
        for check, ref in plant.findings:
            if ref.startswith("email:"):
                email = ref.removeprefix("email:")
                campaigns = [c for (e, c) in sends.email_ids if e == email]
                refs = [f"marketing_messages/{sends.email_ids[(email, c)]}" for c in campaigns]
                if check != "retention_erased_subject_residue":
                    refs = refs[-1:] if plant.name == "sent_after_withdrawal" else refs
                assert refs, plant.name
                expected += [(PERIOD, check, r) for r in refs]
            elif ref.startswith("email-all:"):
                email = ref.removeprefix("email-all:")
                refs = [f"marketing_messages/{mid}" for (e, _), mid in sends.email_ids.items() if e == email]
                assert refs, plant.name
                expected += [(PERIOD, check, r) for r in refs]
            elif ref.startswith("sms:"):
                phone = by_number[ref.removeprefix("sms:")].phone
                refs = [f"marketing_messages/{sid}" for (p, c), sid in sends.sms_ids.items()
                        if p.replace(" ", "").removeprefix("+") == "358" + phone.replace(" ", "")[1:]
                        and (check != "consent_message_without_opt_out" or (p, c) in b.no_opt_out)]
                assert refs, plant.name
                expected += [(PERIOD, check, r) for r in refs]
            elif "#row:" in ref:
                head, rest = ref.split("#row:")
                number, channel = rest.split("/")
                expected.append((PERIOD, check, f"{head}#{b.row(by_number[number])}/{channel}"))
            elif "#member:" in ref:
                head, rest = ref.split("#member:")
                email, fact = rest.rsplit("/", 1)
                row = next(i for i, m in enumerate(subscribed, 1) if m.email == email)
                expected.append((PERIOD, check, f"{head}#{row}/{fact}"))
            elif "#phone:" in ref:
                head, phone = ref.split("#phone:")
                row = next(i for i, e in enumerate(b.sms_log, 1) if e.phone == phone)
                expected.append((PERIOD, check, f"{head}#{row}"))
            else:
                expected.append((PERIOD, check, ref))
    return expected


def _csv(rows: list[list[str]], header: list[str], *, delimiter: str = ",", excel: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if excel else "\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    return ("\ufeff" + text).encode("utf-8") if excel else text.encode("utf-8")


def _write_xlsx(rows: list[list], header: list[str], path: Path) -> None:
    from audit_lib.sample.writers import write_xlsx

    write_xlsx(path, header, rows, sheet="Pyynnöt", date_format="dd.mm.yyyy hh:mm", creator="regaudit vendor sample")


# The newsletter tool's audience columns and their mapping in exports.yaml: every file has these, then
# its status's own (one list gives both the files' headers and their exports.yaml entries).
AUDIENCE_COLUMNS = (("Email Address", "{category: email}"), ("First Name", "{category: name}"),
                    ("Last Name", "{category: name}"), ("MEMBER_RATING", "{category: interests_profiling}"),
                    ("OPTIN_TIME", "{category: marketing_preferences}"),
                    ("OPTIN_IP", "{category: marketing_preferences}"),
                    ("CONFIRM_TIME", "{category: marketing_preferences}"),
                    ("CONFIRM_IP", "{category: marketing_preferences}"),
                    ("LAST_CHANGED", "{category: marketing_preferences}"), ("LEID", "{category: account_data}"))
STATUS_COLUMNS = {
    "subscribed": (),
    "unsubscribed": (("UNSUB_TIME", "{category: marketing_preferences}"),
                     ("UNSUB_CAMPAIGN_TITLE", "{category: marketing_preferences}"),
                     ("UNSUB_REASON", "{category: marketing_preferences}")),
    "cleaned": (("CLEAN_TIME", "{not_personal: when the tool stopped sending to a bouncing address}"),
                ("CLEAN_CAMPAIGN_TITLE", "{not_personal: the campaign whose send bounced}")),
}
AUDIENCE_FILES = {"subscribed": SUBSCRIBED, "unsubscribed": UNSUBSCRIBED, "cleaned": CLEANED}
# Each audience row is a grant; an unsubscribed one is also a withdrawal, when it has its time.
_GRANTED = """\
      - role: consent_events
        set: {channel: email, action: granted}
        columns: {OPTIN_TIME: at, OPTIN_IP: source}
"""
_WITHDRAWN = """\
      - role: consent_events
        set: {channel: email, action: withdrawn}
        when: UNSUB_TIME
        columns: {UNSUB_TIME: at, UNSUB_CAMPAIGN_TITLE: source}
"""


def _audience_header(status: str) -> list[str]:
    """The header of the audience file of ``status``."""
    return [name for name, _ in AUDIENCE_COLUMNS + STATUS_COLUMNS[status]]


def _audience_exports() -> str:
    """The exports.yaml entries of the newsletter tool's audience files, one per status."""
    entries = ["  # The newsletter tool's audience, exported on 30.9.2026: one file per status.\n"]
    for status, file in AUDIENCE_FILES.items():
        columns = "".join(f"      {name}: {spec}\n" for name, spec in AUDIENCE_COLUMNS + STATUS_COLUMNS[status])
        entries.append(f"  - file: {file}\n"
                       "    subject: {email: Email Address}\n"
                       "    snapshot: {from_file_name: '_(\\d{4}-\\d{2}-\\d{2})'}\n"
                       "    facts:\n" + _GRANTED + (_WITHDRAWN if status == "unsubscribed" else "")
                       + "    columns:\n" + columns + "\n")
    return "".join(entries)


def _audience_rows(members: list[Member], status: str) -> list[list[str]]:
    rows = []
    for m in sorted((m for m in members if m.status == status), key=lambda m: m.email):
        confirm = m.optin + timedelta(minutes=2)
        last = m.unsub or m.clean or confirm
        row = [m.email, m.first, m.last, str(m.rating), _iso(m.optin), m.optin_ip, _iso(confirm),
               m.optin_ip, _iso(last), m.leid]
        if status == "unsubscribed":
            row += [_iso(m.unsub), m.unsub_campaign, ""]
        elif status == "cleaned":
            row += [_iso(m.clean), "Kevään kampanja"]
        rows.append(row)
    return rows


def _write_exports(b: _Builder, sends: _Sends, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}
    master = sorted((c for c in b.customers if c.in_master), key=lambda c: c.number)
    files[CUSTOMERS] = _csv(
        [[c.number, c.first, c.last, c.email, c.phone, c.postal, "FI", _fi(c.registered), c.newsletter,
          _fi(c.newsletter_changed), c.sms, c.ban, c.notes] for c in master],
        ["Asiakasnumero", "Etunimi", "Sukunimi", "Sähköposti", "Puhelin", "Postinumero", "Maa", "Rekisteröitynyt",
         "Uutiskirje", "Uutiskirje muutettu", "Tekstiviestit", "Markkinointikielto", "Muistiinpanot"],
        delimiter=";", excel=True)
    files[ORDERS] = _csv(sorted(b.orders), ["Tilausnumero", "Asiakasnumero", "Tilattu", "Tuote", "Summa",
                                            "Maksutapa"], delimiter=";", excel=True)
    for status, file in AUDIENCE_FILES.items():
        files[file] = _csv(_audience_rows(b.members, status), _audience_header(status))
    files[ACTIVITY] = _csv(sends.email, ["Campaign", "Email", "Sent at", "Opens", "Clicks", "IP Address"])
    files[SMS_SENDS] = _csv(sends.sms, ["Message ID", "To", "Campaign", "Sent (UTC)", "Status", "Body",
                                        "Opt-out footer"])
    files[SMS_OPTIN] = _csv([[e.phone, e.email, e.keyword, e.at.strftime("%Y-%m-%d %H:%M"), e.source]
                             for e in b.sms_log], ["Phone", "Email", "Keyword", "Received", "Source"])
    files[TICKETS] = "".join(json.dumps(t, ensure_ascii=False) + "\n"
                             for t in sorted(b.tickets, key=lambda t: t["id"])).encode("utf-8")
    files[STRAY] = _csv([["1987", "Matti Meikäläinen", "matti.meikalainen@example.com", "Helsinki"],
                         ["2044", "Maija Mallikas", "maija.mallikas@example.net", "Tampere"]],
                        ["asnro", "nimi", "email", "kaupunki"], delimiter=";")
    for name, data in files.items():
        (folder / name).write_bytes(data)
    _write_xlsx(b.requests, ["Pyyntö", "Asiakasnumero", "Tyyppi", "Vastaanotettu", "Jatkosta ilmoitettu",
                             "Käsitelty", "Lopputulos"], folder / REQUESTS)
    return sorted([*files, REQUESTS])


IDENTIFIERS = """
# Added for the vendor-shaped sample: the identifiers the register's systems know a person by. The
# webshop's customer number is the master register's id; the newsletter tool knows only e-mail
# addresses, the SMS provider only phone numbers.
identifiers:
  customer_number:
    master: true
    label: {fi: Asiakasnumero, en: Customer number}
  email:
    normalise: email
    label: {fi: Sähköpostiosoite, en: E-mail address}
  phone:
    normalise: phone
    region: FI
    label: {fi: Puhelinnumero, en: Phone number}
"""

EXPORTS_YAML = """\
# yaml-language-server: $schema=../../audit_lib/schemas/exports.schema.json
#
# The Hyvinvoivin register as its vendors' systems export it: the webshop platform (customers,
# orders), the newsletter tool (audience and campaign activity, by e-mail), the SMS provider (sends
# and JOIN/STOP log, by phone), the helpdesk (tickets, by the requester's e-mail) and the DPO's
# request log (by customer number). Generated by audit_lib/sample/vendor.py.
schema_version: 1
register: register.yaml
exports_dir: exports
timezone: Europe/Helsinki

# Roles these systems do not export: the checks that need them are not run, by declaration, and the
# audit is complete without them. (The stray 2019 file is deliberately not listed under ignore:.)
not_exported:
  access_log: the webshop platform keeps its admin log itself and gives no export of it
  staff_accounts: staff log in with the platform's own accounts; there is no staff list to export
  disclosures: no disclosures to third parties are recorded outside the processors' contracts
  usage_events: cookie consent is handled by the platform's banner, which exports nothing
  services: the product catalogue holds no personal data and is not exported

exports:
  # The webshop platform's customer export (Excel: UTF-8 BOM, semicolons, Finnish dates and words).
  - file: asiakkaat.csv
    role: subjects
    subject: {customer_number: Asiakasnumero, email: Sähköposti, phone: Puhelin}
    set: {subject_type: consumer}
    snapshot: {at: 2026-09-30T22:00:00}
    options: {delimiter: ";"}
    states:
      email: {column: Uutiskirje, changed_at: Uutiskirje muutettu}
      sms: {column: Tekstiviestit}
    columns:
      Asiakasnumero: {field: subject_id, category: account_data}
      Etunimi: {field: first_name, category: name}
      Sukunimi: {field: last_name, category: name}
      Sähköposti: {field: email, category: email}
      Puhelin: {field: phone, category: phone}
      Postinumero: {field: postal_code, category: postal_address}
      Maa: {field: country, category: postal_address}
      Rekisteröitynyt: {field: created_at, category: account_data}
      Uutiskirje: {category: marketing_preferences}
      Uutiskirje muutettu: {category: marketing_preferences}
      Tekstiviestit: {category: marketing_preferences}
      Markkinointikielto: {field: marketing_ban, category: marketing_preferences}
      Muistiinpanot: {category: feedback_contacts, free_text: true}

  - file: tilaukset.csv
    role: orders
    key: Tilausnumero
    options: {delimiter: ";", decimal_separator: ","}
    columns:
      Tilausnumero: {field: order_id, category: purchased_services}
      Asiakasnumero: {field: subject_id}
      Tilattu: {field: ordered_at, category: purchased_services}
      Tuote: {field: service_id, category: purchased_services}
      Summa: {field: amount, category: purchased_services}
      Maksutapa: {category: purchased_services}

""" + _audience_exports() + """\
  - file: campaign_activity.csv
    role: marketing_messages
    subject: {email: Email}
    derive: {message_id: [Campaign, Email, Sent at]}
    set: {channel: email, has_opt_out: true}
    columns:
      Campaign: {field: campaign}
      Email: {category: email}
      Sent at: {field: sent_at}
      Opens: {category: interests_profiling}
      Clicks: {category: interests_profiling}

  # The SMS provider: its send log (times in UTC) and its JOIN/STOP log.
  - file: sms_lahetykset.csv
    role: marketing_messages
    key: Message ID
    subject: {phone: To}
    set: {channel: sms}
    columns:
      Message ID: {field: message_id}
      To: {category: phone}
      Campaign: {field: campaign}
      Sent (UTC): {field: sent_at}
      Status: {not_personal: the provider's delivery status}
      Body: {not_personal: "the campaign text, the same for every recipient"}
      Opt-out footer: {field: has_opt_out}

  - file: sms_optin_log.csv
    role: consent_events
    subject: {phone: Phone, email: Email}
    set: {channel: sms}
    columns:
      Phone: {category: phone}
      Email: {category: email}
      Keyword: {field: action, values: {join: granted, aloita: granted, stop: withdrawn, lopeta: withdrawn}}
      Received: {field: at, category: marketing_preferences}
      Source: {field: source, category: marketing_preferences}

  - file: helpdesk_tickets.json
    role: support_contacts
    key: id
    subject: {email: requester_email}
    columns:
      id: {field: contact_id, category: feedback_contacts}
      created_at: {field: at, category: feedback_contacts}
      requester_email: {category: email}
      subject: {category: feedback_contacts, free_text: true}
      description: {field: text, category: feedback_contacts, free_text: true}
      status: {not_personal: the ticket's workflow status}
      via: {not_personal: the channel the ticket came through}

  - file: pyynnot.xlsx
    role: requests
    key: Pyyntö
    columns:
      Pyyntö: {field: request_id}
      Asiakasnumero: {field: subject_id}
      Tyyppi:
        field: kind
        values: {poisto: erasure, tarkastus: access, oikaisu: rectification, siirto: portability,
                 markkinointikielto: objection_to_marketing}
      Vastaanotettu: {field: received_at}
      Jatkosta ilmoitettu: {field: extension_notified_at}
      Käsitelty: {field: completed_at}
      Lopputulos:
        field: outcome
        values: {poistettu: erased, tiedot toimitettu: data_provided, korjattu: rectified,
                 tiedot siirretty: data_exported, kielto asetettu: marketing_ban_set}
"""
# Columns planted as undeclared: the newsletter tool's activity export carries the recipient's IP.
UNDECLARED = (("campaign_activity.csv", "IP Address"),)


def _declared_category_gaps(register_text: str, exports_text: str) -> list[str]:
    """Categories register.yaml declares that no column of exports.yaml maps (each mapped column is in its file)."""
    import yaml

    declared = [c["id"] for c in yaml.safe_load(register_text)["data_categories"]]
    used = {spec.get("category") for export in yaml.safe_load(exports_text)["exports"]
            for spec in (export.get("columns") or {}).values() if isinstance(spec, dict)}
    return [c for c in declared if c not in used]


def generate_vendor(out_dir: Path, seed: int = 7, customers: int = 120) -> VendorSummary:
    """Write the vendor-shaped sample into ``out_dir`` (its exports/ folder is replaced)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    b = _Builder(seed)
    _background(b, customers)
    _plants(b)
    sends = _sends(b)
    exports = out_dir / "exports"
    if exports.exists():
        shutil.rmtree(exports)
    files = _write_exports(b, sends, exports)
    register_text = BUNDLED_REGISTER.read_text(encoding="utf-8").rstrip("\n") + "\n" + IDENTIFIERS
    (out_dir / "register.yaml").write_text(register_text, encoding="utf-8")
    (out_dir / "exports.yaml").write_text(EXPORTS_YAML, encoding="utf-8")

    expected = _resolve_refs(b, sends)
    b.plant("stray_file", f"{STRAY}, an old register nobody maps, lies in the exports folder",
            ("inventory_unmapped_file", f"files/{STRAY}"))
    expected.append((PERIOD, "inventory_unmapped_file", f"files/{STRAY}"))
    for file, column in UNDECLARED:
        b.plant(f"undeclared_column:{column}", f"{file} has a column {column!r} that exports.yaml does not map",
                ("inventory_undeclared_column", f"exports/{file}#{column}"))
        expected.append((PERIOD, "inventory_undeclared_column", f"exports/{file}#{column}"))
    for category in _declared_category_gaps(register_text, EXPORTS_YAML):
        expected.append((PERIOD, "inventory_declared_category_unused", f"categories/{category}"))
    with REGISTER_GAPS.open(encoding="utf-8", newline="") as handle:
        expected += [(PERIOD, gap["check_id"], gap["record_ref"]) for gap in csv.DictReader(handle)]
    rows = sorted(set(expected))
    assert len(rows) == len(expected), "two plants claim the same finding"
    with (out_dir / "expected_findings.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["period", "check_id", "record_ref"])
        writer.writerows(rows)
    return VendorSummary(out_dir, sum(1 for c in b.customers if c.in_master), files, b.plants, len(rows))
