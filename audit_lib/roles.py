"""Canonical roles: the contract between the loader and the checks (one DuckDB view per role)."""

from __future__ import annotations

from dataclasses import dataclass

# Canonical value sets, re-exported. A text field with a vocabulary loads only these values (an export's
# own words are translated with `values:` in exports.yaml); any other value is quarantined.
from audit_lib.vocabulary import (ACCESS_ACTIONS, CHANNELS, CONSENT_ACTIONS, COOKIE_PURPOSES, REQUEST_KINDS,
                                  REQUEST_OUTCOMES)

# DuckDB types the loader casts canonical fields to.
TEXT = "VARCHAR"
TIMESTAMP = "TIMESTAMPTZ"
BOOLEAN = "BOOLEAN"
DECIMAL = "DECIMAL(14,2)"
INTEGER = "BIGINT"


# Vocabularies that come from register.yaml, named by what they list there.
SUBJECT_TYPES = "register:subject_types"


@dataclass(frozen=True)
class Field:
    """One canonical field of a role: its name, DuckDB type, whether every row needs it, and the
    values it may take (a tuple, or the name of a list register.yaml declares)."""

    name: str
    type: str = TEXT
    required: bool = False
    vocabulary: tuple[str, ...] | str | None = None


@dataclass(frozen=True)
class Role:
    """A canonical role: the fields its view exposes and the field that identifies a record."""

    name: str
    key: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        """Return the field called ``name``; KeyError if the role has none."""
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    @property
    def field_names(self) -> list[str]:
        """Names of all fields, in view order."""
        return [f.name for f in self.fields]


def _role(name: str, key: str, *fields: Field) -> Role:
    return Role(name=name, key=key, fields=tuple(fields))


ROLES: dict[str, Role] = {
    role.name: role
    for role in (
        _role(
            "subjects", "subject_id",
            Field("subject_id", required=True),
            Field("subject_type", required=True, vocabulary=SUBJECT_TYPES),
            Field("created_at", TIMESTAMP),
            Field("last_active_at", TIMESTAMP),
            Field("closed_at", TIMESTAMP),
            Field("marketing_ban", BOOLEAN),
            Field("marketing_ban_at", TIMESTAMP),
            Field("publication_ban", BOOLEAN),
            Field("first_name"),
            Field("last_name"),
            Field("email"),
            Field("phone"),
            Field("postal_code"),
            Field("country"),
        ),
        _role(
            "consent_events", "event_id",
            Field("event_id"),
            Field("subject_id", required=True),
            Field("channel", required=True, vocabulary=CHANNELS),
            Field("action", required=True, vocabulary=CONSENT_ACTIONS),
            Field("at", TIMESTAMP, required=True),
            Field("source"),
        ),
        _role(
            # A consent held as a state by a system (a yes/no column of a customer export), as it stood
            # when the export was taken (observed_at, the export's snapshot).
            "consent_states", "state_id",
            Field("state_id"),
            Field("subject_id", required=True),
            Field("channel", required=True, vocabulary=CHANNELS),
            Field("state", required=True, vocabulary=CONSENT_ACTIONS),
            Field("changed_at", TIMESTAMP),
            Field("observed_at", TIMESTAMP),
        ),
        _role(
            "marketing_messages", "message_id",
            Field("message_id", required=True),
            Field("subject_id", required=True),
            Field("channel", required=True, vocabulary=CHANNELS),
            Field("sent_at", TIMESTAMP, required=True),
            Field("campaign"),
            Field("has_opt_out", BOOLEAN),
        ),
        _role(
            "orders", "order_id",
            Field("order_id", required=True),
            Field("subject_id", required=True),
            Field("ordered_at", TIMESTAMP, required=True),
            Field("service_id"),
            Field("amount", DECIMAL),
            # When the record was deleted in the source system (a tombstone or a deletion log): the
            # evidence that bookkeeping material was deleted before its statutory minimum.
            Field("deleted_at", TIMESTAMP),
        ),
        _role(
            "services", "service_id",
            Field("service_id", required=True),
            Field("provider_id"),
            Field("title"),
            Field("category"),
        ),
        _role(
            "usage_events", "event_id",
            Field("event_id"),
            Field("subject_id"),
            Field("cookie_id"),
            Field("at", TIMESTAMP, required=True),
            Field("cookie_purpose", vocabulary=COOKIE_PURPOSES),
            Field("consent_given", BOOLEAN),
        ),
        _role(
            "support_contacts", "contact_id",
            Field("contact_id", required=True),
            Field("subject_id"),
            Field("at", TIMESTAMP, required=True),
            Field("text"),
        ),
        _role(
            "requests", "request_id",
            Field("request_id", required=True),
            Field("subject_id", required=True),
            Field("kind", required=True, vocabulary=REQUEST_KINDS),
            Field("received_at", TIMESTAMP, required=True),
            Field("extended_to", TIMESTAMP),
            Field("extension_notified_at", TIMESTAMP),
            Field("completed_at", TIMESTAMP),
            Field("outcome", vocabulary=REQUEST_OUTCOMES),
        ),
        _role(
            "staff_accounts", "user_id",
            Field("user_id", required=True),
            Field("role", required=True),  # an undeclared role is a finding, not a bad value
            Field("valid_from", TIMESTAMP),
            Field("valid_to", TIMESTAMP),
            Field("shared", BOOLEAN),
        ),
        _role(
            "access_log", "access_id",
            Field("access_id"),
            Field("user_id", required=True),
            Field("at", TIMESTAMP, required=True),
            Field("role_accessed"),  # likewise a table no role may read
            Field("subject_id"),
            Field("action", vocabulary=ACCESS_ACTIONS),
        ),
        _role(
            "disclosures", "disclosure_id",
            Field("disclosure_id"),
            Field("recipient", required=True),
            Field("at", TIMESTAMP, required=True),
            Field("categories"),
            Field("rows", INTEGER),
            Field("country"),
        ),
    )
}


# Relations the loader derives from the role views, and what they are built from (for "needs ..." reasons).
DERIVED_RELATIONS = {
    "consent_timeline": "consent_events, or consent_states with changed_at",
    "free_texts": "support_contacts.text and every column marked free_text: true",
}
# The roles a derived relation is built from: absent by declaration when all of them are not exported.
DERIVED_SOURCES = {"consent_timeline": ("consent_events", "consent_states"), "free_texts": ("support_contacts",)}


def vocabulary(field: Field, register=None) -> tuple[str, ...] | None:
    """The values ``field`` may take; register-declared lists are read from ``register``."""
    if field.vocabulary is None or isinstance(field.vocabulary, tuple):
        return field.vocabulary
    if register is None:
        return None
    if field.vocabulary == SUBJECT_TYPES:
        return tuple(s.id for s in register.subject_types)
    raise ValueError(f"unknown vocabulary {field.vocabulary!r}")
