"""Claims the warehouse holds for a transaction: one writer per table, one creator of tables.

The guarantee lives in the database, so the CLI, replays, sweeps and any number of Dagster runs
are safe together. On PostgreSQL a claim is a transaction-level advisory lock, released by the
server when the transaction ends however it ends (commit, rollback, a killed client). On SQLite
every transaction of the warehouse engine starts with ``BEGIN IMMEDIATE``, which already holds
the database's single write lock, and DuckDB lets one connection write the file: the claims are
then implied. On MySQL/MariaDB (and any other database) a claim is the row lock of its name in
``csv_assets_claims``, which InnoDB releases when the transaction ends; while tables change
under a claim (``schema_claim``) a named lock (``GET_LOCK``) holds it too, as each ``CREATE``
or ``ALTER`` there commits at once and would end the row lock.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from csv_assets.pipeline.load.warehouses import warehouse_of

CONTROL_TABLES = "csv_assets control tables"
"""The claim under which the ledger and quarantine tables are created or migrated."""
CLAIM_WAIT_SECONDS = 3600
"""How long a MySQL/MariaDB loader waits for another's claim before it fails (and is retried)."""

# The key names the lock within this database and schema, so that loads into tables of the
# same name in other schemas (or databases of one server) never wait for each other.
_ADVISORY_LOCK = sa.text(
    "SELECT pg_advisory_xact_lock("
    "hashtextextended(current_database() || '/' || current_schema() || '/' || :name, 0))"
)

claims = sa.Table(
    "csv_assets_claims",
    sa.MetaData(),
    sa.Column("name", sa.String(255), primary_key=True),
)
"""One row per claim ever taken where claims are row locks (MySQL/MariaDB, other databases)."""


def claim(conn: sa.Connection, name: str) -> None:
    """Hold the claim ``name`` until the caller's transaction ends, waiting for its holder.

    Args:
        conn: A connection inside the transaction the claim is for.
        name: What is claimed: a table name, or ``CONTROL_TABLES``.
    """
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(_ADVISORY_LOCK, {"name": name})
    elif dialect == "sqlite" and not driver_of(conn).in_transaction:
        # pysqlite's default defers BEGIN to the first write: nothing would hold the lock yet.
        raise RuntimeError(
            f"claim {name!r}: this SQLite transaction holds no write lock; make the engine "
            "with csv_assets.ingest.create_warehouse_engine (every transaction BEGIN IMMEDIATE)"
        )
    elif not warehouse_of(conn).one_writer:
        _lock_row(conn, name)
        if warehouse_of(conn).is_mysql:
            _wait_for_schema_change(conn, name)


def claim_table(conn: sa.Connection, table: str) -> None:
    """Become the one writer of ``table`` until the caller's transaction ends.

    Taken first in every transaction that writes a source's table or its ledger entries, so a
    second loader of the same content waits, then finds the first one's ledger entry.
    """
    claim(conn, table_claim(table))


def table_claim(table: str) -> str:
    """The name of the claim of ``table``'s one writer."""
    return f"table {table}"


@contextmanager
def schema_claim(conn: sa.Connection, name: str) -> Iterator[None]:
    """Hold the claim ``name`` while the block changes tables, whatever its DDL commits.

    Elsewhere this is ``claim``. On MySQL/MariaDB each ``CREATE`` or ``ALTER`` commits at once,
    which ends the row lock; a named lock (``GET_LOCK``), held by the session until the block
    ends (or the session dies), outlasts it, and every ``claim`` of the name waits for it.
    """
    claim(conn, name)
    if not warehouse_of(conn).is_mysql:
        yield
        return
    with _named_lock(conn, name):
        yield


@contextmanager
def _named_lock(conn: sa.Connection, name: str) -> Iterator[None]:
    """Hold the server-wide named lock of claim ``name`` in this database while the block runs.

    The lock's name is the database's and a digest of ``name``: within MySQL's 64 characters.
    """
    lock = sa.func.concat(
        sa.func.left(sa.func.database(), 23), "/", hashlib.sha1(name.encode()).hexdigest()
    )
    if not conn.execute(sa.select(sa.func.get_lock(lock, CLAIM_WAIT_SECONDS))).scalar_one():
        raise TimeoutError(f"waited {CLAIM_WAIT_SECONDS} s for the claim {name!r}")
    try:
        yield
    finally:
        conn.execute(sa.select(sa.func.release_lock(lock)))


def _wait_for_schema_change(conn: sa.Connection, name: str) -> None:
    """Wait until no ``schema_claim`` of ``name`` is changing tables (MySQL/MariaDB)."""
    with _named_lock(conn, name):
        pass


def _lock_row(conn: sa.Connection, name: str) -> None:
    """Lock the claims row ``name`` (made on first use) until the transaction ends."""
    held = sa.select(claims.c.name).where(claims.c.name == name).with_for_update()
    if not sa.inspect(conn).has_table(claims.name) or conn.execute(held).first() is None:
        _make_row(conn.engine, name)
        conn.execute(held).first()


def _make_row(engine: sa.Engine, name: str) -> None:
    """Make the claims table and row ``name`` in transactions of their own, committed at once.

    Inserted inside the claiming transaction, loaders that meet the new row together would
    each wait for it with a shared lock, then all ask to lock it: a deadlock.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as own:
        own.execute(sa.schema.CreateTable(claims, if_not_exists=True))
        if warehouse_of(own).is_mysql:  # waits for one being inserted, then ignores it
            own.execute(sa.insert(claims).prefix_with("IGNORE").values(name=name))
        elif own.execute(sa.select(claims.c.name).where(claims.c.name == name)).first() is None:
            with contextlib.suppress(sa.exc.IntegrityError):  # another loader made it first
                own.execute(sa.insert(claims).values(name=name))


def driver_of(conn: sa.Connection) -> Any:
    """The DB-API connection under ``conn`` (present while ``conn`` is open)."""
    driver = conn.connection.driver_connection
    if driver is None:
        raise RuntimeError("the connection is closed")
    return driver
