"""Deliveries left behind: runs whose worker died, and files a finished run left in the inbox.

A load step holds a lock file (``flock``) in the spool for as long as its run's worker lives;
the kernel lets go of it when the process dies, whatever killed it (SIGKILL, the OOM killer,
a power cut and restart). The drop-folder sensor marks a started run whose lock is free as
failed, with the reason. A file still waiting in the inbox after its latest run ended (a failed
run, or a load whose move to the archive failed) is requested again, later each time. Exactly
once holds however this goes: the warehouse's claim and ledger decide, not the runs.
"""

import fcntl
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

import dagster as dg

RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
"""The run tags naming a run's range of partitions, as Dagster documents them."""
RECENT_RUNS = 200
"""How many of a job's latest runs a tick looks through for the runs of waiting files."""
GRACE_SECONDS = 60.0
"""How long a started run may go without its step's lock (its worker still starting)."""
RETRY_AFTER_SECONDS = 30.0
"""How long after a run ends a file it left in the inbox is requested again: doubled for each
run of that file before, up to ``MAX_RETRY_AFTER_SECONDS``."""
MAX_RETRY_AFTER_SECONDS = 3600.0


@contextmanager
def run_lock(folder: Path, run_id: str) -> Iterator[None]:
    """Hold the run's lock for the block: the run's worker is alive while it is held."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{run_id}.lock"
    with path.open("a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.truncate(0)
        handle.write(socket.gethostname())
        handle.flush()
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def worker_gone(folder: Path, run_id: str) -> bool:
    """Whether the run's worker is known to be dead: its lock, taken on this host, is free.

    A run whose lock file is missing (not taken yet, or released at its end) or was taken on
    another host (a Celery worker) cannot be judged from here: it is not called dead.
    """
    try:
        handle = (folder / f"{run_id}.lock").open("r+")
    except FileNotFoundError:
        return False
    with handle:
        if handle.read().strip() != socket.gethostname():
            return False
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
    return True


def fail_dead_runs(instance: dg.DagsterInstance, job_name: str, folder: Path) -> list[str]:
    """Mark the job's started runs whose worker died as failed, saying why; their run ids."""
    now = time.time()
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=job_name, statuses=[dg.DagsterRunStatus.STARTED]),
        limit=RECENT_RUNS,
    )
    dead = []
    for record in records:
        started = record.start_time or record.create_timestamp.timestamp()
        if now - started < GRACE_SECONDS or not worker_gone(folder, record.dagster_run.run_id):
            continue
        instance.report_run_failed(
            record.dagster_run,
            "The run's worker is gone (killed, out of memory, or its machine restarted): its "
            "lock in the spool was free. Nothing it had not committed was loaded; the drop "
            "folder's sensor requests its files again.",
        )
        with suppress(FileNotFoundError):
            (folder / f"{record.dagster_run.run_id}.lock").unlink()
        dead.append(record.dagster_run.run_id)
    return dead


def retry_requests(
    instance: dg.DagsterInstance, job_name: str, partitions_name: str, waiting: set[str]
) -> list[dg.RunRequest]:
    """Run again the latest runs of files still in the inbox, once each, later each time.

    A run that failed before it started did nothing: it is asked for again at once. A run that
    started and ended (failed, its worker died, or it loaded a file whose archiving is pending)
    is asked for again ``RETRY_AFTER_SECONDS`` after it ended, twice as long for each earlier
    run of its files, as the same partition or range: what it had loaded is a duplicate then,
    and what it had not, loads. A canceled run stays canceled, and a file whose run is still
    queued or going waits for it.
    """
    if not waiting:
        return []
    records = instance.get_run_records(filters=dg.RunsFilter(job_name=job_name), limit=RECENT_RUNS)
    keys = instance.get_dynamic_partitions(partitions_name)
    latest: dict[str, dg.RunRecord] = {}
    runs_of: dict[str, int] = {}
    for record in records:  # newest first
        for key in waiting.intersection(run_partitions(keys, record.dagster_run)):
            latest.setdefault(key, record)
            runs_of[key] = runs_of.get(key, 0) + 1
    now = time.time()
    requests: dict[str, dg.RunRequest] = {}
    for key, record in latest.items():
        run = record.dagster_run
        if run.status not in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.SUCCESS):
            continue
        wait = 0.0
        if record.start_time:
            wait = min(RETRY_AFTER_SECONDS * 2 ** (runs_of[key] - 1), MAX_RETRY_AFTER_SECONDS)
        ended = record.end_time or record.update_timestamp.timestamp()
        if now - ended >= wait:
            requests[run.run_id] = _again(run)
    return list(requests.values())


def _again(run: dg.DagsterRun) -> dg.RunRequest:
    """The same request as ``run``: its partition or its range, under a run key of its own."""
    tags = {key: value for key, value in run.tags.items() if key in (RANGE_START, RANGE_END)}
    return dg.RunRequest(
        run_key=f"{run.tags.get('dagster/run_key', run.run_id)}:after:{run.run_id}",
        partition_key=run.tags.get("dagster/partition"),
        tags=tags,
    )


def run_partitions(keys: Sequence[str], run: dg.DagsterRun) -> list[str]:
    """The delivery keys a run of a load job was for: its partition, or its range's keys."""
    if "dagster/partition" in run.tags:
        return [run.tags["dagster/partition"]]
    start = run.tags.get(RANGE_START)
    end = run.tags.get(RANGE_END)
    if start not in keys or end not in keys:
        return []
    return list(keys[keys.index(start) : keys.index(end) + 1])
