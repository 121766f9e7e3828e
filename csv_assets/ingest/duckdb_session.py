"""DuckDB warehouse connections: one process writes the file at a time, the others wait.

DuckDB locks its file for the one process that opens it to write. The engine keeps no
connection between transactions (``NullPool``), so a load holds the file only while it runs;
a second process (a CLI load beside a Dagster run, the UI reading) that finds the file held
says so once in the log and tries again until ``BUSY_SECONDS`` have passed, then fails with
DuckDB's own line, which names the holder. Sessions run in UTC.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import sqlalchemy as sa

BUSY_SECONDS = 600.0
"""How long a connection waits for another process to let go of the DuckDB file."""
_RETRY_SECONDS = 0.1

log = logging.getLogger(__name__)
_OPENING = threading.Lock()


def duckdb_engine(url: sa.URL, busy: float = BUSY_SECONDS) -> sa.Engine:
    """An engine on the DuckDB file of ``url`` that waits ``busy`` seconds for it."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    @sa.event.listens_for(engine, "do_connect")
    def _wait_for_file(dialect: sa.Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
        # Threads of one process share its open database; two opening it at once can race
        # in DuckDB's cache of open files ("Unique file handle conflict"): one at a time.
        with _OPENING:
            return connect_when_free(lambda: dialect.connect(*cargs, **cparams), str(url), busy)

    @sa.event.listens_for(engine, "connect")
    def _utc(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("SET TimeZone = 'UTC'")

    return engine


def connect_when_free(connect: Any, where: str, busy: float) -> Any:
    """``connect()``, again while another process holds the file, for up to ``busy`` seconds."""
    deadline = time.monotonic() + busy
    said = False
    while True:
        try:
            return connect()
        except Exception as error:
            if not _is_held(error) or time.monotonic() > deadline:
                raise  # DuckDB's own line names the process that holds the file
            if not said:
                log.info("the DuckDB warehouse %s is held by another process: waiting", where)
                said = True
            time.sleep(_RETRY_SECONDS)


def _is_held(error: Exception) -> bool:
    """Whether ``error`` says another process holds the file's lock."""
    return "Could not set lock on file" in str(error)
