"""Keys from the business date in a file's name: history copied today sorts by the day it holds."""

import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from csv_assets.catalog import SourceSpec, folders_for, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.storage import Delivery, NameDate, RemoteSettings
from csv_assets_tests.conftest import drop

PAYMENTS = load_catalog()["payments"]
DATED = SourceSpec.model_validate(
    {
        **PAYMENTS.model_dump(),
        "key_from": "name_date",
        "key_format": "payments_%Y-%m-%d*.psv",
    }
)
HEADER = "payment_id|order_id|paid_at|amount|currency|method|captured\n"


def payments(n: int) -> str:
    return HEADER + f"PAY-{n:06d}|{50000 + n}|2026-11-01 10:00:00|10.00|EUR|card|yes\n"


@pytest.mark.parametrize(
    ("fmt", "name", "key_time"),
    [
        ("orders_%Y-%m-%d.csv", "orders_2024-01-05.csv", "2024-01-05 00:00:00.000Z"),
        ("orders_%Y-%m-%d.csv", "ORDERS_2024-01-05.CSV", "2024-01-05 00:00:00.000Z"),
        ("*_%Y%m%d_%H%M.csv.gz", "acme_export_20231231_2359.csv.gz", "2023-12-31 23:59:00.000Z"),
        ("%d.%m.%y *.csv", "05.01.24 sales.csv", "2024-01-05 00:00:00.000Z"),
        ("orders_%Y-%m-%d.csv", "orders_2024-02-30.csv", None),  # no such day
        ("orders_%Y-%m-%d.csv", "orders_2024-01-05.csv.bak", None),
        ("orders_%Y-%m-%d.csv", "customers.csv", None),
    ],
)
def test_a_name_format_reads_the_day_a_name_holds(fmt, name, key_time):
    at = NameDate(fmt).time_ns(name)
    if key_time is None:
        assert at is None
    else:
        assert Delivery.of(name, at).key == f"{key_time} {name}"


@pytest.mark.parametrize(
    ("fmt", "says"),
    [
        ("orders.csv", "needs a year"),
        ("orders_%Y-%m.csv", "needs a year"),
        ("orders_%Y-%m-%d_%d.csv", "%d twice"),
        ("orders_%Y-%m-%d_%b.csv", "%b is not one of"),
        ("orders_%Y_%y-%m-%d.csv", "both %Y and %y"),
    ],
)
def test_a_format_without_a_whole_day_or_with_unknown_directives_is_refused(fmt, says):
    spec = {**PAYMENTS.model_dump(), "key_from": "name_date", "key_format": fmt}
    with pytest.raises(ValidationError, match=says):
        SourceSpec.model_validate(spec)


def test_key_from_and_key_format_go_together():
    for extra in ({"key_from": "name_date"}, {"key_format": "p_%Y-%m-%d.psv"}):
        with pytest.raises(ValidationError, match="go together"):
            SourceSpec.model_validate({**PAYMENTS.model_dump(), **extra})


def test_history_copied_today_lists_in_the_order_of_its_days(data_dir: Path):
    for day in (3, 1, 2):
        drop(data_dir, "payments", f"payments_2024-01-0{day}.psv", payments(day))
    drop(data_dir, "payments", "payments_late.psv", payments(9))  # no date: its mtime keys it
    folders = folders_for(DATED, data_dir, RemoteSettings.from_env(data_dir))

    keys = sorted(f.delivery.key for f in folders.list_inbox() if "2026-" not in f.name)

    assert keys[:3] == [
        f"2024-01-0{day} 00:00:00.000Z payments_2024-01-0{day}.psv" for day in (1, 2, 3)
    ]
    assert keys[3].startswith(time.strftime("%Y-", time.gmtime()))
    assert keys[3].endswith(" payments_late.psv")


def test_a_dated_delivery_loads_and_is_archived_under_its_day(data_dir, engine):
    path = drop(data_dir, "payments", "payments_2024-01-05.psv", payments(1))
    folders = folders_for(DATED, data_dir, RemoteSettings.from_env(data_dir))
    (listed,) = [f for f in folders.list_inbox() if f.name == path.name]

    report = Ingestor(engine, "run-1").load(DATED, listed.delivery, folders)

    assert report.status == "loaded"
    assert not path.exists()
    kept = data_dir / "archive" / "payments" / "20240105T000000.000Z" / path.name
    assert kept.is_file()
    # The same name delivered again (a corrected export) is that day's second delivery.
    drop(data_dir, "payments", path.name, payments(2))
    (again,) = [f for f in folders.list_inbox() if f.name == path.name]
    assert again.delivery.key == f"2024-01-05 00:00:00.000Z~2 {path.name}"
    second = Ingestor(engine, "run-2").load(DATED, again.delivery, folders)
    assert second.status == "loaded"
    assert (kept.parent.with_name("20240105T000000.000Z~2") / path.name).is_file()
