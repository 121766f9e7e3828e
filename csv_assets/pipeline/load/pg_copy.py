"""PostgreSQL's bulk path: Arrow batches as binary ``COPY``, on the load's own connection.

Arrow's typed columns are encoded to PostgreSQL's binary row format by ``pgpq`` and streamed
through psycopg's ``COPY ... FROM STDIN (FORMAT binary)``, so the server takes the values as
they are instead of parsing text. A ``Sender`` thread hands the data to psycopg: while the
server stores one chunk, the next is read and validated. A table with a column type that has no
exact Arrow twin (``uuid``, ``jsonb``, an enum, ...) gets the text ``COPY`` instead, where the
server parses each value as that type does.
"""

from __future__ import annotations

import io
from contextlib import ExitStack
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import lineage_columns
from csv_assets.pipeline.load.sender import Sender

COPY_BLOCK_BYTES = 1 << 20
JSONB_VERSION = "\x01"
"""What jsonb's binary input format puts before the JSON text."""


class CopyWriter:
    """One ``COPY`` kept open across chunks until ``pause``; binary where the table allows."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        self._conn = conn
        self._table = table
        self._lineage = lineage
        self._types = _arrow_types(conn, table)  # None: the text COPY
        self._stack: ExitStack | None = None
        self._copy: Any = None
        self._encoder: Any = None

    def write(self, rows: pa.Table) -> int:
        """Encode ``rows`` and send them into the open ``COPY`` (opening it if need be)."""
        if rows.num_rows == 0:
            return 0
        types = self._types
        columns = lineage_columns(self._table, rows, self._lineage, types or {})
        names = [c.name for c in self._table.columns]
        copy = self._open()
        if types is None:
            _write_csv(copy, pa.table([_as_text(c) for c in columns], names=names))
            return int(rows.num_rows)
        batch = pa.table(
            [_cast(c, types[n]) for c, n in zip(columns, names, strict=True)], names=names
        )
        for part in batch.to_batches():
            copy.write(self._encoder.write_batch(part))
        return int(rows.num_rows)

    def pause(self) -> None:
        """Finish the open ``COPY``: the server has stored every row sent once this returns."""
        if self._stack is None:
            return
        if self._types is not None:
            self._copy.write(self._encoder.finish())
        stack, self._stack, self._copy = self._stack, None, None
        stack.close()

    def finish(self) -> None:
        """Finish the open ``COPY``: every row is in the table, uncommitted."""
        self.pause()

    def abandon(self) -> None:
        """Drop the open ``COPY`` after an error (psycopg tells the server it failed)."""
        if self._stack is None:
            return
        stack, self._stack, self._copy = self._stack, None, None
        stack.__exit__(RuntimeError, RuntimeError("load abandoned"), None)

    def _open(self) -> Any:
        if self._copy is not None:
            return self._copy
        from psycopg import sql

        table = self._table
        statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT {})").format(
            sql.Identifier(*([table.schema] if table.schema else []), table.name),
            sql.SQL(", ").join(sql.Identifier(c.name) for c in table.columns),
            sql.SQL("csv" if self._types is None else "binary"),
        )
        stack = ExitStack()
        cursor = stack.enter_context(driver_of(self._conn).cursor())
        copy = stack.enter_context(Sender(stack.enter_context(cursor.copy(statement)).write))
        if self._types is not None:
            from pgpq import ArrowToPostgresBinaryEncoder

            schema = pa.schema([(c.name, self._types[c.name]) for c in table.columns])
            self._encoder = ArrowToPostgresBinaryEncoder(schema)
            copy.write(self._encoder.write_header())
        self._stack, self._copy = stack, copy
        return copy


def _arrow_types(conn: sa.Connection, table: sa.Table) -> dict[str, pa.DataType] | None:
    """The Arrow type binary ``COPY`` must send for each column, or ``None`` if one has none.

    Read from the table as it is in the database, so a table made elsewhere (an ``integer`` id,
    a ``real``) gets values of its own width.
    """
    found = sa.inspect(conn).get_columns(table.name, schema=table.schema)
    types: dict[str, pa.DataType] = {}
    for column in found:
        kind = _arrow_type(column["type"])
        if kind is None:
            return None
        types[column["name"]] = kind
    missing = [c.name for c in table.columns if c.name not in types]
    return None if missing else types


def _arrow_type(kind: sa.types.TypeEngine[Any]) -> pa.DataType | None:
    """The Arrow type whose binary encoding is that of PostgreSQL ``kind``, if there is one."""
    if isinstance(kind, pg.BOOLEAN):
        return pa.bool_()
    if isinstance(kind, pg.SMALLINT):
        return pa.int16()
    if isinstance(kind, pg.BIGINT):
        return pa.int64()
    if isinstance(kind, pg.INTEGER):
        return pa.int32()
    if isinstance(kind, pg.REAL):
        return pa.float32()
    if isinstance(kind, pg.DOUBLE_PRECISION):
        return pa.float64()
    if isinstance(kind, pg.NUMERIC) and kind.precision and kind.precision <= 38:
        return pa.decimal128(kind.precision, kind.scale or 0)
    if isinstance(kind, pg.TIMESTAMP):
        return pa.timestamp("us", tz="UTC" if kind.timezone else None)
    if isinstance(kind, pg.DATE):
        return pa.date32()
    if isinstance(kind, pg.TIME) and not kind.timezone:
        return pa.time64("us")
    if isinstance(kind, pg.TEXT | pg.VARCHAR) and not isinstance(kind, pg.CHAR):
        return pa.string()
    if isinstance(kind, pg.JSONB):
        return pa.binary()  # jsonb's binary form: a version byte, then the JSON text
    return None


def _cast(values: pa.Array | pa.ChunkedArray, kind: pa.DataType) -> pa.Array | pa.ChunkedArray:
    """``values`` as ``kind`` (a no-op for the tables csv_assets creates itself).

    A naive timestamp meant for a ``timestamptz`` column is read as UTC, as the load reads every
    zoneless time.

    Raises:
        LoadError: A value does not fit a narrower column (an ``integer`` id past 2**31).
    """
    if values.type == kind:
        return values
    if pa.types.is_binary(kind) and pa.types.is_string(values.type):
        return pc.cast(pc.binary_join_element_wise(JSONB_VERSION, values, ""), kind)
    if pa.types.is_timestamp(kind) and pa.types.is_timestamp(values.type):
        if kind.tz and not values.type.tz:
            values = pc.assume_timezone(values, "UTC")
        elif values.type.tz and not kind.tz:
            values = pc.local_timestamp(values)
    try:
        return pc.cast(values, kind)
    except pa.ArrowInvalid as error:
        raise LoadError(f"a value does not fit the table's column ({kind}): {error}") from error


def _as_text(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Timestamps as text PostgreSQL reads: Arrow's CSV writer formats them ~2x slower."""
    if pa.types.is_timestamp(values.type):
        fmt = "%Y-%m-%d %H:%M:%S%z" if values.type.tz else "%Y-%m-%d %H:%M:%S"
        return pc.strftime(values, fmt)
    return values


def _write_csv(copy: Any, rows: pa.Table) -> None:
    """Send rows as CSV into a text ``COPY``.

    Arrow writes a null as an empty field and an empty string as ``""``, which is exactly how
    ``COPY``'s csv format tells them apart.
    """
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    view = buffer.getbuffer()
    for start in range(0, len(view), COPY_BLOCK_BYTES):
        copy.write(view[start : start + COPY_BLOCK_BYTES])
    view.release()
