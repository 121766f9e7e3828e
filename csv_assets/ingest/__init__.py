"""The ingest service: one delivery through the pipeline's stages, then archived or rejected.

It knows nothing of Dagster. Its front door is ``Ingestor(engine, run_id)``: the Dagster wing,
the CLI and the benchmarks load, dry-run and replay through it, with a source's ``SourceSpec``
(``csv_assets.catalog``) and its folders (``csv_assets.storage``). It also makes the
warehouse's engine, says where each source stands and upgrades a warehouse to this release.
"""

from csv_assets.ingest.backfill import HistoryFolder, Outcome
from csv_assets.ingest.engine import (
    NoSuchFolderError,
    create_warehouse_engine,
    reader,
    redacted_url,
)
from csv_assets.ingest.events import configure_logging
from csv_assets.ingest.failures import FailureSample, RuleCount, broken_rules
from csv_assets.ingest.ingestor import Ingestor
from csv_assets.ingest.metrics import exposition
from csv_assets.ingest.metrics import gather as gather_metrics
from csv_assets.ingest.overview import BuildStatus, SourceStatus, build_status, source_status
from csv_assets.ingest.replay import ReplayReport
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.schema_view import SchemaView
from csv_assets.ingest.upgrade import Upgrade, upgrade_warehouse
from csv_assets.ingest.verdict import Verdict

__all__ = [
    "BuildStatus",
    "FailureSample",
    "HistoryFolder",
    "IngestReport",
    "Ingestor",
    "NoSuchFolderError",
    "Outcome",
    "ReplayReport",
    "RuleCount",
    "SchemaView",
    "SourceStatus",
    "Upgrade",
    "Verdict",
    "broken_rules",
    "build_status",
    "configure_logging",
    "create_warehouse_engine",
    "exposition",
    "gather_metrics",
    "reader",
    "redacted_url",
    "source_status",
    "upgrade_warehouse",
]
