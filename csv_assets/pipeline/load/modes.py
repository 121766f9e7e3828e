"""The load modes' table work: what a load replaces, upsert merges, and keys repeated in a file."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import sqlalchemy as sa

from csv_assets.pipeline.load.ledger_entries import Lineage
from csv_assets.pipeline.load.tables import delivery_rows, quarantine

LoadMode = Literal["append", "replace", "upsert"]


def clear_previous(conn: sa.Connection, table: sa.Table, mode: LoadMode, lineage: Lineage) -> int:
    """Delete what this load replaces, inside the load's transaction.

    ``append`` deletes this delivery's earlier rows (a reload replaces exactly them); ``replace``
    deletes every row: readers keep seeing the old rows until the load commits (PostgreSQL's
    MVCC, SQLite's WAL snapshot), so the swap is atomic without renaming tables, and views on
    the table stay valid. ``upsert`` deletes nothing here: see ``merge_staged``. This content's
    earlier quarantined rows go in every mode.

    Returns:
        The number of table rows deleted.
    """
    conn.execute(
        sa.delete(quarantine).where(
            quarantine.c.source == lineage.source, quarantine.c.sha256 == lineage.sha256
        )
    )
    if mode == "upsert":
        return 0
    statement = sa.delete(table)
    if mode == "append":
        statement = statement.where(delivery_rows(table, lineage.delivery_id))
    return conn.execute(statement).rowcount


def merge_staged(
    conn: sa.Connection, staged: sa.Table, table: sa.Table, keys: Sequence[str]
) -> int:
    """Upsert: replace the rows of ``table`` whose key the staged rows carry, then insert them.

    Returns:
        The number of table rows replaced.
    """
    target_keys = sa.tuple_(*(table.c[k] for k in keys))
    staged_keys = sa.select(*(staged.c[k] for k in keys))
    replaced = conn.execute(sa.delete(table).where(target_keys.in_(staged_keys))).rowcount
    names = [c.name for c in staged.columns]
    conn.execute(sa.insert(table).from_select(names, sa.select(*(staged.c[n] for n in names))))
    return replaced


def duplicate_key_lines(
    conn: sa.Connection, table: sa.Table, keys: Sequence[str], lineage: Lineage
) -> list[int]:
    """Lines of this delivery's rows whose key another of its rows also has (across chunks)."""
    columns = [table.c[k] for k in keys]
    mine = delivery_rows(table, lineage.delivery_id)
    repeated = (
        sa.select(*columns).where(mine).group_by(*columns).having(sa.func.count() > 1).subquery()
    )
    matches = sa.and_(*(table.c[k] == repeated.c[k] for k in keys))
    query = sa.select(table.c._source_line).join(repeated, matches).where(mine)
    return sorted(conn.execute(query.order_by(table.c._source_line)).scalars())


def delete_lines(
    conn: sa.Connection, table: sa.Table, lineage: Lineage, lines: Sequence[int]
) -> None:
    """Delete this delivery's rows that start on ``lines``."""
    conn.execute(
        sa.delete(table).where(
            delivery_rows(table, lineage.delivery_id),
            table.c._source_line.in_(list(lines)),
        )
    )


def count_rows(conn: sa.Connection, table: sa.Table) -> int:
    """Return the number of rows in ``table``."""
    return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
