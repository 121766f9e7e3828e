"""SQLite's bulk path: chunks staged by ADBC in a file of their own, then one ``INSERT ... SELECT``.

Python's ``sqlite3`` binds every value through a Python object, about 3 µs a row: more than
SQLite's own ``.import`` takes for the whole row. ADBC's SQLite driver stores Arrow batches from
C with the GIL released, so a thread can store one chunk while the next is read and checked.

Two SQLite libraries must never open the same database file in one process: each keeps its own
table of POSIX locks, and one's ``close()`` drops the other's (sqlite.org, "How To Corrupt",
2.3). So ADBC never opens the warehouse. It writes a private staging file; when the run of
writes ends it has closed that file, and only then does the warehouse's connection ``ATTACH``
it and copy its rows with one ``INSERT ... SELECT``, inside the delivery's transaction: the rows,
the quarantine and the ledger entry still commit together. The staging file is deleted once
copied (the attached database reads on through its open descriptor) and detached when the
connection is back in its pool (SQLite refuses a ``DETACH`` while the transaction has read it).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import tempfile
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter
from csv_assets.pipeline.load.sender import Sender
from csv_assets.pipeline.load.sqlite_insert import InsertWriter, sqlite_values

STAGING_PREFIX = "csv_assets_staging_"
"""Name of a staging file (then its pid) and of the schema it is attached as."""
_STAGED = "staged"
"""The staging file's one table; its columns are ``c0``, ``c1``, ... in the table's order."""
QUEUED_CHUNKS = 2
"""Chunks waiting for the staging thread at most: memory stays a few chunks."""
_names = itertools.count()


class StagedWriter(ChunkWriter):
    """Rows staged by ADBC on a thread; copied into the table by ``finish``."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        self._stage: _Stage | None = None
        # A connection attaches 10 databases at most: past that (a file widened many times in
        # one transaction), the rows go in by executemany.
        self._fallback = None if _can_attach(conn) else InsertWriter(conn, table, lineage)

    def write(self, rows: pa.Table) -> int:
        """Queue ``rows`` for the staging thread (opening the staging file if need be)."""
        if self._fallback is not None:
            return self._fallback.write(rows)
        if rows.num_rows == 0:
            return 0
        columns = [sqlite_values(column) for column in self.batch(rows).columns]
        if self._stage is None:
            self._stage = _Stage()
        self._stage.put(pa.table(columns, names=[f"c{i}" for i in range(len(columns))]))
        return int(rows.num_rows)

    def pause(self) -> None:
        """Nothing to end: the staging file is ADBC's, and this connection is free meanwhile."""

    def finish(self) -> None:
        """Copy every staged row into the table: they are in it, uncommitted, on return."""
        stage, self._stage = self._stage, None
        if stage is not None:
            stage.copy_into(self._conn, self._table)

    def abandon(self) -> None:
        """Stop staging after an error and delete the staging file."""
        stage, self._stage = self._stage, None
        if stage is not None:
            stage.close(raising=False)
            stage.path.unlink(missing_ok=True)


class _Stage:
    """One staging file, filled by ADBC on a thread."""

    def __init__(self) -> None:
        import adbc_driver_sqlite.dbapi as adbc

        _sweep()
        handle, name = tempfile.mkstemp(prefix=f"{STAGING_PREFIX}{os.getpid()}_", suffix=".db")
        os.close(handle)  # an empty file is an empty database to SQLite
        self.path = Path(name)
        self._adbc = adbc.connect(str(self.path), autocommit=True)
        self._cursor = self._adbc.cursor()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE"):
            self._cursor.execute(f"PRAGMA {pragma}")  # a scratch file: nothing to recover
            self._cursor.fetchall()
        self._sender: Sender[pa.Table] | None = Sender(self._ingest, depth=QUEUED_CHUNKS)

    def put(self, rows: pa.Table) -> None:
        """Queue ``rows`` (columns ``c0``, ``c1``, ...) for the thread."""
        if self._sender is None:
            raise RuntimeError("the staging file is closed")
        self._sender.write(rows)

    def _ingest(self, rows: pa.Table) -> None:
        self._cursor.adbc_ingest(_STAGED, rows, mode="create_append")

    def close(self, *, raising: bool = True) -> None:
        """Wait for the thread, then close ADBC's connection: the file is nobody's after."""
        sender, self._sender = self._sender, None
        try:
            if sender is not None:
                error = None if raising else RuntimeError("load abandoned")
                sender.__exit__(type(error) if error else None, error, None)
        finally:
            self._cursor.close()
            self._adbc.close()

    def copy_into(self, conn: sa.Connection, table: sa.Table) -> None:
        """Attach the closed file to ``conn`` and copy its rows into ``table``, then delete it."""
        try:
            self.close()
            schema = f"{STAGING_PREFIX}{os.getpid()}_{next(_names)}"
            quoted = conn.dialect.identifier_preparer.quote_identifier(schema)
            conn.exec_driver_sql(f"ATTACH DATABASE ? AS {quoted}", (str(self.path),))
            staged = sa.Table(
                _STAGED,
                sa.MetaData(),
                *(sa.Column(f"c{i}") for i in range(len(table.columns))),
                schema=schema,
            )
            names = [c.name for c in table.columns]
            conn.execute(sa.insert(table).from_select(names, sa.select(*staged.columns)))
        finally:
            self.path.unlink(missing_ok=True)


def _can_attach(conn: sa.Connection) -> bool:
    """Another database can be attached to ``conn`` (the left-over staging ones detached)."""
    driver = driver_of(conn)
    detach_staging(driver)
    schemas = [row[1] for row in driver.execute("PRAGMA database_list").fetchall()]
    attached = len([schema for schema in schemas if schema not in ("main", "temp")])
    return bool(attached < driver.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED))


def detach_staging(driver: sqlite3.Connection) -> None:
    """Detach the staging files an earlier transaction of ``driver`` attached.

    One the open transaction has read stays (SQLite says it is locked) until the next call.
    """
    for _, schema, _file in driver.execute("PRAGMA database_list").fetchall():
        if schema.startswith(STAGING_PREFIX):
            try:
                driver.execute(f'DETACH DATABASE "{schema}"')  # a name made above
            except sqlite3.OperationalError as error:
                if "locked" not in str(error):
                    raise


def _sweep() -> None:
    """Delete the staging files of processes that died mid-load (SIGKILL leaves them)."""
    for path in Path(tempfile.gettempdir()).glob(f"{STAGING_PREFIX}*.db"):
        pid = path.name.removeprefix(STAGING_PREFIX).split("_", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):  # another user's, in a sticky folder
                path.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
