"""Bulk-write validated rows with their lineage, inside the transaction the caller owns."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.tables import LINEAGE_COLUMNS
from csv_assets.pipeline.validate import LINE

COPY_BLOCK_BYTES = 1 << 20


def write_rows(conn: sa.Connection, table: sa.Table, rows: pa.Table, lineage: Lineage) -> int:
    """Bulk-write validated rows (typed columns then ``_source_line``) with their lineage.

    PostgreSQL gets ``COPY ... FROM STDIN (FORMAT csv)`` fed by Arrow's C++ CSV writer; SQLite
    one prepared ``executemany`` over values Arrow has already put in SQLite's storage format.
    Neither path touches a row in Python beyond handing it to the driver.
    """
    if rows.num_rows == 0:
        return 0
    names = [c.name for c in table.columns if c.name not in LINEAGE_COLUMNS]
    count = rows.num_rows
    columns = [rows.column(name) if name in rows.column_names else None for name in names]
    columns = [pa.nulls(count, pa.string()) if column is None else column for column in columns]
    columns.append(pa.array([lineage.file_name] * count, pa.string()))
    columns.append(pa.array([lineage.sha256] * count, pa.string()))
    columns.append(rows.column(LINE))
    names.extend(LINEAGE_COLUMNS)
    if conn.dialect.name == "postgresql":
        # Arrow's CSV writer formats timestamps ~2x slower than strftime does.
        columns = [
            pc.strftime(c, "%Y-%m-%d %H:%M:%S%z" if c.type.tz else "%Y-%m-%d %H:%M:%S")
            if pa.types.is_timestamp(c.type)
            else c
            for c in columns
        ]
        _copy_rows(conn, table, names, pa.table(columns, names=names))
    else:
        _executemany(conn, table, names, columns)
    return count


def _copy_rows(conn: sa.Connection, table: sa.Table, names: list[str], rows: pa.Table) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(*([table.schema] if table.schema else []), table.name),
        sql.SQL(", ").join(map(sql.Identifier, names)),
    )
    # Arrow writes a null as an empty field and an empty string as "", which is exactly how
    # COPY's csv format tells them apart.
    buffer = io.BytesIO()
    pacsv.write_csv(rows, buffer, pacsv.WriteOptions(include_header=False))
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), COPY_BLOCK_BYTES):
            copy.write(view[start : start + COPY_BLOCK_BYTES])
        view.release()


def _executemany(
    conn: sa.Connection, table: sa.Table, names: list[str], columns: list[pa.ChunkedArray]
) -> None:
    """Run one prepared INSERT over all rows, values already in SQLite's storage format."""
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=names)
    order = [names.index(key) for key in compiled.positiontup]
    values = [_sqlite_values(columns[i]).to_pylist() for i in order]
    cursor = conn.connection.driver_connection.cursor()
    try:
        cursor.executemany(str(compiled), zip(*values, strict=True))
    finally:
        cursor.close()


def _sqlite_values(values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Cast to what SQLAlchemy's SQLite types store: ISO text for time, exact text for NUMERIC."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        # Arrow's %S carries the fraction (``07.000000``), matching SQLAlchemy's DATETIME text.
        return pc.strftime(pc.cast(values, pa.timestamp("us", tz=kind.tz)), "%Y-%m-%d %H:%M:%S")
    if pa.types.is_date(kind) or pa.types.is_decimal(kind):
        return pc.cast(values, pa.string())
    if pa.types.is_time(kind):
        return pc.strftime(pc.cast(values, pa.time64("us")), "%H:%M:%S")
    return values
