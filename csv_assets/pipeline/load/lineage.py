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
