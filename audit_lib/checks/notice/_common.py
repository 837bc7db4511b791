"""Helpers the notice checks share: the register under audit and record references into its file."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from audit_lib.declaration.yaml_source import format_location
from audit_lib.frameworks.countries import eea_countries

if TYPE_CHECKING:
    from audit_lib.checks.runner import CheckContext
    from audit_lib.declaration.register import Purpose, Register

# EU member states and the three EEA states (ISO 3166-1 alpha-2); a transfer elsewhere needs Chapter V.
EEA = eea_countries()
# fideslang branches that are special categories of GDPR Art. 9(1).
SPECIAL_CATEGORY_KEYS = ("user.health_and_medical", "user.biometric", "user.authorization.biometric",
                         "user.demographic.race_ethnicity", "user.demographic.religious_belief",
                         "user.demographic.political_opinion", "user.demographic.sexual_orientation")
# fideslang data categories that are profiling data (interests, behaviour observed over time).
PROFILING_KEYS = ("user.demographic.profile", "user.behavior.browsing_history", "user.behavior.search_history",
                  "user.behavior.media_consumption")
# fideslang data uses whose basis is usually argued as legitimate interests: marketing, profiling, analytics.
INTEREST_USES = ("marketing", "analytics", "personalize")
MARKETING_USES = ("marketing",)


def register_of(context: "CheckContext") -> "Register":
    """The register description under audit."""
    return context.declaration.register  # type: ignore[union-attr]


def ref(context: "CheckContext", *location: str | int) -> str:
    """A record reference into register.yaml: ``register.yaml#purposes[3].lawful_basis``."""
    source = getattr(context.declaration, "register_source", None)
    name = source.path.name if source is not None else "register.yaml"
    return f"{name}#{format_location(location)}"


def under(key: str, prefixes: tuple[str, ...]) -> bool:
    """True if the dotted fides ``key`` is one of ``prefixes`` or below one of them."""
    return any(key == p or key.startswith(p + ".") for p in prefixes)


def profiling_categories(register: "Register") -> list[str]:
    """Ids of declared categories that hold profiling data."""
    return [c.id for c in register.data_categories if under(c.fides_key, PROFILING_KEYS)]


def uses_profiling(register: "Register", purpose: "Purpose") -> bool:
    """True if ``purpose`` reads profiling data or is targeted advertising or personalisation."""
    profiling = set(profiling_categories(register))
    return bool(profiling & set(purpose.categories)) or "targeted" in purpose.fides_use.split(".") \
        or purpose.fides_use.startswith("personalize")


def walk_strings(value: Any, location: tuple = ()) -> list[tuple[tuple, str]]:
    """Every text in a dumped model with its key path."""
    if isinstance(value, str):
        return [(location, value)]
    if isinstance(value, dict):
        return [item for key, child in value.items() for item in walk_strings(child, location + (key,))]
    if isinstance(value, list):
        return [item for index, child in enumerate(value) for item in walk_strings(child, location + (index,))]
    return []


def text(message_en: str, message_fi: str) -> dict[str, str]:
    """A header text in both languages."""
    return {"en": message_en, "fi": message_fi}


# The message of a check whose rows each word their whole finding (``problem_en``, ``problem_fi``):
# what is wrong differs too much between its findings for one sentence with placeholders.
ROW_PROBLEM_MESSAGE = text("{problem_en}", "{problem_fi}")
