"""Checks of the notice family: the declaration itself against GDPR Art. 13 and current Finnish law."""
