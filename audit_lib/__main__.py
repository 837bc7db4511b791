"""``python -m audit_lib`` runs the regaudit command line."""

from audit_lib.cli import main

main()
