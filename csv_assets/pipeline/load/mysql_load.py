r"""MySQL's and MariaDB's bulk path: ``LOAD DATA LOCAL INFILE`` of each validated chunk.

Each chunk is encoded as the server's own tab-separated text (``\N`` for NULL, backslash
escapes, UTC instants with microseconds) by Arrow's compute functions, written to a private
temporary file and sent by the driver within the load's transaction, from a thread, so the
server stores one chunk while the next is read and checked. A server that refuses local
files (``local_infile=OFF``) gets multi-row ``INSERT``s instead, which the driver batches.
"""

from __future__ import annotations

import tempfile

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from csv_assets.pipeline.load.generic_insert import BoundInsertWriter
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter
from csv_assets.pipeline.load.sender import Sender

SEND_QUEUE_CHUNKS = 2
"""Chunks encoded ahead of the server at most: memory stays a few chunks' text."""

_ESCAPES = (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r"), ("\0", "\\0"))


class LoadDataWriter(ChunkWriter):
    """Rows through ``LOAD DATA LOCAL INFILE``, sent by a thread while the next chunk is read.

    ``pause`` waits until every chunk sent is stored (and fails with the server's reason if one
    was refused), so the connection is free for other statements.
    """

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        name, columns = self.quoted()
        self._statement = (
            f"LOAD DATA LOCAL INFILE %s INTO TABLE {name} "
            "CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' "
            f"LINES TERMINATED BY '\\n' ({columns})"
        )
        allowed = local_files_allowed(conn)
        self._fallback = None if allowed else BoundInsertWriter(conn, table, lineage)
        self._sender: Sender[bytes] | None = None

    def write(self, rows: pa.Table) -> int:
        """Queue ``rows`` as one local file (or insert them, where the server refuses files)."""
        if self._fallback is not None:
            return self._fallback.write(rows)
        if rows.num_rows == 0:
            return 0
        if self._sender is None:
            self._sender = Sender(self.send, depth=SEND_QUEUE_CHUNKS)
        self._sender.write(tab_separated(self.batch(rows).columns))
        return int(rows.num_rows)

    def send(self, data: bytes) -> None:
        """Load one chunk's text (on the sending thread): a private file, then ``LOAD DATA``."""
        with tempfile.NamedTemporaryFile(prefix="csv_assets_", suffix=".tsv") as spool:
            spool.write(data)
            spool.flush()
            self._conn.exec_driver_sql(self._statement, (spool.name,))
        refuse_warnings(self._conn, self._table.name)

    def pause(self) -> None:
        """Wait until every queued chunk is stored; raise what the server refused, if anything."""
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.__exit__(None, None, None)

    def abandon(self) -> None:
        """Stop sending after an error; the caller's transaction rolls back what was stored."""
        sender, self._sender = self._sender, None
        if sender is not None:
            sender.__exit__(RuntimeError, RuntimeError("load abandoned"), None)


def refuse_warnings(conn: sa.Connection, table: str) -> None:
    """Fail if the server changed a value it was sent: a local file's errors come as warnings.

    With ``LOCAL`` the server cannot stop the client mid-file, so a value it had to cut or
    convert (text over the column's size, a number out of range) is a warning, not an error.

    Raises:
        DatabaseError: The driver's, with the server's first warning in its words: the load
            fails as on any database error, and its transaction rolls back.
    """
    if not conn.exec_driver_sql("SELECT @@warning_count").scalar():
        return
    _level, code, message = conn.exec_driver_sql("SHOW WARNINGS LIMIT 1").one()
    raise conn.dialect.loaded_dbapi.DatabaseError(code, f"{message} (loading {table})")


def local_files_allowed(conn: sa.Connection) -> bool:
    """Whether the server takes ``LOAD DATA LOCAL`` (its ``local_infile`` setting)."""
    return bool(conn.exec_driver_sql("SELECT @@GLOBAL.local_infile").scalar())


def tab_separated(columns: list[pa.Array | pa.ChunkedArray]) -> bytes:
    """``columns`` as rows of LOAD DATA's default text format, each ending in a newline."""
    fields = [_field(column) for column in columns]
    lines = pc.binary_join_element_wise(*fields, "\t")
    lines = pc.binary_join_element_wise(lines, pa.scalar(""), "\n")
    text = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    _, offsets, data = text.buffers()  # every line is set: no validity bitmap to mind
    bounds = np.frombuffer(offsets, dtype=np.int32)[text.offset : text.offset + len(text) + 1]
    return bytes(memoryview(data)[int(bounds[0]) : int(bounds[-1])]) if len(text) else b""


def _field(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    r"""One column as the server reads it: its text, escaped, and ``\N`` for a null."""
    kind = values.type
    if pa.types.is_timestamp(kind):  # zoned instants are UTC, as the session is
        text = pc.cast(pc.cast(values, pa.timestamp("us")), pa.string())
    elif pa.types.is_time(kind):
        text = pc.cast(pc.cast(values, pa.time64("us")), pa.string())
    elif pa.types.is_boolean(kind):
        text = pc.cast(pc.cast(values, pa.int8()), pa.string())
    elif pa.types.is_string(kind) or pa.types.is_large_string(kind):
        text = pc.cast(values, pa.string())
        for raw, escaped in _ESCAPES:
            text = pc.replace_substring(text, raw, escaped)
    else:
        text = pc.cast(values, pa.string())
    return pc.fill_null(text, "\\N")
