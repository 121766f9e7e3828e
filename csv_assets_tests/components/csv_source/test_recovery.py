"""The sensor's recovery: runs whose worker died, and files a finished run left in the inbox."""

import subprocess
import sys
from pathlib import Path

import dagster as dg

from csv_assets.components.csv_source import recovery
from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.definitions import defs
from csv_assets_tests.components.csv_source.ticks import configure, settled_requests, tick


def create_run(instance, key: str, **tags: str) -> dg.DagsterRun:
    """A run of payments' load job for delivery ``key``, its partition added as the daemon does."""
    instance.add_dynamic_partitions("payments_deliveries", [key])
    job = defs().resolve_job_def("load_payments")
    return instance.create_run_for_job(job, tags={"dagster/partition": key, **tags})


def test_a_file_whose_run_failed_to_start_is_requested_again(data_dir, monkeypatch):
    configure(monkeypatch, data_dir)
    with dg.instance_for_test() as instance:
        ((key, first_key),) = settled_requests(data_dir, instance).items()
        run = create_run(instance, key, **{"dagster/run_key": first_key})
        instance.report_run_failed(run)  # as run monitoring does for a run stuck in STARTING

        again = settled_requests(data_dir, instance)

    assert again == {key: f"{first_key}:after:{run.run_id}"}


def start_run(instance, run: dg.DagsterRun) -> None:
    """Record that ``run``'s worker began, as the worker itself does."""
    started = dg.DagsterEvent(
        event_type_value=dg.DagsterEventType.RUN_START.value, job_name=run.job_name
    )
    instance.report_dagster_event(started, run_id=run.run_id)


def test_a_file_whose_run_started_and_failed_is_requested_again_after_a_while(
    data_dir, monkeypatch
):
    configure(monkeypatch, data_dir)
    with dg.instance_for_test() as instance:
        ((key, first_key),) = settled_requests(data_dir, instance).items()
        run = create_run(instance, key, **{"dagster/run_key": first_key})
        start_run(instance, run)
        instance.report_run_failed(run)

        at_once = settled_requests(data_dir, instance)
        monkeypatch.setattr(recovery, "RETRY_AFTER_SECONDS", 0.0)
        later = settled_requests(data_dir, instance)

    assert at_once == {}
    assert later == {key: f"{first_key}:after:{run.run_id}"}


def test_a_canceled_run_stays_canceled(data_dir, monkeypatch):
    configure(monkeypatch, data_dir)
    monkeypatch.setattr(recovery, "RETRY_AFTER_SECONDS", 0.0)
    with dg.instance_for_test() as instance:
        ((key, first_key),) = settled_requests(data_dir, instance).items()
        run = create_run(instance, key, **{"dagster/run_key": first_key})
        start_run(instance, run)
        instance.report_run_canceled(run)

        assert settled_requests(data_dir, instance) == {}


def test_a_file_a_successful_run_left_in_the_inbox_is_requested_again(data_dir, monkeypatch):
    configure(monkeypatch, data_dir)  # as when its move to a read-only archive failed
    monkeypatch.setattr(recovery, "RETRY_AFTER_SECONDS", 0.0)
    with dg.instance_for_test() as instance:
        ((key, first_key),) = settled_requests(data_dir, instance).items()
        run = create_run(instance, key, **{"dagster/run_key": first_key})
        start_run(instance, run)
        done = dg.DagsterEvent(
            event_type_value=dg.DagsterEventType.RUN_SUCCESS.value, job_name=run.job_name
        )
        instance.report_dagster_event(done, run_id=run.run_id)

        again = settled_requests(data_dir, instance)

    assert again == {key: f"{first_key}:after:{run.run_id}"}


def hold_lock(folder: Path, run_id: str) -> subprocess.Popen:
    """A process holding ``run_id``'s run lock, as a load step does, until it is killed."""
    code = (
        "import sys, time; from pathlib import Path; "
        "from csv_assets.components.csv_source.recovery import run_lock; "
        "cm = run_lock(Path(sys.argv[1]), sys.argv[2]); cm.__enter__(); print('held', flush=True); "
        "time.sleep(600)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(folder), run_id], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_started_run_whose_worker_died_is_marked_failed_and_its_file_requested_again(
    data_dir, monkeypatch
):
    configure(monkeypatch, data_dir)
    monkeypatch.setattr(recovery, "GRACE_SECONDS", 0.0)
    monkeypatch.setattr(recovery, "RETRY_AFTER_SECONDS", 0.0)
    locks = DropFolders(data_dir=str(data_dir)).run_locks()
    with dg.instance_for_test() as instance:
        ((key, first_key),) = settled_requests(data_dir, instance).items()
        alive, dead = (create_run(instance, key, **{"dagster/run_key": first_key}) for _ in "ab")
        holders = {run.run_id: hold_lock(locks, run.run_id) for run in (alive, dead)}
        for run in (alive, dead):
            start_run(instance, run)
        holders[dead.run_id].kill()  # SIGKILL: no cleanup ran, the lock file stays behind
        holders[dead.run_id].wait()
        try:
            sensor = defs().get_sensor_def("payments_drop_folder")
            tick(sensor, instance, data_dir)
            statuses = {r.run_id: instance.get_run_by_id(r.run_id).status for r in (alive, dead)}
            (failure,) = instance.all_logs(dead.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        finally:
            holders[alive.run_id].kill()

    assert statuses == {
        alive.run_id: dg.DagsterRunStatus.STARTED,
        dead.run_id: dg.DagsterRunStatus.FAILURE,
    }
    assert "worker is gone" in failure.message
