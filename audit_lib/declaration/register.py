"""The model of register.yaml: what the controller says about its register (no DuckDB here)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from audit_lib.durations import parse_duration
from audit_lib.i18n import T_
from audit_lib.roles import REQUEST_KINDS
from audit_lib.working_days import DEFAULT_READING, NonWorkingDays


def _iso_duration(value: str) -> str:
    from pydantic_core import PydanticCustomError

    try:
        parse_duration(value)
    except ValueError:
        # A custom error type lets the loader give the fix separately from the message.
        raise PydanticCustomError("iso_duration", "'{value}' is not an ISO 8601 duration",
                                  {"value": str(value)}) from None
    return value


# The JSON Schema carries the same pattern as audit_lib.durations, so editors flag "6 years" as you type.
IsoDuration = Annotated[str, AfterValidator(_iso_duration), WithJsonSchema({
    "type": "string", "pattern": r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$",
    "description": "ISO 8601 duration of years, months, weeks or days: P6Y, P3M, P30D, P1Y6M"})]


class Strict(BaseModel):
    """Base model: unknown keys are errors, so a typo never silently drops a statement."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Label(Strict):
    """A text in Finnish and English."""

    fi: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ('fi' or 'en')."""
        return self.fi if lang == "fi" else self.en


class Address(Strict):
    """A postal address."""

    street: str
    postal_code: str
    city: str
    country: str = "FI"


class Notice(Strict):
    """How the published notice presents itself."""

    title: Label
    legal_framework_cited: list[str] = Field(default_factory=list)
    claims_gdpr_compliance: bool = False


class RegisterInfo(Strict):
    """The register's name, notice and where its data comes from."""

    name: Label
    notice: Notice
    collection_basis: Label | None = None
    sources: list[str] = Field(default_factory=lambda: ["data_subject"])
    provision_requirement: Label | None = Field(
        None, description="GDPR Art. 13(2)(e): whether providing the data is a statutory or contractual requirement "
                          "or needed to enter a contract, and what follows from not providing it; null = not stated")


class Controller(Strict):
    """The controller: who decides on the processing."""

    name: str
    trade_name: str | None = None
    business_id: str | None = None
    address: Address
    email: str | None = None
    phone: str | None = None
    timezone: str = "Europe/Helsinki"
    financial_period_ends: str = Field("12-31", description="MM-DD on which the controller's financial period "
                                       "(tilikausi) ends; the calendar year by default. Retention of "
                                       "bookkeeping material counts from it (kirjanpitolaki 2:10 §).")

    @field_validator("financial_period_ends")
    @classmethod
    def _valid_period_end(cls, value: str) -> str:
        from datetime import date

        try:
            month, day = (int(part) for part in value.split("-"))
            date(2025, month, day)  # a year without 29 February
        except ValueError:
            raise ValueError(T_("{value!r} is not a day of the year as MM-DD (e.g. 06-30); a financial period "
                                "ending on 29 February is declared as 02-28", value=value)) from None
        return f"{month:02d}-{day:02d}"

    @field_validator("business_id")
    @classmethod
    def _valid_business_id(cls, value: str | None) -> str | None:
        from stdnum.fi import ytunnus

        if value is not None and not ytunnus.is_valid(value):
            raise ValueError(T_("{value!r} is not a valid Finnish business id (Y-tunnus); its check digit is wrong",
                                value=value))
        return value


class Person(Strict):
    """A named contact person or data protection officer."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None


class DataCategory(Strict):
    """A declared category of personal data, keyed to the fideslang taxonomy."""

    id: str
    fides_key: str
    label: Label
    stated_in_notice: bool = True
    note: str | None = None


class SubjectType(Strict):
    """A type of data subject and the categories held about it."""

    id: str
    fides_key: str
    label: Label
    categories: list[str]


LawfulBasis = Literal["consent", "contract", "legal_obligation", "vital_interests", "public_task",
                      "legitimate_interests"]


class Purpose(Strict):
    """A purpose of processing, its fideslang data use and its lawful basis (GDPR Art. 6(1))."""

    id: str
    fides_use: str
    label: Label
    lawful_basis: LawfulBasis | None = Field(None, description="GDPR Art. 6(1) basis; null = the notice states none")
    lawful_basis_derived_from: Label | None = Field(
        None, description="the notice's own words the lawful_basis is read from, where the notice names no Art. 6(1) "
                          "basis as such but plainly bases the purpose on it (e.g. 'consent is asked separately for "
                          "e-mail and SMS marketing' -> consent); null = the basis is stated as such, or none is")
    legitimate_interest: Label | None = Field(None, description="GDPR Art. 13(1)(d): the interest pursued, where "
                                                                 "the basis is legitimate_interests")
    categories: list[str] = Field(default_factory=list)


class Recipient(Strict):
    """A recipient or processor of register data."""

    id: str
    kind: Literal["processor", "controller", "joint_controller", "authority"]
    label: Label
    purposes: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    country: str | None = None
    safeguards: str | None = None
    art28_contract: bool | None = None
    listed_in_notice_as_recipient: bool = True
    note: str | None = None


class ReservedDisclosure(Strict):
    """A right to disclose (luovuttaa) register data that the notice reserves, e.g. 'may disclose data for
    justified purposes such as direct marketing': the notice's words, and what they name."""

    statement: Label
    for_direct_marketing: bool = Field(False, description="the disclosure is for direct marketing, to which the "
                                                          "subject may object (GDPR Art. 21(2))")
    recipients: Label | None = Field(None, description="to whom, as the notice says; null = not said")


class Disclosures(Strict):
    """What the notice says about disclosures and transfers."""

    to_third_parties: bool = False
    transfers_outside_eea: bool | None = None
    transfer_safeguards: str | None = None
    reserved: list[ReservedDisclosure] = Field(
        default_factory=list, description="disclosures the notice reserves the right to make, whatever it says "
                                          "elsewhere (to_third_parties)")


class ConsentWithdrawal(Strict):
    """What the notice says about withdrawing consent on one channel (GDPR Art. 7(3), 13(2)(c))."""

    at_any_time: bool = Field(False, description="the notice says consent can be withdrawn at any time")
    without_affecting_prior_processing: bool = Field(
        False, description="the notice says withdrawal does not affect the lawfulness of processing before it")
    statement: Label | None = Field(None, description="the notice's words")


class MarketingChannel(Strict):
    """A marketing channel and what a message on it needs."""

    channel: str
    requires: Literal["opt_in_consent", "no_marketing_ban"]
    legal: list[str] = Field(default_factory=list)
    withdrawal: ConsentWithdrawal | None = Field(
        None, description="what the notice says about withdrawing consent on this channel; null = nothing")


class ExistingCustomerException(Strict):
    """The existing-customer exception of 917/2014 200 § 2 mom., where the controller claims it: e-mail
    and SMS marketing without prior consent to a customer who bought from it, for its own products of
    the product group of that purchase, with a free and easy opt-out offered when the contact was
    collected and in every message. The audit tests each message that has no opt-in against it
    (consent_email_sms_without_optin)."""

    claimed: bool = False
    opt_out_at_collection: bool = Field(
        False, description="the customer could refuse direct marketing, free and easily, when the contact "
                           "details were collected (917/2014 200 § 2 mom.); false = no message can rely on the "
                           "exception")
    product_groups: dict[str, list[str]] = Field(
        default_factory=dict, description="product group id -> the service categories (services.category) "
                                          "in it: the controller's own products that count as similar")
    campaigns: dict[str, str] = Field(
        default_factory=dict, description="campaign (marketing_messages.campaign) -> the product group it "
                                          "markets; a message of an unlisted campaign cannot rely on the exception")


class Marketing(Strict):
    """Marketing channels, bans and whether the existing-customer exception is claimed."""

    existing_customer_exception: ExistingCustomerException = Field(
        default_factory=ExistingCustomerException,
        description="false (the default) = not claimed; or the claim with its product groups and campaigns")
    channels: list[MarketingChannel] = Field(default_factory=list)
    bans: dict[str, Label] = Field(default_factory=dict)

    @field_validator("existing_customer_exception", mode="before",
                     json_schema_input_type=bool | ExistingCustomerException)
    @classmethod
    def _claim_from_bool(cls, value: object) -> object:
        # The earlier form, a bare true/false; true claims the exception without the mapping it needs,
        # which the cross-reference checks of the declaration report.
        return {"claimed": value} if isinstance(value, bool) else value


class Erasure(Strict):
    """Erasure on request and the minimised columns a legal obligation keeps."""

    on_request: bool = True
    kept_after_erasure: dict[str, list[str]] = Field(default_factory=dict)


# The rights a notice states are the kinds of request the requests role holds: one list.
Right = Literal[REQUEST_KINDS]


class Rights(Strict):
    """The data-subject rights the notice states."""

    stated: list[Right] = Field(default_factory=list)
    withdrawal_of_consent_stated: bool = Field(
        False, description="the notice states, for every consent, that it can be withdrawn at any time without "
                           "affecting the lawfulness of processing before (GDPR Art. 7(3), 13(2)(c)); what it says "
                           "per channel is marketing.channels[].withdrawal")
    objection_presented_separately: bool = Field(
        False, description="the right to object is brought to the subject's attention explicitly, clearly and "
                           "separately from other information (GDPR Art. 21(4)); false = only within other text")
    complaint_to_authority_stated: bool = False
    request_channel: str | None = None
    erasure: Erasure = Field(default_factory=Erasure)


class Cookies(Strict):
    """What the notice says about cookies (laki sähköisen viestinnän palveluista 917/2014 205 §)."""

    purposes_stated: bool = Field(False, description="the notice says which cookies are used for what purpose")
    consent_stated: bool = Field(False, description="the notice says consent is asked for cookies that are not "
                                                    "strictly necessary, and how to give or refuse it")
    statement: Label | None = Field(None, description="the notice's words")


class Profiling(Strict):
    """Profiling and automated decisions."""

    collected: bool = False
    statement: Label | None = None
    automated_decisions: Label | None = None
    automated_decisions_made: bool | None = Field(
        None, description="true = decisions with legal or similarly significant effects are made solely by "
                          "automated means (GDPR Art. 22), so Art. 13(2)(f) requires a statement; null = nothing "
                          "indicates it")


class SpecialCategories(Strict):
    """Special categories of data (GDPR Art. 9)."""

    art9_condition: str | None = Field(None, description="the GDPR Art. 9(2) condition relied on, e.g. "
                                                          "'Art. 9(2)(a) explicit consent'; null = none declared")
    revealed_by: list[str] = Field(
        default_factory=list,
        description="declared categories whose content may reveal special categories of data (for example the "
                    "services bought on a wellness platform revealing health); an Art. 9(2) condition is then due")
    health_service_categories: list[str] = Field(
        default_factory=list,
        description="service categories (services.category) whose purchase reveals health, e.g. physiotherapy; "
                    "an order of one needs a declared Art. 9(2) condition")


class Requests(Strict):
    """Deadlines for data-subject requests (GDPR Art. 12(3))."""

    deadline: IsoDuration = "P1M"
    extension: IsoDuration = "P2M"
    extension_notice_within: IsoDuration = "P1M"
    non_working_days: NonWorkingDays = Field(
        DEFAULT_READING,
        description="the days a deadline may not end on; it moves to the next working day (Regulation 1182/71 "
                    "Art. 3(4)). public_holidays (default, the strict reading): Saturdays, Sundays and Finnish "
                    "public holidays. public_holidays_and_eves: also juhannusaatto and jouluaatto, which are not "
                    "public holidays but which laki säädettyjen määräaikain laskemisesta 150/1930 5 § treats as "
                    "holidays for periods of Finnish law; whether that carries over to GDPR Art. 12(3) is "
                    "unsettled. The readings differ only when a deadline's last day is such an eve on a weekday")
    legal: list[str] = Field(default_factory=lambda: ["GDPR Art. 12(3)"])


# Kirjanpitolaki 1336/1997 2:10 §: what each kind of bookkeeping material is, its statutory minimum,
# the point the minimum counts from, and the paragraph (momentti) that sets it.
BOOKKEEPING = {
    "books": ("P10Y", "end_of_financial_period", "Kirjanpitolaki 1336/1997 2 luku 10 § 1 mom."),
    "vouchers": ("P6Y", "end_of_year_financial_period_ended", "Kirjanpitolaki 1336/1997 2 luku 10 § 2 mom."),
}
# A citation of 2:10 § without its paragraph, which a rule's own basis makes exact.
_KPL_2_10 = "Kirjanpitolaki 1336/1997 2 luku 10 §"


class RetentionRule(Strict):
    """A machine-checkable retention rule: duration from a start field, optional anchor, action.

    ``anchor``: where the period starts counting. ``end_of_year``: the end of the calendar year of the
    start; ``end_of_financial_period``: the end of the financial period holding the start (books and
    financial statements, KPL 2:10 § 1 mom.); ``end_of_year_financial_period_ended``: the end of the
    calendar year in which that financial period ended (vouchers, 2 mom.). ``bookkeeping`` says which
    material the rule keeps, and sets the anchor, the statutory minimum and the citation. ``minimum``:
    the duration is a statutory minimum, so a record deleted before it is due is a finding.
    ``action: keep`` is a minimum without a deletion the controller declares.
    """

    id: str
    label: Label
    role: str
    start: str | list[str]
    duration: IsoDuration
    anchor: Literal["end_of_year", "end_of_financial_period", "end_of_year_financial_period_ended"] | None = None
    bookkeeping: Literal["books", "vouchers"] | None = None
    minimum: bool | None = None
    action: Literal["delete", "anonymise", "keep"] = "delete"
    legal: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list, description="declared categories whose storage period "
                                                                     "this rule sets (GDPR Art. 13(2)(a), 30(1)(f))")
    stated_in_notice: bool = True
    note: str | None = None

    @model_validator(mode="after")
    def _bookkeeping_as_the_law_says(self) -> "RetentionRule":
        if self.bookkeeping is not None:
            least, anchor, basis = BOOKKEEPING[self.bookkeeping]
            if self.anchor is not None and self.anchor != anchor:
                raise ValueError(T_("{material} count from {anchor} ({basis}), not from {declared}; leave anchor out",
                                    material=self.bookkeeping, anchor=anchor, basis=basis, declared=self.anchor))
            if parse_duration(self.duration).shorter_than(parse_duration(least)):
                raise ValueError(T_("{material} are kept at least {least} ({basis}); {duration} is shorter than the "
                                    "law's minimum", material=self.bookkeeping, least=least, basis=basis,
                                    duration=self.duration))
            if self.minimum is False:
                raise ValueError(T_("{basis} sets a minimum: bookkeeping material must not be deleted before it; "
                                    "leave minimum out", basis=basis))
            self.anchor, self.minimum = anchor, True
        if self.action == "keep" and not self.minimum:
            raise ValueError(T_("action: keep declares no deletion, so the rule must be a minimum (minimum: true)"))
        if self.anchor in ("end_of_financial_period", "end_of_year_financial_period_ended") and not self.bookkeeping \
                and not self.legal:
            raise ValueError(T_("anchor {anchor} counts from the financial period: say which law sets the period "
                                "(legal:), or declare bookkeeping: books or vouchers", anchor=self.anchor))
        return self

    @property
    def is_minimum(self) -> bool:
        """True if deleting a record before it is due breaks the law (a statutory minimum)."""
        return bool(self.minimum)

    @property
    def basis(self) -> list[str]:
        """The rule's own legal basis: its ``legal`` list, with KPL 2:10 § made exact to the paragraph."""
        cited = list(self.legal)
        if self.bookkeeping is not None:
            exact = BOOKKEEPING[self.bookkeeping][2]
            cited = [exact if c == _KPL_2_10 else c for c in cited]
            if exact not in cited:
                cited.insert(0, exact)
        return list(dict.fromkeys(cited))

    @property
    def start_fields(self) -> list[str]:
        """The start field, or the fields whose first non-empty value starts the period."""
        return [self.start] if isinstance(self.start, str) else list(self.start)


class Retention(Strict):
    """What the notice says about retention, and the rules the audit applies."""

    notice_statement: Label | None = None
    laws_cited: list[str] = Field(default_factory=list)
    rules: list[RetentionRule] = Field(default_factory=list)


class AccessRole(Strict):
    """A staff role and the canonical roles (tables) it may read."""

    id: str
    label: Label
    may_access: list[str]


class Access(Strict):
    """Access control: personal accounts, staff roles, bulk-read threshold."""

    personal_accounts_required: bool = True
    bulk_read_threshold_per_day: int | None = Field(None, gt=0)
    stated_in_notice: bool = True
    roles: list[AccessRole] = Field(default_factory=list)


class Identifier(Strict):
    """An identifier the register's systems know a person by (customer number, e-mail, phone, ...).

    Exactly one is the master: the id of the master register (the ``subjects`` export), to which the
    loader resolves every other identifier. ``normalise`` says how two notations are made one value:
    ``email`` trims and case-folds (plus-addresses such as ``anna+news@x.fi`` stay distinct: only the
    mailbox provider knows whether they are one mailbox), ``phone`` writes E.164 with ``region`` as
    the country of numbers written without one, ``text`` only trims.
    """

    master: bool = False
    normalise: Literal["text", "email", "phone"] = "text"
    region: str | None = Field(None, description="ISO 3166 region of phone numbers written without a country "
                                                 "code (normalise: phone); default the controller's country")
    label: Label | None = None


# With no identifiers declared, the register has one id space: the subject_id every export maps.
DEFAULT_IDENTIFIERS = {"subject_id": Identifier(master=True)}


class Register(Strict):
    """register.yaml: the register description as code."""

    schema_version: Literal[1] = 1
    # Named with an alias: pydantic models already have a `register` attribute (ABC.register).
    register_info: RegisterInfo = Field(alias="register")
    controller: Controller
    contact_person: Person | None = None
    dpo: Person | None = None
    dpo_appointed: bool | None = Field(
        None, description="GDPR Art. 13(1)(b), 37: false = the notice states that no data protection officer is "
                          "appointed; null = the notice is silent")
    data_categories: list[DataCategory]
    subject_types: list[SubjectType]
    purposes: list[Purpose]
    recipients: list[Recipient] = Field(default_factory=list)
    disclosures: Disclosures = Field(default_factory=Disclosures)
    marketing: Marketing = Field(default_factory=Marketing)
    rights: Rights = Field(default_factory=Rights)
    profiling: Profiling = Field(default_factory=Profiling)
    cookies: Cookies = Field(default_factory=Cookies)
    special_categories: SpecialCategories = Field(default_factory=SpecialCategories)
    requests: Requests = Field(default_factory=Requests)
    retention: Retention = Field(default_factory=Retention)
    access: Access = Field(default_factory=Access)
    security_measures: list[Label] = Field(default_factory=list)
    identifiers: dict[str, Identifier] = Field(
        default_factory=dict, description="the identifiers the register's systems use, one of them the master; "
                                          "empty = one id space, subject_id")

    @field_validator("identifiers")
    @classmethod
    def _one_master(cls, value: dict[str, Identifier]) -> dict[str, Identifier]:
        masters = [name for name, identifier in value.items() if identifier.master]
        if value and len(masters) != 1:
            raise ValueError(T_("exactly one identifier is the master (the master register's id); found {count}: "
                                "{names}; mark one with `master: true`", count=len(masters),
                                names=", ".join(masters) or T_("none")))
        return value

    @property
    def identifier_map(self) -> dict[str, Identifier]:
        """The declared identifiers, or the one implicit ``subject_id`` when none are declared."""
        return self.identifiers or DEFAULT_IDENTIFIERS

    @property
    def master_identifier(self) -> str:
        """The name of the master register's identifier."""
        return next(name for name, identifier in self.identifier_map.items() if identifier.master)

    def category(self, category_id: str) -> DataCategory:
        """The declared category with id ``category_id``."""
        return next(c for c in self.data_categories if c.id == category_id)
