"""``ingest_file``: one delivery through sniff, read, validate and load, then archive or reject."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.deliveries import Delivery, SourceFolders
from csv_assets.errors import BadFileError, LoadError
from csv_assets.pipeline.columns import import_model, plan_columns
from csv_assets.pipeline.load import (
    Lineage,
    clear_previous,
    count_rows,
    find_delivery,
    record_delivery,
    write_quarantine,
    write_rows,
)
from csv_assets.pipeline.read import iter_chunks
from csv_assets.pipeline.sniff import sniff_csv
from csv_assets.pipeline.source_file import hash_file
from csv_assets.pipeline.tables import ensure_tables, target_table
from csv_assets.pipeline.validate import Contract, validate_chunk
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
        report = _load(source, delivery, path, engine, run_id)
    except BadFileError as error:
        folders.reject_file(path, delivery, error.as_report())
        raise
    except sa.exc.DBAPIError as error:
        raise LoadError(
            f"{delivery.name}: database error, nothing was committed: {error}"
        ) from error
    archived = folders.archive_file(path, delivery)
    return replace(report, file=str(archived))


def _load(
    source: SourceSpec, delivery: Delivery, path: Path, engine: sa.Engine, run_id: str
) -> IngestReport:
    timings: dict[str, float] = {}
    with _timed(timings, "hash"):
        sha256, size = hash_file(path)
    with _timed(timings, "sniff"):
        try:
            dialect = sniff_csv(path, source.dialect)
        except (ValueError, OSError) as error:
            raise BadFileError(path.name, str(error), rule="unreadable") from error
        contract = Contract.from_model(import_model(source.schema_model))
        plan = plan_columns(dialect, contract.columns, source.on_new_column, path.name)
        table = target_table(source.table_name, contract.columns)
        ensure_tables(engine, table)
    lineage = Lineage(source.name, delivery.name, sha256, delivery.key, run_id)
    base = IngestReport(
        source=source.name,
        table=source.table_name,
        database=engine.dialect.name,
        partition_key=delivery.key,
        file=str(path),
        sha256=sha256,
        bytes=size,
        status="loaded",
        dialect=dialect.describe(),
        columns=contract.columns,
        ignored_columns=plan.ignored,
    )
    tally = FailureTally()
    rows_read = rows_loaded = 0
    preview: list[dict] = []
    with engine.begin() as conn:
        prior = find_delivery(conn, source.name, sha256)
        if prior is not None and prior.partition_key != delivery.key:
            table_rows = count_rows(conn, table)
            return replace(
                base,
                status="duplicate",
                duplicate_of=prior.partition_key,
                table_rows=table_rows,
                timings=timings,
            )
        replaced = clear_previous(conn, table, source.load_mode, lineage)
        for chunk in iter_chunks(path, dialect, source.chunk_rows):
            with _timed(timings, "validate"):
                result = validate_chunk(chunk, contract, plan, dialect, path.name)
            rows_read += result.rows_read
            tally.add(result.rejected)
            if source.budget_spent(tally.rows):
                continue  # over budget for good: keep counting for the report, stop writing
            with _timed(timings, "load"):
                rows_loaded += write_rows(conn, table, result.frame, lineage)
                write_quarantine(conn, result.rejected, lineage)
            if len(preview) < PREVIEW_ROWS:
                head = result.frame.head(PREVIEW_ROWS - len(preview))
                preview.extend(head.astype(str).to_dict("records"))
        if source.budget_exceeded(tally.rows, rows_read):
            raise _over_budget(source, path, tally, rows_read)
        with _timed(timings, "load"):
            record_delivery(
                conn,
                lineage,
                {
                    "target_table": table.name,
                    "bytes": size,
                    "rows_read": rows_read,
                    "rows_loaded": rows_loaded,
                    "rows_rejected": tally.rows,
                    "header": list(dialect.raw_header),
                    "dialect": dialect.describe(),
                },
            )
            table_rows = count_rows(conn, table)
    return replace(
        base,
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        rows_rejected=tally.rows,
        rows_replaced=replaced,
        table_rows=table_rows,
        rejects_by_rule=dict(tally.by_rule),
        top_rules=tally.top_rules(),
        failure_samples=tally.samples,
        preview=preview,
        timings=timings,
    )


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
