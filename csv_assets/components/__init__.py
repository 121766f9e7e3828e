"""Component types of csv_assets, registered with dg."""

from csv_assets.components.csv_source.component import CsvSource

__all__ = ["CsvSource"]
