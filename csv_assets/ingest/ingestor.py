"""The ingest service's front door: every way a delivery gets into one warehouse.

The Dagster wing, the CLI and the benchmarks all come in here: ``Ingestor(engine, run_id)``
then ``load`` (a delivery in its source's folders, moved to the archive or to rejected after),
``load_file`` (a file where the operator put it, left there), ``dry_run`` (what a load would do,
nothing written), ``replay`` (quarantined rows that pass now) or ``schema`` (the table's effective
contract and its history). Each load is one transaction,
exactly once per content whoever loads at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from csv_assets.catalog import SourceSpec
from csv_assets.ingest.engine import reader
from csv_assets.ingest.intake import ingest_file
from csv_assets.ingest.replay import ReplayReport, replay_quarantine
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.schema_view import SchemaView, schema_view
from csv_assets.ingest.service import load_path
from csv_assets.ingest.verdict import Verdict, validate_file
from csv_assets.storage import Delivery, Folders


@dataclass(frozen=True)
class Ingestor:
    """Loads, dry runs and replays into the warehouse of ``engine``, recorded as ``run_id``.

    Attributes:
        engine: The warehouse (``create_warehouse_engine``); the caller owns and disposes it.
        run_id: What the ledger and the quarantine record for whatever this ingestor does.
    """

    engine: sa.Engine
    run_id: str

    def load(
        self, source: SourceSpec, delivery: Delivery, folders: Folders, *, reload: bool = False
    ) -> IngestReport:
        """Load ``delivery`` from ``folders`` once, then archive it (or reject it, with a report).

        Raises:
            BadFileError: The delivery was rejected (it now waits in rejected/, its report beside).
            LoadError: The database or file system failed; the delivery stays where it was.
        """
        return ingest_file(source, delivery, folders, self.engine, self.run_id, reload=reload)

    def load_file(
        self,
        source: SourceSpec,
        path: Path,
        partition_key: str,
        *,
        reload: bool = False,
        spool: Path | None = None,
    ) -> IngestReport:
        """Load the file at ``path`` once, as ``partition_key``, and leave it where it is.

        Raises:
            BadFileError: The file would break its source's contract; nothing was loaded.
            LoadError: The database failed; nothing was committed.
        """
        return load_path(
            source, path, partition_key, self.engine, self.run_id, reload=reload, spool=spool
        )

    def dry_run(self, source: SourceSpec, path: Path) -> Verdict:
        """What loading ``path`` into ``source`` would do now, with nothing written.

        Raises:
            LoadError: The database failed.
        """
        return validate_file(source, path, self.engine)

    def schema(self, source: SourceSpec) -> SchemaView:
        """``source``'s effective contract (its model plus recorded widenings), and its history."""
        with reader(self.engine).connect() as conn:
            return schema_view(source, conn)

    def replay(self, source: SourceSpec, file_name: str | None = None) -> ReplayReport:
        """Load the quarantined rows of ``source`` (or of one file) that its contract takes now."""
        return replay_quarantine(source, self.engine, self.run_id, file_name)
