"""The ``CsvSource`` component and the Dagster factories it owns, one module per kind of definition.

``component`` builds a source's definitions from its ``defs.yaml``: the partitioned ``asset`` (a
thin shell around the ingest service) with the ``metadata`` and checks it reports, the drop-folder
``sensor``, the sweep ``schedule``, the key ``checks``; ``resources`` hold the engine and folders,
``jobs`` the operator's replay job.
"""

from csv_assets.components.csv_source.component import CsvSource

__all__ = ["CsvSource"]
