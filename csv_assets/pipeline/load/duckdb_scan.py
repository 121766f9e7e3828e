"""DuckDB's bulk path: the chunks streamed into one ``INSERT``, which DuckDB scans as Arrow.

The chunks of a run of writes (typed columns, then lineage) go through a bounded queue into one
``INSERT ... SELECT`` over an Arrow stream, run by a thread on the load's own connection while
the next chunk is read and checked. One statement lets DuckDB write full row groups to the file
as they fill instead of holding every chunk of the transaction in memory; ``pause`` ends the
statement (the connection is then free for the quarantine), and the next ``write`` starts
another.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter

_VIEW = "csv_assets_chunks"
QUEUED_CHUNKS = 2
"""Chunks waiting for DuckDB at most: memory stays a few chunks whatever the file's size."""


class ArrowScanWriter(ChunkWriter):
    """Rows streamed to DuckDB as Arrow, one statement per run of writes."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        name, columns = self.quoted()
        self._statement = f"INSERT INTO {name} ({columns}) SELECT * FROM {_VIEW}"
        self._stream: _Stream | None = None

    def write(self, rows: pa.Table) -> int:
        """Queue ``rows`` for the open statement (starting one if need be)."""
        if rows.num_rows == 0:
            return 0
        batch = self.batch(rows)
        if self._stream is None:
            self._stream = _Stream(driver_of(self._conn), self._statement, batch.schema)
        self._stream.put(batch)
        return int(rows.num_rows)

    def pause(self) -> None:
        """End the statement: every queued row is in the table when this returns."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.finish()

    def abandon(self) -> None:
        """End the statement after an error; the caller's transaction rolls back its rows."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.finish(raising=False)


class _Stream:
    """One ``INSERT`` on a thread, fed chunk by chunk through a bounded queue."""

    def __init__(self, driver: Any, statement: str, schema: pa.Schema) -> None:
        self._queue: queue.Queue[pa.Table | None] = queue.Queue(maxsize=QUEUED_CHUNKS)
        self._schema = schema
        self._error: BaseException | None = None
        reader = pa.RecordBatchReader.from_batches(schema, self._batches())
        self._thread = threading.Thread(
            target=self._run, args=(driver, statement, reader), name="csv-assets-duckdb"
        )
        self._thread.daemon = True
        self._thread.start()

    def put(self, chunk: pa.Table | None) -> None:
        """Queue ``chunk`` (None: the end); raise what the statement met, if it failed."""
        while True:
            if self._error is not None:
                raise self._error
            try:
                self._queue.put(chunk, timeout=0.1)
                return
            except queue.Full:
                continue

    def finish(self, *, raising: bool = True) -> None:
        """End the stream and wait for the statement; raise its error unless told not to."""
        try:
            self.put(None)
        except BaseException:
            if raising:
                raise
        self._thread.join()
        if raising and self._error is not None:
            raise self._error

    def _batches(self) -> Iterator[pa.RecordBatch]:
        while (chunk := self._queue.get()) is not None:
            yield from chunk.cast(self._schema).to_batches()

    def _run(self, driver: Any, statement: str, reader: pa.RecordBatchReader) -> None:
        try:
            driver.register(_VIEW, reader)
            try:
                driver.execute(statement)
            finally:
                driver.unregister(_VIEW)
        except BaseException as error:  # handed to the caller's thread
            self._error = error
