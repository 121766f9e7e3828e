"""MySQL and MariaDB warehouse connections: utf8mb4, UTC, local files, and long claim waits.

Sessions read committed data (as PostgreSQL's do), store instants in UTC (MySQL's ``DATETIME``
keeps no zone), speak ``utf8mb4`` (all of Unicode, emoji included), may send ``LOAD DATA LOCAL``
files, and wait as long for another loader's claim (an InnoDB row lock) as PostgreSQL loads do
for theirs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

LOCK_WAIT_SECONDS = 3600
"""``innodb_lock_wait_timeout`` of a session: how long a loader waits for another's claim."""


def mysql_engine(url: sa.URL) -> sa.Engine:
    """An engine on ``url`` whose sessions are set up for loads."""
    if "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    # READ COMMITTED, as PostgreSQL: each statement reads the latest commit, so a loader that
    # waited for a claim sees what its holder committed (InnoDB's REPEATABLE READ would read
    # from the snapshot of its first read, and fail on a table created since).
    engine = sa.create_engine(
        url,
        pool_pre_ping=True,
        isolation_level="READ COMMITTED",
        connect_args={"local_infile": True},
    )

    @sa.event.listens_for(engine, "connect")
    def _session(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET time_zone = '+00:00'")
        cursor.execute(f"SET SESSION innodb_lock_wait_timeout = {LOCK_WAIT_SECONDS}")
        cursor.close()

    return engine
