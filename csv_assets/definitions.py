"""The code location: every source's definitions from defs/, plus resources and automation."""

from pathlib import Path

import dagster as dg

from csv_assets.catalog import load_catalog
from csv_assets.components.alerts import alerts_from_env, build_alert_sensors
from csv_assets.components.csv_source.jobs import replay_quarantine_job, validate_file_job
from csv_assets.components.csv_source.resources import Warehouse, drop_folders_from_env
from csv_assets.ingest import configure_logging


@dg.definitions
def defs() -> dg.Definitions:
    """Load the defs/ folder (one CsvSource per source) and bind the resources to env vars."""
    configure_logging()  # CSV_ASSETS_LOG_FORMAT=json: delivery events as JSON lines on stderr
    load_catalog()  # what one source's YAML cannot check alone: two sources on one table
    return dg.Definitions.merge(
        dg.load_from_defs_folder(path_within_project=Path(__file__).parent.parent),
        dg.Definitions(
            resources={
                "warehouse": Warehouse(database_url=dg.EnvVar("CSV_ASSETS_DATABASE_URL")),
                "drop_folders": drop_folders_from_env(),
                "alerts": alerts_from_env(),
            },
            jobs=[validate_file_job, replay_quarantine_job],
            sensors=[
                dg.AutomationConditionSensorDefinition(
                    "csv_assets_automation",
                    target=dg.AssetSelection.all(),
                    default_status=dg.DefaultSensorStatus.RUNNING,
                    minimum_interval_seconds=30,
                ),
                *build_alert_sensors(),
            ],
        ),
    )
