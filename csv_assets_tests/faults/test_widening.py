"""Widenings under fire: two loaders widening at once, and a load killed while it widens."""

import signal
from pathlib import Path

import sqlalchemy as sa

from csv_assets.ingest import create_warehouse_engine
from csv_assets_support.counts import write_counts
from csv_assets_support.warehouse_sql import as_text, column_type
from csv_assets_tests.faults.loads import counts, finish, start_load
from csv_assets_tests.faults.test_interrupted_loads import WAIT, tagged, wait_until_writing

ROWS = 200_000


def load(project: Path, file: Path, database_url: str):
    return start_load(file, database_url, project / "data", source="counts", project=project)


def count_type(database_url: str) -> str:
    engine = create_warehouse_engine(database_url)
    try:
        return column_type(engine, "counts", "count")
    finally:
        engine.dispose()


def test_two_loaders_widening_at_once_end_with_one_widening_and_both_exact(
    counts_project, database_url, tmp_path
):
    project = counts_project
    whole = write_counts(tmp_path / "counts_1.csv", 1000)
    assert finish([load(project, whole, database_url)])[0].code == 0
    halves = [
        write_counts(tmp_path / f"counts_{n}.csv", 1000, first_id=n * 1000 + 1, fraction=".5")
        for n in (2, 3)
    ]

    done = finish([load(project, path, database_url) for path in halves])

    assert [d.code for d in done] == [0, 0], done
    assert counts(
        database_url, "SELECT column_name, old_type, new_type FROM csv_assets_schema_history"
    ) == [("count", "BIGINT", "NUMERIC(19,1)")]
    assert count_type(database_url) in ("DECIMAL_TEXT(19,1)", "NUMERIC(19,1)")
    values = sa.select(sa.column("line_id"), as_text("count")).select_from(sa.table("counts"))
    stored = counts(database_url, values)
    expected = {n: f"{n % 1000}.0" for n in range(1, 1001)}
    expected.update({n: f"{n % 1000}.5" for n in range(2001, 4001)})
    assert dict(stored) == expected


def test_a_load_killed_while_it_widens_leaves_the_old_table(counts_project, database_url, tmp_path):
    project = counts_project
    whole = write_counts(tmp_path / "counts_1.csv", ROWS)
    assert finish([load(project, whole, database_url)])[0].code == 0
    before = count_type(database_url)
    halves = write_counts(tmp_path / "counts_2.csv", ROWS, first_id=ROWS + 1, fraction=".5")
    url, app = tagged(database_url)

    widening = load(project, halves, url)
    wait_until_writing(url, app, widening, statement="ALTER TABLE")
    widening.send_signal(signal.SIGKILL)
    widening.wait(timeout=WAIT)

    assert count_type(database_url) == before
    assert counts(database_url, "SELECT count(*) FROM csv_assets_ledger") == [(1,)]
    assert counts(database_url, "SELECT count(*) FROM csv_assets_schema_history") == [(0,)]
    assert counts(database_url, "SELECT count(*) FROM counts") == [(ROWS,)]
    [again] = finish([load(project, halves, database_url)])
    assert again.code == 0, again
    assert counts(database_url, "SELECT count(*) FROM csv_assets_schema_history") == [(1,)]
    assert counts(database_url, "SELECT count(*) FROM counts") == [(2 * ROWS,)]
