"""intake-desktop: secure, offline-first field intake for people at risk."""

__version__ = "0.1.0"
