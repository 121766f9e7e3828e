"""``ingest_file``: one delivery through sniff, read, validate and load, then archive or reject."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.deliveries import Delivery, SourceFolders
from csv_assets.errors import BadFileError, LoadError
from csv_assets.pipeline.chunks import IrregularRows
from csv_assets.pipeline.columns import ColumnPlan, import_model, plan_columns
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.load import (
    Lineage,
    clear_previous,
    count_rows,
    delete_lines,
    duplicate_key_lines,
    find_delivery,
    merge_staged,
    record_delivery,
    write_quarantine,
    write_rows,
)
from csv_assets.pipeline.read import iter_chunks, records_at
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets.pipeline.source_file import hash_file
from csv_assets.pipeline.tables import (
    ensure_control_tables,
    existing_kinds,
    prepare_table,
    staging_table,
    target_table,
)
from csv_assets.pipeline.validate import (
    LINE,
    Contract,
    RejectedRow,
    RowFailure,
    validate_chunk,
)
from csv_assets.report import FailureTally, IngestReport

PREVIEW_ROWS = 5


def ingest_file(
    source: SourceSpec, delivery: Delivery, folders: SourceFolders, engine: sa.Engine, run_id: str
) -> IngestReport:
    """Load one delivery exactly once, then move it to the archive (or to rejected, with a report).

    Raises:
        BadFileError: The file is wrong (terminal); it now sits in the rejected folder.
        LoadError: The database failed (transient); the file stays where it was.
    """
    path = folders.locate(delivery)
    if path is None:
        raise BadFileError(
            delivery.name,
            f"delivery {delivery.key} is in none of {folders.inbox}, {folders.archive}, "
            f"{folders.rejected} (replaced in the inbox by a newer delivery?)",
            rule="missing_delivery",
        )
    try:
        report = load_path(source, path, delivery.key, engine, run_id)
    except BadFileError as error:
        folders.reject_file(path, delivery, error.as_report())
        raise
    archived = folders.archive_file(path, delivery)
    return replace(report, file=str(archived))


def load_path(
    source: SourceSpec, path: Path, partition_key: str, engine: sa.Engine, run_id: str
) -> IngestReport:
    """Load the file at ``path`` exactly once, leaving it where it is.

    Raises:
        BadFileError: The file is wrong; nothing of it was committed.
        LoadError: The database failed; nothing was committed.
    """
    # The bulk paths talk to the driver directly, so its own errors arrive unwrapped too.
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        return _load(source, path, partition_key, engine, run_id)
    except (sa.exc.DBAPIError, driver_error) as error:
        raise LoadError(f"{path.name}: database error, nothing was committed: {error}") from error


def _load(
    source: SourceSpec, path: Path, partition_key: str, engine: sa.Engine, run_id: str
) -> IngestReport:
    timings: dict[str, float] = {}
    with _timed(timings, "hash"):
        sha256, size = hash_file(path)
    with _timed(timings, "sniff"):
        try:
            dialect = sniff_csv(path, source.dialect)
        except (ValueError, OSError) as error:
            raise BadFileError(path.name, str(error), rule="unreadable") from error
        contract = Contract.from_model(import_model(source.schema_model), source.key_columns)
        ensure_control_tables(engine)
    lineage = Lineage(source.name, path.name, sha256, partition_key, run_id)
    with engine.begin() as conn:
        plan = plan_file(conn, source, dialect, contract, path.name)
        base = IngestReport(
            source=source.name,
            table=source.table_name,
            database=engine.dialect.name,
            partition_key=partition_key,
            file=str(path),
            sha256=sha256,
            bytes=size,
            status="loaded",
            load_mode=source.load_mode,
            dialect=dialect.describe(),
            columns=plan.columns,
            ignored_columns=plan.ignored,
            added_columns=plan.added,
        )
        prior = find_delivery(conn, source.name, sha256)
        if prior is not None and prior.partition_key != partition_key:
            table = target_table(source.table_name, plan.columns)
            return replace(
                base,
                status="duplicate",
                duplicate_of=prior.partition_key,
                table_rows=count_rows(conn, table),
                timings=timings,
            )
        load = _FileLoad(source, path, dialect, contract, plan, lineage, timings)
        return load.run(conn, base)


def plan_file(
    conn: sa.Connection, source: SourceSpec, dialect: Dialect, contract: Contract, file: str
) -> ColumnPlan:
    """Map a file's header onto the source's columns, keeping the types of columns it added.

    Raises:
        BadFileError: A required column is missing, or a new one the policy does not allow.
    """
    known = existing_kinds(conn, source.table_name)
    return plan_columns(dialect, contract.columns, source.on_new_column, file, known)


@dataclass
class _FileLoad:
    """One file's rows written into the caller's transaction: the middle of ``_load``."""

    source: SourceSpec
    path: Path
    dialect: Dialect
    contract: Contract
    plan: ColumnPlan
    lineage: Lineage
    timings: dict[str, float]

    def run(self, conn: sa.Connection, base: IngestReport) -> IngestReport:
        source, lineage = self.source, self.lineage
        table = target_table(source.table_name, self.plan.columns)
        with _timed(self.timings, "load"):
            prepare_table(conn, table, self.plan.added)
            replaced = clear_previous(conn, table, source.load_mode, lineage)
            written = table
            if source.load_mode == "upsert":
                written = staging_table(table)
                written.create(conn)
        try:
            with conn.begin_nested():
                outcome = self._write_chunks(conn, written, exact=False)
        except IrregularRows:
            outcome = self._write_chunks(conn, written, exact=True)
        if source.key_columns:
            self._quarantine_repeated_keys(conn, written, outcome)
        if source.budget_exceeded(outcome.tally.rows, outcome.rows_read):
            raise _over_budget(source, self.path, outcome.tally, outcome.rows_read)
        with _timed(self.timings, "load"):
            if written is not table:
                replaced = merge_staged(conn, written, table, source.key_columns)
                written.drop(conn)
            record_delivery(
                conn,
                lineage,
                {
                    "target_table": table.name,
                    "bytes": base.bytes,
                    "rows_read": outcome.rows_read,
                    "rows_loaded": outcome.rows_loaded,
                    "rows_rejected": outcome.tally.rows,
                    "header": list(self.dialect.raw_header),
                    "dialect": self.dialect.describe(),
                },
            )
            table_rows = count_rows(conn, table)
        return replace(
            base,
            rows_read=outcome.rows_read,
            rows_loaded=outcome.rows_loaded,
            rows_rejected=outcome.tally.rows,
            rows_replaced=replaced,
            table_rows=table_rows,
            rejects_by_rule=dict(outcome.tally.by_rule),
            samples_by_rule=outcome.tally.samples_by_rule,
            top_rules=outcome.tally.top_rules(),
            failure_samples=outcome.tally.samples,
            preview=outcome.preview,
            timings=self.timings,
        )

    def _write_chunks(self, conn: sa.Connection, written: sa.Table, *, exact: bool) -> _Outcome:
        """Stream the file chunk by chunk: validate, write good rows, quarantine bad ones."""
        outcome = _Outcome()
        chunks = iter_chunks(self.path, self.dialect, self.source.chunk_rows, exact=exact)
        while True:
            with _timed(self.timings, "read"):
                chunk = next(chunks, None)
            if chunk is None:
                return outcome
            with _timed(self.timings, "validate"):
                result = validate_chunk(
                    chunk, self.contract, self.plan, self.dialect, self.path.name
                )
            self.timings["rules"] = self.timings.get("rules", 0.0) + result.rules_seconds
            outcome.rows_read += result.rows_read
            outcome.tally.add(result.rejected, self.path.name)
            if self.source.budget_spent(outcome.tally.rows):
                continue  # over budget for good: keep counting for the report, stop writing
            with _timed(self.timings, "load"):
                outcome.rows_loaded += write_rows(conn, written, result.table, self.lineage)
                write_quarantine(conn, result.rejected, self.lineage)
            if len(outcome.preview) < PREVIEW_ROWS:
                head = result.table.drop_columns([LINE]).slice(0, PREVIEW_ROWS)
                outcome.preview.extend(head.to_pylist()[: PREVIEW_ROWS - len(outcome.preview)])

    def _quarantine_repeated_keys(
        self, conn: sa.Connection, written: sa.Table, outcome: _Outcome
    ) -> None:
        """Move rows whose key repeats in another chunk of the file to quarantine, all of them."""
        with _timed(self.timings, "validate"):
            keys = self.source.key_columns
            lines = duplicate_key_lines(conn, written, keys, self.lineage.sha256)
            if not lines:
                return
            delete_lines(conn, written, self.lineage.sha256, lines)
            cells = records_at(self.path, self.dialect, lines)
            message = f"key ({', '.join(keys)}) repeats within the file"
            rejected = [
                RejectedRow(
                    line,
                    cells.get(line, ()),
                    (RowFailure(line, None, "unique_key", message),),
                )
                for line in lines
            ]
            outcome.rows_loaded -= len(rejected)
            outcome.tally.add(rejected, self.path.name)
            write_quarantine(conn, rejected, self.lineage)


@dataclass
class _Outcome:
    rows_read: int = 0
    rows_loaded: int = 0
    tally: FailureTally = field(default_factory=FailureTally)
    preview: list[dict[str, Any]] = field(default_factory=list)


def _over_budget(source: SourceSpec, path: Path, tally: FailureTally, read: int) -> BadFileError:
    first = tally.samples[0] if tally.samples else {}
    budget = {
        "max_rejected_rows": source.max_rejected_rows,
        "max_rejected_fraction": source.max_rejected_fraction,
    }
    return BadFileError(
        path.name,
        f"{tally.rows} of {read} rows break the schema, over the error budget "
        f"{ {k: v for k, v in budget.items() if v is not None} or 'of zero rejected rows' }; "
        f"nothing was loaded. First: {first.get('message', '')}",
        line=first.get("line"),
        column=first.get("column"),
        rule="error_budget",
        details={
            "rows_read": read,
            "rows_rejected": tally.rows,
            "budget": budget,
            "top_rules": tally.top_rules(),
            "failure_samples": tally.samples,
        },
    )


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
