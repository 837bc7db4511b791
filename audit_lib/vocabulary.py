"""regaudit's closed vocabularies, each defined once: every other module imports its words from here.

Severities, check statuses, check families, finding kinds, input statuses, quarantine reason codes,
the canonical values of the roles, the languages, the exit codes (``audit_lib/exit_codes.py``, re-
exported) and the EU/EEA states (data: ``audit_lib/frameworks/countries.yaml``, re-exported).

Each vocabulary is a ``StrEnum``: a member is the very string written to findings.csv, audit.json or
Parquet (``Severity.HIGH == "high"``), so outputs carry plain text. The tuples beside them
(``SEVERITIES``, ``STATUSES``, ...) hold the plain values in the vocabulary's order, for code that
iterates, joins or builds columns. tests/test_vocabulary.py fails when one of these lists is written
out again as a literal anywhere else in audit_lib.
"""

from __future__ import annotations

from enum import StrEnum

from audit_lib.exit_codes import ExitCode
from audit_lib.frameworks.countries import eea_countries


def values(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    """The plain string values of ``vocabulary``, in its order."""
    return tuple(member.value for member in vocabulary)


class Severity(StrEnum):
    """How grave a finding is, most severe first (a check's header sets it)."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """4 for critical down to 1 for low: ``--fail-on`` compares ranks."""
        return SEVERITY_RANK[self.value]


SEVERITIES = values(Severity)
SEVERITY_RANK = {severity: len(SEVERITIES) - index for index, severity in enumerate(SEVERITIES)}
# ``--fail-on none``: no severity fails the run.
FAIL_ON_NOTHING = "none"
FAIL_ON = (*SEVERITIES, FAIL_ON_NOTHING)


class Status(StrEnum):
    """Outcome of one check: never a pass by default."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"      # the check broke; its reason says why
    NOT_RUN = "not_run"  # an input it needs is missing
    # It ran over inputs that hold rows, but no record was in its population: neither a pass nor a
    # fail. The audit stays complete (nothing was left unread), and the report lists the check apart.
    NOT_TESTED = "not_tested"


STATUSES = values(Status)
# The order a reader's attention goes in (what broke, what failed, what did not run, ...): the
# report's tables of check results sort by it.
STATUSES_BY_ATTENTION = tuple(s.value for s in (Status.ERROR, Status.FAIL, Status.NOT_RUN, Status.NOT_TESTED,
                                                 Status.PASS))
# Statuses that leave the audit incomplete (unless the check is out of scope by declaration).
INCOMPLETE_STATUSES = (Status.ERROR.value, Status.NOT_RUN.value)


class Family(StrEnum):
    """A check's family: the folder of audit_lib/checks/ it is in, in the report's order."""

    NOTICE = "notice"
    INVENTORY = "inventory"
    CONSENT = "consent"
    RETENTION = "retention"
    RIGHTS = "rights"
    DISCLOSURE = "disclosure"
    ACCESS = "access"
    QUALITY = "quality"


FAMILIES = values(Family)


class Kind(StrEnum):
    """What a finding asks of the lead: a ``breach`` the data or the notice shows, or an item to
    ``verify`` (the declaration alone cannot tell, e.g. whether Art. 37(1) requires a DPO)."""

    BREACH = "breach"
    VERIFY = "verify"


KINDS = values(Kind)


class InputStatus(StrEnum):
    """What became of one export file of the mapping (inputs.csv's ``status``)."""

    LOADED = "loaded"
    REJECTED = "rejected"        # more of its rows quarantined than its reject threshold allows
    ERROR = "error"              # it could not be read at all (a LoadError)
    SKIPPED = "skipped"          # not read: no check selected with --only reads it
    NOT_MAPPED = "not_mapped"    # a file of the folder that exports.yaml does not map
    IGNORED = "ignored"          # a file exports.yaml lists under ignore:


INPUT_STATUSES = values(InputStatus)
# Input statuses that leave the audit complete: everything mapped was read, or deliberately not.
COMPLETE_INPUT_STATUSES = tuple(s.value for s in (InputStatus.LOADED, InputStatus.NOT_MAPPED, InputStatus.IGNORED,
                                                   InputStatus.SKIPPED))


class QuarantineReason(StrEnum):
    """The stable reason code of a quarantined row (quarantine.csv's ``reason_code``)."""

    # A value that does not parse as its field's type (loader/casting.py, loader/numbers.py).
    BAD_DATE = "bad_date"
    BAD_BOOLEAN = "bad_boolean"
    BAD_NUMBER = "bad_number"
    BAD_VALUE = "bad_value"              # a value outside the field's canonical values
    IMPLAUSIBLE_YEAR = "implausible_year"
    AMBIGUOUS_NUMBER = "ambiguous_number"
    PRECISION_LOSS = "precision_loss"
    MISSING_KEY = "missing_key"
    MISSING_VALUE = "missing_value"
    DUPLICATE_KEY = "duplicate_key"
    # The readers' own (loader/readers.py, loader/json_lines.py, loader/xlsx.py).
    COLUMN_COUNT = "column_count"
    BAD_QUOTING = "bad_quoting"
    BAD_ENCODING = "bad_encoding"
    LINE_TOO_LONG = "line_too_long"
    BAD_ROW = "bad_row"
    BAD_JSON = "bad_json"
    FORMULA_WITHOUT_VALUE = "formula_without_value"
    CELL_ERROR = "cell_error"
    # A value DuckDB's CSV reader could not cast itself: never reaches the quarantine, the loader
    # reads the file again with its own casts (loader/load.py).
    NATIVE_CAST_FAILED = "native_cast_failed"


QUARANTINE_REASONS = values(QuarantineReason)


class Language(StrEnum):
    """A language regaudit speaks (reports, findings, the explore notebook, the Art. 30 record)."""

    EN = "en"
    FI = "fi"


LANGUAGES = values(Language)


# Canonical values of the roles' fields (audit_lib/roles.py). A text field with a vocabulary loads only
# these values (an export's own words are translated with `values:` in exports.yaml); any other value
# is quarantined, never loaded as-is.
class Channel(StrEnum):
    """A marketing channel."""

    EMAIL = "email"
    SMS = "sms"
    POST = "post"
    PHONE = "phone"
    PUSH = "push"


class ConsentAction(StrEnum):
    """What a consent event does, or the state a consent is in."""

    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class RequestKind(StrEnum):
    """The right a data subject's request exercises."""

    ACCESS = "access"
    RECTIFICATION = "rectification"
    ERASURE = "erasure"
    RESTRICTION = "restriction"
    OBJECTION = "objection"
    OBJECTION_TO_MARKETING = "objection_to_marketing"
    PORTABILITY = "portability"


class RequestOutcome(StrEnum):
    """How a data subject's request was answered."""

    DATA_PROVIDED = "data_provided"
    DATA_EXPORTED = "data_exported"
    RECTIFIED = "rectified"
    ERASED = "erased"
    RESTRICTED = "restricted"
    MARKETING_BAN_SET = "marketing_ban_set"
    OBJECTION_UPHELD = "objection_upheld"
    REFUSED = "refused"
    WITHDRAWN_BY_SUBJECT = "withdrawn_by_subject"


class CookiePurpose(StrEnum):
    """The purpose a cookie serves."""

    NECESSARY = "necessary"
    PREFERENCES = "preferences"
    ANALYTICS = "analytics"
    MARKETING = "marketing"


class AccessAction(StrEnum):
    """What a staff account did to a record (access_log.action)."""

    READ = "read"
    UPDATE = "update"
    EXPORT = "export"
    DELETE = "delete"
    CREATE = "create"


CHANNELS = values(Channel)
CONSENT_ACTIONS = values(ConsentAction)
REQUEST_KINDS = values(RequestKind)
REQUEST_OUTCOMES = values(RequestOutcome)
COOKIE_PURPOSES = values(CookiePurpose)
ACCESS_ACTIONS = values(AccessAction)

# Every vocabulary above by name, for the test that keeps them written once.
VOCABULARIES: dict[str, type[StrEnum]] = {
    "severity": Severity, "status": Status, "family": Family, "kind": Kind, "input status": InputStatus,
    "quarantine reason": QuarantineReason, "language": Language, "channel": Channel,
    "consent action": ConsentAction, "request kind": RequestKind, "request outcome": RequestOutcome,
    "cookie purpose": CookiePurpose, "access action": AccessAction,
}

__all__ = ["ACCESS_ACTIONS", "CHANNELS", "COMPLETE_INPUT_STATUSES", "CONSENT_ACTIONS", "COOKIE_PURPOSES", "FAIL_ON",
           "FAIL_ON_NOTHING", "FAMILIES", "INCOMPLETE_STATUSES", "INPUT_STATUSES", "KINDS", "LANGUAGES",
           "QUARANTINE_REASONS", "REQUEST_KINDS", "REQUEST_OUTCOMES", "SEVERITIES", "SEVERITY_RANK", "STATUSES",
           "STATUSES_BY_ATTENTION", "VOCABULARIES", "AccessAction", "Channel", "ConsentAction", "CookiePurpose",
           "ExitCode", "Family", "InputStatus", "Kind", "Language", "QuarantineReason", "RequestKind",
           "RequestOutcome", "Severity", "Status", "eea_countries", "values"]
