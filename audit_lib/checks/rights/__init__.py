"""Checks of the rights family (one file per check; discovered by the registry)."""
