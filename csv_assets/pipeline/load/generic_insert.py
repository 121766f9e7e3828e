"""The generic path, for a database with no bulk path here: batched INSERTs of bound values.

SQLAlchemy binds each value through the column's type, so any database it speaks stores them
as it would from an ORM: correct, and slower than a bulk path.
"""

from __future__ import annotations

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.lineage import ChunkWriter

BATCH_ROWS = 5_000


class BoundInsertWriter(ChunkWriter):
    """Rows through ``executemany`` of SQLAlchemy's ``INSERT``, ``BATCH_ROWS`` at a time."""

    def write(self, rows: pa.Table) -> int:
        """Insert ``rows``, a batch of bound parameters at a time."""
        if rows.num_rows == 0:
            return 0
        for part in self.batch(rows).to_batches(BATCH_ROWS):
            self._conn.execute(sa.insert(self._table), part.to_pylist())
        return int(rows.num_rows)
