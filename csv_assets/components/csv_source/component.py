"""``CsvSource``: the component one ``defs.yaml`` per source instantiates."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
from dagster.components.scaffold.scaffold import scaffold_with

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.asset import build_csv_asset
from csv_assets.components.csv_source.executors import load_executor
from csv_assets.components.csv_source.schedule import build_sweep_schedule
from csv_assets.components.csv_source.sensor import build_drop_folder_sensor


class CsvSourceScaffolder(dg.Scaffolder):
    """Writes a defs.yaml named after the folder, pointing at the schema module to write next."""

    def scaffold(self, request: dg.ScaffoldRequest) -> None:
        """Fill in the source's name and its pandera model reference from the folder name."""
        name = Path(request.target_path).name
        model = "".join(part.title() for part in name.split("_"))
        dg.scaffold_component(
            request,
            {
                "name": name,
                "schema_model": f"csv_assets.schemas.{name}:{model}",
                "load_mode": "append",
                "key_columns": [],
                "owners": [],
                "settle_seconds": 10,
            },
        )


@scaffold_with(CsvSourceScaffolder)
class CsvSource(SourceSpec, dg.Component, dg.Resolvable):
    """A folder of CSV deliveries loaded into one validated table.

    Builds the source's partitioned asset (one partition per delivered file), its drop-folder
    sensor and its daily sweep schedule; its checks come with each delivery.
    """

    def build_defs(self, context: dg.ComponentLoadContext) -> dg.Definitions:
        """Build the source's asset, job, sensor, schedule and checks."""
        partitions = dg.DynamicPartitionsDefinition(name=f"{self.name}_deliveries")
        asset = build_csv_asset(self, partitions)
        # The load step reports each delivery's checks itself, for the checks it evaluated: a
        # rejected delivery gets only delivery_accepted. Planned with the run, the others would
        # read "skipped" on that partition for good; not planned, they have no result there.
        job = dg.define_asset_job(
            f"load_{self.name}",
            selection=dg.AssetSelection.assets(asset.key).without_checks(),
            partitions_def=partitions,
            executor_def=load_executor(),
        )
        return dg.Definitions(
            assets=[asset],
            jobs=[job],
            sensors=[build_drop_folder_sensor(self, job.name, partitions)],
            schedules=[build_sweep_schedule(self, job.name, partitions)],
        )
