"""A file's header mapped onto its source's columns, under the source's schema evolution."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.engine import reader
from csv_assets.pipeline.cells import Kind
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import Ledger, existing_columns
from csv_assets.pipeline.validate import (
    ColumnPlan,
    ColumnSpec,
    Contract,
    is_widening,
    plan_columns,
)


def check_header(
    bind: sa.Engine | sa.Connection,
    source: SourceSpec,
    head: Dialect,
    contract: Contract,
    file: str,
) -> None:
    """Reject a file whose header cannot map onto the source's columns, saying what drifted.

    Raises:
        BadFileError: A required column is missing, the width is wrong, or a column is new and
            the source's ``schema_evolution`` does not allow it.
    """
    try:
        _plan(source, head, contract, file, {})
    except BadFileError as error:
        # A missing or unexpected column is often drift: say what changed since last time.
        with _reading(bind) as conn:
            drift = Ledger(conn).drift(source.name, "", head)
        error.details["drift"] = [change.as_dict() for change in drift.changes]
        error.details["drift_against"] = drift.against
        raise


def _reading(bind: sa.Engine | sa.Connection) -> AbstractContextManager[sa.Connection]:
    """A connection to read with: a new one that never waits for a load, or the caller's own."""
    return reader(bind).connect() if isinstance(bind, sa.Engine) else nullcontext(bind)


def plan_file(
    conn: sa.Connection, source: SourceSpec, dialect: Dialect, contract: Contract, file: str
) -> ColumnPlan:
    """Map a file's header onto the source's columns, as the table has them now.

    The effective contract is the model plus the recorded widenings: a column an earlier
    delivery widened keeps its wider type (nothing narrows back), and a column an earlier file
    added keeps the type it was given.

    Raises:
        BadFileError: A required column is missing, or a new one the policy does not allow.
    """
    table = existing_columns(conn, source.table_name)
    known = {name: column.kind for name, column in table.items()}
    plan = _plan(source, dialect, contract, file, known)
    widened = Ledger(conn).widened_columns(source.name, source.table_name) if table else set()
    columns = [
        as_widened(column, table[column.name])
        if column.name in widened and column.name in table
        else column
        for column in plan.columns
    ]
    return replace(plan, columns=tuple(columns))


def as_widened(model: ColumnSpec, found: ColumnSpec) -> ColumnSpec:
    """The model's column with the type the table has, where that is wider, else the model's."""
    if found.kind == "datetime" and model.kind == "datetime":
        return model  # SQLite keeps no zone flag: the model says whether instants are zoned
    wider = replace(
        model,
        kind=found.kind,
        precision=found.precision,
        scale=found.scale,
        timezone=found.timezone if found.kind == "datetime" else model.timezone,
    )
    return wider if is_widening(model, wider) else model


def _plan(
    source: SourceSpec, dialect: Dialect, contract: Contract, file: str, known: dict[str, Kind]
) -> ColumnPlan:
    evolution = source.schema_evolution
    return plan_columns(
        dialect,
        contract.columns,
        evolution.new_column,
        file,
        known,
        missing=evolution.missing_column,
    )
