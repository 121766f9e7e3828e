"""The ledger: which file contents a source has loaded, written in the load's own transaction."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.load.claims import claim, claim_table
from csv_assets.pipeline.load.tables import delivery_ids, ledger, schema_history
from csv_assets.pipeline.load.warehouses import warehouse_of
from csv_assets.pipeline.sniff import Drift, compare_dialects
from csv_assets.pipeline.validate import TypeChange


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

    def as_values(self) -> dict[str, Any]:
        """Every field, as a control table's columns of the same names take them."""
        return asdict(self)


@dataclass(frozen=True)
class LedgerEntry:
    """A file content already loaded for a source."""

    partition_key: str
    file_name: str
    rows_loaded: int
    loaded_at: datetime
    delivery_id: int | None


class Ledger:
    """The warehouse's record of loaded deliveries, read and written in the caller's transaction.

    Every method runs on ``conn``; nothing here commits. A load claims its table first, so of
    two loaders of one content the second waits, then finds the first one's entry.
    """

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn

    def claim(self, table: str) -> None:
        """Become the one writer of ``table`` and its ledger entries until the transaction ends."""
        claim_table(self.conn, table)

    def find(self, source: str, sha256: str) -> LedgerEntry | None:
        """The entry of this content for this source, if it was loaded before."""
        row = self.conn.execute(
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

    def next_id(self) -> int:
        """A delivery id no entry has, for a delivery about to be loaded.

        Where one transaction writes at a time (SQLite, DuckDB) the largest id plus one: no
        other load can take it before this one commits or rolls back. Elsewhere a sequence
        (PostgreSQL, MariaDB) never gives one twice, whoever asks at once; without one (MySQL)
        the largest plus one again, under the ids' own claim until this load ends.
        """
        one_writer = warehouse_of(self.conn).one_writer
        if self.conn.dialect.supports_sequences and not one_writer:
            return int(self.conn.execute(delivery_ids.next_value()).scalar_one())
        claim(self.conn, "delivery ids")
        largest = self.conn.execute(sa.select(sa.func.max(ledger.c.delivery_id))).scalar()
        return int(largest or 0) + 1

    def record(self, lineage: Lineage, values: dict[str, Any]) -> None:
        """Write the entry for this content, replacing any earlier one of the same content.

        An earlier entry is updated in place: its delivery id stays, and DuckDB's unique index
        refuses a key deleted and inserted again in one transaction.
        """
        entry = {**lineage.as_values(), "loaded_at": datetime.now(UTC), **values}
        where = self._of(lineage.source, lineage.sha256)
        if not self.conn.execute(sa.update(ledger).where(*where).values(**entry)).rowcount:
            self.conn.execute(sa.insert(ledger).values(**entry))

    def drift(self, source: str, sha256: str, dialect: Dialect) -> Drift:
        """``dialect`` compared with the newest other delivery of ``source``."""
        row = self.conn.execute(
            sa.select(ledger.c.partition_key, ledger.c.dialect)
            .where(ledger.c.source == source, ledger.c.sha256 != sha256)
            .order_by(ledger.c.loaded_at.desc())
            .limit(1)
        ).first()
        if row is None:
            return Drift(None)
        return Drift(row.partition_key, compare_dialects(row.dialect, dialect))

    def entry(self, source: str, sha256: str) -> sa.Row[Any]:
        """The whole entry of a loaded content (its dialect and header too), for a replay."""
        return self.conn.execute(sa.select(ledger).where(*self._of(source, sha256))).one()

    def count_replayed(self, source: str, sha256: str, rows: int) -> None:
        """``rows`` of this content moved from its quarantine into its table."""
        self.conn.execute(
            sa.update(ledger)
            .where(*self._of(source, sha256))
            .values(
                rows_loaded=ledger.c.rows_loaded + rows,
                rows_rejected=ledger.c.rows_rejected - rows,
            )
        )

    def record_widening(self, lineage: Lineage, table: str, change: TypeChange) -> None:
        """Keep in the schema history that this delivery widened ``table``'s column."""
        self.conn.execute(
            sa.insert(schema_history).values(
                **lineage.as_values(),
                table_name=table,
                column_name=change.column,
                change="widen",
                old_type=change.before.sql_type,
                new_type=change.after.sql_type,
                changed_at=datetime.now(UTC),
            )
        )

    def schema_changes(self, source: str) -> list[sa.Row[Any]]:
        """Every change deliveries of ``source`` made to its table's columns, oldest first."""
        query = sa.select(schema_history).where(schema_history.c.source == source)
        return list(self.conn.execute(query.order_by(schema_history.c.id)))

    def widened_columns(self, source: str, table: str) -> set[str]:
        """The columns of ``table`` that deliveries of ``source`` widened."""
        query = sa.select(schema_history.c.column_name).where(
            schema_history.c.source == source, schema_history.c.table_name == table
        )
        return set(self.conn.execute(query).scalars())

    @staticmethod
    def _of(source: str, sha256: str) -> tuple[sa.ColumnElement[bool], ...]:
        return ledger.c.source == source, ledger.c.sha256 == sha256
