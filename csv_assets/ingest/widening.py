"""``data_type: widen``: a chunk's misfit cells widen their columns, then the chunk is read again.

The widening happens inside the delivery's transaction, under its table's claim, before any row
of the chunk is written: rows of earlier chunks are converted with the table, rows from here on
are typed by the wider column. Cells no wider type holds stay misfits: their rows are
quarantined as before.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa

from csv_assets.catalog import SchemaEvolution
from csv_assets.pipeline.cells import NumberStyle
from csv_assets.pipeline.load import DeliveryTable
from csv_assets.pipeline.validate import (
    ChunkValidation,
    ColumnPlan,
    Contract,
    TypeChange,
    wider_column,
)


@dataclass(frozen=True)
class Targets:
    """Where a delivery's rows go: its table, and the table it writes (an upsert's stage)."""

    table: DeliveryTable
    written: DeliveryTable

    def widened(self, change: TypeChange) -> Targets:
        """Both with the change made (the stage too, when there is one)."""
        table = self.table.widen(change.before, change.after)
        if self.written is self.table:
            return Targets(table, table)
        return Targets(table, self.written.widen(change.before, change.after))

    def rescuing(self) -> Targets:
        """Both with the ``_rescued_data`` column (added now where it is missing)."""
        table = self.table.with_rescued()
        written = table if self.written is self.table else self.written.with_rescued()
        return Targets(table, written)


def misfit_widenings(
    result: ChunkValidation,
    plan: ColumnPlan,
    contract: Contract,
    style: NumberStyle,
    evolution: SchemaEvolution,
) -> list[TypeChange]:
    """The widenings that would make the chunk's misfit cells fit, column by column.

    Text is a widening only where the source allows it, and only for a column the model does
    not check: its rules (a range, say) could not judge text, and must still hold.
    """
    if evolution.data_type != "widen":
        return []
    cells: dict[str, list[str]] = {}
    for row in result.rejected:
        for failure in row.failures:
            if failure.rule.startswith("type:") and failure.column and failure.value is not None:
                cells.setdefault(failure.column, []).append(str(failure.value))
    changes = []
    for column in plan.columns:
        if column.name in cells:
            texts = pa.array(cells[column.name], pa.string())
            to_text = evolution.widen_to_text and not contract.has_checks(column.name)
            wider = wider_column(column, texts, style, to_text=to_text)
            if wider is not None:
                changes.append(TypeChange(column, wider))
    return changes


def widened_plan(plan: ColumnPlan, change: TypeChange) -> ColumnPlan:
    """``plan`` with the changed column's wider type."""
    columns = tuple(change.after if c.name == change.column else c for c in plan.columns)
    return replace(plan, columns=columns)
