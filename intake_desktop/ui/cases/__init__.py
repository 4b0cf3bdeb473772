"""The case list and what works across cases (possible duplicates)."""
