"""Load: tables, bulk writes, quarantine and ledger, all inside the transaction the caller owns.

Nothing here creates an engine or commits: the ingest service opens one transaction per file and
every function below writes into it, so rows, quarantine and ledger commit together or not at all.
"""

from csv_assets.pipeline.load.claims import claim_table
from csv_assets.pipeline.load.decimals import decimal_type
from csv_assets.pipeline.load.ledger_entries import (
    Lineage,
    detect_drift,
    find_delivery,
    next_delivery_id,
    record_delivery,
)
from csv_assets.pipeline.load.migrations import VERSION as LAYOUT_VERSION
from csv_assets.pipeline.load.migrations import ensure_control_tables
from csv_assets.pipeline.load.modes import (
    clear_previous,
    count_rows,
    delete_lines,
    duplicate_key_lines,
    merge_staged,
)
from csv_assets.pipeline.load.quarantine_rows import write_quarantine
from csv_assets.pipeline.load.tables import (
    delivery_rows,
    existing_kinds,
    ledger,
    prepare_table,
    quarantine,
    staging_table,
    target_table,
)
from csv_assets.pipeline.load.write import open_writer, write_rows

__all__ = [
    "LAYOUT_VERSION",
    "Lineage",
    "claim_table",
    "clear_previous",
    "count_rows",
    "decimal_type",
    "delete_lines",
    "delivery_rows",
    "detect_drift",
    "duplicate_key_lines",
    "ensure_control_tables",
    "existing_kinds",
    "find_delivery",
    "ledger",
    "merge_staged",
    "next_delivery_id",
    "open_writer",
    "prepare_table",
    "quarantine",
    "record_delivery",
    "staging_table",
    "target_table",
    "write_quarantine",
    "write_rows",
]
