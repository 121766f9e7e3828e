"""The whole ``dagster dev`` process tree killed mid-load and started again: nothing stranded.

As a power cut or the OOM killer would: SIGKILL to every process of the tree (webserver, daemon,
code servers, run workers) while a run loads, then ``dagster dev`` again on the same
``DAGSTER_HOME`` and data folder. Judged by SQL over the warehouse, by the folders, and by the
runs the instance keeps.
"""

import os
import signal
import time

import dagster as dg
import pytest
import sqlalchemy as sa

from csv_assets_support.payments import write_payments
from csv_assets_support.processes import (
    free_port,
    graphql,
    process_tree,
    scratch_project,
    start_dev,
    stop,
)
from csv_assets_tests.conftest import REPO

pytestmark = pytest.mark.e2e
FILES, ROWS = 16, 1_000
RECOVERY_SECONDS = 480
"""The bound docs/how-it-works.md gives for a restart to load what a crash left, with room."""
RUNS = "{ runsOrError { ... on Runs { results { runId status } } } }"


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(1)


def serving(port: int) -> bool:
    try:
        graphql(f"http://127.0.0.1:{port}", RUNS)
    except OSError:
        return False
    return True


def kill_tree(process) -> None:
    """SIGKILL the process and every descendant at once; nothing gets to clean up."""
    for pid in process_tree(process.pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue
    process.wait(timeout=30)


def test_a_killed_dagster_loads_every_stranded_file_exactly_once_after_a_restart(tmp_path):
    project = scratch_project(tmp_path, REPO / "dagster_home" / "dagster.yaml")
    data = project / "data"
    inbox = data / "inbox" / "payments"
    past = time.time_ns() - 120_000_000_000
    for i in range(FILES):
        path = write_payments(inbox / f"part_{i:02d}.psv", ROWS, first_id=i * ROWS)
        os.utime(path, ns=(past, past))
    port = free_port()
    first = start_dev(project, port)
    try:
        wait_for(lambda: serving(port), 240, "the webserver did not come up")
        locks = data / "spool" / "runs"
        wait_for(lambda: any(locks.glob("*.lock")), 240, "no load step started")
        time.sleep(1)  # a delivery or two in, the rest waiting
    finally:
        kill_tree(first)
    stranded = sorted(p.name for p in inbox.iterdir())
    assert stranded, "every file loaded before the kill: nothing was left to recover"

    port = free_port()
    second = start_dev(project, port)
    try:
        wait_for(lambda: serving(port), 240, "the webserver did not come back")
        wait_for(
            lambda: not any(inbox.iterdir()),
            RECOVERY_SECONDS,
            f"files still stranded: {sorted(p.name for p in inbox.iterdir())}",
        )
        wait_for(
            lambda: all(
                r["status"] in ("SUCCESS", "FAILURE", "CANCELED")
                for r in graphql(f"http://127.0.0.1:{port}", RUNS)["runsOrError"]["results"]
            ),
            120,
            "runs still going after every file loaded",
        )
    finally:
        stop(second)

    engine = sa.create_engine(f"sqlite:///{data / 'warehouse.db'}")
    with engine.connect() as conn:
        entries, contents = conn.execute(
            sa.text("SELECT count(*), count(DISTINCT sha256) FROM csv_assets_ledger")
        ).one()
        rows, ids = conn.execute(
            sa.text("SELECT count(*), count(DISTINCT payment_id) FROM payments")
        ).one()
    engine.dispose()
    assert (entries, contents) == (FILES, FILES)
    assert (rows, ids) == (FILES * ROWS, FILES * ROWS)
    assert len(list((data / "archive" / "payments").glob("*/*.psv"))) == FILES
    with dg.DagsterInstance.from_config(str(project / "dagster_home")) as instance:
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        reasons = [
            event.message
            for run in failed
            for event in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
        ]
    assert any("worker is gone" in reason for reason in reasons), reasons  # said in the UI
    assert not list((data / "spool").glob("delivery-*"))  # the killed load's copy, cleared
