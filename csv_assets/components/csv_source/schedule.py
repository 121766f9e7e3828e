"""Sweep schedules: load whatever sits settled in a drop folder, in case its sensor was off."""

import time

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.asset import ensure_pool
from csv_assets.components.csv_source.recovery import run_partitions
from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.components.csv_source.sensor import batch_request, batches, named, unreachable
from csv_assets.storage import ready_files

IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
]


def build_sweep_schedule(
    source: SourceSpec,
    job_name: str,
    partitions: dg.DynamicPartitionsDefinition,
) -> dg.ScheduleDefinition:
    """Build the schedule that requests a load for every settled file left in the inbox."""
    deliveries = named(partitions)

    @dg.schedule(
        name=f"{source.name}_sweep",
        job_name=job_name,
        cron_schedule=source.sweep_cron,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=f"Sweeps {source.inbox} ({source.sweep_cron}) for files no sensor picked up.",
    )
    def _sweep(
        context: dg.ScheduleEvaluationContext, drop_folders: DropFolders
    ) -> list[dg.RunRequest] | dg.SkipReason:
        ensure_pool(context.instance, source)
        folders = drop_folders.folders(source)
        # One listing is enough here: a file untouched for settle_seconds has held still.
        now = time.time()
        try:
            listing = folders.list_inbox()
        except OSError as error:
            return dg.SkipReason(unreachable(str(folders.inbox), error))
        ready = ready_files(listing, now, now, source.settle_seconds)
        busy = in_flight(context.instance, job_name, deliveries)
        known = set(context.instance.get_dynamic_partitions(deliveries))
        fresh = [f for f in ready if f.delivery.key not in known]
        context.instance.add_dynamic_partitions(deliveries, sorted({f.delivery.key for f in fresh}))
        requests = [
            dg.RunRequest(run_key=f"sweep:{f.run_key}", partition_key=f.delivery.key)
            for f in ready
            if f.delivery.key in known and f.delivery.key not in busy
        ]
        requests += [
            batch_request(batch, prefix="sweep:")
            for batch in batches(fresh, source.deliveries_per_run)
        ]
        return requests or dg.SkipReason(f"nothing settled in {folders.inbox}")

    return _sweep


def in_flight(instance: dg.DagsterInstance, job_name: str, partitions_name: str) -> set[str]:
    """The delivery keys that a queued or running run of ``job_name`` is loading now."""
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=job_name, statuses=IN_FLIGHT))
    keys = instance.get_dynamic_partitions(partitions_name)
    return {key for run in runs for key in run_partitions(keys, run)}
