"""Checks of the disclosure family (one file per check; discovered by the registry)."""
