"""A source's schema as loads see it: the model, the table, and what deliveries changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.column_plans import as_widened
from csv_assets.pipeline.load import Ledger, existing_columns, schema_history
from csv_assets.pipeline.validate import ColumnSpec, Contract, import_model


@dataclass(frozen=True)
class ColumnState:
    """One column of the model: its declared type, and the one loads use now."""

    model: ColumnSpec
    effective: ColumnSpec
    in_table: bool

    @property
    def widened(self) -> bool:
        """Whether deliveries widened it past the model's type."""
        return self.effective.sql_type != self.model.sql_type


@dataclass(frozen=True)
class SchemaChange:
    """One change a delivery made to the table's columns."""

    column: str
    change: str
    old_type: str | None
    new_type: str
    file_name: str
    partition_key: str
    run_id: str
    changed_at: datetime


@dataclass(frozen=True)
class SchemaView:
    """The effective contract (the model plus the recorded widenings), and the history."""

    source: str
    table: str
    schema_model: str
    columns: tuple[ColumnState, ...]
    history: tuple[SchemaChange, ...]

    @property
    def widened(self) -> tuple[ColumnState, ...]:
        """The columns whose effective type is wider than the model's."""
        return tuple(column for column in self.columns if column.widened)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "table": self.table,
            "schema_model": self.schema_model,
            "columns": [
                {
                    "name": c.model.name,
                    "model": c.model.sql_type,
                    "effective": c.effective.sql_type,
                    "in_table": c.in_table,
                }
                for c in self.columns
            ],
            "history": [
                {**change.__dict__, "changed_at": change.changed_at.isoformat()}
                for change in self.history
            ],
        }


def schema_view(source: SourceSpec, conn: sa.Connection) -> SchemaView:
    """What ``source``'s table holds now against its model, and every change recorded."""
    model = Contract.from_model(import_model(source.schema_model)).columns
    table = existing_columns(conn, source.table_name)
    has_history = sa.inspect(conn).has_table(schema_history.name)
    ledger = Ledger(conn)
    widened = ledger.widened_columns(source.name, source.table_name) if has_history else set()
    states = tuple(
        ColumnState(
            column,
            as_widened(column, table[column.name]) if column.name in widened else column,
            column.name in table,
        )
        for column in model
    )
    history = ledger.schema_changes(source.name) if has_history else []
    return SchemaView(
        source.name,
        source.table_name,
        source.schema_model,
        states,
        tuple(
            SchemaChange(
                row.column_name,
                row.change,
                row.old_type,
                row.new_type,
                row.file_name,
                row.partition_key,
                row.run_id,
                row.changed_at,
            )
            for row in history
        ),
    )
