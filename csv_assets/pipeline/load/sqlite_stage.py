"""SQLite's bulk path: chunks staged by ADBC in a file of their own, then one ``INSERT ... SELECT``.

Python's ``sqlite3`` binds every value through a Python object, about 3 µs a row: more than
SQLite's own ``.import`` takes for the whole row. ADBC's SQLite driver stores Arrow batches from
C with the GIL released, so a thread can store one chunk while the next is read and checked.

Two SQLite libraries must never open the same database file in one process: each keeps its own
table of POSIX locks, and one's ``close()`` drops the other's (sqlite.org, "How To Corrupt",
2.3). So ADBC never opens the warehouse. It writes a private staging file; once it has closed
that file, and only then, the warehouse's connection ``ATTACH``-es it and copies its rows with
one ``INSERT ... SELECT``, inside the delivery's transaction: the rows, the quarantine and the
ledger entry still commit together. A big file is staged in files of ``SEGMENT_ROWS`` rows: a
thread copies one in (SQLite releases the GIL) while the next fills. A staging file is deleted
once copied (the attached database reads on through its open descriptor) and detached when the
connection is back in its pool (SQLite refuses a ``DETACH`` while the transaction has read it).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import sqlite3
import tempfile
import threading
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import driver_of
from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.lineage import ChunkWriter
from csv_assets.pipeline.load.sender import Sender
from csv_assets.pipeline.load.sqlite_insert import InsertWriter, sqlite_values
from csv_assets.pipeline.processes import alive

STAGING_PREFIX = "csv_assets_staging_"
"""Name of a staging file (then its pid) and of the schema it is attached as."""
_STAGED = "staged"
"""The staging file's one table; its columns are ``c0``, ``c1``, ... in the table's order."""
QUEUED_CHUNKS = 2
"""Chunks waiting for the staging thread at most: memory stays a few chunks."""
SEGMENT_ROWS = 1_000_000
"""Rows a staging file holds before a thread copies it in while the next one fills."""
_names = itertools.count()


class StagedWriter(ChunkWriter):
    """Rows staged by ADBC on a thread, copied in by ``SEGMENT_ROWS`` and by ``finish``."""

    def __init__(self, conn: sa.Connection, table: sa.Table, lineage: Lineage) -> None:
        super().__init__(conn, table, lineage)
        self._stage: _Stage | None = None
        self._staged = 0
        self._copying: _Copy | None = None
        # A connection attaches 10 databases at most: past that (a file widened many times in
        # one transaction), the rows go in by executemany.
        self._fallback = None if _free_slots(conn) else InsertWriter(conn, table, lineage)

    def write(self, rows: pa.Table) -> int:
        """Queue ``rows`` for the staging thread (opening the staging file if need be).

        A staging file that holds ``SEGMENT_ROWS`` is handed to a thread that copies it into
        the table while the next one fills, as long as the connection can attach another.
        """
        if self._fallback is not None:
            return self._fallback.write(rows)
        if rows.num_rows == 0:
            return 0
        if self._stage is None:
            self._stage = _Stage()
        self._stage.put(self.batch(rows))
        self._staged += rows.num_rows
        if self._staged >= SEGMENT_ROWS:
            self._wait()  # one copy at a time on the connection
            if _free_slots(self._conn) > 1:  # one is kept for the last staging file
                stage, self._stage, self._staged = self._stage, None, 0
                self._copying = _Copy(stage, self._conn, self._table)
        return int(rows.num_rows)

    def pause(self) -> None:
        """Wait for a copy in flight: then the connection is the caller's (staging goes on)."""
        self._wait()

    def finish(self) -> None:
        """Copy every staged row into the table: they are in it, uncommitted, on return."""
        self._wait()
        stage, self._stage = self._stage, None
        if stage is not None:
            stage.copy_into(self._conn, self._table)

    def abandon(self) -> None:
        """Stop staging and copying after an error; delete the staging files."""
        copying, self._copying = self._copying, None
        if copying is not None:
            copying.join(raising=False)
        stage, self._stage = self._stage, None
        if stage is not None:
            stage.close(raising=False)
            stage.path.unlink(missing_ok=True)

    def _wait(self) -> None:
        copying, self._copying = self._copying, None
        if copying is not None:
            copying.join()


class _Copy:
    """A full staging file copied into the table by a thread (SQLite releases the GIL)."""

    def __init__(self, stage: _Stage, conn: sa.Connection, table: sa.Table) -> None:
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._copy, args=(stage, conn, table), name="csv-assets-copy", daemon=True
        )
        self._thread.start()

    def _copy(self, stage: _Stage, conn: sa.Connection, table: sa.Table) -> None:
        try:
            stage.copy_into(conn, table)
        except BaseException as error:  # handed to the caller's thread
            self._error = error

    def join(self, *, raising: bool = True) -> None:
        """Wait for the copy; raise what it met, if anything (unless not ``raising``)."""
        self._thread.join()
        if self._error is not None and raising:
            raise self._error


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
        """Queue ``rows`` (the table's columns, in its order) for the thread."""
        if self._sender is None:
            raise RuntimeError("the staging file is closed")
        self._sender.write(rows)

    def _ingest(self, rows: pa.Table) -> None:
        """Store ``rows`` as SQLite's storage format has them (Arrow's kernels release the GIL)."""
        columns = [sqlite_values(column) for column in rows.columns]
        names = [f"c{i}" for i in range(len(columns))]
        self._cursor.adbc_ingest(_STAGED, pa.table(columns, names=names), mode="create_append")

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


def _free_slots(conn: sa.Connection) -> int:
    """How many more databases ``conn`` can attach (the left-over staging ones detached)."""
    driver = driver_of(conn)
    detach_staging(driver)
    schemas = [row[1] for row in driver.execute("PRAGMA database_list").fetchall()]
    attached = len([schema for schema in schemas if schema not in ("main", "temp")])
    return int(driver.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED)) - attached


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
        if pid.isdigit() and not alive(int(pid)):
            with contextlib.suppress(OSError):  # another user's, in a sticky folder
                path.unlink()
