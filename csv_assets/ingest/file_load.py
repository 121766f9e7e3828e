"""``FileLoad``: a file's rows validated and written chunk by chunk, in the caller's transaction."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pyarrow as pa
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.failures import FailureTally
from csv_assets.ingest.refusals import blocked, check_shrink, over_budget, seen_key
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.widening import Targets, misfit_widenings, widened_plan
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.load import DeliveryTable, Ledger, Lineage
from csv_assets.pipeline.read import RawChunk, iter_chunks, records_at
from csv_assets.pipeline.validate import (
    LINE,
    ChunkValidation,
    ColumnPlan,
    Contract,
    RejectedRow,
    RowFailure,
    TypeChange,
    validate_chunk,
)

PREVIEW_ROWS = 5


@dataclass
class FileLoad:
    """One file's rows written into the caller's transaction: the middle of an ingest."""

    source: SourceSpec
    path: Path
    dialect: Dialect
    contract: Contract
    plan: ColumnPlan
    lineage: Lineage
    timings: dict[str, float]
    targets: Targets | None = None
    """Where the rows go, once ``run`` has prepared the table (widenings change it)."""

    def run(self, conn: sa.Connection, base: IngestReport, *, exact: bool) -> IngestReport:
        """Write the rows, quarantine and ledger entry; return ``base`` with the counts.

        ``exact``: read with the exact reader from the start (an earlier try found rows Arrow's
        fast reader cannot split).

        Raises:
            BadFileError: The file broke its error budget (the caller's transaction rolls back).
            IrregularRows: The fast reader met such rows: try again, ``exact``.
            SchemaChangeFirst: The table must change first, alone (MySQL/MariaDB).
        """
        source, lineage = self.source, self.lineage
        with timed(self.timings, "load"):
            table = DeliveryTable.prepare(
                conn, source.table_name, self.plan.columns, lineage, self.plan.added
            )
            replaced = table.clear_previous(source.load_mode)
            written = table.staged() if source.load_mode == "upsert" else table
        self.targets = Targets(table, written)
        outcome = self._write_chunks(exact=exact)
        table, written = self.targets.table, self.targets.written
        if outcome.stopped_at is not None:
            raise over_budget(
                source,
                self.path,
                outcome.tally,
                outcome.rows_read,
                stopped_at=outcome.stopped_at,
                repeats=outcome.repeats,
            )
        if source.key_columns:
            self._quarantine_repeated_keys(written, outcome)
        if source.key_columns and source.load_mode == "append":
            self._seen_keys(table, outcome)
        broken = [rule for rule in source.blocking_rules if outcome.tally.by_rule.get(rule)]
        if broken:
            raise blocked(self.path, outcome.tally, broken[0])
        if source.budget_exceeded(outcome.tally.rows, outcome.rows_read):
            raise over_budget(source, self.path, outcome.tally, outcome.rows_read)
        if source.load_mode == "replace":
            check_shrink(source, self.path, replaced, outcome.rows_loaded)
        with timed(self.timings, "load"):
            if written is not table:
                replaced = written.merge_into(table, source.key_columns)
            Ledger(conn).record(
                lineage,
                {
                    "target_table": table.table.name,
                    "bytes": base.bytes,
                    "file_sha256": base.file_sha256,
                    "rows_read": outcome.rows_read,
                    "rows_loaded": outcome.rows_loaded,
                    "rows_rejected": outcome.tally.rows,
                    "header": list(self.dialect.raw_header),
                    "dialect": self.dialect.describe(),
                    "load_seconds": round(sum(self.timings.values()), 3),
                },
            )
            for change in outcome.widened:
                Ledger(conn).record_widening(lineage, source.table_name, change)
            table_rows = table.count()
        return replace(
            base,
            rows_read=outcome.rows_read,
            rows_loaded=outcome.rows_loaded,
            rows_rejected=outcome.tally.rows,
            rows_replaced=replaced,
            table_rows=table_rows,
            rows_skipped=outcome.skipped,
            keys_seen_before=outcome.seen_keys,
            columns=self.plan.columns,
            added_columns=table.added,
            widened=tuple(outcome.widened),
            rescued=MappingProxyType(dict(outcome.rescued)),
            failures=outcome.tally.freeze(),
            preview=tuple(outcome.preview),
            timings=MappingProxyType(dict(self.timings)),
        )

    def _write_chunks(self, *, exact: bool) -> Outcome:
        """Stream the file chunk by chunk: validate, write good rows, quarantine bad ones."""
        outcome = Outcome()
        chunks = iter_chunks(self.path, self.dialect, self.source.chunk_rows, exact=exact)
        if self.targets is None:
            raise RuntimeError("run() prepares the table before any chunk is written")
        with ExitStack() as stack:
            writer = stack.enter_context(self.targets.written.writer())
            while True:
                with timed(self.timings, "read"):
                    chunk = next(chunks, None)
                if chunk is None:
                    break
                result = self._validate(chunk)
                changes = misfit_widenings(
                    result,
                    self.plan,
                    self.contract,
                    self.dialect.number_style,
                    self.source.schema_evolution,
                )
                if changes:
                    stack.close()  # the open bulk stream ends before the table changes
                    with timed(self.timings, "widen"):
                        for change in changes:
                            self.targets = self.targets.widened(change)
                            self.plan = widened_plan(self.plan, change)
                    outcome.widened.extend(changes)
                    writer = stack.enter_context(self.targets.written.writer())
                    result = self._validate(chunk)
                if result.rescued and not self.targets.table.rescues:
                    stack.close()  # the first rescued cell: the table gains _rescued_data
                    self.targets = self.targets.rescuing()
                    writer = stack.enter_context(self.targets.written.writer())
                outcome.rescued.update(result.rescued)
                written = self.targets.written
                self.timings["rules"] = self.timings.get("rules", 0.0) + result.rules_seconds
                outcome.rows_read += result.rows_read
                outcome.tally.add(result.rejected, self.path.name)
                outcome.repeats += self._repeated_keys(result.table)
                if self.source.budget_spent(outcome.tally.rows + outcome.repeats):
                    # Over budget whatever follows: stop reading, however big the file.
                    if next(chunks, None) is not None:  # rows are left unread: stop here
                        lines = chunk.lines
                        outcome.stopped_at = int(lines[-1]) if len(lines) else outcome.rows_read
                    break
                with timed(self.timings, "load"):
                    outcome.rows_loaded += writer.write(result.table)
                    if result.rejected:
                        writer.pause()
                        written.quarantine(result.rejected)
                if len(outcome.preview) < PREVIEW_ROWS:
                    head = result.table.drop_columns([LINE]).slice(0, PREVIEW_ROWS)
                    outcome.preview.extend(head.to_pylist()[: PREVIEW_ROWS - len(outcome.preview)])
            with timed(self.timings, "load"):
                writer.finish()
        return outcome

    def _validate(self, chunk: RawChunk) -> ChunkValidation:
        with timed(self.timings, "validate"):
            return validate_chunk(
                chunk,
                self.contract,
                self.plan,
                self.dialect,
                self.path.name,
                rescue_misfits=self.source.schema_evolution.data_type == "rescue",
            )

    def _repeated_keys(self, rows: pa.Table) -> int:
        """Rows of one chunk whose key an earlier row of the chunk has: a floor for the file's.

        Counted only where it can break the budget early (a row limit, or none at all).
        """
        keys = self.source.key_columns
        if not keys or rows.num_rows < 2:
            return 0
        if self.source.max_rejected_rows is None and self.source.max_rejected_fraction is not None:
            return 0
        return int(rows.num_rows - rows.select(keys).group_by(keys).aggregate([]).num_rows)

    def _quarantine_repeated_keys(self, written: DeliveryTable, outcome: Outcome) -> None:
        """Move rows whose key repeats in another chunk of the file to quarantine, all of them."""
        with timed(self.timings, "validate"):
            keys = ", ".join(self.source.key_columns)
            lines = written.repeated_key_lines(self.source.key_columns)
            self._quarantine(
                written, lines, "unique_key", f"key ({keys}) repeats within the file", outcome
            )

    def _seen_keys(self, table: DeliveryTable, outcome: Outcome) -> None:
        """Rows whose key an earlier delivery loaded, under the source's ``on_seen_key``.

        Raises:
            BadFileError: There are such rows and the policy is ``reject``.
        """
        with timed(self.timings, "validate"):
            lines = table.seen_key_lines(self.source.key_columns)
        outcome.seen_keys = len(lines)
        policy, keys = self.source.on_seen_key, ", ".join(self.source.key_columns)
        message = f"key ({keys}) was loaded by an earlier delivery"
        if not lines or policy == "warn":
            return
        if policy == "reject":
            raise seen_key(self.path, lines, keys)
        if policy == "quarantine":
            self._quarantine(table, lines, "seen_key", message, outcome)
            return
        table.delete_lines(lines)  # skip: not loaded, and counted
        outcome.rows_loaded -= len(lines)
        outcome.skipped += len(lines)

    def _quarantine(
        self, table: DeliveryTable, lines: list[int], rule: str, message: str, outcome: Outcome
    ) -> None:
        """Take the rows on ``lines`` out of the table into quarantine, with their cells."""
        if not lines:
            return
        table.delete_lines(lines)
        cells = records_at(self.path, self.dialect, lines)
        rejected = [
            RejectedRow(line, cells.get(line, ()), (RowFailure(line, None, rule, message),))
            for line in lines
        ]
        outcome.rows_loaded -= len(rejected)
        outcome.tally.add(rejected, self.path.name)
        table.quarantine(rejected)


@dataclass
class Outcome:
    """Counts, rejected-row tally and preview of one pass over a file."""

    rows_read: int = 0
    rows_loaded: int = 0
    tally: FailureTally = field(default_factory=FailureTally)
    preview: list[dict[str, Any]] = field(default_factory=list)
    repeats: int = 0
    """Rows whose key repeated within their own chunk (all repeats are counted after)."""
    seen_keys: int = 0
    """Rows whose key an earlier delivery loaded (whatever ``on_seen_key`` did with them)."""
    rescued: Counter[str] = field(default_factory=Counter)
    """Cells kept in ``_rescued_data`` instead of their column, by column."""
    skipped: int = 0
    """Rows not loaded because an earlier delivery loaded their key (``on_seen_key: skip``)."""
    widened: list[TypeChange] = field(default_factory=list)
    """The columns whose type grew for cells that did not fit (``data_type: widen``)."""
    stopped_at: int | None = None
    """The last line read when the budget was broken for good and reading stopped."""


@contextmanager
def timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    """Add the seconds the block takes to ``timings[stage]``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - start
