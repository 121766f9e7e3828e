"""Alerts through a real ``dagster-daemon``: each kind received once, nothing again after a restart.

A copy of the project runs its daemon (sensors, run queue) on its own SQLite instance; the
alerts go to a webhook and an SMTP server on loopback. Deliveries are dropped, a run fails, a
blocking check fails and a source goes quiet as they would in use; judged by what the two
receivers got.
"""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from csv_assets_support.processes import BIN, scratch_project, start, stop
from csv_assets_tests.conftest import BAD_ORDERS, REPO

pytestmark = pytest.mark.e2e
WAIT = 240
ORDERS_HEADER = BAD_ORDERS.splitlines()[0] + "\n"


def aged(path, seconds: float = 60):
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def kinds(received) -> list[str]:
    return sorted(a["kind"] for hook in received for a in hook["body"]["alerts"])


def test_each_kind_of_alert_arrives_once_and_a_restarted_daemon_sends_nothing_twice(
    tmp_path, webhook, mailbox
):
    project = scratch_project(tmp_path, REPO / "dagster_home" / "dagster.yaml")
    data = project / "data"
    warehouse = f"sqlite:///{data / 'warehouse.db'}"
    env = {
        "CSV_ASSETS_DATABASE_URL": warehouse,
        "CSV_ASSETS_DATA_DIR": str(data),
        "CSV_ASSETS_ALERT_WEBHOOK_URL": webhook.url,
        "CSV_ASSETS_ALERT_SMTP_URL": mailbox.url,
        "CSV_ASSETS_ALERT_EMAIL_TO": "oncall@example.com",
        "CSV_ASSETS_ALERT_GROUP_SECONDS": "4",
        "CSV_ASSETS_ALERT_INTERVAL_SECONDS": "3",
    }
    dagster_env = {**os.environ, "DAGSTER_HOME": str(project / "dagster_home"), **env}
    # The instance's storage first, alone: two processes creating it at once race on SQLite.
    subprocess.run([str(BIN / "dagster"), "instance", "info"], env=dagster_env, check=True)
    daemon = start(["dagster-daemon", "run", "-w", "workspace.yaml"], project, env, "daemon")
    try:
        # A delivery over its error budget (rejected by the sensor's run), and an empty one into
        # the empty table: it loads, and its not_empty check holds daily_revenue back.
        aged(write_text(data / "inbox" / "orders" / "orders_bad.csv", BAD_ORDERS))
        aged(write_text(data / "inbox" / "orders" / "orders_empty.csv", ORDERS_HEADER))
        # A run that fails for another reason than a rejection: a dry run of a missing file.
        launch = subprocess.run(
            [
                str(BIN / "dagster"),
                *("job", "launch", "-w", "workspace.yaml", "-j", "validate_file_job"),
                "--config-json",
                '{"ops": {"validate_file_op": {"config": '
                '{"source": "orders", "file": "/nowhere/export.csv"}}}}',
            ],
            cwd=project,
            env=dagster_env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert launch.returncode == 0, launch.stderr
        webhook.wait_for(
            lambda r: {"rejected", "check_blocked", "run_failed"} <= set(kinds(r)),
            WAIT,
            "a rejection, a blocked check and a failed run were not all told",
        )

        # orders goes quiet: its last delivery loaded three days ago.
        engine = sa.create_engine(warehouse)
        with engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE csv_assets_ledger SET loaded_at = :at"),
                {"at": datetime.now(UTC) - timedelta(days=3)},
            )
        engine.dispose()
        webhook.wait_for(lambda r: "stale" in kinds(r), WAIT, "no stale alert")

        # 200 rejections at once, by an operator's backfill: one summary.
        history = tmp_path / "history"
        for n in range(200):
            aged(write_text(history / f"payments_{n:03d}.psv", "nonsense\n1\n"))
        backfill = subprocess.run(
            [
                sys.executable,
                "-m",
                "csv_assets.cli",
                "backfill",
                str(history),
                "--source",
                "payments",
            ],
            cwd=project,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert backfill.returncode == 2, backfill.stdout + backfill.stderr
        received = webhook.wait_for(
            lambda r: any(h["body"]["count"] == 200 for h in r), WAIT, "no summary of 200"
        )
    finally:
        stop(daemon)

    told = kinds(received)
    subjects = [h["body"]["subject"] for h in received]
    assert told.count("check_blocked") == 1, subjects
    assert told.count("run_failed") == 1, subjects
    assert told.count("stale") == 1, subjects
    assert told.count("rejected") == 201, subjects
    summaries = [h for h in received if h["body"]["count"] > 1]
    assert len(summaries) == 1, subjects
    assert summaries[0]["body"]["subject"] == "[csv_assets] 200 deliveries rejected (payments 200)"
    mails = mailbox.wait_for(lambda m: len(m) == len(received), 30, "mails missing")
    assert sorted(m["subject"] for m in mails) == sorted(h["body"]["subject"] for h in received)

    # A restart reads the cursors: the rejections and the quiet source are not told again.
    daemon = start(["dagster-daemon", "run", "-w", "workspace.yaml"], project, env, "daemon2")
    try:
        time.sleep(20)  # several ticks of every alert sensor
        assert webhook.all()[len(received) :] == [], "told again after the restart"
        # A new rejection is news.
        aged(write_text(data / "inbox" / "orders" / "orders_bad_again.csv", BAD_ORDERS))
        after = webhook.wait_for(lambda r: len(r) > len(received), WAIT, "no alert after restart")
    finally:
        stop(daemon)
    (new,) = after[len(received) :]
    assert new["body"]["alerts"][0]["title"] == "orders: orders_bad_again.csv was rejected"


def write_text(path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path
