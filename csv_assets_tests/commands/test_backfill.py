"""``csv-assets backfill``: a folder of dated history, in date order, each file exactly once.

Run as a user runs it, in a copy of the project whose ``payments`` source reads the business
date from its files' names; judged by SQL over the ledger and the table, and by the folders.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets_support.payments import write_payments
from csv_assets_support.processes import scratch_project
from csv_assets_tests.conftest import REPO

DAYS = 30
FIRST = date(2024, 1, 1)


@pytest.fixture
def dated_project(tmp_path: Path) -> Path:
    """The project, its payments source keyed by the date in names like payments_2024-01-05.psv."""
    project = scratch_project(tmp_path, REPO / "deploy" / "dagster.yaml")
    defs = project / "csv_assets" / "defs" / "sources" / "payments" / "defs.yaml"
    text = defs.read_text().replace(
        "attributes:\n",
        'attributes:\n  key_from: name_date\n  key_format: "payments_%Y-%m-%d.psv"\n',
        1,
    )
    defs.write_text(text)
    return project


def history(folder: Path, rows: int) -> list[str]:
    """``DAYS`` dated files of ``rows`` rows each, written in shuffled order, all copied today."""
    names = []
    for offset in sorted(range(DAYS), key=lambda d: (d * 7) % DAYS):
        name = f"payments_{FIRST + timedelta(days=offset)}.psv"
        write_payments(folder / name, rows, first_id=offset * rows)
        names.append(name)
    past = time.time_ns() - 60_000_000_000  # settled a minute ago
    for name in names:
        os.utime(folder / name, ns=(past, past))
    return sorted(names)


def backfill(project: Path, database_url: str, folder: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "csv_assets.cli", "backfill", str(folder), "--source", "payments"],
        cwd=project,
        env={
            "CSV_ASSETS_DATA_DIR": str(project / "data"),
            "CSV_ASSETS_DATABASE_URL": database_url,
            "PATH": "/usr/bin:/bin",
        },
        text=True,
        **popen,
    )


def ledger(database_url: str) -> list[tuple[str, str]]:
    """The ledger's (partition key, sha256) in the order the deliveries were loaded."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("csv_assets_ledger"):
                return []
            rows = conn.execute(
                sa.text(
                    "SELECT partition_key, sha256 FROM csv_assets_ledger "
                    "WHERE source = 'payments' ORDER BY delivery_id"
                )
            )
            return [(r[0], r[1]) for r in rows]
    finally:
        engine.dispose()


def table_rows(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT COUNT(*) FROM payments")).scalar_one()
    finally:
        engine.dispose()


def test_a_backfill_loads_thirty_dated_files_in_date_order_with_their_business_keys(
    dated_project, database_url, tmp_path
):
    folder = tmp_path / "history"
    names = history(folder, rows=20)

    done = backfill(dated_project, database_url, folder, stdout=subprocess.PIPE)
    out, _ = done.communicate(timeout=600)

    assert done.returncode == 0, out
    assert f"loaded     {DAYS} ({DAYS * 20:,} rows)" in out
    keys = [key for key, _ in ledger(database_url)]
    assert keys == [f"{name[9:19]} 00:00:00.000Z {name}" for name in names]
    assert table_rows(database_url) == DAYS * 20
    assert not list(folder.iterdir())
    archive = dated_project / "data" / "archive" / "payments"
    assert sorted(p.parent.name for p in archive.glob("*/*.psv")) == [
        f"{name[9:13]}{name[14:16]}{name[17:19]}T000000.000Z" for name in names
    ]
    # Again: nothing is left, nothing loads twice.
    again = backfill(dated_project, database_url, folder, stdout=subprocess.PIPE)
    assert again.communicate(timeout=120)[0].startswith("payments: 0 file(s)")
    assert len(ledger(database_url)) == DAYS


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_a_backfill_killed_halfway_and_started_again_loads_every_file_exactly_once(
    dated_project, database_url, tmp_path
):
    folder = tmp_path / "history"
    history(folder, rows=20_000)
    first = backfill(dated_project, database_url, folder, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while len(ledger(database_url)) < DAYS // 3:
        assert first.poll() is None, "the backfill ended before it could be killed"
        assert time.monotonic() < deadline, "the backfill loaded nothing"
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    assert any(folder.iterdir()), "every file loaded before the kill: nothing left to resume"

    second = backfill(dated_project, database_url, folder, stdout=subprocess.PIPE)
    out, _ = second.communicate(timeout=600)

    assert second.returncode == 0, out
    loaded = ledger(database_url)
    assert len(loaded) == DAYS
    assert len({sha for _, sha in loaded}) == DAYS
    assert [key for key, _ in loaded] == sorted(key for key, _ in loaded)
    assert table_rows(database_url) == DAYS * 20_000
    assert not list(folder.iterdir())
    assert len(list((dated_project / "data" / "archive" / "payments").glob("*/*.psv"))) == DAYS
