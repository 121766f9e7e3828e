"""Load jobs on Celery: two real dagster-celery workers on the local RabbitMQ take the steps.

The instance is deploy/dagster.yaml on a scratch PostgreSQL database, shared by the run
coordinators (``dagster job execute`` processes, as a run launcher would start) and the
workers. 100 deliveries go through five runs at once, one of them a duplicate launch of a
range another run loads; afterwards SQL says each delivery loaded once, and the instance's
event log says every step ran in a worker process.
"""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from dagster import DagsterEventType, DagsterInstance
from dagster._core.events.log import EventLogEntry
from dagster._serdes import deserialize_value

from csv_assets.components.csv_source.executors import RELIABLE_DELIVERY
from csv_assets.storage import Delivery
from csv_assets_support.payments import write_payments
from csv_assets_support.processes import (
    postgres_instance_env,
    process_tree,
    scratch_project,
    start,
    stop,
)
from csv_assets_tests.conftest import REPO
from csv_assets_tests.servers import broker_or_skip

pytestmark = pytest.mark.e2e
DELIVERIES, PER_RUN, ROWS = 40, 10, 20
WORKER = ["dagster-celery", "worker", "start", "-A", "dagster_celery.app", "-y", "celery.yaml"]
EXECUTE = ["dagster", "job", "execute", "-m", "csv_assets.definitions", "-j", "load_payments"]


@dataclass(frozen=True)
class CeleryProject:
    """A scratch project whose load job runs on Celery, with deliveries waiting in its inbox."""

    project: Path
    env: dict[str, str]
    keys: list[str]
    queue: str
    warehouse_url: sa.URL

    def worker(self, n: int) -> subprocess.Popen:
        return start(
            [*WORKER, "-n", f"worker{n}", "-q", self.queue, "--", "--pool=solo"],
            self.project,
            self.env,
            log=f"worker{n}",
        )

    def run(self, keys: list[str], log: str) -> subprocess.Popen:
        tags = json.dumps(range_tags(keys))
        return start([*EXECUTE, "--tags", tags], self.project, self.env, log)

    def loaded(self) -> tuple[int, int, int]:
        """Ledger entries, distinct partitions, and payments rows, by SQL."""
        warehouse = sa.create_engine(self.warehouse_url)
        with warehouse.connect() as conn:
            entries, distinct = conn.execute(
                sa.text("SELECT count(*), count(DISTINCT partition_key) FROM csv_assets_ledger")
            ).one()
            rows = conn.execute(sa.text("SELECT count(*) FROM payments")).scalar_one()
        warehouse.dispose()
        return entries, distinct, rows


def celery_project(
    tmp_path: Path, scratch_databases, monkeypatch, deliveries: int, rows: int
) -> CeleryProject:
    broker = broker_or_skip()
    queue = f"csv_assets_{tmp_path.name[-8:]}"  # this test's own queue on the shared broker
    instance_url, warehouse_url = scratch_databases
    project = scratch_project(tmp_path, REPO / "deploy" / "dagster.yaml")
    inbox = project / "data" / "inbox" / "payments"
    for n in range(deliveries):
        write_payments(inbox / f"payments_{n:03d}.psv", rows, first_id=n * rows)
    shutil.copy(REPO / "deploy" / "celery.yaml", project / "celery.yaml")  # as deployed
    env = {
        **postgres_instance_env(instance_url),
        "CSV_ASSETS_DATABASE_URL": warehouse_url.render_as_string(hide_password=False),
        "CSV_ASSETS_DATA_DIR": str(project / "data"),
        "CSV_ASSETS_EXECUTOR": "celery",
        "CSV_ASSETS_CELERY_BROKER": broker,
        "CSV_ASSETS_CELERY_QUEUE": queue,
        "CELERY_BROKER_URL": broker,  # the workers' broker, from the environment only
    }
    for name, value in postgres_instance_env(instance_url).items():
        monkeypatch.setenv(name, value)  # this process reads the instance too
    keys = sorted(Delivery.of(p.name, p.stat().st_mtime_ns).key for p in inbox.iterdir())
    with DagsterInstance.from_config(str(project / "dagster_home")) as instance:
        instance.add_dynamic_partitions("payments_deliveries", keys)
    return CeleryProject(project, env, keys, queue, warehouse_url)


def test_load_runs_on_celery_workers_load_every_delivery_once(
    tmp_path, scratch_databases, monkeypatch
):
    celery = celery_project(tmp_path, scratch_databases, monkeypatch, DELIVERIES, ROWS)
    project, keys = celery.project, celery.keys
    inbox = project / "data" / "inbox" / "payments"
    instance_url = scratch_databases[0]
    workers = [celery.worker(n) for n in (1, 2)]
    try:
        ranges = [keys[i : i + PER_RUN] for i in range(0, DELIVERIES, PER_RUN)]
        ranges.append(ranges[1])  # launched twice, as a retried launch would be
        runs = [celery.run(r, f"run{i}") for i, r in enumerate(ranges)]
        deadline = time.monotonic() + 600
        while any(run.poll() is None for run in runs):
            assert time.monotonic() < deadline, "runs still going after 10 minutes"
            time.sleep(2)
        worker_pids = set().union(*(process_tree(w.pid) for w in workers))
    finally:
        for worker in workers:
            stop(worker)

    assert [run.returncode for run in runs] == [0] * len(runs), f"see {project}/run*.log"
    assert celery.loaded() == (DELIVERIES, DELIVERIES, DELIVERIES * ROWS)
    assert list(inbox.iterdir()) == []
    # dagster-celery copies the worker's config into world-readable modules: no secret there.
    written = list((project / "dagster_home" / "dagster_celery" / "config").rglob("*.py"))
    assert written and not any(celery.env["CELERY_BROKER_URL"] in p.read_text() for p in written)
    engine = sa.create_engine(instance_url)
    with engine.connect() as conn:
        bodies = conn.execute(
            sa.text("SELECT event FROM event_logs WHERE dagster_event_type = :kind"),
            {"kind": DagsterEventType.STEP_START.value},
        ).scalars()
        step_pids = [deserialize_value(b, EventLogEntry).dagster_event.pid for b in bodies]
    engine.dispose()
    assert len(step_pids) == len(ranges)
    assert set(step_pids) <= worker_pids, (step_pids, worker_pids)
    assert len(set(step_pids)) == 2  # both workers took steps


def test_a_celery_worker_killed_mid_step_gives_its_step_to_another(
    tmp_path, scratch_databases, monkeypatch
):
    celery = celery_project(tmp_path, scratch_databases, monkeypatch, 20, 5_000)
    locks = celery.project / "data" / "spool" / "runs"
    first = celery.worker(1)
    run = celery.run(celery.keys, "run")
    second = None
    try:
        deadline = time.monotonic() + 300
        while not any(locks.glob("*.lock")):  # the step is loading on the first worker
            assert time.monotonic() < deadline and run.poll() is None, "the step never started"
            time.sleep(0.2)
        for pid in process_tree(first.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        first.wait(timeout=30)
        second = celery.worker(2)
        run.wait(timeout=600)
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                stop(worker)

    assert run.returncode == 0, f"see {celery.project}/run.log"
    assert celery.loaded() == (20, 20, 20 * 5_000)
    assert list((celery.project / "data" / "inbox" / "payments").iterdir()) == []


def test_the_deployed_workers_share_the_runs_reliable_delivery_settings():
    deployed = yaml.safe_load((REPO / "deploy" / "celery.yaml").read_text())
    assert deployed["execution"]["config"]["config_source"] == RELIABLE_DELIVERY
    assert {"broker", "backend"}.isdisjoint(deployed["execution"]["config"])  # credentials


def range_tags(keys: list[str]) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": keys[0],
        "dagster/asset_partition_range_end": keys[-1],
    }
