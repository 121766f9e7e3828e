"""Write a file's rows, quarantine and ledger entry inside one transaction the caller owns."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import sqlalchemy as sa

from csv_assets.pipeline.tables import LINEAGE_COLUMNS, ledger, quarantine
from csv_assets.pipeline.validate import LINE, RejectedRow

LoadMode = Literal["append", "replace", "upsert"]
COPY_BLOCK_BYTES = 1 << 20


@dataclass(frozen=True)
class Lineage:
    """Which delivery rows come from, stamped on every loaded and quarantined row."""

    source: str
    file_name: str
    sha256: str
    partition_key: str
    run_id: str


@dataclass(frozen=True)
class LedgerEntry:
    """A file content already loaded for a source."""

    partition_key: str
    file_name: str
    rows_loaded: int
    loaded_at: datetime


def find_delivery(conn: sa.Connection, source: str, sha256: str) -> LedgerEntry | None:
    """Return the ledger entry of this content for this source, if it was loaded before."""
    row = conn.execute(
        sa.select(
            ledger.c.partition_key, ledger.c.file_name, ledger.c.rows_loaded, ledger.c.loaded_at
        ).where(ledger.c.source == source, ledger.c.sha256 == sha256)
    ).first()
    return LedgerEntry(*row) if row else None


def clear_previous(conn: sa.Connection, table: sa.Table, mode: LoadMode, lineage: Lineage) -> int:
    """Delete what this load replaces, inside the load's transaction.

    ``append`` deletes this content's earlier rows (a reload replaces exactly them); ``replace``
    deletes every row: readers keep seeing the old rows until the load commits (PostgreSQL's
    MVCC, SQLite's WAL snapshot), so the swap is atomic without renaming tables, and views on
    the table stay valid. ``upsert`` deletes nothing here: see ``merge_staged``. This content's
    earlier quarantined rows go in every mode.

    Returns:
        The number of table rows deleted.
    """
    conn.execute(
        sa.delete(quarantine).where(
            quarantine.c.source == lineage.source, quarantine.c.sha256 == lineage.sha256
        )
    )
    if mode == "upsert":
        return 0
    statement = sa.delete(table)
    if mode == "append":
        statement = statement.where(table.c._source_sha256 == lineage.sha256)
    return conn.execute(statement).rowcount


def merge_staged(
    conn: sa.Connection, staged: sa.Table, table: sa.Table, keys: Sequence[str]
) -> int:
    """Upsert: replace the rows of ``table`` whose key the staged rows carry, then insert them.

    Returns:
        The number of table rows replaced.
    """
    target_keys = sa.tuple_(*(table.c[k] for k in keys))
    staged_keys = sa.select(*(staged.c[k] for k in keys))
    replaced = conn.execute(sa.delete(table).where(target_keys.in_(staged_keys))).rowcount
    names = [c.name for c in staged.columns]
    conn.execute(sa.insert(table).from_select(names, sa.select(*(staged.c[n] for n in names))))
    return replaced


def duplicate_key_lines(
    conn: sa.Connection, table: sa.Table, keys: Sequence[str], sha256: str
) -> list[int]:
    """Lines of this content's rows whose key another of its rows also has (across chunks)."""
    columns = [table.c[k] for k in keys]
    mine = table.c._source_sha256 == sha256
    repeated = (
        sa.select(*columns).where(mine).group_by(*columns).having(sa.func.count() > 1).subquery()
    )
    matches = sa.and_(*(table.c[k] == repeated.c[k] for k in keys))
    query = sa.select(table.c._source_line).join(repeated, matches).where(mine)
    return sorted(conn.execute(query.order_by(table.c._source_line)).scalars())


def delete_lines(conn: sa.Connection, table: sa.Table, sha256: str, lines: Sequence[int]) -> None:
    """Delete this content's rows that start on ``lines``."""
    conn.execute(
        sa.delete(table).where(
            table.c._source_sha256 == sha256, table.c._source_line.in_(list(lines))
        )
    )


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


def write_quarantine(
    conn: sa.Connection, rejected: Sequence[RejectedRow], lineage: Lineage
) -> None:
    """Insert rejected rows with their raw cells and the rules they broke."""
    if not rejected:
        return
    now = datetime.now(UTC)
    conn.execute(
        sa.insert(quarantine),
        [
            {
                "source": lineage.source,
                "sha256": lineage.sha256,
                "file_name": lineage.file_name,
                "line": row.line,
                "raw_cells": list(row.cells),
                "columns": ",".join(sorted({f.column for f in row.failures if f.column})) or None,
                "rule": row.failures[0].rule,
                "message": "; ".join(f.message for f in row.failures),
                "failures": [
                    {
                        "column": f.column,
                        "rule": f.rule,
                        "message": f.message,
                        "value": _json_safe(f.value),
                    }
                    for f in row.failures
                ],
                "run_id": lineage.run_id,
                "quarantined_at": now,
            }
            for row in rejected
        ],
    )


def record_delivery(conn: sa.Connection, lineage: Lineage, values: dict[str, Any]) -> None:
    """Write the ledger entry for this content, replacing any earlier one of the same content."""
    conn.execute(
        sa.delete(ledger).where(
            ledger.c.source == lineage.source, ledger.c.sha256 == lineage.sha256
        )
    )
    conn.execute(
        sa.insert(ledger).values(
            source=lineage.source,
            sha256=lineage.sha256,
            partition_key=lineage.partition_key,
            file_name=lineage.file_name,
            run_id=lineage.run_id,
            loaded_at=datetime.now(UTC),
            **values,
        )
    )


def count_rows(conn: sa.Connection, table: sa.Table) -> int:
    """Return the number of rows in ``table``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


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


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None if value is None or pd.isna(value) else str(value)
    return value
