"""Sweep schedules: load whatever sits settled in a drop folder, in case its sensor was off."""

import time

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from csv_assets.components.csv_source.asset import ensure_pool, pool_of
from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.ingest import SourceSpec, scan_drop_folder

IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def build_sweep_schedule(
    source: SourceSpec,
    job: dg.JobDefinition | UnresolvedAssetJobDefinition,
    partitions: dg.DynamicPartitionsDefinition,
) -> dg.ScheduleDefinition:
    """Build the schedule that requests a load for every settled file left in the inbox."""

    @dg.schedule(
        name=f"{source.name}_sweep",
        job=job,
        cron_schedule=source.sweep_cron,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Sweeps {source.inbox} ({source.sweep_cron}) for files no sensor picked up.",
    )
    def _sweep(
        context: dg.ScheduleEvaluationContext, drop_folders: DropFolders
    ) -> list[dg.RunRequest] | dg.SkipReason:
        ensure_pool(context.instance, pool_of(source))
        inbox = drop_folders.folders(source).inbox
        # One stat is enough here: a file untouched for settle_seconds has held still.
        _, seen = scan_drop_folder(inbox, {}, time.time(), source.settle_seconds)
        ready, _ = scan_drop_folder(inbox, seen, time.time(), source.settle_seconds)
        requests = []
        for file in ready:
            key = file.delivery.key
            if _in_flight(context.instance, job.name, key):
                continue
            if not context.instance.has_dynamic_partition(partitions.name, key):
                context.instance.add_dynamic_partitions(partitions.name, [key])
            requests.append(dg.RunRequest(run_key=f"sweep:{file.run_key}", partition_key=key))
        return requests or dg.SkipReason(f"nothing settled in {inbox}")

    return _sweep


def _in_flight(instance: dg.DagsterInstance, job_name: str, partition_key: str) -> bool:
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            job_name=job_name, statuses=IN_FLIGHT, tags={"dagster/partition": partition_key}
        ),
        limit=1,
    )
    return bool(runs)
