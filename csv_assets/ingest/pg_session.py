"""PostgreSQL sessions of the warehouse: in UTC, and no wait on the server without a bound.

Three bounds, each the server's own setting where it has one, so an operator sets them where
PostgreSQL users already do: the URL's ``options`` (``?options=-c statement_timeout=15min``),
``ALTER ROLE ... SET`` or ``ALTER DATABASE ... SET``. A setting still at the server's built-in
default gets the value of ``SERVER_BOUNDS``; one set anywhere else is left as it is.

- ``statement_timeout`` bounds each statement, a whole file's ``COPY`` included; ``lock_timeout``
  bounds a wait for another loader's claim or an operator's lock; and
  ``idle_in_transaction_session_timeout`` frees the claims of a client that froze mid-load.
- A server that stops answering cannot enforce its own timeouts (a hung or stopped backend,
  a half-open connection): the client then gives up after the statement timeout and as long
  again (at most ``GRACE_SECONDS`` more), closes the connection and fails the load, which
  commits nothing. TCP keepalives and ``tcp_user_timeout`` find a peer that vanished, and
  ``connect_timeout`` a server that never accepts; a URL's own value of each wins.
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
import sqlalchemy as sa

SERVER_BOUNDS = {
    "statement_timeout": "6h",
    "lock_timeout": "1h",
    "idle_in_transaction_session_timeout": "10min",
}
"""Session settings applied where the server still has its built-in default (no bound)."""

CLIENT_BOUNDS = {
    "connect_timeout": "10",
    "keepalives": "1",
    "keepalives_idle": "30",
    "keepalives_interval": "10",
    "keepalives_count": "3",
    "tcp_user_timeout": "60000",
}
"""libpq connection parameters used unless the URL gives its own: dead peers found in ~1 min."""

GRACE_SECONDS = 60.0
"""How much longer than its statement timeout the client waits for a server's answer."""


class BoundedConnection(psycopg.Connection[Any]):
    """A psycopg connection that waits at most ``answer_within`` seconds for the server.

    Every wait (a statement, a ``COPY`` block, a commit) ends in time, or closes the
    connection and says so. psycopg runs each exchange with the server through ``wait``,
    whose ``timeout`` is psycopg's own bound on one exchange.
    """

    answer_within: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        """Run one exchange with the server, giving up after ``answer_within`` seconds."""
        bound = self.answer_within if timeout is None else timeout
        started = time.monotonic()
        try:
            return super().wait(gen, interval, timeout=bound)
        except psycopg.OperationalError as error:
            silent = error.sqlstate is None and time.monotonic() - started >= (bound or 0)
            if bound is None or not silent:
                raise
            self.close()  # mid-exchange: the protocol's state is unknown
            raise psycopg.OperationalError(
                f"the database did not answer for {bound:g} s (its statement_timeout and a "
                "grace); the connection was closed"
            ) from None


def bound_sessions(engine: sa.Engine, url: sa.URL) -> None:
    """Make ``engine``'s PostgreSQL sessions UTC and bounded (see the module's docstring)."""
    if url.get_driver_name() != "psycopg":
        sa.event.listen(engine, "connect", _prepare_session)
        return

    def _connect(_dialect: Any, _record: Any, cargs: Any, cparams: dict[str, Any]) -> Any:
        for name, value in CLIENT_BOUNDS.items():
            cparams.setdefault(name, value)
        return BoundedConnection.connect(*cargs, **cparams)

    sa.event.listen(engine, "do_connect", _connect)
    sa.event.listen(engine, "connect", _prepare_session)


def _prepare_session(dbapi_connection: Any, _record: Any) -> None:
    """UTC, the bounds of ``SERVER_BOUNDS`` where unset, and the client's wait from them.

    The time zone makes a day (daily_revenue's) or a time without a zone the same on every
    server. SETs, not startup options, so that they pass through connection poolers too.
    """
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
        cursor.execute(
            "SELECT name FROM pg_settings WHERE name = ANY(%s) AND source = 'default'",
            [list(SERVER_BOUNDS)],
        )
        for (name,) in cursor.fetchall():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, SERVER_BOUNDS[name]])
        cursor.execute("SELECT setting::bigint FROM pg_settings WHERE name = 'statement_timeout'")
        row = cursor.fetchone()
    dbapi_connection.autocommit = autocommit
    if isinstance(dbapi_connection, BoundedConnection) and row and row[0]:
        seconds = row[0] / 1000
        dbapi_connection.answer_within = seconds + min(seconds, GRACE_SECONDS)
