"""The ingest service: one delivery through the pipeline's stages, then archived or rejected.

It knows nothing of Dagster: the Dagster wing, the CLI and the benchmarks all call it with a
delivery or a file, a source's ``SourceSpec`` (``csv_assets.catalog``), its folders
(``csv_assets.storage``) and the warehouse's engine, which it also makes.
"""

from csv_assets.ingest.engine import (
    NoSuchFolderError,
    create_warehouse_engine,
    reader,
    redacted_url,
)
from csv_assets.ingest.events import configure_logging
from csv_assets.ingest.intake import ingest_file
from csv_assets.ingest.overview import SourceStatus, source_status
from csv_assets.ingest.replay import ReplayReport, replay_quarantine
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.service import dry_run, load_path
from csv_assets.ingest.verdict import Verdict, validate_file

__all__ = [
    "IngestReport",
    "NoSuchFolderError",
    "ReplayReport",
    "SourceStatus",
    "Verdict",
    "configure_logging",
    "create_warehouse_engine",
    "dry_run",
    "ingest_file",
    "load_path",
    "reader",
    "redacted_url",
    "replay_quarantine",
    "source_status",
    "validate_file",
]
