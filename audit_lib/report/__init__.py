"""The audit report: a papermill-run notebook exported to offline HTML and PDF, with a manifest.

Import the submodules you need (``audit_lib.report.pipeline`` for ``run_report`` and ``demo``);
this package imports nothing heavy, so the CLI starts fast.
"""
