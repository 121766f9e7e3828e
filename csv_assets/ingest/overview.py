"""Where each source stands: its last delivery and its age, files waiting, files rejected."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec, folders_for
from csv_assets.pipeline.load import builds, ledger
from csv_assets.storage import RemoteSettings, is_future_dated


@dataclass(frozen=True)
class SourceStatus:
    """One source, as ``csv-assets status`` shows it."""

    source: str
    drop_folder: str
    last_delivery: str | None
    last_loaded_at: datetime | None
    age_hours: float | None
    freshness_hours: float | None
    waiting: int | None
    rejected: int | None
    folder_error: str | None = None
    future_dated: int = 0
    """Waiting files whose mtime lies ahead of this machine's clock (a writer's is wrong)."""
    oldest_waiting_hours: float | None = None
    """How long the oldest file waiting in the drop folder has been there (its mtime's age)."""

    @property
    def fresh(self) -> str:
        """``ok``, ``stale`` (older than the freshness policy), ``never`` or ``-`` (no policy)."""
        if self.freshness_hours is None:
            return "-"
        if self.age_hours is None:
            return "never"
        return "ok" if self.age_hours <= self.freshness_hours else "stale"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the freshness verdict."""
        return {**asdict(self), "fresh": self.fresh}


@dataclass(frozen=True)
class BuildStatus:
    """A table built from the sources (``daily_revenue``): its last build against its freshness."""

    asset: str
    built_at: datetime
    age_hours: float
    freshness_hours: float | None
    row_count: int
    run_id: str

    @property
    def fresh(self) -> str:
        """``ok``, ``stale`` (older than its freshness) or ``-`` (none declared)."""
        if self.freshness_hours is None:
            return "-"
        return "ok" if self.age_hours <= self.freshness_hours else "stale"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, with the freshness verdict."""
        return {**asdict(self), "fresh": self.fresh}


def build_status(engine: sa.Engine, now: datetime | None = None) -> list[BuildStatus]:
    """Each table built from the sources, as its last build recorded it (none before one)."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(builds.name):
            return []
        rows = conn.execute(sa.select(builds).order_by(builds.c.asset)).all()
    return [
        BuildStatus(
            row.asset,
            _utc(row.built_at),
            (now - _utc(row.built_at)).total_seconds() / 3600,
            row.freshness_hours,
            int(row.row_count),
            row.run_id,
        )
        for row in rows
    ]


def source_status(
    sources: list[SourceSpec],
    engine: sa.Engine,
    data_dir: Path,
    settings: RemoteSettings,
    now: datetime | None = None,
) -> list[SourceStatus]:
    """Each source's last ledger entry and the listing of its drop and rejected folders.

    A folder that cannot be listed (a remote server down) is reported, not raised.
    """
    now = now or datetime.now(UTC)
    last = _last_deliveries(engine)
    statuses = []
    for source in sources:
        key, loaded_at = last.get(source.name, (None, None))
        waiting = rejected = error = oldest = None
        future = 0
        folders = folders_for(source, data_dir, settings)
        try:
            inbox = folders.list_inbox()
            waiting = len(inbox)
            future = sum(is_future_dated(f, now.timestamp()) for f in inbox)
            first = min((f.mtime_ns for f in inbox), default=None)
            oldest = None if first is None else max(0.0, now.timestamp() - first / 1e9) / 3600
            rejected = len(folders.list_rejected())
        except OSError as failure:  # a server down (StoreError) is news, not a crash
            error = str(failure).splitlines()[0]
        finally:
            folders.close()
        age = (now - loaded_at).total_seconds() / 3600 if loaded_at else None
        statuses.append(
            SourceStatus(
                source.name,
                source.inbox,
                key,
                loaded_at,
                age,
                source.freshness_window_hours,
                waiting,
                rejected,
                error,
                future,
                oldest,
            )
        )
    return statuses


def _last_deliveries(engine: sa.Engine) -> dict[str, tuple[str, datetime]]:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(ledger.name):
            return {}
        newest = (
            sa.select(ledger.c.source, sa.func.max(ledger.c.loaded_at).label("at"))
            .group_by(ledger.c.source)
            .subquery()
        )
        rows = conn.execute(
            sa.select(ledger.c.source, ledger.c.partition_key, ledger.c.loaded_at).join(
                newest,
                (ledger.c.source == newest.c.source) & (ledger.c.loaded_at == newest.c.at),
            )
        ).all()
    return {str(row[0]): (str(row[1]), _utc(row[2])) for row in rows}


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # SQLite keeps no zone
