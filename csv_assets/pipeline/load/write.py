"""Bulk-write a file's validated rows with their lineage, inside the transaction the caller owns.

``open_writer`` gives one writer per file and table, by database (``warehouses`` names each
one's bulk path). On PostgreSQL it keeps one binary ``COPY`` open across chunks, so the server
stores one chunk while the next is read and checked; SQLite's writer stages the chunks in a file
of their own and copies them in at the end, DuckDB scans each chunk's Arrow table, MySQL/MariaDB
takes it by ``LOAD DATA``. ``pause`` ends the bulk stream when the connection must run another
statement (quarantine rows, say); the next ``write`` opens it again. ``finish`` (on leaving
``open_writer``) puts every row written into the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.duckdb_scan import ArrowScanWriter
from csv_assets.pipeline.load.generic_insert import BoundInsertWriter
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.mysql_load import LoadDataWriter
from csv_assets.pipeline.load.pg_copy import CopyWriter
from csv_assets.pipeline.load.sqlite_stage import StagedWriter
from csv_assets.pipeline.load.warehouses import MYSQL_NAMES


class RowWriter(Protocol):
    """Writes chunks of validated rows (typed columns then ``_source_line``) into one table."""

    def write(self, rows: pa.Table) -> int:
        """Write ``rows``; return how many."""
        ...

    def pause(self) -> None:
        """End any open bulk stream, so the connection can run other statements."""
        ...

    def finish(self) -> None:
        """Put every row written into the table (uncommitted) and end any open bulk stream."""
        ...

    def abandon(self) -> None:
        """Drop any open bulk stream after an error, without waiting for what it holds."""
        ...


_WRITERS: dict[str, Callable[[sa.Connection, sa.Table, Lineage], RowWriter]] = {
    "postgresql": CopyWriter,
    "sqlite": StagedWriter,
    "duckdb": ArrowScanWriter,
    **dict.fromkeys(MYSQL_NAMES, LoadDataWriter),
}
"""Each database's bulk writer; any other gets the generic ``BoundInsertWriter``."""


@contextmanager
def open_writer(conn: sa.Connection, table: sa.Table, lineage: Lineage) -> Iterator[RowWriter]:
    """A writer of ``table``'s rows for one file; whatever it holds open is closed on exit.

    On an error the open stream is abandoned and the error propagates: the caller's transaction
    (or savepoint) rolls back whatever was written.
    """
    writer = _WRITERS.get(conn.dialect.name, BoundInsertWriter)(conn, table, lineage)
    try:
        yield writer
    except BaseException:
        writer.abandon()
        raise
    writer.finish()
