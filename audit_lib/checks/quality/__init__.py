"""Checks of the quality family (one file per check; discovered by the registry)."""
