"""Access checks: who read which data, with which account, when (GDPR Art. 5(1)(f), 32)."""
