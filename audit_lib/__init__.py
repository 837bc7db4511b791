"""regaudit: audit a personal-data register against what its controller has declared."""

__version__ = "0.1.0"
__all__ = ["__version__"]
