"""Drop-folder sensors: stat each file, and request a load once a file has held still."""

import time

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.ingest import SourceSpec, decode_cursor, encode_cursor, scan_drop_folder


def build_drop_folder_sensor(
    source: SourceSpec,
    job: dg.JobDefinition | UnresolvedAssetJobDefinition,
    partitions: dg.DynamicPartitionsDefinition,
) -> dg.SensorDefinition:
    """Build the sensor that turns settled files in ``source``'s inbox into partitions and runs."""

    @dg.sensor(
        name=f"{source.name}_drop_folder",
        job=job,
        minimum_interval_seconds=5,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Loads each file dropped into {source.inbox} once it has stopped changing "
        f"for {source.settle_seconds:g}s.",
    )
    def _sensor(context: dg.SensorEvaluationContext, drop_folders: DropFolders) -> dg.SensorResult:
        inbox = drop_folders.folders(source).inbox
        ready, state = scan_drop_folder(
            inbox, decode_cursor(context.cursor), time.time(), source.settle_seconds
        )
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        new = sorted({f.delivery.key for f in ready} - known)
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f.run_key, partition_key=f.delivery.key) for f in ready
            ],
            dynamic_partitions_requests=[partitions.build_add_request(new)] if new else [],
            cursor=encode_cursor(state),
        )

    return _sensor
