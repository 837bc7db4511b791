"""Deterministic sample registers with planted violations and their expected findings (ground truth)."""

from audit_lib.sample.generator import GenerationSummary, generate
from audit_lib.sample.plants import NearMiss, Violation

__all__ = ["GenerationSummary", "NearMiss", "Violation", "generate"]
