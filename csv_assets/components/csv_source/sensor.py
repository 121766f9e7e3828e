"""Drop-folder sensors: list each file, and request loads of settled files, many to a run."""

import hashlib
import time
from collections.abc import Sequence

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.asset import ensure_pool
from csv_assets.components.csv_source.recovery import (
    RANGE_END,
    RANGE_START,
    fail_dead_runs,
    retry_requests,
)
from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.pipeline.errors import one_line
from csv_assets.storage import DroppedFile, ScanCursor, StoreError, held_still, ready_files

LISTING_SECONDS = 0.75
"""How long a tick keeps asking a paged store (S3) for more of a big folder's listing; the
next tick goes on where it stopped, so every tick stays short however many files wait."""


def build_drop_folder_sensor(
    source: SourceSpec,
    job_name: str,
    partitions: dg.DynamicPartitionsDefinition,
) -> dg.SensorDefinition:
    """Build the sensor that turns settled files in ``source``'s inbox into partitions and runs."""
    deliveries = named(partitions)

    @dg.sensor(
        name=f"{source.name}_drop_folder",
        job_name=job_name,
        minimum_interval_seconds=5,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Loads each file dropped into {source.inbox} once it has stopped changing "
        f"for {source.settle_seconds:g}s, up to {source.deliveries_per_run} files a run; "
        "fails the runs whose worker died, and requests again the files a run left behind.",
    )
    def _sensor(context: dg.SensorEvaluationContext, drop_folders: DropFolders) -> dg.SensorResult:
        ensure_pool(context.instance, source)
        for run_id in fail_dead_runs(context.instance, job_name, drop_folders.run_locks()):
            context.log.warning(f"run {run_id} of {job_name}: its worker is gone; marked failed")
        scanned_at = time.time()
        folders = drop_folders.folders(source)
        cursor = ScanCursor.decode(context.cursor)
        try:
            listing, resume = folders.scan_inbox(cursor.resume_after, LISTING_SECONDS)
        except OSError as error:  # a server down, a folder unreadable: the cursor stays put
            return dg.SensorResult(skip_reason=unreachable(str(folders.inbox), error))
        ready = ready_files(listing, cursor.scanned_at, scanned_at, source.settle_seconds)
        early, seen = held_still(
            listing,
            dict(cursor.future_dated),
            scanned_at,
            source.settle_seconds,
            complete=cursor.resume_after is None and resume is None,
        )
        if early:
            context.log.warning(
                f"{len(early)} file(s) in {source.inbox} are dated in the future (a writer's "
                "clock is wrong); loading them because they held still"
            )
        ready += early
        known = set(context.instance.get_dynamic_partitions(deliveries))
        fresh = [f for f in ready if f.delivery.key not in known]
        new = sorted({f.delivery.key for f in fresh})
        requests = [batch_request(b) for b in batches(fresh, source.deliveries_per_run)]
        waiting = {f.delivery.key for f in ready} & known
        requests += retry_requests(context.instance, job_name, deliveries, waiting)
        return dg.SensorResult(
            run_requests=requests,
            dynamic_partitions_requests=[partitions.build_add_request(new)] if new else [],
            cursor=ScanCursor(scanned_at, resume, seen).encode(),
        )

    return _sensor


def unreachable(inbox: str, error: OSError) -> str:
    """Why ``inbox`` could not be listed, in one line: the tick's skip reason.

    Not raised: a failing tick prints a traceback to the daemon's log every few seconds for as
    long as a partner's server is down. A skip reason shows on the tick in the UI, and the
    daemon logs it as one line (``Sensor ... skipped: <reason>``); the next tick tries again.
    """
    why = one_line(error)
    if not isinstance(error, StoreError):  # a local folder: the system's reason, named here
        why = f"{inbox}: cannot list the drop folder ({why})"
    return why


def named(partitions: dg.DynamicPartitionsDefinition) -> str:
    """The name of a source's deliveries (its dynamic partitions), which every source gives."""
    if partitions.name is None:
        raise ValueError("a source's deliveries are dynamic partitions with a name")
    return partitions.name


def batches(files: Sequence[DroppedFile], size: int) -> list[list[DroppedFile]]:
    """``files`` in delivery-key order, cut into runs of at most ``size``."""
    ordered = sorted(files, key=lambda f: f.delivery.key)
    return [ordered[i : i + size] for i in range(0, len(ordered), size)]


def batch_request(files: Sequence[DroppedFile], prefix: str = "") -> dg.RunRequest:
    """One run over a contiguous range of newly added partitions (one per file).

    The sensor adds the new partitions in delivery-key order, so the batch is the range from
    its first key to its last. Its run key names its files' contents: asking again is a no-op.
    """
    first, last = files[0].delivery.key, files[-1].delivery.key
    digest = hashlib.sha256("\n".join(f.run_key for f in files).encode()).hexdigest()[:16]
    if first == last:
        return dg.RunRequest(run_key=prefix + files[0].run_key, partition_key=first)
    return dg.RunRequest(
        run_key=f"{prefix}{first}..{last}:{len(files)}:{digest}",
        tags={RANGE_START: first, RANGE_END: last},
    )
