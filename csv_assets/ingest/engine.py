"""Create the warehouse engine: SQLite tuned for concurrent readers, PostgreSQL with pre-ping.

DuckDB and MySQL/MariaDB sessions are set up by ``duckdb_session`` and ``mysql_session``.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.ingest.duckdb_session import duckdb_engine
from csv_assets.ingest.mysql_session import mysql_engine
from csv_assets.pipeline.extras import require
from csv_assets.pipeline.load import MYSQL_NAMES, detach_staging, generic_note

log = logging.getLogger(__name__)

APPLICATION_NAME = "csv-assets"
SQLITE_BUSY_SECONDS = 60.0
"""How long a SQLite writer waits for another's write lock (``?timeout=`` in the URL wins)."""
READS_ONLY = "csv_assets_reads_only"
"""Execution option of an engine whose SQLite transactions never take the write lock."""
SECRET_WORDS = ("password", "passwd", "pwd", "passphrase", "secret", "token", "credential")
"""Query parameters of a URL whose values are never shown (libpq takes ``?password=``)."""


def redacted_url(url: sa.URL) -> str:
    """``url`` as it may be shown in metadata, logs and terminals: no password anywhere.

    The user's password and any query parameter named like a secret read ``***``.
    """
    query = {
        name: "***" if any(word in name.lower() for word in SECRET_WORDS) else value
        for name, value in url.query.items()
    }
    shown = url.set(query=query).render_as_string(hide_password=True)
    return shown.replace("=%2A%2A%2A", "=***")  # the mask, not its percent-encoding


class NoSuchFolderError(sa.exc.ArgumentError):
    """A SQLite URL names a file in a folder that does not exist: a typo, most likely."""


def reader(engine: sa.Engine) -> sa.Engine:
    """``engine`` for work that only reads: it shares the pool, never the write lock.

    On SQLite its transactions are a plain (deferred) ``BEGIN``, so under WAL they read the
    last commit at once while a load writes; every other transaction of the warehouse engine
    is ``BEGIN IMMEDIATE`` (see ``create_warehouse_engine``). A write through it fails on
    SQLite only if another writer committed first. Other databases read without blocking
    writers anyway.
    """
    return engine.execution_options(**{READS_ONLY: True})


def create_warehouse_engine(url: str) -> sa.Engine:
    """Return an engine for ``url``; a SQLite file gets WAL and a busy timeout.

    A SQLite database must be in a folder that exists (the file is created if need be).

    WAL lets the UI, checks and downstream assets read while a load writes; the busy timeout
    makes a second writer wait for the first rather than fail. The driver's own transaction
    handling is switched off so that SQLAlchemy emits the BEGIN itself, which makes SAVEPOINTs
    (used to retry a file with the exact reader) work as documented by SQLAlchemy. That BEGIN is
    ``BEGIN IMMEDIATE``: a transaction holds the database's one write lock from its first
    statement, so two loaders of one file can never both find it unloaded (the claims of
    ``csv_assets.pipeline.load`` rely on it). Writers claim; readers read: ``reader(engine)``
    is the same engine for work that only reads, and never waits for a load. PostgreSQL
    connections say they are csv-assets' (``application_name``), so an operator finds a load
    in ``pg_stat_activity``, and work in UTC whatever the server's time zone.
    """
    parsed = sa.make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql" and parsed.get_driver_name() == "psycopg":
        require("psycopg", "postgres", "a PostgreSQL warehouse")
        require("pgpq", "postgres", "a PostgreSQL warehouse")
    if backend in ("duckdb", "sqlite"):
        _check_folder(parsed)
    if backend == "duckdb":
        require("duckdb_sqlalchemy", "duckdb", "a DuckDB warehouse")
        return duckdb_engine(parsed)
    if backend in MYSQL_NAMES:
        if parsed.get_driver_name() == "pymysql":
            require("pymysql", "mysql", "a MySQL or MariaDB warehouse")
        return mysql_engine(parsed)
    if backend != "sqlite":
        if "application_name" not in parsed.query:
            parsed = parsed.update_query_dict({"application_name": APPLICATION_NAME})
        engine = sa.create_engine(parsed, pool_pre_ping=True)
        if parsed.get_backend_name() == "postgresql":
            from csv_assets.ingest.pg_session import bound_sessions

            bound_sessions(engine, parsed)
        note = generic_note(engine.dialect)
        if note is not None:
            log.warning(note)
        return engine
    busy = float(parsed.query.get("timeout", SQLITE_BUSY_SECONDS))  # type: ignore[arg-type]
    engine = sa.create_engine(parsed, connect_args={"timeout": busy})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        write_ahead_log(cursor, busy)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy * 1000)}")
        cursor.execute("PRAGMA cache_size=-16384")  # 16 MiB: a load appends, its index is ints
        cursor.close()
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "checkin")
    def _detach(dbapi_connection: Any, _record: Any) -> None:
        if dbapi_connection is not None:  # None: it was invalidated, and is closed
            detach_staging(dbapi_connection)  # a load's staging file: only now can it go

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        reads_only = conn.get_execution_options().get(READS_ONLY, False)
        conn.exec_driver_sql("BEGIN" if reads_only else "BEGIN IMMEDIATE")

    return engine


def _check_folder(url: sa.URL) -> None:
    """An embedded database (a file) must be in a folder that exists: a typo must not make one.

    Raises:
        NoSuchFolderError: It does not.
    """
    database = url.database or ""
    folder = Path(database).parent if database not in ("", ":memory:") else None
    if folder is not None and not folder.is_dir():
        name = "SQLite" if url.get_backend_name() == "sqlite" else "DuckDB"
        raise NoSuchFolderError(
            f"the folder of the {name} database, {folder}, does not exist: create it or "
            "correct the database URL"
        )


def write_ahead_log(cursor: Any, busy: float) -> None:
    """Put the database in WAL mode, waiting while other connections make it at once.

    A new database that several processes open together: each asks for WAL, and SQLite may
    answer "database is locked" at once instead of calling the busy handler. Asked again until
    ``busy`` seconds have passed; a database already in WAL mode is left as it is.
    """
    deadline = time.monotonic() + busy
    while True:
        try:
            if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
