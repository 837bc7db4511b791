"""The clean bulk of the sample, generated set-wise inside DuckDB: one table per canonical role.

Every value is a pure function of (seed, salt, row numbers) through the macros of ``prng``, so the
tables are the same whatever the thread count, and the same SQL scales from 300 to 10 million
subjects. Clean by construction means each table is built so that no check can fire on it:

* time is counted in whole days from ``timeline.EPOCH`` plus a second of the day between 07 and 23,
  and an event that must follow another is put on a later day; no local time is ever in the DST
  gap or the repeated hour, and "after" never depends on the clock of the day;
* e-mail and SMS messages fall strictly between the day of the subject's grant and the day of its
  withdrawal (or marketing ban, or account closure); post only before a ban or closure;
* orders since 2020-01-15, activity and support contacts since 2023-11-01 (retention);
* requests are answered 2-20 days after receipt (35-74 with an extension notified within 15 days);
* staff accounts are personal, valid around every access, read only what their role may read, and
  read at most 11 subjects a day;
* erased subjects leave nothing behind but their (evidential) request.

Working tables carry the export's columns (named as in exports.yaml) and internal columns whose
names start with ``_``; the writers pick the declared columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from audit_lib.sample import finnish

if TYPE_CHECKING:
    import duckdb

# The tables an export of the sample reads from; named by canonical role.
TABLES = ("subjects", "consent_events", "marketing_messages", "orders", "services", "support_contacts",
          "requests", "staff_accounts", "access_log", "disclosures", "usage_events")

# Staff role of account n is ROLE_PLAN[n % 20]: half customer service, a few of each other role.
ROLE_PLAN = ("customer_service", "marketing", "customer_service", "provider_support", "customer_service",
             "administrator", "customer_service", "marketing", "provider_support", "customer_service",
             "customer_service", "marketing", "provider_support", "customer_service", "administrator",
             "customer_service", "provider_support", "marketing", "customer_service", "customer_service")

# Tables the access log names (canonical roles); access_log and staff_accounts themselves are not logged.
LOGGED_TABLES = ("subjects", "orders", "consent_events", "support_contacts", "requests",
                 "marketing_messages", "services")


@dataclass(frozen=True)
class IdFormat:
    """How one table's keys are written: a prefix and a zero-padded number of fixed width."""

    prefix: str
    width: int

    def format(self, number: int) -> str:
        """The key of the ``number``-th record (1-based)."""
        return f"{self.prefix}{number:0{self.width}d}"


def id_formats(consumers: int, providers: int) -> dict[str, IdFormat]:
    """Key formats per table: wide enough for the largest count the sizes can produce, so that
    keys sort as numbers and plants can append keys of the same width."""
    def width(minimum: int, upper_bound: int) -> int:
        return max(minimum, len(str(upper_bound)))

    return {
        "consumer": IdFormat("C", width(7, consumers)),
        "provider": IdFormat("P", width(5, providers)),
        "services": IdFormat("S", width(6, providers * 3)),
        "orders": IdFormat("O", width(8, consumers * 10)),
        "consent_events": IdFormat("K", width(8, consumers * 4)),
        "marketing_messages": IdFormat("M", width(8, consumers * 100)),
        "support_contacts": IdFormat("T", width(7, (consumers + providers) * 4)),
        "requests": IdFormat("R", width(5, consumers * 2)),
        "disclosures": IdFormat("D", 6),
        "usage_events": IdFormat("U", width(8, consumers * 4)),
        "access_log": IdFormat("L", width(8, consumers * 20)),
    }


# Above this many consumers the two densest tables are thinned to half (marketing messages per
# subject and staff accounts, hence access-log rows, per subject): about 10 rows a subject instead
# of 19, so that 10 million subjects give about 100 million messages and log entries rather than
# 190 million. Smaller samples, the bundled one among them, keep the full density (and their bytes).
FULL_DENSITY_UP_TO = 200_000


def size_variables(consumers: int) -> dict[str, int | float]:
    """Row-count parameters derived from the number of consumers."""
    providers = max(5, consumers // 20)
    dense = consumers <= FULL_DENSITY_UP_TO
    return {
        "n_consumers": consumers,
        "n_providers": providers,
        "n_services": providers * 3,
        # About one account per 130 customers (260 above FULL_DENSITY_UP_TO): keeps every
        # account's daily reads small at any size.
        "n_staff": max(15, consumers * 3 // (400 if dense else 800)),
        # Multiplies the message rate of every channel.
        "message_density": 1.0 if dense else 0.5,
    }


def _lookup(con: "duckdb.DuckDBPyConnection", table: str, rows: list[dict]) -> None:
    # One bound list of structs, unnested into columns: no SQL text is built from the values.
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT unnest($rows, recursive := true)", {"rows": rows})


def create_lookups(con: "duckdb.DuckDBPyConnection", role_tables: dict[str, list[str]]) -> dict[str, int]:
    """Load the vocabulary of ``finnish`` and the staff roles into small tables; return their sizes."""
    def numbered(values, **fixed):
        return [{**fixed, "i": i, "name": v} for i, v in enumerate(values)]

    _lookup(con, "l_first_names",
            numbered(finnish.FEMALE_FIRST_NAMES, sex="f") + numbered(finnish.MALE_FIRST_NAMES, sex="m"))
    _lookup(con, "l_last_names", numbered(finnish.LAST_NAMES))
    places = [(code, city) for code, city, weight in finnish.PLACES for _ in range(weight)]
    _lookup(con, "l_places", [{"i": i, "postal_code": code, "city": city} for i, (code, city) in enumerate(places)])
    _lookup(con, "l_streets", numbered(finnish.STREETS))
    _lookup(con, "l_interests", [{"i": i, "interests": v} for i, v in enumerate(finnish.INTEREST_PROFILES)])
    _lookup(con, "l_service_templates", [{"i": i, "category": c, "title": t, "price": p}
                                         for i, (c, t, p) in enumerate(finnish.SERVICE_TEMPLATES)])
    _lookup(con, "l_support_texts",
            [{"audience": "c", "i": i, "text": t} for i, t in enumerate(finnish.CONSUMER_SUPPORT_TEXTS)]
            + [{"audience": "p", "i": i, "text": t} for i, t in enumerate(finnish.PROVIDER_SUPPORT_TEXTS)])
    _lookup(con, "l_campaigns", [{"month": m + 1, "name": n} for m, n in enumerate(finnish.CAMPAIGNS_BY_MONTH)])
    _lookup(con, "l_campaign_suffix", [{"channel": c, "suffix": x} for c, x in finnish.CAMPAIGN_SUFFIX.items()])
    _lookup(con, "l_outcomes", [{"kind": k, "outcome": o} for k, o in finnish.REQUEST_OUTCOMES.items()])
    _lookup(con, "l_role_plan", [{"i": i, "role": r} for i, r in enumerate(ROLE_PLAN)])
    _lookup(con, "l_role_tables", [{"role": role, "i": i, "table_name": t} for role, tables in role_tables.items()
                                   for i, t in enumerate(t for t in tables if t in LOGGED_TABLES)])
    con.execute("CREATE OR REPLACE TABLE l_role_counts AS SELECT role, count(*) AS n FROM l_role_tables GROUP BY role")
    return {
        "n_female": len(finnish.FEMALE_FIRST_NAMES), "n_male": len(finnish.MALE_FIRST_NAMES),
        "n_last": len(finnish.LAST_NAMES), "n_places": len(places), "n_streets": len(finnish.STREETS),
        "n_interests": len(finnish.INTEREST_PROFILES), "n_templates": len(finnish.SERVICE_TEMPLATES),
        "n_consumer_texts": len(finnish.CONSUMER_SUPPORT_TEXTS),
        "n_provider_texts": len(finnish.PROVIDER_SUPPORT_TEXTS),
    }


def _consent_life(channel: str, granted: float, sources: list[str], withdraws: float) -> str:
    """The columns of one marketing channel's consent life (``channel``: the prefix of its columns
    and random streams): granted within two months of registering with probability ``granted``
    from one of ``sources``; withdrawn later with probability ``withdraws``; a ban or a closure
    withdraws it at that instant."""
    c = channel
    picked = f"[{', '.join(repr(s) for s in sources)}][1 + pick('{c}_g_source', _idx, {len(sources)})]"
    return f"""reg_day + 1 + CAST(floor(rnd('{c}_lag', _idx) * rnd('{c}_lag2', _idx) * 60) AS INTEGER) AS {c}_g_day,
    rnd('{c}_granted', _idx) < {granted} AND {c}_g_day < stop_day AND {c}_g_day <= getvariable('d_end') AS {c}_granted,
    sod_between('{c}_g_sod', _idx, 7, 23) AS {c}_g_sod,
    {picked} AS {c}_g_source,
    {c}_g_day + 1 + pick('{c}_w_day', _idx, greatest(getvariable('d_end') - {c}_g_day, 1)) AS {c}_vol_day,
    rnd('{c}_withdraws', _idx) < {withdraws} AND {c}_vol_day < stop_day
      AND {c}_vol_day <= getvariable('d_end') AS {c}_vol,
    CASE WHEN NOT {c}_granted THEN NULL WHEN {c}_vol THEN {c}_vol_day
         WHEN stop_day <= getvariable('d_end') THEN stop_day END AS {c}_w_day,
    CASE WHEN {c}_vol THEN sod_between('{c}_w_sod', _idx, 7, 23) ELSE stop_sod END AS {c}_w_sod,
    CASE WHEN {c}_vol THEN ['unsubscribe_link', 'account_settings'][1 + pick('{c}_w_source', _idx, 2)]
         ELSE 'account_settings' END AS {c}_w_source"""


# --- consumers: account life, marketing consents, bans and the plan of their other records --------
# Registration grows linearly with the customer number (ids are issued in registration order), which
# lets the access log pick only subjects that existed on the day without a join.
_CONSUMERS = """
CREATE OR REPLACE TABLE _consumers AS
WITH b AS (
  SELECT range AS _idx,
         CAST(floor((range + rnd('reg_day', range)) * (getvariable('d_end') - 2)
                    / getvariable('n_consumers')) AS INTEGER) AS reg_day,
         sod_between('reg_sod', range, 7, 23) AS reg_sod
  FROM range(getvariable('n_consumers'))
), a AS (
  SELECT b.*,
    greatest(reg_day + 1, getvariable('d_active')) AS act_lo,
    -- sqrt skews last activity towards the present, as a live register's is
    act_lo + CAST(floor(sqrt(rnd('act_day', _idx)) * (getvariable('d_end') - act_lo + 1)) AS INTEGER) AS act_day,
    sod_between('act_sod', _idx, 7, 23) AS act_sod,
    rnd('closed', _idx) < 0.02 AND act_day < getvariable('d_end') AS closed,
    CASE WHEN closed THEN act_day + 1 + pick('closed_day', _idx, getvariable('d_end') - act_day) END AS closed_day,
    sod_between('closed_sod', _idx, 8, 22) AS closed_sod,
    NOT closed AND rnd('banned', _idx) < 0.03 AS banned,
    -- a ban carried over from the old system has no date: such subjects get no marketing at all
    banned AND rnd('ban_legacy', _idx) < 0.1 AS ban_legacy,
    CASE WHEN banned AND NOT ban_legacy
         THEN reg_day + 1 + pick('ban_day', _idx, getvariable('d_end') - reg_day) END AS ban_day,
    sod_between('ban_sod', _idx, 8, 22) AS ban_sod,
    CASE WHEN ban_legacy THEN 0
         ELSE least(coalesce(ban_day, 2147483647), coalesce(closed_day, 2147483647), getvariable('d_end') + 1)
    END AS stop_day,
    CASE WHEN ban_day IS NOT NULL THEN ban_sod ELSE closed_sod END AS stop_sod,
    rnd('publication_ban', _idx) < 0.05 AS publication_ban
  FROM b
), m AS (
  SELECT a.*,
    {email_consent},
    {sms_consent},
    -- post (printed catalogue): needs no consent, only no ban
    NOT ban_legacy AND rnd('catalogue', _idx) < 0.3 AS catalogue,
    -- orders fall strictly before the day of last activity (a purchase is activity)
    greatest(reg_day + 1, getvariable('d_order')) AS o_lo,
    act_day - 1 AS o_hi,
    CASE WHEN o_hi >= o_lo THEN pick('n_orders', _idx, least(9, 1 + (o_hi - o_lo) // 20)) ELSE 0 END AS n_orders,
    -- data-subject requests
    greatest(reg_day + 1, getvariable('d_request')) AS q_lo,
    n_orders = 0 AND NOT banned AND NOT closed AND q_lo <= getvariable('d_end')
      AND rnd('erasure', _idx) < 0.055 AS erasure,
    q_lo + pick('erasure_recv', _idx, getvariable('d_end') - q_lo + 1) AS erasure_day,
    erasure_day + 2 + pick('erasure_done', _idx, 19) AS erasure_done_day,
    erasure AND erasure_done_day <= getvariable('d_end') AS _erased,
    -- an objection to direct marketing is what set the ban (ban_since = the request's completion)
    ban_day IS NOT NULL AND ban_day - 21 > greatest(reg_day, getvariable('d_request'))
      AND rnd('objection', _idx) < 0.6 AS objection,
    NOT erasure AND q_lo <= getvariable('d_end') AND rnd('request', _idx) < 0.012 AS other_request
  FROM a
)
SELECT m.*,
       key_of('consumer', _idx + 1) AS customer_id
FROM m
""".format(
    # e-mail is granted more often than SMS, from more places, and withdrawn a little more often
    email_consent=_consent_life("e", 0.65, ["checkout_checkbox", "newsletter_form", "account_settings"], 0.3),
    sms_consent=_consent_life("s", 0.35, ["checkout_checkbox", "account_settings"], 0.25))

_PROVIDERS = """
CREATE OR REPLACE TABLE _providers AS
SELECT range AS _idx,
       key_of('provider', range + 1) AS customer_id,
       CAST(floor((range + rnd('p_reg_day', range)) * (getvariable('d_end') - 2)
                  / getvariable('n_providers')) AS INTEGER) AS reg_day,
       sod_between('p_reg_sod', range, 7, 23) AS reg_sod,
       greatest(reg_day + 1, getvariable('d_active')) AS act_lo,
       act_lo + CAST(floor(sqrt(rnd('p_act_day', range)) * (getvariable('d_end') - act_lo + 1)) AS INTEGER) AS act_day,
       sod_between('p_act_sod', range, 7, 23) AS act_sod,
       rnd('p_publication_ban', range) < 0.02 AS publication_ban
FROM range(getvariable('n_providers'))
"""

# --- subjects: consumers and providers with names, contact details and account dates --------------
_SUBJECTS = """
CREATE OR REPLACE TABLE subjects AS
WITH people AS (
  SELECT customer_id, 'kuluttaja' AS customer_type, 'c' AS _kind, _idx, _idx AS _g, reg_day, reg_sod,
         act_day, act_sod, closed_day, closed_sod, banned, ban_day, ban_sod, publication_ban, _erased
  FROM _consumers
  UNION ALL
  SELECT customer_id, 'palveluntarjoaja', 'p', _idx, getvariable('n_consumers') + _idx, reg_day, reg_sod,
         act_day, act_sod, NULL, NULL, false, NULL, NULL, publication_ban, false
  FROM _providers
), drawn AS (
  SELECT p.*,
    CASE WHEN rnd('sex', _g) < 0.52 THEN 'f' ELSE 'm' END AS sex,
    pick('first_name', _g, CASE WHEN sex = 'f' THEN getvariable('n_female') ELSE getvariable('n_male') END) AS fn_i,
    pick('last_name', _g, getvariable('n_last')) AS ln_i,
    pick('place', _g, getvariable('n_places')) AS place_i,
    pick('street', _g, getvariable('n_streets')) AS street_i,
    CASE WHEN _kind = 'c' THEN pick('interests', _g, getvariable('n_interests')) ELSE 0 END AS interest_i,
    -- phone numbers: an affine bijection modulo 6e7 (the multiplier is prime to 2, 3 and 5) makes
    -- every subject's number unique (up to 60 million subjects) while looking random
    (_g * 22801763 + pick('phone_offset', 0, 60000000)) % 60000000 AS phone_v,
    pick('email_format', _g, 4) AS email_format,
    pick('email_domain', _g, 3) AS email_domain_i,
    -- between 18 and 75 years old at registration
    reg_day - 6575 - pick('birth', _g, 20820) AS birth_day
  FROM people p
), named AS (
  SELECT d.*, f.name AS first_name, l.name AS last_name, pl.postal_code, pl.city, i.interests,
    s.name || ' ' || (1 + pick('house', _g, 120))
      || CASE WHEN rnd('flat', _g) < 0.55
              THEN ' ' || ['A', 'B', 'C', 'D'][1 + pick('stair', _g, 4)] || ' ' || (1 + pick('flat_no', _g, 40))
              ELSE '' END AS street,
    regexp_replace(lower(strip_accents(f.name)), '[^a-z-]', '', 'g') AS fn_ascii,
    regexp_replace(lower(strip_accents(l.name)), '[^a-z-]', '', 'g') AS ln_ascii,
    CASE email_format WHEN 0 THEN fn_ascii || '.' || ln_ascii WHEN 1 THEN fn_ascii || ln_ascii
                      WHEN 2 THEN left(fn_ascii, 1) || '.' || ln_ascii ELSE ln_ascii || '.' || fn_ascii
    END AS email_local,
    getvariable('email_domains')[1 + email_domain_i] AS email_domain
  FROM drawn d
  JOIN l_first_names f ON f.sex = d.sex AND f.i = d.fn_i
  JOIN l_last_names l ON l.i = d.ln_i
  JOIN l_places pl ON pl.i = d.place_i
  JOIN l_streets s ON s.i = d.street_i
  JOIN l_interests i ON i.i = d.interest_i
), numbered AS (
  -- the second "aino.virtanen" at a domain becomes "aino.virtanen2": local parts hold no digits,
  -- so the suffix makes every address unique
  SELECT n.*, row_number() OVER (PARTITION BY email_local, email_domain ORDER BY _g) AS email_n
  FROM named n
)
SELECT customer_id, customer_type, first_name, last_name,
       email_local || CASE WHEN email_n > 1 THEN CAST(email_n AS VARCHAR) ELSE '' END || '@' || email_domain AS email,
       '+358 ' || getvariable('mobile_prefixes')[1 + phone_v // 10000000] || ' '
         || lpad(CAST(phone_v % 10000000 AS VARCHAR), 7, '0') AS phone,
       street, postal_code, city, 'FI' AS country, interests,
       at_day(reg_day, reg_sod) AS registered_at,
       at_day(act_day, act_sod) AS last_active_at,
       CASE WHEN closed_day IS NOT NULL THEN at_day(closed_day, closed_sod) END AS closed_at,
       CASE WHEN banned THEN 'kyllä' ELSE 'ei' END AS marketing_ban,
       CASE WHEN ban_day IS NOT NULL THEN at_day(ban_day, ban_sod) END AS marketing_ban_since,
       CASE WHEN publication_ban THEN 'kyllä' ELSE 'ei' END AS publication_ban,
       CAST(getvariable('epoch') + CAST(birth_day AS INTEGER) AS DATE) AS birth_date,
       _kind, _idx, _g, reg_day AS _reg_day, act_day AS _act_day, _erased
FROM numbered
"""

_SERVICES = """
CREATE OR REPLACE TABLE services AS
SELECT range AS _idx,
       key_of('service', range + 1) AS service_id,
       p.customer_id AS provider_id, t.title || ', ' || p.city AS title, t.category,
       CAST(t.price AS DECIMAL(10,2)) AS _price
FROM range(getvariable('n_services'))
JOIN subjects p ON p._kind = 'p' AND p._idx = pick('service_provider', range, getvariable('n_providers'))
JOIN l_service_templates t ON t.i = pick('service_template', range, getvariable('n_templates'))
"""

_ORDERS = """
CREATE OR REPLACE TABLE orders AS
WITH o AS (
  SELECT _idx, customer_id, o_lo, o_hi, unnest(range(n_orders)) AS j
  FROM _consumers WHERE n_orders > 0 AND NOT _erased
), d AS (
  SELECT o.*, o_lo + pick2('order_day', _idx, j, o_hi - o_lo + 1) AS day,
         sod_between2('order_sod', _idx, j, 7, 23) AS sod,
         pick2('order_service', _idx, j, getvariable('n_services')) AS service_i
  FROM o
)
SELECT key_of('order', row_number() OVER (ORDER BY day, sod, d._idx, j)) AS order_id,
       d.customer_id, at_day(day, sod) AS ordered_at, s.service_id, s._price AS amount_eur,
       c.first_name || ' ' || c.last_name AS billing_name, c.email AS billing_email,
       NULL::TIMESTAMP AS deleted_at
FROM d
JOIN services s ON s._idx = d.service_i
JOIN subjects c ON c.customer_id = d.customer_id
"""

_CONSENT_EVENTS = """
CREATE OR REPLACE TABLE consent_events AS
WITH ev AS (
  SELECT _idx, customer_id, 'email' AS channel, 'granted' AS action, e_g_day AS day, e_g_sod AS sod,
         e_g_source AS source, 0 AS seq FROM _consumers WHERE e_granted AND NOT _erased
  UNION ALL
  SELECT _idx, customer_id, 'email', 'withdrawn', e_w_day, e_w_sod, e_w_source, 1
  FROM _consumers WHERE e_w_day IS NOT NULL AND NOT _erased
  UNION ALL
  SELECT _idx, customer_id, 'sms', 'granted', s_g_day, s_g_sod, s_g_source, 2
  FROM _consumers WHERE s_granted AND NOT _erased
  UNION ALL
  SELECT _idx, customer_id, 'sms', 'withdrawn', s_w_day, s_w_sod, s_w_source, 3
  FROM _consumers WHERE s_w_day IS NOT NULL AND NOT _erased
)
SELECT key_of('consent', row_number() OVER (ORDER BY day, sod, _idx, seq)) AS consent_id,
       customer_id, channel, action, at_day(day, sod) AS recorded_at, source
FROM ev
"""

# Messages per subject and channel: about ``rate`` per 30 days of the window, on days strictly
# inside it. sent_at stays local wall time here; the writer turns it into a UTC instant.
_MARKETING_MESSAGES = """
CREATE OR REPLACE TABLE marketing_messages AS
WITH w AS (
  SELECT _idx, customer_id, 'email' AS channel, 0 AS ch, e_g_day + 1 AS lo,
         coalesce(e_w_day, getvariable('d_end') + 1) - 1 AS hi, 0.35 AS rate
  FROM _consumers WHERE e_granted AND NOT _erased
  UNION ALL
  SELECT _idx, customer_id, 'sms', 1, s_g_day + 1, coalesce(s_w_day, getvariable('d_end') + 1) - 1, 0.08
  FROM _consumers WHERE s_granted AND NOT _erased
  UNION ALL
  SELECT _idx, customer_id, 'post', 2, reg_day + 1, stop_day - 1, 0.06
  FROM _consumers WHERE catalogue AND NOT _erased
), k AS (
  SELECT w.*,
         -- the full-density expression is kept as it was, so that small samples keep their bytes
         CASE WHEN getvariable('message_density') = 1
              THEN CAST(floor((hi - lo + 1) * rate / 30.0 * (0.5 + rnd2('message_count', _idx, ch))) AS BIGINT)
              ELSE CAST(floor((hi - lo + 1) * rate * getvariable('message_density') / 30.0
                              * (0.5 + rnd2('message_count', _idx, ch))) AS BIGINT) END AS k
  FROM w WHERE hi >= lo
), m AS (
  SELECT _idx, customer_id, channel, ch, lo, hi, unnest(range(k)) AS j FROM k WHERE k > 0
), t AS (
  SELECT m.*, ch * 4096 + j AS n,
         lo + pick2('message_day', _idx, n, hi - lo + 1) AS day,
         sod_between2('message_sod', _idx, n, 8, 21) AS sod,
         at_day(day, sod) AS sent_local
  FROM m
)
SELECT key_of('message', row_number() OVER (ORDER BY day, sod, _idx, ch, j)) AS message_id,
       t.customer_id, t.channel, t.sent_local AS sent_at,
       c.name || '-' || CAST(year(t.sent_local) AS VARCHAR) || x.suffix AS campaign,
       true AS has_opt_out,
       -- open tracking of the newsletter tool: an undeclared column unless a plant exposes it
       CASE WHEN t.channel = 'email' AND rnd2('opened', t._idx, t.n) < 0.4
                 AND timezone(getvariable('zone'), t.sent_local) + to_minutes(5 + pick2('open_lag', t._idx, t.n, 2880))
                     <= timezone(getvariable('zone'), getvariable('now_local'))
            THEN timezone(getvariable('zone'), t.sent_local) + to_minutes(5 + pick2('open_lag', t._idx, t.n, 2880))
       END AS opened_at
FROM t
JOIN l_campaigns c ON c.month = month(t.sent_local)
JOIN l_campaign_suffix x ON x.channel = t.channel
"""

_SUPPORT_CONTACTS = """
CREATE OR REPLACE TABLE support_contacts AS
WITH p AS (
  SELECT customer_id, _kind, _g, greatest(_reg_day + 1, getvariable('d_contact')) AS lo, _act_day AS hi,
         -- floor(3.5 u^2): 0-3 contacts, about 0.8 a subject
         CAST(floor(3.5 * rnd('contacts', _g) * rnd('contacts', _g)) AS BIGINT) AS k
  FROM subjects WHERE NOT _erased
), c AS (
  SELECT customer_id, _kind, _g, lo, hi, unnest(range(k)) AS j FROM p WHERE k > 0 AND hi >= lo
), d AS (
  SELECT c.*, lo + pick2('contact_day', _g, j, hi - lo + 1) AS day,
         sod_between2('contact_sod', _g, j, 7, 23) AS sod,
         pick2('contact_text', _g, j, CASE WHEN _kind = 'c' THEN getvariable('n_consumer_texts')
                                           ELSE getvariable('n_provider_texts') END) AS text_i
  FROM c
)
SELECT key_of('contact', row_number() OVER (ORDER BY day, sod, _g, j)) AS contact_id,
       d.customer_id, at_day(day, sod) AS contacted_at, x.text AS message
FROM d JOIN l_support_texts x ON x.audience = d._kind AND x.i = d.text_i
"""

_REQUESTS = """
CREATE OR REPLACE TABLE requests AS
WITH r AS (
  SELECT _idx, customer_id, 'objection' AS kind, ban_day - 1 - pick('objection_lag', _idx, 20) AS recv_day,
         sod_between('objection_sod', _idx, 7, 23) AS recv_sod, NULL::INTEGER AS ext_day, ban_day AS done_day,
         ban_sod AS done_sod, 0 AS seq
  FROM _consumers WHERE objection
  UNION ALL
  SELECT _idx, customer_id, 'erasure', erasure_day, sod_between('erasure_sod', _idx, 7, 23), NULL,
         erasure_done_day, sod_between('erasure_done_sod', _idx, 8, 17), 1
  FROM _consumers WHERE erasure
  UNION ALL
  SELECT _idx, customer_id,
         CASE WHEN u < 0.5 THEN 'access' WHEN u < 0.7 THEN 'rectification'
              WHEN u < 0.88 THEN 'portability' ELSE 'restriction' END,
         recv_day, sod_between('request_sod', _idx, 7, 23),
         CASE WHEN extended THEN ext_day END,
         recv_day + CASE WHEN extended THEN 35 + pick('request_done_ext', _idx, 40)
                         ELSE 2 + pick('request_done', _idx, 19) END,
         sod_between('request_done_sod', _idx, 8, 17), 2
  FROM (
    SELECT c.*, rnd('request_kind', _idx) AS u,
           q_lo + pick('request_recv', _idx, getvariable('d_end') - q_lo + 1) AS recv_day,
           recv_day + 3 + pick('request_ext_day', _idx, 12) AS ext_day,
           rnd('request_extended', _idx) < 0.12 AND ext_day <= getvariable('d_end') AS extended
    FROM _consumers c WHERE other_request
  )
)
SELECT key_of('request', row_number() OVER (ORDER BY recv_day, recv_sod, r._idx, seq)) AS request_id,
       r.customer_id, r.kind, at_day(recv_day, recv_sod) AS received_at,
       CASE WHEN ext_day IS NOT NULL THEN at_day(ext_day, sod_between('request_ext_sod', r._idx, 8, 17)) END
         AS extension_notified_at,
       CASE WHEN done_day <= getvariable('d_end') THEN at_day(done_day, done_sod) END AS completed_at,
       CASE WHEN done_day <= getvariable('d_end') THEN o.outcome END AS outcome
FROM r JOIN l_outcomes o ON o.kind = r.kind
"""

_STAFF_ACCOUNTS = """
CREATE OR REPLACE TABLE staff_accounts AS
WITH s AS (
  SELECT range AS _idx, rp.role,
         CASE WHEN rnd('staff_sex', range) < 0.6 THEN 'f' ELSE 'm' END AS sex,
         pick('staff_first', range,
              CASE WHEN sex = 'f' THEN getvariable('n_female') ELSE getvariable('n_male') END) AS fn_i,
         pick('staff_last', range, getvariable('n_last')) AS ln_i,
         pick('staff_from', range, getvariable('d_log') + 250) AS from_day,
         CASE WHEN rnd('staff_leaves', range) < 0.2
              THEN greatest(from_day + 30, getvariable('d_log') + 1
                            + pick('staff_to', range, getvariable('d_end') - getvariable('d_log')))
         END AS to_day_any
  FROM range(getvariable('n_staff'))
  JOIN l_role_plan rp ON rp.i = range % 20
)
SELECT regexp_replace(lower(strip_accents(left(f.name, 1) || l.name)), '[^a-z]', '', 'g')
         || CAST(s._idx + 1 AS VARCHAR) AS user_id,
       s.role, at_day(from_day, 8 * 3600) AS valid_from,
       CASE WHEN to_day_any <= getvariable('d_end') THEN at_day(to_day_any, 16 * 3600) END AS valid_to,
       'false' AS shared,
       s._idx, from_day AS _from_day, CASE WHEN to_day_any <= getvariable('d_end') THEN to_day_any END AS _to_day
FROM s
JOIN l_first_names f ON f.sex = s.sex AND f.i = s.fn_i
JOIN l_last_names l ON l.i = s.ln_i
"""

# Each working day an account reads 0-11 records, strictly between its first and last day, of the
# tables its role may access, about subjects registered before that day.
_ACCESS_LOG = """
CREATE OR REPLACE TABLE access_log AS
WITH days AS (
  SELECT range AS day FROM range(getvariable('d_log'), getvariable('d_end') + 1)
  WHERE isodow(getvariable('epoch') + CAST(range AS INTEGER)) <= 5
), sd AS (
  SELECT s._idx AS staff, s.user_id, s.role, d.day, pick2('log_count', s._idx, d.day, 12) AS k
  FROM staff_accounts s JOIN days d ON d.day > s._from_day AND (s._to_day IS NULL OR d.day < s._to_day)
), r AS (
  SELECT staff, user_id, role, day, unnest(range(k)) AS j FROM sd WHERE k > 0
), p AS (
  SELECT r.*, day * 16 + j AS slot,
         pick2('log_table', staff, slot, rc.n) AS table_i,
         CAST(floor(day * getvariable('n_consumers') / (getvariable('d_end') - 2)) AS BIGINT) - 1 AS consumers_before,
         CAST(floor(day * getvariable('n_providers') / (getvariable('d_end') - 2)) AS BIGINT) - 1 AS providers_before,
         rnd2('log_action', staff, slot) AS u
  FROM r JOIN l_role_counts rc USING (role)
), q AS (
  SELECT p.*, t.table_name,
         CASE WHEN t.table_name = 'services'
              THEN key_of('provider', 1 + pick2('log_provider', staff, slot, providers_before))
              ELSE key_of('consumer', 1 + pick2('log_consumer', staff, slot, consumers_before))
         END AS customer_id
  FROM p JOIN l_role_tables t ON t.role = p.role AND t.i = p.table_i
  WHERE consumers_before > 0 AND providers_before > 0
), f AS (
  SELECT user_id, at_day(day, sod_between2('log_sod', staff, slot, 8, 18)) AS accessed_at,
         table_name AS table_accessed, q.customer_id,
         CASE WHEN u < 0.85 THEN 'read' WHEN u < 0.97 THEN 'update' ELSE 'export' END AS action
  FROM q ANTI JOIN (SELECT customer_id FROM _consumers WHERE _erased) e ON e.customer_id = q.customer_id
)
-- log_id numbers the entries in time order (identical entries are interchangeable)
SELECT key_of('log', row_number() OVER (ORDER BY accessed_at, user_id, customer_id, table_accessed, action))
         AS log_id, f.*
FROM f
"""

# Cookie and usage events of the last two years (the controller keeps them 25 months): 0-3 a
# subject, between its registration and its last activity; consent was given for every cookie that
# is not strictly necessary (917/2014 205 §), a necessary one needs none.
_USAGE_EVENTS = """
CREATE OR REPLACE TABLE usage_events AS
WITH p AS (
  SELECT customer_id, _g, greatest(_reg_day + 1, getvariable('d_usage')) AS lo, _act_day AS hi,
         pick('usage_count', _g, 4) AS k
  FROM subjects WHERE NOT _erased
), e AS (
  SELECT customer_id, _g, lo, hi, unnest(range(k)) AS j FROM p WHERE k > 0 AND hi >= lo
), d AS (
  SELECT e.*, lo + pick2('usage_day', _g, j, hi - lo + 1) AS day, sod_between2('usage_sod', _g, j, 7, 23) AS sod,
         ['necessary', 'analytics', 'marketing'][1 + pick2('usage_purpose', _g, j, 3)] AS cookie_purpose
  FROM e
)
SELECT key_of('usage', row_number() OVER (ORDER BY day, sod, _g, j)) AS event_id, customer_id,
       'ck-' || lpad(CAST(pick('cookie_id', _g, 1000000000) AS VARCHAR), 9, '0') AS cookie_id,
       at_day(day, sod) AS used_at, cookie_purpose,
       cookie_purpose <> 'necessary' OR rnd2('usage_consent', _g, j) < 0.5 AS consent_given
FROM d
"""

# The disclosure log: every Monday the webshop's customer data and the service catalogue are
# synchronised to the declared processor (webshop_operator), in Finland, with only the categories
# declared for it; kept, like the access log, for the last twelve months.
_DISCLOSURES = """
CREATE OR REPLACE TABLE disclosures AS
WITH k AS (
  SELECT range AS day, unnest([0, 1]) AS kind FROM range(getvariable('d_log'), getvariable('d_end') + 1)
  WHERE isodow(getvariable('epoch') + CAST(range AS INTEGER)) = 1
)
SELECT key_of('disclosure', row_number() OVER (ORDER BY day, kind)) AS disclosure_id,
       'webshop_operator' AS recipient,
       at_day(day, sod_between2('disclosure_sod', day, kind, 7, 23)) AS disclosed_at,
       CASE kind WHEN 0 THEN 'name;email;postal_address;phone;purchased_services'
                 ELSE 'services_for_sale' END AS categories,
       CASE kind WHEN 0 THEN 1 + pick2('disclosure_rows', day, kind, getvariable('n_consumers') // 10)
                 ELSE 1 + pick2('disclosure_rows', day, kind, getvariable('n_services')) END AS "rows",
       'FI' AS country
FROM k
"""

STATEMENTS = (_CONSUMERS, _PROVIDERS, _SUBJECTS, _SERVICES, _ORDERS, _CONSENT_EVENTS, _MARKETING_MESSAGES,
          _SUPPORT_CONTACTS, _REQUESTS, _STAFF_ACCOUNTS, _ACCESS_LOG, _DISCLOSURES, _USAGE_EVENTS)


KEY_MACRO = ("CREATE OR REPLACE MACRO key_of(kind, n) AS "
             "getvariable('prefix_' || kind) || lpad(CAST(n AS VARCHAR), getvariable('w_' || kind), '0')")


def generate_bulk(con: "duckdb.DuckDBPyConnection") -> None:
    """Create the clean tables of TABLES on ``con`` (variables and random macros already installed)."""
    con.execute(KEY_MACRO)
    for statement in STATEMENTS:
        con.execute(statement)
    # Erasure done: the subject row goes too; only the request remains, as the evidence of it.
    con.execute("DELETE FROM subjects WHERE _erased")
    con.execute("DROP TABLE _consumers")
    con.execute("DROP TABLE _providers")


def set_variables(con: "duckdb.DuckDBPyConnection", values: dict[str, object]) -> None:
    """Bind each of ``values`` as a DuckDB variable (names are this package's constants)."""
    for name, value in values.items():
        con.execute(f"SET VARIABLE {name} = ?", [value])


def id_variables(formats: dict[str, IdFormat]) -> dict[str, object]:
    """The key formats as the variables the SQL above reads (prefix_* and w_*)."""
    names = {"consumer": "consumer", "provider": "provider", "services": "service", "orders": "order",
             "consent_events": "consent", "marketing_messages": "message", "support_contacts": "contact",
             "requests": "request", "disclosures": "disclosure", "usage_events": "usage", "access_log": "log"}
    values: dict[str, object] = {}
    for key, short in names.items():
        values[f"prefix_{short}"] = formats[key].prefix
        values[f"w_{short}"] = formats[key].width
    values["email_domains"] = list(finnish.EMAIL_DOMAINS)
    values["mobile_prefixes"] = list(finnish.MOBILE_PREFIXES)
    return values
