"""Definitions folder: one CsvSource defs.yaml per source, plus the reporting assets."""
