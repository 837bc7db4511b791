"""Canonical roles: the contract between the loader and the checks (one DuckDB view per role)."""

from __future__ import annotations

from dataclasses import dataclass

# DuckDB types the loader casts canonical fields to.
TEXT = "VARCHAR"
TIMESTAMP = "TIMESTAMPTZ"
BOOLEAN = "BOOLEAN"
DECIMAL = "DECIMAL(14,2)"
INTEGER = "BIGINT"


@dataclass(frozen=True)
class Field:
    """One canonical field of a role: its name, DuckDB type and whether every row needs it."""

    name: str
    type: str = TEXT
    required: bool = False


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
            Field("subject_type", required=True),
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
            Field("channel", required=True),
            Field("action", required=True),
            Field("at", TIMESTAMP, required=True),
            Field("source"),
        ),
        _role(
            "marketing_messages", "message_id",
            Field("message_id", required=True),
            Field("subject_id", required=True),
            Field("channel", required=True),
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
            Field("cookie_purpose"),
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
            Field("kind", required=True),
            Field("received_at", TIMESTAMP, required=True),
            Field("extended_to", TIMESTAMP),
            Field("extension_notified_at", TIMESTAMP),
            Field("completed_at", TIMESTAMP),
            Field("outcome"),
        ),
        _role(
            "staff_accounts", "user_id",
            Field("user_id", required=True),
            Field("role", required=True),
            Field("valid_from", TIMESTAMP),
            Field("valid_to", TIMESTAMP),
            Field("shared", BOOLEAN),
        ),
        _role(
            "access_log", "access_id",
            Field("access_id"),
            Field("user_id", required=True),
            Field("at", TIMESTAMP, required=True),
            Field("role_accessed"),
            Field("subject_id"),
            Field("action"),
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
