"""The ingest service: one delivery through the pipeline's stages, then archived or rejected.

It knows nothing of Dagster: the Dagster wing, the CLI and the benchmarks all call it with a
file, a source's ``SourceSpec`` and an engine. It also owns the catalog (the sources' YAML), the
deliveries' folders (inbox, archive, rejected: local, or in S3 or SFTP), replay, drafting a new
source, and the engine.
"""

from csv_assets.ingest.catalog import (
    IDENTIFIER,
    CatalogError,
    SourceSpec,
    load_catalog,
    read_catalog,
)
from csv_assets.ingest.deliveries import Delivery, DroppedFile, is_candidate, list_local_folder
from csv_assets.ingest.draft import draft_source
from csv_assets.ingest.engine import (
    NoSuchFolderError,
    create_warehouse_engine,
    reader,
    redacted_url,
)
from csv_assets.ingest.events import configure_logging
from csv_assets.ingest.folders import Folders, folders_for
from csv_assets.ingest.intake import ingest_file
from csv_assets.ingest.local_folders import SourceFolders
from csv_assets.ingest.overview import SourceStatus, source_status
from csv_assets.ingest.pins import DIALECT_PINS, DialectPins
from csv_assets.ingest.replay import ReplayReport, replay_quarantine
from csv_assets.ingest.report import IngestReport
from csv_assets.ingest.scan import (
    decode_cursor,
    encode_cursor,
    future_dated_seen,
    held_still,
    is_future_dated,
    ready_files,
    resume_point,
    scan_drop_folder,
)
from csv_assets.ingest.service import dry_run, load_path
from csv_assets.ingest.stores import SETTINGS_ENV, RemoteSettings, is_remote
from csv_assets.ingest.verdict import Verdict, validate_file

__all__ = [
    "DIALECT_PINS",
    "IDENTIFIER",
    "SETTINGS_ENV",
    "CatalogError",
    "Delivery",
    "DialectPins",
    "DroppedFile",
    "Folders",
    "IngestReport",
    "NoSuchFolderError",
    "RemoteSettings",
    "ReplayReport",
    "SourceFolders",
    "SourceSpec",
    "SourceStatus",
    "Verdict",
    "configure_logging",
    "create_warehouse_engine",
    "decode_cursor",
    "draft_source",
    "dry_run",
    "encode_cursor",
    "folders_for",
    "future_dated_seen",
    "held_still",
    "ingest_file",
    "is_candidate",
    "is_future_dated",
    "is_remote",
    "list_local_folder",
    "load_catalog",
    "load_path",
    "read_catalog",
    "reader",
    "ready_files",
    "redacted_url",
    "replay_quarantine",
    "resume_point",
    "scan_drop_folder",
    "source_status",
    "validate_file",
]
