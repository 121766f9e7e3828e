"""A file's header mapped onto its source's columns, under the source's schema evolution."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.engine import reader
from csv_assets.pipeline.cells import Kind
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import Ledger, existing_kinds
from csv_assets.pipeline.validate import ColumnPlan, Contract, plan_columns


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
    """Map a file's header onto the source's columns, keeping the types of columns it added.

    Raises:
        BadFileError: A required column is missing, or a new one the policy does not allow.
    """
    return _plan(source, dialect, contract, file, existing_kinds(conn, source.table_name))


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
