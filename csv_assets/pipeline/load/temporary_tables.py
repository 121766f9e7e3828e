"""Temporary tables: an upsert's staged rows, and a dry run's stand-in for a table to create.

A temporary table is its session's alone. On MySQL it outlives a rolled-back transaction, and
only ``DROP TEMPORARY TABLE`` leaves the transaction open, so both are said here once.
"""

from __future__ import annotations

import sqlalchemy as sa

from csv_assets.pipeline.load.tables import MAX_IDENTIFIER
from csv_assets.pipeline.load.warehouses import MYSQL_NAMES


def staging_table(table: sa.Table, name: str | None = None) -> sa.Table:
    """A temporary twin of ``table`` (same columns, no indexes) for an upsert's rows.

    ``name``: the twin's name (by default ``_stage_`` and the table's).
    """
    staged = sa.Table(
        name or f"_stage_{table.name}"[:MAX_IDENTIFIER],
        sa.MetaData(),
        *(sa.Column(c.name, c.type) for c in table.columns),
        prefixes=["TEMPORARY"],
    )
    return staged


def create_temporary(conn: sa.Connection, table: sa.Table, name: str) -> sa.Table:
    """Create a temporary twin of ``table`` called ``name``, seen by this session only."""
    return create_staging(conn, staging_table(table, name))


def create_staging(conn: sa.Connection, staged: sa.Table) -> sa.Table:
    """Create the temporary table ``staged``, replacing one an earlier try left in the session.

    A temporary table outlives a rolled-back transaction on MySQL (and every session keeps
    its own), so one of the same name may be left from the try before.
    """
    if conn.dialect.name in MYSQL_NAMES:
        name = conn.dialect.identifier_preparer.format_table(staged)
        conn.exec_driver_sql(f"DROP TEMPORARY TABLE IF EXISTS {name}")
    else:
        staged.drop(conn, checkfirst=True)
    staged.create(conn)
    return staged


def drop_temporary(conn: sa.Connection, table: sa.Table) -> None:
    """Drop a temporary table; on MySQL with ``TEMPORARY``, which commits nothing."""
    if conn.dialect.name in MYSQL_NAMES:
        name = conn.dialect.identifier_preparer.format_table(table)
        conn.exec_driver_sql(f"DROP TEMPORARY TABLE {name}")
    else:
        table.drop(conn)
