"""Checks of the retention family (one file per check; discovered by the registry)."""
