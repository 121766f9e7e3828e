"""Claims the warehouse holds for a transaction: one writer per table, one creator of tables.

The guarantee lives in the database, so the CLI, replays, sweeps and any number of Dagster runs
are safe together. On PostgreSQL a claim is a transaction-level advisory lock, released by the
server when the transaction ends however it ends (commit, rollback, a killed client). On SQLite
every transaction of the warehouse engine starts with ``BEGIN IMMEDIATE``, which already holds
the database's single write lock: the claims are then implied.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

CONTROL_TABLES = "csv_assets control tables"
"""The claim under which the ledger and quarantine tables are created or migrated."""

# The key names the lock within this database and schema, so that loads into tables of the
# same name in other schemas (or databases of one server) never wait for each other.
_ADVISORY_LOCK = sa.text(
    "SELECT pg_advisory_xact_lock("
    "hashtextextended(current_database() || '/' || current_schema() || '/' || :name, 0))"
)


def claim(conn: sa.Connection, name: str) -> None:
    """Hold the claim ``name`` until the caller's transaction ends, waiting for its holder.

    Args:
        conn: A connection inside the transaction the claim is for.
        name: What is claimed: a table name, or ``CONTROL_TABLES``.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(_ADVISORY_LOCK, {"name": name})
    elif conn.dialect.name == "sqlite" and not driver_of(conn).in_transaction:
        # pysqlite's default defers BEGIN to the first write: nothing would hold the lock yet.
        raise RuntimeError(
            f"claim {name!r}: this SQLite transaction holds no write lock; make the engine "
            "with csv_assets.ingest.create_warehouse_engine (every transaction BEGIN IMMEDIATE)"
        )


def claim_table(conn: sa.Connection, table: str) -> None:
    """Become the one writer of ``table`` until the caller's transaction ends.

    Taken first in every transaction that writes a source's table or its ledger entries, so a
    second loader of the same content waits, then finds the first one's ledger entry.
    """
    claim(conn, f"table {table}")


def driver_of(conn: sa.Connection) -> Any:
    """The DB-API connection under ``conn`` (present while ``conn`` is open)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver
