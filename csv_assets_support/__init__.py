"""What the tests and the benchmarks share: corpora, workloads, real processes, timing.

Nothing here is part of csv_assets: it is imported by ``csv_assets_tests`` and ``benchmarks/``
alike, so neither edits ``sys.path`` to reach the other.
"""

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository's root: the project the tests and benchmarks start and read."""
