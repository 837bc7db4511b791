"""Checks of the inventory family (one file per check; discovered by the registry)."""
