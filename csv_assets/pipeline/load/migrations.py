"""The layout of the project's own tables (ledger, quarantine, schema history, builds), versioned.

``csv_assets_schema`` holds one row: the layout version the control tables have. Every load
checks it under the control-tables claim, in its own transaction: a new warehouse gets the
current layout; an older one is upgraded step by step, once, whoever loads first (the others
wait for the claim, then find it done); a warehouse newer than this release is refused in one
line, before anything is written. A warehouse of the unversioned first release reads as 0.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa

from csv_assets.pipeline.errors import LoadError, server_reason
from csv_assets.pipeline.load.claims import CONTROL_TABLES, schema_claim
from csv_assets.pipeline.load.tables import (
    add_column,
    builds,
    control,
    has_column,
    ledger,
    quarantine,
    schema_history,
)

layout = sa.Table(
    "csv_assets_schema",
    sa.MetaData(),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("upgraded_at", sa.DateTime(timezone=True), nullable=False),
)
"""The one row saying which layout the control tables have."""


def _from_unversioned(conn: sa.Connection) -> None:
    """0 -> 1: the ledger gains the dropped bytes' sha256 and the delivery id, indexed."""
    present = {c["name"] for c in sa.inspect(conn).get_columns(ledger.name)}
    for name in ("file_sha256", "delivery_id"):
        if name not in present:
            add_column(conn, ledger.c[name])
    for index in ledger.indexes:
        index.create(conn, checkfirst=True)


def _with_schema_history(conn: sa.Connection) -> None:
    """1 -> 2: the schema history, where each widening of a table's column is recorded."""
    schema_history.create(conn, checkfirst=True)


def _with_builds(conn: sa.Connection) -> None:
    """2 -> 3: the builds, where each table built from the sources records its last build."""
    builds.create(conn, checkfirst=True)


def _with_load_seconds(conn: sa.Connection) -> None:
    """3 -> 4: each ledger entry says how long its load took (the metrics' latencies)."""
    if not has_column(conn, ledger.name, "load_seconds"):
        add_column(conn, ledger.c.load_seconds)


STEPS: tuple[Callable[[sa.Connection], None], ...] = (
    _from_unversioned,
    _with_schema_history,
    _with_builds,
    _with_load_seconds,
)
"""``STEPS[n]`` upgrades layout ``n`` to ``n + 1``; the last one's result is ``VERSION``."""
VERSION = len(STEPS)
REFUSED_DDL = ("permission denied", "must be owner", "command denied")
"""What PostgreSQL and MySQL/MariaDB say to a role that may not create or alter a table."""


def ensure_control_tables(bind: sa.Engine | sa.Connection) -> None:
    """Give the warehouse the control tables of this release's layout, under the claim.

    An engine gets a transaction of its own; a connection's transaction is the caller's.

    Raises:
        LoadError: The warehouse's layout is newer than this release (permanent).
    """
    if isinstance(bind, sa.Engine):
        with bind.begin() as conn:
            ensure_control_tables(conn)
        return
    with schema_claim(bind, CONTROL_TABLES):
        _upgrade(bind)


def _upgrade(bind: sa.Connection) -> None:
    """Create or upgrade the control tables, under their claim."""
    found = layout_version(bind)
    if found == VERSION:
        return
    if found is not None and found > VERSION:
        raise LoadError(
            f"the warehouse's csv_assets tables have layout {found}, newer than this release's "
            f"({VERSION}); upgrade csv_assets to load into it",
            permanent=True,
        )
    try:
        control.create_all(bind, checkfirst=True)  # what is missing, as this release has it
        for step in STEPS[VERSION if found is None else found :]:
            step(bind)
        layout.create(bind, checkfirst=True)
        bind.execute(sa.delete(layout))
        bind.execute(sa.insert(layout).values(version=VERSION, upgraded_at=datetime.now(UTC)))
    except sa.exc.DBAPIError as error:
        refusal = str(error.orig).lower()
        if found is None or not any(words in refusal for words in REFUSED_DDL):
            raise
        # A loader role that may only read and write rows: the tables' owner upgrades them.
        reason = server_reason(error, type(error.orig) if error.orig else sa.exc.DBAPIError)
        raise LoadError(
            f"the warehouse's csv_assets tables have layout {found} and this release needs "
            f"{VERSION}, which this role may not change ({reason}); run `csv-assets migrate` "
            "as their owner, then load again",
            permanent=True,
        ) from None


def migrate(engine: sa.Engine) -> tuple[int | None, int]:
    """Upgrade the control tables now, as their owner: the layout found, and the one they have.

    What every load does first, run on its own (``csv-assets migrate``) so that loads can run
    as a role that may not change tables.

    Raises:
        LoadError: The warehouse's layout is newer than this release (permanent).
    """
    with engine.begin() as conn, schema_claim(conn, CONTROL_TABLES):
        found = layout_version(conn)
        _upgrade(conn)
    return found, VERSION


def layout_version(conn: sa.Connection) -> int | None:
    """The control tables' layout: None where there are none yet, 0 before versions existed."""
    inspector = sa.inspect(conn)
    if inspector.has_table(layout.name):
        version: int | None = conn.execute(sa.select(sa.func.max(layout.c.version))).scalar_one()
        return None if version is None else int(version)
    if inspector.has_table(ledger.name) or inspector.has_table(quarantine.name):
        return 0
    return None
