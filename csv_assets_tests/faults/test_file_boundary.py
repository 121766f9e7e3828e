"""A partner acts on a file while a real ``csv-assets load`` reads it: replace, append, remove.

Each act is triggered by the loader's own progress (its private copy of the file passing a size),
never by a timer; the warehouse is judged by SQL and the folders by what lies in them after.
"""

import hashlib
import os
import subprocess
import time
from pathlib import Path

import pytest

from csv_assets_support.payments import HEADER, write_payments
from csv_assets_tests.faults.loads import counts, finish, one_line, start_load

ROWS = 300_000
SMALL = HEADER + "PAY-900001|50001|2026-11-01 10:00:00|10.00|EUR|card|yes\n"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def when_read(data_dir: Path, process: subprocess.Popen[str], at_least: int = 1 << 20) -> None:
    """Return once the loader's private copy of the delivery holds ``at_least`` bytes."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for copy in (data_dir / "spool").glob("delivery-*/*"):
            try:
                if copy.stat().st_size >= at_least:
                    return
            except FileNotFoundError:
                continue
        assert process.poll() is None, f"the load ended first: {process.communicate()}"
        time.sleep(0.0005)
    raise AssertionError("the loader never read the file")


@pytest.fixture
def delivery(data_dir: Path) -> Path:
    """A 300,000-row payments delivery settled in its inbox."""
    path = write_payments(data_dir / "inbox" / "payments" / "big.csv", ROWS)
    past = time.time_ns() - 60_000_000_000
    os.utime(path, ns=(past, past))
    return path


def test_a_file_replaced_mid_read_loads_as_the_content_it_had(data_dir, database_url, delivery):
    original, original_sha = delivery.read_bytes(), sha256(delivery)
    loader = start_load(delivery, database_url, data_dir)
    when_read(data_dir, loader)
    newer = delivery.with_name(".big.csv.upload")
    newer.write_text(SMALL)
    newer.replace(delivery)  # the partner's atomic re-upload: write, then rename
    (done,) = finish([loader])

    assert done.code == 0, done.stderr
    assert counts(database_url, "SELECT sha256, rows_loaded FROM csv_assets_ledger") == [
        (original_sha, ROWS)
    ]
    assert counts(database_url, "SELECT count(*) FROM payments") == [(ROWS,)]
    (archived,) = (data_dir / "archive" / "payments").glob("*/big.csv")
    assert archived.read_bytes() == original  # the loaded bytes are kept, whatever the inbox did
    assert delivery.read_text() == SMALL  # the new upload waits as a delivery of its own

    (again,) = finish([start_load(delivery, database_url, data_dir)])
    resent = write_payments(data_dir / "inbox" / "payments" / "resent.csv", ROWS)
    (resend,) = finish([start_load(resent, database_url, data_dir)])

    assert again.code == 0 and resend.code == 0, (again.stderr, resend.stderr)
    assert "already loaded" in resend.stdout
    assert counts(database_url, "SELECT count(*) FROM payments") == [(ROWS + 1,)]
    assert sorted(counts(database_url, "SELECT rows_loaded FROM csv_assets_ledger")) == [
        (1,),
        (ROWS,),
    ]


def test_a_file_that_grows_mid_read_commits_nothing_and_loads_whole_later(
    data_dir, database_url, delivery
):
    loader = start_load(delivery, database_url, data_dir)
    when_read(data_dir, loader)
    more = write_payments(data_dir / "more.csv", 1000, first_id=ROWS).read_text()
    with delivery.open("a") as out:  # the sender was still writing
        out.write(more.removeprefix(HEADER))
    (done,) = finish([loader])

    assert done.code == 1 and one_line(done.stderr), done.stderr
    assert "changed while it was read" in done.stderr and "big.csv" in done.stderr
    assert counts(database_url, "SELECT count(*) FROM csv_assets_ledger") in ([], [(0,)])
    assert delivery.is_file() and not list((data_dir / "archive").glob("payments/*/*"))

    (later,) = finish([start_load(delivery, database_url, data_dir)])

    assert later.code == 0, later.stderr
    assert counts(database_url, "SELECT sha256, rows_read FROM csv_assets_ledger") == [
        (sha256(next((data_dir / "archive" / "payments").glob("*/big.csv"))), ROWS + 1000)
    ]


def test_a_file_removed_mid_read_is_loaded_and_archived_from_what_was_read(
    data_dir, database_url, delivery
):
    original, original_sha = delivery.read_bytes(), sha256(delivery)
    loader = start_load(delivery, database_url, data_dir)
    when_read(data_dir, loader)
    delivery.unlink()
    (done,) = finish([loader])

    assert done.code == 0, done.stderr
    assert "missing_delivery" not in done.stdout + done.stderr
    assert counts(database_url, "SELECT sha256, rows_loaded FROM csv_assets_ledger") == [
        (original_sha, ROWS)
    ]
    (archived,) = (data_dir / "archive" / "payments").glob("*/big.csv")
    assert archived.read_bytes() == original
