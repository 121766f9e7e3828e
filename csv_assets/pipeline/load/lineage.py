"""The columns a load writes: a batch's data in the table's order, then its lineage."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.validate import LINE


def lineage_columns(
    table: sa.Table, rows: pa.Table, lineage: Lineage, types: dict[str, pa.DataType]
) -> list[pa.Array | pa.ChunkedArray]:
    """The columns to write, in ``table``'s order: the data, then the delivery id and line.

    A column of the table that the file lacks (an optional one) is written as nulls of
    ``types[name]``.
    """
    count = rows.num_rows
    columns: list[pa.Array | pa.ChunkedArray] = []
    for column in table.columns:
        name = column.name
        if name == "_delivery_id":
            columns.append(pa.array(np.full(count, lineage.delivery_id, dtype=np.int64)))
        elif name == "_source_line":
            columns.append(rows.column(LINE))
        elif name in rows.column_names:
            columns.append(rows.column(name))
        else:
            columns.append(pa.nulls(count, types.get(name, pa.string())))
    return columns


class ChunkWriter:
    """What the writers that hold nothing open between chunks share (all but PostgreSQL's).

    A subclass writes each chunk with ``write``; ``pause``, ``finish`` and ``abandon`` have
    nothing to end unless it says so: the caller's transaction rolls back whatever was written.
    """

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        self._conn = conn
        self._table = table
        self._lineage = lineage

    def batch(self, rows: pa.Table) -> pa.Table:
        """``rows`` as the table's columns, in its order: the data, then the lineage."""
        columns = lineage_columns(self._table, rows, self._lineage, {})
        return pa.table(columns, names=[c.name for c in self._table.columns])

    def quoted(self) -> tuple[str, str]:
        """The table's name and its column list, quoted by the dialect's own preparer."""
        preparer = self._conn.dialect.identifier_preparer
        names = ", ".join(preparer.quote(c.name) for c in self._table.columns)
        return preparer.format_table(self._table), names

    def pause(self) -> None:
        """Nothing to end: each ``write`` is complete when it returns."""

    def finish(self) -> None:
        """Every row written is in the table once the bulk stream, if any, has ended."""
        self.pause()

    def abandon(self) -> None:
        """Nothing to drop: the caller's transaction rolls back what was written."""
