"""Checks of the consent family (one file per check; discovered by the registry)."""
