"""Load: tables, bulk writes, quarantine and ledger, all inside the transaction the caller owns.

Nothing here creates an engine or commits: the ingest service opens one transaction per file and
writes into it through two objects, so rows, quarantine and ledger commit together or not at all:
``Ledger(conn)`` (claims, which contents are loaded, drift) and ``DeliveryTable`` (one delivery's
rows and quarantine in a source's table, per load mode). ``ledger`` and ``quarantine`` are the
control tables readers query (``builds``: the tables built from the sources, ``record_build``);
``ensure_control_tables`` creates or upgrades them, ``migrate`` on its own as their owner, and
``grant_loader`` lets a role that may only read and write rows load.
"""

from csv_assets.pipeline.load.build_records import record_build
from csv_assets.pipeline.load.decimals import decimal_type
from csv_assets.pipeline.load.delivery_table import DeliveryTable, count_rows
from csv_assets.pipeline.load.grants import grant_loader
from csv_assets.pipeline.load.ledger_entries import Ledger, Lineage
from csv_assets.pipeline.load.migrations import VERSION as LAYOUT_VERSION
from csv_assets.pipeline.load.migrations import ensure_control_tables, migrate
from csv_assets.pipeline.load.schema_first import (
    DRY_RUN,
    SchemaChangeFirst,
    changes_alone,
    is_dry_run,
)
from csv_assets.pipeline.load.sqlite_stage import detach_staging
from csv_assets.pipeline.load.tables import (
    builds,
    existing_columns,
    ledger,
    quarantine,
    rescuable_table,
    schema_history,
)
from csv_assets.pipeline.load.warehouses import MYSQL_NAMES, generic_note, warehouse_of

__all__ = [
    "DRY_RUN",
    "LAYOUT_VERSION",
    "MYSQL_NAMES",
    "DeliveryTable",
    "Ledger",
    "Lineage",
    "SchemaChangeFirst",
    "builds",
    "changes_alone",
    "count_rows",
    "decimal_type",
    "detach_staging",
    "ensure_control_tables",
    "existing_columns",
    "generic_note",
    "grant_loader",
    "is_dry_run",
    "ledger",
    "migrate",
    "quarantine",
    "record_build",
    "rescuable_table",
    "schema_history",
    "warehouse_of",
]
