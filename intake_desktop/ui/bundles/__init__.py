"""Bundles: export, import, the import report, conflicts and quarantine."""
