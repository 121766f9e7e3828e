"""The drop-folder sensor over real files: new, settling, settled, replaced, partial, loaded."""

import os
import time

import dagster as dg

from csv_assets.catalog import load_catalog
from csv_assets.components.csv_source.asset import pool_limit
from csv_assets.definitions import defs
from csv_assets.storage import Delivery, ScanCursor, held_still, ready_files
from csv_assets.storage.deliveries import list_local_folder
from csv_assets_support.payments import write_payments
from csv_assets_tests.components.csv_source.ticks import (
    SETTLE,
    age,
    configure,
    settled_requests,
    tick,
)
from csv_assets_tests.conftest import drop
from csv_assets_tests.faults.loads import counts


def scan_drop_folder(folder, previous_scan, now, settle_seconds):
    """The ready files of a local folder, as the sensor finds them in its listing."""
    return ready_files(list_local_folder(folder), previous_scan, now, settle_seconds)


def test_a_file_is_ready_only_once_a_scan_saw_it_as_it_is_and_it_settled(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    age(path, 60)

    first = scan_drop_folder(tmp_path, None, time.time(), SETTLE)
    second = scan_drop_folder(tmp_path, time.time(), time.time(), SETTLE)

    assert first == []
    assert [f.delivery for f in second] == [Delivery.of("a.csv", path.stat().st_mtime_ns)]


def test_a_file_still_being_written_is_not_ready(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("x\n1\n")
    age(path, 60)
    scanned = time.time()
    with path.open("a") as f:
        f.write("2\n")

    # Written after the previous scan began: that scan did not see it as it is now.
    assert scan_drop_folder(tmp_path, scanned, time.time() + 60, SETTLE) == []


def test_a_recent_file_waits_for_the_settle_time(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")

    assert scan_drop_folder(tmp_path, time.time() + 5, time.time(), SETTLE) == []


def test_dotfiles_partial_uploads_and_folders_are_ignored(tmp_path):
    for name in (".hidden.csv", "upload.csv.part", "b.tmp", "~lock.csv"):
        (tmp_path / name).write_text("x")
    (tmp_path / "sub.csv").mkdir()

    assert list_local_folder(tmp_path) == []


def test_a_replaced_file_is_a_new_delivery_with_a_new_run_key(tmp_path):
    path = tmp_path / "daily.csv"
    path.write_text("x\n1\n")
    age(path, 120)
    (old,) = scan_drop_folder(tmp_path, time.time(), time.time(), SETTLE)
    path.write_text("x\n1\n2\n")
    age(path, 60)

    (new,) = scan_drop_folder(tmp_path, time.time(), time.time(), SETTLE)

    assert new.delivery.key != old.delivery.key and new.run_key != old.run_key


def test_the_cursor_is_one_instant_and_an_older_cursor_means_a_fresh_start():
    assert ScanCursor.decode(ScanCursor(1234.5).encode()).scanned_at == 1234.5
    assert ScanCursor.decode('{"a.csv": [3, 7]}').scanned_at is None
    assert ScanCursor.decode("not json").scanned_at is None
    paged = ScanCursor(1.0, resume_after="b.csv", future_dated={"skewed.csv": 2.0})
    assert ScanCursor.decode(paged.encode()) == paged


def test_sensor_adds_partitions_and_requests_runs_for_settled_files(data_dir):
    path = drop(data_dir, "payments", "payments_2026-11-05.psv", "payment_id|order_id\n")
    age(path, 60)
    for existing in (data_dir / "inbox" / "payments").iterdir():
        age(existing, 60)
    sensor = defs().get_sensor_def("payments_drop_folder")

    with dg.instance_for_test() as instance:
        first = tick(sensor, instance, data_dir)
        second = tick(sensor, instance, data_dir, first.cursor)

    assert first.run_requests == []
    (added,) = second.dynamic_partitions_requests
    keys = list(added.partition_keys)
    assert [Delivery.from_key(k).name for k in keys] == [
        "payments_2026-11-01.psv",
        "payments_2026-11-05.psv",
    ]
    (request,) = second.run_requests  # both files in one run, over the range of their partitions
    assert request.partition_key_range == dg.PartitionKeyRange(keys[0], keys[1])


def test_many_settled_files_are_cut_into_runs_of_contiguous_partitions(data_dir):
    inbox = data_dir / "inbox" / "payments"
    for n in range(120):
        age(drop(data_dir, "payments", f"p_{n:03d}.psv", "payment_id|order_id\n"), 60)
    for existing in inbox.iterdir():
        age(existing, 60)
    sensor = defs().get_sensor_def("payments_drop_folder")

    with dg.instance_for_test() as instance:
        first = tick(sensor, instance, data_dir)
        second = tick(sensor, instance, data_dir, first.cursor)
        instance.add_dynamic_partitions(
            "payments_deliveries", list(second.dynamic_partitions_requests[0].partition_keys)
        )
        third = tick(sensor, instance, data_dir, second.cursor)

    keys = list(second.dynamic_partitions_requests[0].partition_keys)
    ranges = [r.partition_key_range for r in second.run_requests]
    assert len(keys) == 121 and len(ranges) == 3
    covered = [keys[keys.index(r.start) : keys.index(r.end) + 1] for r in ranges]
    assert [len(c) for c in covered] == [50, 50, 21]
    assert [key for run in covered for key in run] == keys
    # Files already requested are not asked for again, and the cursor stays one instant.
    assert third.run_requests == [] and not third.dynamic_partitions_requests
    assert len(third.cursor) < 64


def test_sensor_requests_nothing_once_files_have_left_the_inbox(data_dir):
    for path in (data_dir / "inbox" / "orders").iterdir():
        path.unlink()
    sensor = defs().get_sensor_def("orders_drop_folder")

    with dg.instance_for_test() as instance:
        result = tick(sensor, instance, data_dir, ScanCursor(time.time()).encode())

    assert result.run_requests == [] and ScanCursor.decode(result.cursor).scanned_at is not None


def test_a_new_file_with_a_loaded_files_name_and_mtime_is_a_partition_of_its_own(
    data_dir, monkeypatch
):
    configure(monkeypatch, data_dir)
    inbox = data_dir / "inbox" / "payments"
    (loaded,) = inbox.iterdir()
    mtime = loaded.stat().st_mtime_ns
    first = Delivery.of(loaded.name, mtime)
    archived = data_dir / "archive" / "payments" / first.stamp / loaded.name
    archived.parent.mkdir(parents=True)
    loaded.rename(archived)  # loaded and archived, as a run leaves it
    loaded.write_text(archived.read_text() + "\n")  # cp -p of a corrected export: same mtime
    os.utime(loaded, ns=(mtime, mtime))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("payments_deliveries", [first.key])

        requests = settled_requests(data_dir, instance)

    assert list(requests) == [first.next().key]
    assert first.next().key.startswith(first.key[:24] + "~2 ")


def test_the_sensors_give_their_table_pools_a_limit_before_the_first_run(data_dir):
    overrides = {"concurrency": {"pools": {"default_limit": 1, "granularity": "run"}}}

    with dg.instance_for_test(overrides=overrides) as instance:
        storage = instance.event_log_storage
        instance.event_log_storage.set_concurrency_slots("csv_assets_orders", 5)  # an operator's
        assert "csv_assets_payments" not in storage.get_concurrency_keys()
        for source in ("payments", "customers", "orders"):
            tick(defs().get_sensor_def(f"{source}_drop_folder"), instance, data_dir)

        slots = {
            key: storage.get_concurrency_info(key).slot_count
            for key in ("csv_assets_payments", "csv_assets_customers", "csv_assets_orders")
        }
    # Appending sources: two runs at once; orders keeps the limit its operator set.
    assert slots == {"csv_assets_payments": 2, "csv_assets_customers": 2, "csv_assets_orders": 5}
    # Where the last delivery loaded wins, one at a time, so they load in the queue's order.
    payments = load_catalog()["payments"]
    for mode in ("replace", "upsert"):
        assert pool_limit(payments.model_copy(update={"load_mode": mode})) == 1


def test_a_file_dated_in_the_future_loads_once_two_ticks_saw_it_hold_still(
    data_dir, database_url, monkeypatch
):
    configure(monkeypatch, data_dir)
    monkeypatch.setenv("CSV_ASSETS_DATABASE_URL", database_url)
    for existing in (data_dir / "inbox" / "payments").iterdir():
        existing.unlink()
    ahead = write_payments(data_dir / "inbox" / "payments" / "skewed.psv", 20, first_id=500)
    year_2100 = 4_102_444_800
    os.utime(ahead, (year_2100, year_2100))
    sensor = defs().get_sensor_def("payments_drop_folder")

    with dg.instance_for_test() as instance:
        first = tick(sensor, instance, data_dir)
        early = tick(sensor, instance, data_dir, first.cursor)
        time.sleep(SETTLE)
        settled = tick(sensor, instance, data_dir, early.cursor)
        job = defs().resolve_job_def("load_payments")
        (request,) = settled.run_requests
        (added,) = settled.dynamic_partitions_requests  # as the daemon applies it
        instance.add_dynamic_partitions("payments_deliveries", list(added.partition_keys))
        run = job.execute_in_process(instance=instance, partition_key=request.partition_key)

    key = Delivery.of("skewed.psv", year_2100 * 10**9).key
    assert not any(key in str(r.partition_key) for r in early.run_requests)
    assert request.partition_key == key
    assert run.success
    assert counts(database_url, "SELECT count(*) FROM payments WHERE payment_id >= 'PAY-000500'")[
        0
    ] == (20,)
    assert not ahead.exists()  # archived


def test_a_future_dated_file_that_changes_starts_holding_still_again(tmp_path):
    path = tmp_path / "skewed.csv"
    path.write_text("x\n1\n")
    os.utime(path, (4_102_444_800, 4_102_444_800))
    start = time.time()
    _, seen = held_still(list_local_folder(tmp_path), {}, start, SETTLE)
    path.write_text("x\n1\n2\n")
    os.utime(path, (4_102_444_800, 4_102_444_800))  # same time, new size

    ready, again = held_still(list_local_folder(tmp_path), seen, start + SETTLE, SETTLE)
    later, _ = held_still(list_local_folder(tmp_path), again, start + 2 * SETTLE, SETTLE)

    assert ready == [] and [f.name for f in later] == ["skewed.csv"]


def test_dated_history_dropped_at_once_becomes_partitions_and_runs_in_date_order(data_dir):
    from csv_assets.catalog import SourceSpec
    from csv_assets.components.csv_source.sensor import build_drop_folder_sensor

    spec = {**load_catalog()["payments"].model_dump(), "deliveries_per_run": 10}
    dated = SourceSpec.model_validate(
        {**spec, "key_from": "name_date", "key_format": "payments_%Y-%m-%d.psv"}
    )
    for existing in (data_dir / "inbox" / "payments").iterdir():
        existing.unlink()
    for day in sorted(range(1, 26), key=lambda d: (d * 7) % 26):  # copied in any order
        age(drop(data_dir, "payments", f"payments_2024-01-{day:02d}.psv", "payment_id\n"), 60)
    partitions = dg.DynamicPartitionsDefinition(name="payments_deliveries")
    sensor = build_drop_folder_sensor(dated, "load_payments", partitions)

    with dg.instance_for_test() as instance:
        first = tick(sensor, instance, data_dir)
        second = tick(sensor, instance, data_dir, first.cursor)

    keys = list(second.dynamic_partitions_requests[0].partition_keys)
    assert keys == [
        f"2024-01-{d:02d} 00:00:00.000Z payments_2024-01-{d:02d}.psv" for d in range(1, 26)
    ]
    ranges = [r.partition_key_range for r in second.run_requests]
    assert [(r.start[:10], r.end[:10]) for r in ranges] == [
        ("2024-01-01", "2024-01-10"),
        ("2024-01-11", "2024-01-20"),
        ("2024-01-21", "2024-01-25"),
    ]
