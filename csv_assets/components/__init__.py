"""Component types of csv_assets, registered with dg."""

from csv_assets.components.csv_source import CsvSource

__all__ = ["CsvSource"]
