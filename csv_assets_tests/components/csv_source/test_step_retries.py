"""A database error that passes: Dagster retries the load step, which loads only what is left."""

import threading
import time

import dagster as dg
import pytest
import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.components.csv_source import deliveries_step
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.definitions import defs
from csv_assets.pipeline.load import ensure_control_tables
from csv_assets_tests.faults.loads import counts
from csv_assets_tests.faults.test_hung_database import _with_options

HEADER = "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"


def orders(path, first_id: int, bad: bool = False):
    """Ten orders; with ``bad``, the last one's quantity is no number (one quarantined row)."""
    rows = [
        f"{first_id + i},1001,2026-11-01T08:00:00Z,paid,ABC-1001,{'lots' if bad and i == 9 else 1},"
        "10.00,\n"
        for i in range(10)
    ]
    path.write_text(HEADER + "".join(rows))
    return path


def let_go_after_a_wait(operator: sa.Engine, locked: sa.Connection) -> None:
    """Roll back ``locked``'s transaction once another session waited on a lock and stopped."""
    waiting = sa.text(  # this test's table only: other tests share the server
        "SELECT count(*) FROM pg_locks "
        "WHERE NOT granted AND relation = to_regclass('csv_assets_quarantine')"
    )
    try:
        # Autocommit: each look at the locks is a fresh snapshot of them.
        with operator.connect().execution_options(isolation_level="AUTOCOMMIT") as probe:
            for expected in (True, False):  # someone waits, then no one (lock_timeout fired)
                deadline = time.monotonic() + 60
                while (probe.execute(waiting).scalar_one() > 0) != expected:
                    assert time.monotonic() < deadline, "no load waited for the lock"
                    time.sleep(0.02)
    finally:
        locked.rollback()


def test_a_lock_that_is_let_go_delays_one_delivery_and_the_retry_loads_it_once(
    data_dir, database_url, monkeypatch
):
    if not database_url.startswith("postgresql"):
        pytest.skip("an operator's table lock is PostgreSQL's")
    monkeypatch.setattr(deliveries_step, "RETRY_AFTER_SECONDS", 1.0)
    inbox = data_dir / "inbox" / "orders"
    for sample in inbox.iterdir():
        sample.unlink()
    clean = orders(inbox / "a_clean.csv", 70000)
    quarantining = orders(inbox / "b_one_bad_row.csv", 71000, bad=True)
    folders = DropFolders(data_dir=str(data_dir))
    keys = sorted(f.delivery.key for f in folders.folders(load_catalog()["orders"]).list_inbox())
    warehouse = Warehouse(database_url=_with_options(database_url, "lock_timeout=1s"))
    with warehouse.engine.begin() as conn:  # the control tables exist, as on any warehouse
        ensure_control_tables(conn)
    operator = sa.create_engine(database_url)
    locked = operator.connect()
    locked.execute(sa.text("LOCK TABLE csv_assets_quarantine IN EXCLUSIVE MODE"))  # writes wait
    # The operator lets go once a load has waited for the lock and given up: the step failed.
    letting_go = threading.Thread(target=let_go_after_a_wait, args=(operator, locked))
    letting_go.start()

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("orders_deliveries", keys)
        run = (
            defs()
            .resolve_job_def("load_orders")
            .execute_in_process(
                instance=instance,
                tags={
                    "dagster/asset_partition_range_start": keys[0],
                    "dagster/asset_partition_range_end": keys[-1],
                },
                resources={"warehouse": warehouse, "drop_folders": folders},
                raise_on_error=False,
            )
        )
        entries = instance.all_logs(run.run_id)
    letting_go.join()
    locked.close()
    operator.dispose()

    retried = [e for e in entries if e.dagster_event and e.dagster_event.is_step_up_for_retry]
    materialized = [m.materialization.partition for m in run.get_asset_materialization_events()]
    assert run.success
    assert len(retried) >= 1
    assert sorted(materialized) == keys  # each delivery once: the retry skipped the clean one
    assert counts(
        database_url,
        "SELECT file_name, rows_loaded, rows_rejected FROM csv_assets_ledger ORDER BY file_name",
    ) == [(clean.name, 10, 0), (quarantining.name, 9, 1)]
