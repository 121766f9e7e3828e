"""``csv-assets status`` while a load writes: writers claim, readers read the last commit."""

import os
import shutil
import subprocess
import sys
import textwrap

import pytest

from csv_assets_support.processes import scratch_project
from csv_assets_tests.commands.test_cli import csv_assets
from csv_assets_tests.conftest import REPO

# A writer that deletes the whole ledger and holds its transaction open, as a long load would.
_HOLD_A_WRITE = textwrap.dedent(
    """
    import sys, time
    from csv_assets.ingest import create_warehouse_engine
    engine = create_warehouse_engine(sys.argv[1])
    with engine.connect() as conn:
        conn.begin()
        conn.exec_driver_sql("DELETE FROM csv_assets_ledger")
        print("holding", flush=True)
        time.sleep(600)
    """
)


def test_status_reads_the_last_commit_while_a_writer_holds_the_database(data_dir, database_url):
    if database_url.startswith("duckdb"):
        pytest.skip("DuckDB lets one process open its file at a time: status waits for the load")
    sample = data_dir / "inbox" / "orders" / "orders_2026-11-01.csv"
    where = {"data_dir": data_dir, "database_url": database_url}
    assert csv_assets("load", str(sample), "--source", "orders", **where).returncode == 0
    writer = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_WRITE, database_url],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline() == "holding\n"

        # The busy timeout is 60 s: a reader that queued for the write lock would not finish.
        status = subprocess.run(
            [sys.executable, "-m", "csv_assets.cli", "status", "orders"],
            cwd=REPO,
            capture_output=True,
            text=True,
            env={"CSV_ASSETS_DATABASE_URL": database_url, "CSV_ASSETS_DATA_DIR": str(data_dir)},
            timeout=30,
            check=False,
        )

        assert writer.poll() is None, "the writer still holds its transaction"
        assert status.returncode == 0, status.stderr
        assert "orders_2026-11-01.csv" in status.stdout  # the committed ledger, not the delete
    finally:
        writer.kill()
        writer.wait()


def test_status_says_why_a_file_dated_in_the_future_is_still_waiting(data_dir, database_url):
    (sample,) = (data_dir / "inbox" / "payments").iterdir()
    os.utime(sample, (4_102_444_800, 4_102_444_800))  # 2100: a partner's clock is wrong

    status = csv_assets("status", "payments", data_dir=data_dir, database_url=database_url)

    assert status.returncode == 0, status.stderr
    assert "1 waiting file(s) dated in the future" in status.stdout


def test_a_broken_source_is_said_in_one_line_and_the_others_still_work(tmp_path, database_url):
    project = scratch_project(tmp_path, REPO / "deploy" / "dagster.yaml")
    broken = project / "csv_assets" / "defs" / "sources" / "broken" / "defs.yaml"
    broken.parent.mkdir()
    broken.write_text(
        "type: csv_assets.components.CsvSource\nattributes:\n  name: broken\n"
        "  schema_model: csv_assets.schemas.orders:Orders\n  max_rejected_rows: -1\n"
    )
    shutil.copytree(REPO / "data" / "inbox" / "payments", project / "data" / "inbox" / "payments")
    sample = next((project / "data" / "inbox" / "payments").iterdir())

    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "csv_assets.cli", *args],
            cwd=project,  # this copy's csv_assets, with its broken source
            capture_output=True,
            text=True,
            env={"CSV_ASSETS_DATABASE_URL": database_url, "CSV_ASSETS_DATA_DIR": "data"},
            check=False,
        )

    load = cli("load", str(sample), "--source", "payments")
    status = cli("status")

    assert load.returncode == 0, load.stderr
    assert status.returncode == 2
    assert [line.split()[0] for line in status.stdout.splitlines()[1:4]] == [
        "customers",
        "orders",
        "payments",
    ]
    assert status.stderr == (
        f"csv-assets: {broken}: max_rejected_rows: Input should be greater than or equal to 0\n"
    )
