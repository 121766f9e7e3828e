"""The ledger: which file contents a source has loaded, written in the load's own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.load.tables import delivery_ids, ledger
from csv_assets.pipeline.sniff import Drift, compare_dialects


@dataclass(frozen=True)
class Lineage:
    """Which delivery rows come from: its id is on every loaded row, its sha256 on quarantined.

    ``delivery_id`` is the ledger's ``delivery_id`` of this delivery, given out before its rows
    are written and recorded with its ledger entry in the same transaction.
    """

    source: str
    file_name: str
    sha256: str
    partition_key: str
    run_id: str
    delivery_id: int | None = None


@dataclass(frozen=True)
class LedgerEntry:
    """A file content already loaded for a source."""

    partition_key: str
    file_name: str
    rows_loaded: int
    loaded_at: datetime
    delivery_id: int | None


def find_delivery(conn: sa.Connection, source: str, sha256: str) -> LedgerEntry | None:
    """Return the ledger entry of this content for this source, if it was loaded before."""
    row = conn.execute(
        sa.select(
            ledger.c.partition_key,
            ledger.c.file_name,
            ledger.c.rows_loaded,
            ledger.c.loaded_at,
            ledger.c.delivery_id,
        ).where(ledger.c.source == source, ledger.c.sha256 == sha256)
    ).first()
    if row is None:
        return None
    values: tuple[Any, ...] = tuple(row)
    return LedgerEntry(*values)


def next_delivery_id(conn: sa.Connection) -> int:
    """A delivery id no ledger entry has, for a delivery about to be loaded.

    PostgreSQL's sequence never gives one twice, whoever asks at once. SQLite takes the largest
    id plus one: every writing transaction holds the database's one write lock from its start,
    so no other load can take the same id before this one commits or rolls back.
    """
    if conn.dialect.name == "postgresql":
        return int(conn.execute(delivery_ids.next_value()).scalar_one())
    largest = conn.execute(sa.select(sa.func.max(ledger.c.delivery_id))).scalar()
    return int(largest or 0) + 1


def record_delivery(conn: sa.Connection, lineage: Lineage, values: dict[str, Any]) -> None:
    """Write the ledger entry for this content, replacing any earlier one of the same content."""
    conn.execute(
        sa.delete(ledger).where(
            ledger.c.source == lineage.source, ledger.c.sha256 == lineage.sha256
        )
    )
    conn.execute(
        sa.insert(ledger).values(
            source=lineage.source,
            sha256=lineage.sha256,
            partition_key=lineage.partition_key,
            file_name=lineage.file_name,
            run_id=lineage.run_id,
            delivery_id=lineage.delivery_id,
            loaded_at=datetime.now(UTC),
            **values,
        )
    )


def detect_drift(conn: sa.Connection, source: str, sha256: str, dialect: Dialect) -> Drift:
    """Compare ``dialect`` with the newest other delivery of ``source`` in the ledger."""
    row = conn.execute(
        sa.select(ledger.c.partition_key, ledger.c.dialect)
        .where(ledger.c.source == source, ledger.c.sha256 != sha256)
        .order_by(ledger.c.loaded_at.desc())
        .limit(1)
    ).first()
    if row is None:
        return Drift(None)
    return Drift(row.partition_key, compare_dialects(row.dialect, dialect))
