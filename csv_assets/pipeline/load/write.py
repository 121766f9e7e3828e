"""Bulk-write a file's validated rows with their lineage, inside the transaction the caller owns.

``open_writer`` gives one writer per file and table. On PostgreSQL it keeps one binary ``COPY``
open across chunks, so the server stores one chunk while the next is read and checked; SQLite's
writer runs one ``executemany`` per chunk. ``pause`` ends the bulk stream when the connection
must run another statement (quarantine rows, say); the next ``write`` opens it again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

import numpy as np
import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.validate import LINE


class RowWriter(Protocol):
    """Writes chunks of validated rows (typed columns then ``_source_line``) into one table."""

    def write(self, rows: pa.Table) -> int:
        """Write ``rows``; return how many."""
        ...

    def pause(self) -> None:
        """End any open bulk stream, so the connection can run other statements."""
        ...

    def abandon(self) -> None:
        """Drop any open bulk stream after an error, without waiting for what it holds."""
        ...


@contextmanager
def open_writer(conn: sa.Connection, table: sa.Table, lineage: Lineage) -> Iterator[RowWriter]:
    """A writer of ``table``'s rows for one file; whatever it holds open is closed on exit.

    On an error the open stream is abandoned and the error propagates: the caller's transaction
    (or savepoint) rolls back whatever was written.
    """
    if conn.dialect.name == "postgresql":
        from csv_assets.pipeline.load.pg_copy import CopyWriter

        writer: RowWriter = CopyWriter(conn, table, lineage)
    else:
        from csv_assets.pipeline.load.sqlite_insert import InsertWriter

        writer = InsertWriter(conn, table, lineage)
    try:
        yield writer
    except BaseException:
        writer.abandon()
        raise
    writer.pause()


def write_rows(conn: sa.Connection, table: sa.Table, rows: pa.Table, lineage: Lineage) -> int:
    """Write one batch of rows with its lineage (a writer opened and closed for it)."""
    with open_writer(conn, table, lineage) as writer:
        return writer.write(rows)


def lineage_columns(
    table: sa.Table, rows: pa.Table, lineage: Lineage, types: dict[str, pa.DataType]
) -> list[pa.Array | pa.ChunkedArray]:
    """The columns to write, in ``table``'s order: the data, then the delivery id and line.

    A table made before delivery ids gets the file name and sha256 instead of the id.

    A column of the table that the file lacks (an optional one) is written as nulls of
    ``types[name]``.
    """
    count = rows.num_rows
    columns: list[pa.Array | pa.ChunkedArray] = []
    for column in table.columns:
        name = column.name
        if name == "_delivery_id":
            columns.append(pa.array(np.full(count, lineage.delivery_id, dtype=np.int64)))
        elif name == "_source_file":
            columns.append(repeated(lineage.file_name, count))
        elif name == "_source_sha256":
            columns.append(repeated(lineage.sha256, count))
        elif name == "_source_line":
            columns.append(rows.column(LINE))
        elif name in rows.column_names:
            columns.append(rows.column(name))
        else:
            columns.append(pa.nulls(count, types.get(name, pa.string())))
    return columns


def repeated(text: str, count: int) -> pa.Array:
    """A string array of ``count`` copies of ``text``, built from two buffers, not a list."""
    data = text.encode()
    wide = count * len(data) >= 2**31
    offsets = np.arange(count + 1, dtype=np.int64 if wide else np.int32) * len(data)
    kind = pa.LargeStringArray if wide else pa.StringArray
    return kind.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(data * count))
