"""Whether the user asked to see what regaudit normally keeps out of the terminal: tracebacks and the
notebook kernel's own output (``regaudit --debug``, or ``$REGAUDIT_DEBUG`` set to anything but 0)."""

from __future__ import annotations

import os

DEBUG_ENV = "REGAUDIT_DEBUG"

_requested = False


def set_debug(requested: bool) -> None:
    """Record the ``--debug`` option of this invocation (each invocation sets it anew)."""
    global _requested
    _requested = requested


def debug_enabled() -> bool:
    """True with ``--debug`` or ``$REGAUDIT_DEBUG`` (other than empty or 0)."""
    return _requested or os.environ.get(DEBUG_ENV, "") not in ("", "0")
