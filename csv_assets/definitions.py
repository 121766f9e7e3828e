"""The code location: every source's definitions from defs/, plus resources and automation."""

from pathlib import Path

import dagster as dg

from csv_assets.components.csv_source.jobs import replay_quarantine_job
from csv_assets.components.csv_source.resources import DropFolders, Warehouse


@dg.definitions
def defs() -> dg.Definitions:
    """Load the defs/ folder (one CsvSource per source) and bind the resources to env vars."""
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent),
        dg.Definitions(
            resources={
                "warehouse": Warehouse(database_url=dg.EnvVar("CSV_ASSETS_DATABASE_URL")),
                "drop_folders": DropFolders(data_dir=dg.EnvVar("CSV_ASSETS_DATA_DIR")),
            },
            jobs=[replay_quarantine_job],
            sensors=[
                dg.AutomationConditionSensorDefinition(
                    "csv_assets_automation",
                    target=dg.AssetSelection.all(),
                    default_status=dg.DefaultSensorStatus.RUNNING,
                    minimum_interval_seconds=30,
                )
            ],
        ),
    )
