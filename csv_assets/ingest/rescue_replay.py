"""Rescued cells moved into their typed columns once the model takes them, exactly once.

A replay reads every row of the table with rescued data. A cell whose key is now a column of
the model (a column the model gained is added to the table, nullable) and whose text fits that
column's type (as the table has it, widenings included) moves into it and leaves the row's
``_rescued_data``; the others stay. All in the replay's one transaction, under the table's claim.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.column_plans import as_widened
from csv_assets.pipeline.cells import NumberStyle
from csv_assets.pipeline.dialect import dialect_from_description
from csv_assets.pipeline.load import Ledger, existing_columns, ledger, rescuable_table
from csv_assets.pipeline.validate import RESCUED, Contract, typed_value


def replay_rescued(conn: sa.Connection, source: SourceSpec, contract: Contract) -> tuple[int, int]:
    """Move the rescued cells the model takes now; return how many moved, and how many stay."""
    name = source.table_name
    found = existing_columns(conn, name)
    widened = Ledger(conn).widened_columns(source.name, name) if found else set()
    columns = {
        c.name: as_widened(c, found[c.name]) if c.name in widened and c.name in found else c
        for c in contract.columns
        if c.name in found or c.nullable
    }
    table = rescuable_table(conn, name, tuple(columns.values()))
    if table is None:
        return 0, 0
    styles = _number_styles(conn, source)
    moved = left = 0
    rows = conn.execute(
        sa.select(table.c._delivery_id, table.c._source_line, table.c[RESCUED]).where(
            table.c[RESCUED].is_not(None)
        )
    ).all()
    for row in rows:
        delivery_id, line, rescued = int(row[0]), int(row[1]), row[2]
        cells: dict[str, Any] = (json.loads(rescued) if isinstance(rescued, str) else rescued) or {}
        style = styles.get(delivery_id, NumberStyle())
        values = {
            key: value
            for key, text in cells.items()
            if key in columns and (value := typed_value(text, columns[key], style)) is not None
        }
        left += len(cells) - len(values)
        if not values:
            continue
        moved += len(values)
        remaining = {k: v for k, v in cells.items() if k not in values}
        conn.execute(
            sa.update(table)
            .where(table.c._delivery_id == delivery_id, table.c._source_line == line)
            .values(**values, **{RESCUED: remaining or sa.null()})  # SQL NULL, not JSON null
        )
    return moved, left


def _number_styles(conn: sa.Connection, source: SourceSpec) -> dict[int, NumberStyle]:
    """How each delivery of the source writes its numbers (decimal comma, thousands)."""
    entries = conn.execute(
        sa.select(ledger.c.delivery_id, ledger.c.dialect, ledger.c.header).where(
            ledger.c.source == source.name
        )
    )
    return {
        entry.delivery_id: dialect_from_description(entry.dialect, entry.header).number_style
        for entry in entries
        if entry.delivery_id is not None
    }
