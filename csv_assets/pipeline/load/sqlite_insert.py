"""SQLite's bulk path: one prepared ``INSERT`` over values already in SQLite's storage format."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter


class InsertWriter(ChunkWriter):
    """Rows through the driver's ``executemany``; nothing is held open between chunks."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        compiled = sa.insert(table).compile(dialect=conn.dialect)
        self._statement = str(compiled)
        names = [c.name for c in table.columns]
        self._order = [names.index(k) for k in compiled.positiontup or ()]

    def write(self, rows: pa.Table) -> int:
        """Insert ``rows`` in one ``executemany``."""
        if rows.num_rows == 0:
            return 0
        columns = self.batch(rows).columns
        values = [sqlite_values(columns[i]).to_pylist() for i in self._order]
        cursor = driver_of(self._conn).cursor()
        try:
            cursor.executemany(self._statement, zip(*values, strict=True))
        finally:
            cursor.close()
        return int(rows.num_rows)


def sqlite_values(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cast to what SQLAlchemy's SQLite types store: ISO text for time, exact text for NUMERIC."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        # Arrow's text of a zoneless microsecond timestamp is SQLAlchemy's DATETIME text
        # (``2026-01-01 00:00:07.000000``), ~40x faster than strftime; a zoned one is UTC.
        return pc.cast(pc.cast(values, pa.timestamp("us")), pa.string())
    if pa.types.is_time(kind):
        return pc.cast(pc.cast(values, pa.time64("us")), pa.string())
    if pa.types.is_date(kind) or pa.types.is_decimal(kind):
        return pc.cast(values, pa.string())
    return values
