"""A loaded register to explore: the DuckDB connection with canonical views, and the filter params."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

    from audit_lib.audit import AuditResult
    from audit_lib.declaration import Declaration
    from audit_lib.loader import LoadReport
    from audit_lib.periods import Period


@dataclass
class Session:
    """A register loaded into DuckDB (canonical views, ``decl_*`` tables, calendar), no checks run."""

    con: "duckdb.DuckDBPyConnection"
    declaration: "Declaration"
    load_report: "LoadReport"
    period: "Period"

    @property
    def timezone(self) -> str:
        """The controller's time zone (also the connection's session time zone)."""
        return self.declaration.register.controller.timezone

    def params(self, period: str | None = None, *, subject_type: str | None = None,
               channel: str | None = None, lang: str = "en") -> dict[str, Any]:
        """The params the statistics take, for ``period`` (default: the session's period); the figures
        draw their words in ``lang``."""
        return params_for(period or self.period.label, self.timezone, subject_type=subject_type, channel=channel,
                          lang=lang)

    @property
    def subject_types(self) -> list[str]:
        """Subject types declared in register.yaml, in declaration order."""
        return [s.id for s in self.declaration.register.subject_types]

    @property
    def channels(self) -> list[str]:
        """Marketing channels declared in register.yaml, in declaration order."""
        return [c.channel for c in self.declaration.register.marketing.channels]


def params_for(period: str, timezone: str = "Europe/Helsinki", *, subject_type: str | None = None,
               channel: str | None = None, lang: str = "en") -> dict[str, Any]:
    """Params for the statistics: ``period_start``, ``period_end``, ``as_of`` (as the checks bind
    them), plus the optional ``subject_type`` and ``channel`` filters (None: all), and ``lang``, the
    language of the figures' words (en or fi; no query binds it).

    ``period`` is ``2026-Q3``, ``2026-09``, ``2026`` or ``all`` (everything up to now, as of now).
    """
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from audit_lib.periods import parse_period
    from audit_lib.vocabulary import LANGUAGES

    if lang not in LANGUAGES:
        raise ValueError(f"language {lang!r}: use {' or '.join(LANGUAGES)}")
    if period == "all":
        zone = ZoneInfo(timezone)
        start, end = datetime(1900, 1, 1, tzinfo=zone), datetime.now(zone).replace(microsecond=0)
    else:
        parsed = parse_period(period, timezone)
        start, end = parsed.start, parsed.end
    return {"period_start": start, "period_end": end, "as_of": end, "subject_type": subject_type,
            "channel": channel, "lang": lang}


def open_register(register: str | Path | None = None, exports: str | Path = "exports.yaml",
                  period: str = "2026-Q3", *, memory_limit: str | None = None) -> Session:
    """Load ``exports`` (and its ``register``) into DuckDB for exploring; the checks are not run.

    Raises DeclarationError when register.yaml or exports.yaml is invalid; a bad export file is
    reported in ``load_report`` as in an audit, and its role is simply absent.
    """
    from audit_lib.opening import open_register as open_validated, read_declaration
    from audit_lib.periods import parse_period

    declaration = read_declaration(register, exports)
    audit_period = parse_period(period, declaration.register.controller.timezone)  # before loading anything
    opened = open_validated(declaration=declaration, memory_limit=memory_limit)
    return Session(con=opened.con, declaration=opened.declaration, load_report=opened.load_report, period=audit_period)


def from_audit(result: "AuditResult") -> Session:
    """The exploring session of an audit already run (the report reuses the audit's connection)."""
    return Session(con=result.con, declaration=result.declaration, load_report=result.load_report,
                   period=result.period)
