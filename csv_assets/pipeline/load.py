"""Write a file's rows, quarantine and ledger entry inside one transaction the caller owns."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import pandas as pd
import sqlalchemy as sa

from csv_assets.pipeline.tables import LINEAGE_COLUMNS, ledger, quarantine
from csv_assets.pipeline.validate import LINE, RejectedRow

LoadMode = Literal["append", "replace"]


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
    """Delete what this load replaces: the whole table (replace) or this content's rows (append).

    Returns:
        The number of table rows deleted.
    """
    conn.execute(
        sa.delete(quarantine).where(
            quarantine.c.source == lineage.source, quarantine.c.sha256 == lineage.sha256
        )
    )
    statement = sa.delete(table)
    if mode == "append":
        statement = statement.where(table.c._source_sha256 == lineage.sha256)
    return conn.execute(statement).rowcount


def write_rows(conn: sa.Connection, table: sa.Table, frame: pd.DataFrame, lineage: Lineage) -> int:
    """Bulk-write a validated frame: COPY on PostgreSQL, prepared executemany elsewhere."""
    if frame.empty:
        return 0
    ordered = [c.name for c in table.columns if c.name not in LINEAGE_COLUMNS]
    count = len(frame)
    data = [_python_values(frame[name]) for name in ordered]
    data.append([lineage.file_name] * count)
    data.append([lineage.sha256] * count)
    data.append(frame[LINE].tolist())
    ordered.extend(LINEAGE_COLUMNS)
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, ordered, zip(*data, strict=True))
    else:
        _executemany(conn, table, ordered, data)
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


def _python_values(series: pd.Series) -> list[Any]:
    """Plain Python values (None for missing) that both drivers adapt without help."""
    if pd.api.types.is_datetime64_any_dtype(series):
        return [None if pd.isna(v) else v.to_pydatetime() for v in series]
    return series.astype(object).where(series.notna(), None).tolist()


def _copy_rows(conn: sa.Connection, table: sa.Table, names: list[str], rows: Any) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(*([table.schema] if table.schema else []), table.name),
        sql.SQL(", ").join(map(sql.Identifier, names)),
    )
    driver = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _executemany(conn: sa.Connection, table: sa.Table, names: list[str], data: list[list]) -> None:
    """Run one prepared INSERT for all rows, with SQLAlchemy's own type conversions applied."""
    columns = [table.c[name] for name in names]
    converted = []
    for column, values in zip(columns, data, strict=True):
        process = column.type.bind_processor(conn.dialect)
        converted.append(
            values if process is None else [None if v is None else process(v) for v in values]
        )
    compiled = sa.insert(table).compile(dialect=conn.dialect, column_keys=names)
    order = [names.index(key) for key in compiled.positiontup]
    rows = list(zip(*(converted[i] for i in order), strict=True))
    conn.exec_driver_sql(str(compiled), rows)


def _json_safe(value: Any) -> Any:
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return None if value is None or pd.isna(value) else str(value)
    return value
