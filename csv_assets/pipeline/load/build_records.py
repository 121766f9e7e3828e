"""A table built from the sources records each build, in that build's own transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from csv_assets.pipeline.load.migrations import ensure_control_tables
from csv_assets.pipeline.load.tables import builds


def record_build(
    conn: sa.Connection, asset: str, row_count: int, run_id: str, freshness_hours: float | None
) -> None:
    """Say, inside the caller's transaction, that ``asset`` was built now with ``row_count`` rows.

    It commits or rolls back with the build itself, so the record never tells of a build the
    table does not hold.
    """
    ensure_control_tables(conn)
    conn.execute(sa.delete(builds).where(builds.c.asset == asset))
    conn.execute(
        sa.insert(builds).values(
            asset=asset,
            built_at=datetime.now(UTC),
            row_count=row_count,
            freshness_hours=freshness_hours,
            run_id=run_id,
        )
    )
