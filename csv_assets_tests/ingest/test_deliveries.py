"""Delivery keys: time first, then the file name; the keys of earlier versions still parse."""

from datetime import UTC, datetime

import pytest

from csv_assets.storage import Delivery


def test_a_delivery_key_reads_time_first_and_parses_back():
    delivery = Delivery.of("orders 2026-11-23.csv", 1_795_428_915_123_456_789)

    assert delivery.key == "2026-11-23 10:15:15.123Z orders 2026-11-23.csv"
    assert Delivery.from_key(delivery.key) == delivery
    assert delivery.stamp == "20261123T101515.123Z"  # the archive's folder name stays compact


def test_keys_sort_in_delivery_order_whatever_the_names():
    early = Delivery.of("z.csv", 1_795_428_915_000_000_000)
    late = Delivery.of("a.csv", 1_795_428_916_000_000_000)

    assert sorted([late.key, early.key]) == [early.key, late.key]


def test_the_first_releases_name_at_stamp_key_is_not_a_delivery_key():
    with pytest.raises(ValueError, match="is not a delivery key"):
        Delivery.from_key("orders.csv@20261123T101515.123Z")


def test_a_file_dated_before_year_1000_or_past_9999_still_has_a_key_that_parses():
    year_999 = (
        int(datetime(999, 1, 1, tzinfo=UTC).timestamp()) * 10**9
    )  # 0999-01-01: tmpfs and SFTP servers keep such times
    for mtime_ns, spelled in [
        (year_999, "0999-01-01 00:00:00.000Z"),
        (-(10**20), "0001-01-01 00:00:00.000Z"),  # before year 1: the nearest time a key holds
        (10**21, "9999-12-31 23:59:59.000Z"),
    ]:
        delivery = Delivery.of("old.csv", mtime_ns)

        assert delivery.key == f"{spelled} old.csv"
        assert Delivery.from_key(delivery.key) == delivery
