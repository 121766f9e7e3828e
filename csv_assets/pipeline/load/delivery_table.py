"""``DeliveryTable``: a delivery's rows in its source's table, written in the caller's transaction.

What each load mode replaces, an upsert's staged merge, keys repeated across a file's chunks, and
the quarantine of the rows that failed: all on the caller's connection, nothing committed here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Literal

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.pipeline.load.claims import schema_claim, table_claim
from csv_assets.pipeline.load.ledger_entries import Ledger, Lineage
from csv_assets.pipeline.load.quarantine_rows import write_quarantine
from csv_assets.pipeline.load.schema_first import SchemaChangeFirst, changes_alone, is_dry_run
from csv_assets.pipeline.load.tables import (
    RESCUED_TYPE,
    add_column,
    delivery_rows,
    existing_columns,
    has_column,
    prepare_table,
    quarantine,
    target_table,
)
from csv_assets.pipeline.load.temporary_tables import (
    create_staging,
    create_temporary,
    drop_temporary,
    staging_table,
)
from csv_assets.pipeline.load.widening import widen_column
from csv_assets.pipeline.load.write import RowWriter, open_writer
from csv_assets.pipeline.validate import RESCUED, ColumnSpec, RejectedRow, TypeChange

LoadMode = Literal["append", "replace", "upsert"]


@dataclass(frozen=True)
class DeliveryTable:
    """A table as one delivery writes it: its rows carry ``lineage``'s delivery id."""

    conn: sa.Connection
    table: sa.Table
    lineage: Lineage
    is_staged: bool = False
    added: tuple[str, ...] = ()
    """The columns this delivery added to the table (none when it created the table)."""

    @classmethod
    def prepare(
        cls,
        conn: sa.Connection,
        name: str,
        columns: tuple[ColumnSpec, ...],
        lineage: Lineage,
        added: tuple[str, ...] = (),
    ) -> DeliveryTable:
        """The source's table, created if missing, with the ``added`` columns it lacks.

        Raises:
            LoadError: The existing table lacks a column the source's schema declares.
            ValueError: A table or column name is longer than PostgreSQL accepts.
        """
        before = existing_columns(conn, name)
        rescued = bool(before) and has_column(conn, name, RESCUED)
        target = target_table(name, columns, rescued=rescued)
        created = tuple(column for column in added if before and column not in before)
        if changes_alone(conn) and (not before or created):
            if not before and is_dry_run(conn):  # seen by this session only, gone after it
                return cls(conn, create_temporary(conn, target, name), lineage)
            what = f"create table {name}" if not before else f"add {list(created)} to {name}"
            make = lambda c: _prepare_alone(c, target, added)  # noqa: E731
            raise SchemaChangeFirst(what, make, added=created)
        table = prepare_table(conn, target, added)
        return cls(conn, table, lineage, added=created)

    def clear_previous(self, mode: LoadMode) -> int:
        """Delete what this load replaces; return how many table rows went.

        ``append`` deletes this delivery's earlier rows (a reload replaces exactly them);
        ``replace`` deletes every row: readers keep seeing the old rows until the load commits
        (PostgreSQL's MVCC, SQLite's WAL snapshot), so the swap is atomic without renaming
        tables, and views on the table stay valid. ``upsert`` deletes nothing here: see
        ``merge_into``. This content's earlier quarantined rows go in every mode.
        """
        lineage = self.lineage
        self.conn.execute(
            sa.delete(quarantine).where(
                quarantine.c.source == lineage.source, quarantine.c.sha256 == lineage.sha256
            )
        )
        if mode == "upsert":
            return 0
        statement = sa.delete(self.table)
        if mode == "append":
            statement = statement.where(self._mine())
        return self.conn.execute(statement).rowcount

    def staged(self) -> DeliveryTable:
        """A new temporary twin of the table (same columns, no indexes) for an upsert's rows."""
        staging = create_staging(self.conn, staging_table(self.table))
        return DeliveryTable(self.conn, staging, self.lineage, is_staged=True)

    def _alone(
        self,
        what: str,
        change: Callable[[sa.Connection], None],
        widened: tuple[TypeChange, ...] = (),
    ) -> None:
        """Where DDL cannot share the delivery's transaction, hand ``change`` over, to be first.

        Not for the staged twin: it is temporary, and its changes never commit.
        """
        if changes_alone(self.conn) and not self.is_staged:
            raise SchemaChangeFirst(f"{what} in {self.table.name}", change, widened)

    @property
    def rescues(self) -> bool:
        """Whether the table has the ``_rescued_data`` column."""
        return RESCUED in self.table.columns

    def with_rescued(self) -> DeliveryTable:
        """The table with its ``_rescued_data`` column, added now if it has none yet."""
        if self.rescues:
            return self
        name = self.table.name
        self._alone(f"add column {RESCUED}", lambda c: _add_rescued(c, name))
        table = sa.Table(
            self.table.name,
            sa.MetaData(),
            *(sa.Column(c.name, c.type, nullable=c.nullable) for c in self.table.columns),
            sa.Column(RESCUED, RESCUED_TYPE),
        )
        add_column(self.conn, table.c[RESCUED])
        return replace(self, table=table)

    def widen(self, before: ColumnSpec, after: ColumnSpec) -> DeliveryTable:
        """The table with column ``after.name`` of ``after``'s wider type, every value kept.

        Raises:
            LoadError: The database refused, with its reason.
        """
        change, lineage, name = TypeChange(before, after), self.lineage, self.table.name
        self._alone(
            f"widen {after.name} to {after.sql_type}",
            lambda c: _widen_alone(c, name, change, lineage),
            (change,),
        )
        widened = widen_column(self.conn, self.table, before, after, staged=self.is_staged)
        return replace(self, table=widened)

    def merge_into(self, target: DeliveryTable, keys: Sequence[str]) -> int:
        """Upsert these staged rows: replace ``target``'s rows with their keys, insert, drop.

        Returns:
            The number of ``target`` rows replaced.
        """
        table, staged = target.table, self.table
        target_keys = sa.tuple_(*(table.c[k] for k in keys))
        staged_keys = sa.select(*(staged.c[k] for k in keys))
        replaced = self.conn.execute(sa.delete(table).where(target_keys.in_(staged_keys)))
        names = [c.name for c in staged.columns]
        self.conn.execute(
            sa.insert(table).from_select(names, sa.select(*(staged.c[n] for n in names)))
        )
        drop_temporary(self.conn, staged)
        return replaced.rowcount

    @contextmanager
    def writer(self) -> Iterator[RowWriter]:
        """A bulk writer of this delivery's rows; what it holds open is closed on exit."""
        with open_writer(self.conn, self.table, self.lineage) as writer:
            yield writer

    def write(self, rows: pa.Table) -> int:
        """Write one batch of rows (a writer opened and closed for it); return how many."""
        with self.writer() as writer:
            return writer.write(rows)

    def quarantine(self, rejected: Sequence[RejectedRow]) -> None:
        """Keep rejected rows with their raw cells and the rules they broke."""
        write_quarantine(self.conn, rejected, self.lineage)

    def repeated_key_lines(self, keys: Sequence[str]) -> list[int]:
        """Lines of this delivery's rows whose key another of its rows has (across chunks)."""
        table = self.table
        columns = [table.c[k] for k in keys]
        repeated = (
            sa.select(*columns)
            .where(self._mine())
            .group_by(*columns)
            .having(sa.func.count() > 1)
            .subquery()
        )
        matches = sa.and_(*(table.c[k] == repeated.c[k] for k in keys))
        query = sa.select(table.c._source_line).join(repeated, matches).where(self._mine())
        return sorted(self.conn.execute(query.order_by(table.c._source_line)).scalars())

    def seen_key_lines(self, keys: Sequence[str]) -> list[int]:
        """Lines of this delivery's rows whose key a row of another delivery has.

        One pass over the table against this delivery's (few) keys, whatever its size: the
        keys have no index, and a probe per row would scan the table once a row (minutes on
        SQLite at 5M rows).
        """
        table, other = self.table, self.table.alias("other")
        others = other.c._delivery_id != self.lineage.delivery_id
        if self.conn.execute(sa.select(sa.literal(1)).where(others).limit(1)).first() is None:
            return []  # the table held nothing else: the common first load costs one probe
        mine = sa.select(*(table.c[k] for k in keys)).where(self._mine())
        other_keys = sa.tuple_(*(other.c[k] for k in keys))
        seen = sa.select(*(other.c[k] for k in keys)).where(others, other_keys.in_(mine))
        query = sa.select(table.c._source_line).where(
            self._mine(), sa.tuple_(*(table.c[k] for k in keys)).in_(seen)
        )
        return sorted(self.conn.execute(query.order_by(table.c._source_line)).scalars())

    def delete_lines(self, lines: Sequence[int]) -> None:
        """Delete this delivery's rows that start on ``lines``."""
        self.conn.execute(
            sa.delete(self.table).where(self._mine(), self.table.c._source_line.in_(list(lines)))
        )

    def holds_others(self) -> bool:
        """Whether the table holds another delivery's rows (a replace load came since)."""
        others = sa.select(sa.literal(1)).where(sa.not_(self._mine())).limit(1)
        return self.conn.execute(others).first() is not None

    def count(self) -> int:
        """The table's rows, every delivery's."""
        return count_rows(self.conn, self.table.name)

    def _mine(self) -> sa.ColumnElement[bool]:
        return delivery_rows(self.table, self.lineage.delivery_id)


def _prepare_alone(conn: sa.Connection, target: sa.Table, added: tuple[str, ...]) -> None:
    """Create the table, or add its new columns, whatever another loader did meanwhile."""
    with schema_claim(conn, table_claim(target.name)):
        prepare_table(conn, target, added)


def _add_rescued(conn: sa.Connection, name: str) -> None:
    """Give table ``name`` its ``_rescued_data`` column, unless another loader did."""
    with schema_claim(conn, table_claim(name)):
        if not has_column(conn, name, RESCUED):
            column = sa.Column(RESCUED, RESCUED_TYPE)
            add_column(conn, sa.Table(name, sa.MetaData(), column).c[RESCUED])


def _widen_alone(conn: sa.Connection, name: str, change: TypeChange, lineage: Lineage) -> None:
    """Widen the column (unless another loader did) and keep it in the schema history."""
    with schema_claim(conn, table_claim(name)):
        found = existing_columns(conn, name).get(change.column)
        if found is None:
            return
        if found.sql_type != change.after.sql_type:
            column = sa.Column(change.column, sa.Text, nullable=found.nullable)
            table = sa.Table(name, sa.MetaData(), column)
            widen_column(conn, table, change.before, change.after, staged=False)
        # Recorded even when the column was wide already: a load killed between its ALTER
        # (committed at once) and this entry left a widening the plan would not know of.
        if change.column not in Ledger(conn).widened_columns(lineage.source, name):
            Ledger(conn).record_widening(lineage, name, change)


def count_rows(conn: sa.Connection, name: str) -> int:
    """The number of rows in table ``name``."""
    query = sa.select(sa.func.count()).select_from(sa.table(name))
    return int(conn.execute(query).scalar_one())
