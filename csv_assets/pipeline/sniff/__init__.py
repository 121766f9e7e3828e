"""Sniff: how a CSV file is written (encoding, dialect, shape, null tokens, column types).

Every decision comes with a confidence. ``sniff_csv`` is the stage; ``sniff_header`` reads the
head alone (a quick gate); ``compare_dialects`` says how a delivery is written differently from
an earlier one (drift).
"""

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.sniff.drift import Change, Drift, compare_dialects
from csv_assets.pipeline.sniff.head import sniff_header
from csv_assets.pipeline.sniff.sniffer import sniff_csv

__all__ = ["Change", "Dialect", "Drift", "compare_dialects", "sniff_csv", "sniff_header"]
