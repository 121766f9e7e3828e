"""DuckDB's bulk path: each chunk's Arrow table scanned by DuckDB itself, without a copy.

The chunk (its typed columns, then its lineage) is registered with the load's own DuckDB
connection as a view and inserted with one ``INSERT ... SELECT``, inside the load's transaction.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter

_VIEW = "csv_assets_chunk"


class ArrowScanWriter(ChunkWriter):
    """Rows handed to DuckDB as Arrow; nothing is held open between chunks."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        name, columns = self.quoted()
        self._statement = f"INSERT INTO {name} ({columns}) SELECT * FROM {_VIEW}"

    def write(self, rows: pa.Table) -> int:
        """Insert ``rows`` with one scan of their Arrow columns."""
        if rows.num_rows == 0:
            return 0
        driver = driver_of(self._conn)
        driver.register(_VIEW, self.batch(rows))
        try:
            driver.execute(self._statement)
        finally:
            driver.unregister(_VIEW)
        return int(rows.num_rows)
