"""The production instance (deploy/dagster.yaml) on a real PostgreSQL, with the real daemon.

A scratch database holds the Dagster instance and another the warehouse. ``dagster-daemon run``
ticks the sensors, queues and launches the runs; afterwards the runs, the materializations and
the sensor cursors are read back from the instance's PostgreSQL tables by SQL.
"""

import shutil
import time

import pytest
import sqlalchemy as sa
from dagster._core.scheduler.instigation import InstigatorState
from dagster._serdes import deserialize_value

from csv_assets.storage import Delivery, ScanCursor
from csv_assets_support.processes import (
    postgres_instance_env,
    scratch_project,
    start,
    stop,
)
from csv_assets_tests.conftest import REPO, SAMPLE_INBOX

pytestmark = pytest.mark.e2e
SAMPLES = sorted(p.name for p in SAMPLE_INBOX.rglob("*") if p.is_file())
DEADLINE = 300


def loaded(warehouse: sa.Engine) -> int:
    with warehouse.connect() as conn:
        if not sa.inspect(conn).has_table("csv_assets_ledger"):
            return 0
        return conn.execute(sa.text("SELECT count(*) FROM csv_assets_ledger")).scalar_one()


def unfinished(instance: sa.Engine) -> int:
    """Runs of the instance not ended yet (any before its tables exist count as none)."""
    with instance.connect() as conn:
        if not sa.inspect(conn).has_table("runs"):
            return 0
        return conn.execute(
            sa.text(
                "SELECT count(*) FROM runs WHERE status NOT IN ('SUCCESS', 'FAILURE', 'CANCELED')"
            )
        ).scalar_one()


def test_the_postgres_instance_runs_the_samples_and_keeps_runs_and_cursors(
    tmp_path, scratch_databases
):
    instance_url, warehouse_url = scratch_databases
    project = scratch_project(tmp_path, REPO / "deploy" / "dagster.yaml")
    shutil.rmtree(project / "data" / "inbox")
    shutil.copytree(SAMPLE_INBOX, project / "data" / "inbox")
    warehouse = sa.create_engine(warehouse_url)
    instance = sa.create_engine(instance_url)
    daemon = start(
        ["dagster-daemon", "run", "-w", "workspace.yaml"],
        project,
        {
            **postgres_instance_env(instance_url),
            "CSV_ASSETS_DATABASE_URL": warehouse_url.render_as_string(hide_password=False),
            "CSV_ASSETS_DATA_DIR": str(project / "data"),
        },
    )
    try:
        deadline = time.monotonic() + DEADLINE
        # The samples' rows commit before their runs write their last events: wait for both.
        while loaded(warehouse) < len(SAMPLES) or unfinished(instance):
            assert daemon.poll() is None, f"the daemon exited; see {project}/dagster-daemon.log"
            assert time.monotonic() < deadline, (
                f"{loaded(warehouse)}/{len(SAMPLES)} loaded, {unfinished(instance)} run(s) "
                f"unfinished; see {project}/dagster-daemon.log"
            )
            time.sleep(2)
    finally:
        stop(daemon)

    archived = sorted(p.name for p in (project / "data" / "archive").rglob("*") if p.is_file())
    assert archived == SAMPLES
    with instance.connect() as conn:
        runs = conn.execute(
            sa.text("SELECT pipeline_name, status FROM runs ORDER BY pipeline_name")
        ).all()
        materialized = conn.execute(
            sa.text(
                "SELECT asset_key, partition FROM event_logs "
                "WHERE dagster_event_type = 'ASSET_MATERIALIZATION'"
            )
        ).all()
        bodies = conn.execute(
            sa.text("SELECT instigator_body FROM instigators WHERE instigator_type = 'SENSOR'")
        ).scalars()
        cursors = {
            state.instigator_name: state.instigator_data.cursor
            for state in (deserialize_value(body, InstigatorState) for body in bodies)
        }
    instance.dispose()
    warehouse.dispose()

    loads = [(job, status) for job, status in runs if job.startswith("load_")]
    assert {job for job, _ in loads} == {"load_customers", "load_orders", "load_payments"}
    assert {status for _, status in loads} == {"SUCCESS"}
    assert sorted(Delivery.from_key(p).name for _, p in materialized if p) == sorted(
        name for name in SAMPLES
    )
    for sensor in ("customers_drop_folder", "orders_drop_folder", "payments_drop_folder"):
        assert ScanCursor.decode(cursors[sensor]).scanned_at is not None, cursors
