"""DuckDB's bulk path: each chunk's Arrow table scanned by DuckDB itself, without a copy.

The chunk (its typed columns, then its lineage) is registered with the load's own DuckDB
connection as a view and inserted with one ``INSERT ... SELECT``, inside the load's transaction.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import lineage_columns

_VIEW = "csv_assets_chunk"


class ArrowScanWriter:
    """Rows handed to DuckDB as Arrow; nothing is held open between chunks."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        self._conn = conn
        self._table = table
        self._lineage = lineage
        preparer = conn.dialect.identifier_preparer
        names = ", ".join(preparer.quote(c.name) for c in table.columns)
        self._statement = (
            f"INSERT INTO {preparer.format_table(table)} ({names}) SELECT * FROM {_VIEW}"
        )

    def write(self, rows: pa.Table) -> int:
        """Insert ``rows`` with one scan of their Arrow columns."""
        if rows.num_rows == 0:
            return 0
        columns = lineage_columns(self._table, rows, self._lineage, {})
        chunk = pa.table(columns, names=[c.name for c in self._table.columns])
        driver = driver_of(self._conn)
        driver.register(_VIEW, chunk)
        try:
            driver.execute(self._statement)
        finally:
            driver.unregister(_VIEW)
        return int(rows.num_rows)

    def pause(self) -> None:
        """Nothing to end: each ``write`` is complete when it returns."""

    def abandon(self) -> None:
        """Nothing to drop: the caller's transaction rolls back what was written."""
