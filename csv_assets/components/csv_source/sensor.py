"""Drop-folder sensors: stat each file, and request a load once a file has held still."""

import time

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from csv_assets.components.csv_source.asset import ensure_pool, pool_of
from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.ingest import (
    ReadyFile,
    SourceSpec,
    decode_cursor,
    encode_cursor,
    scan_drop_folder,
)


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
        f"for {source.settle_seconds:g}s; requests it again if its run failed to start.",
    )
    def _sensor(context: dg.SensorEvaluationContext, drop_folders: DropFolders) -> dg.SensorResult:
        ensure_pool(context.instance, pool_of(source))
        inbox = drop_folders.folders(source).inbox
        ready, state = scan_drop_folder(
            inbox, decode_cursor(context.cursor), time.time(), source.settle_seconds
        )
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        new = sorted({f.delivery.key for f in ready} - known)
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    # Only a delivery with a partition can have had a run to look at.
                    run_key=run_key(context.instance, job.name, f)
                    if f.delivery.key in known
                    else f.run_key,
                    partition_key=f.delivery.key,
                )
                for f in ready
            ],
            dynamic_partitions_requests=[partitions.build_add_request(new)] if new else [],
            cursor=encode_cursor(state),
        )

    return _sensor


def run_key(instance: dg.DagsterInstance, job_name: str, file: ReadyFile) -> str:
    """The run key of a settled file: its own, or a new one if its last run never started.

    A file stays in the inbox until a run loads or rejects it. A run that failed before it
    started (a code server that timed out, a launch that failed) did neither, and the file's
    own run key would make Dagster skip a new request: a key naming that failed run asks
    once more. A run that started and failed is retried by run_retries and the step's retry
    policy instead, and a canceled run stays canceled.
    """
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=job_name, tags={"dagster/partition": file.delivery.key}),
        limit=1,
    )
    last = records[0] if records else None
    if last and last.dagster_run.status == dg.DagsterRunStatus.FAILURE and not last.start_time:
        return f"{file.run_key}:after:{last.dagster_run.run_id}"
    return file.run_key
