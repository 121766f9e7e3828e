"""The generic path, for a database with no bulk path here: batched INSERTs of bound values.

SQLAlchemy binds each value through the column's type, so any database it speaks stores them
as it would from an ORM: correct, and slower than a bulk path.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import lineage_columns

BATCH_ROWS = 5_000


class BoundInsertWriter:
    """Rows through ``executemany`` of SQLAlchemy's ``INSERT``, ``BATCH_ROWS`` at a time."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        self._conn = conn
        self._table = table
        self._lineage = lineage

    def write(self, rows: pa.Table) -> int:
        """Insert ``rows``, a batch of bound parameters at a time."""
        if rows.num_rows == 0:
            return 0
        columns = lineage_columns(self._table, rows, self._lineage, {})
        batch = pa.table(columns, names=[c.name for c in self._table.columns])
        for part in batch.to_batches(BATCH_ROWS):
            self._conn.execute(sa.insert(self._table), part.to_pylist())
        return int(rows.num_rows)

    def pause(self) -> None:
        """Nothing to end: each ``write`` is complete when it returns."""

    def abandon(self) -> None:
        """Nothing to drop: the caller's transaction rolls back what was written."""
