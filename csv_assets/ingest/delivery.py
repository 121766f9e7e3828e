"""``Delivery``: a file ready to load, and its transaction: claim, ledger, plan, rows, entry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.attempts import Attempt
from csv_assets.ingest.column_plans import plan_file
from csv_assets.ingest.file_load import FileLoad
from csv_assets.ingest.refusals import drifted
from csv_assets.ingest.report import IngestReport
from csv_assets.pipeline.dialect import Dialect
from csv_assets.pipeline.load import Ledger, Lineage, count_rows, warehouse_of
from csv_assets.pipeline.read import Digest
from csv_assets.pipeline.validate import Contract


@dataclass(frozen=True)
class Delivery:
    """What was learnt of a file before its transaction: its dialect, contract and hashes."""

    source: SourceSpec
    path: Path
    partition_key: str
    run_id: str
    reload: bool
    dialect: Dialect
    contract: Contract
    digest: Digest
    timings: dict[str, float]

    def load_in(
        self,
        conn: sa.Connection,
        attempt: Attempt,
        before_commit: Callable[[], None] = lambda: None,
    ) -> IngestReport:
        """Load the file in ``conn``'s transaction, exactly once: a duplicate loads nothing.

        ``before_commit`` runs last: raising there (the file changed while it was read)
        commits nothing.
        """
        source, path, dialect = self.source, self.path, self.dialect
        sha256 = self.digest.content_sha256
        # First, so that of two loaders of one content the second sees the first's entry.
        deliveries = Ledger(conn)
        deliveries.claim(source.table_name)
        drift = deliveries.drift(source.name, sha256, dialect)
        plan = plan_file(conn, source, dialect, self.contract, path.name)
        if drift.changes and source.on_drift == "fail":
            raise drifted(path.name, drift)
        base = IngestReport(
            source=source.name,
            table=source.table_name,
            database=conn.dialect.name,
            partition_key=self.partition_key,
            file=str(path),
            sha256=sha256,
            file_sha256=self.digest.file_sha256,
            bytes=self.digest.bytes,
            status="loaded",
            load_mode=source.load_mode,
            dialect=dialect,
            columns=plan.columns,
            ignored_columns=plan.ignored,
            drift=drift,
        )
        prior = deliveries.find(source.name, sha256)
        if prior is not None and not (self.reload and prior.partition_key == self.partition_key):
            return replace(
                base,
                status="duplicate",
                duplicate_of=prior.partition_key,
                table_rows=count_rows(conn, source.table_name),
                timings=MappingProxyType(dict(self.timings)),
            )
        if prior is not None:
            attempt.delivery_id = prior.delivery_id
        elif attempt.delivery_id is None or warehouse_of(conn).one_writer:
            # A sequence's id is kept across tries; a largest-plus-one is taken again.
            attempt.delivery_id = deliveries.next_id()
        lineage = Lineage(
            source.name, path.name, sha256, self.partition_key, self.run_id, attempt.delivery_id
        )
        load = FileLoad(source, path, dialect, self.contract, plan, lineage, self.timings)
        report = load.run(conn, base, exact=attempt.exact)
        before_commit()
        return report
