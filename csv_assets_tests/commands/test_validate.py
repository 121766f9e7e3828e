"""``csv-assets validate``: a dry run that says what a load would do and writes nothing."""

import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.load import MYSQL_NAMES, builds, ledger, quarantine, schema_history
from csv_assets_tests.commands.test_cli import csv_assets
from csv_assets_tests.conftest import BAD_ORDERS, drop


def tables_and_rows(engine: sa.Engine) -> dict[str, int]:
    """Every table of the warehouse and its row count: what a dry run must leave as it was.

    Where DDL commits at once (MySQL/MariaDB) a dry run leaves the empty control tables, and
    the claims they were made under: no data.
    """
    with engine.connect() as conn:
        names = sa.inspect(conn).get_table_names()
        found = {
            name: conn.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar_one()
            for name in names
        }
    if engine.dialect.name in MYSQL_NAMES:
        found.pop("csv_assets_claims", None)
        found = {name: rows for name, rows in found.items() if rows or name not in CONTROL}
    return found


CONTROL = {t.name for t in (ledger, quarantine, schema_history, builds)} | {"csv_assets_schema"}


def test_validate_says_what_would_load_and_be_quarantined_by_rule_with_lines(
    data_dir, database_url, engine
):
    path = data_dir / "inbox" / "orders" / "orders_2026-11-02.csv"
    first = data_dir / "inbox" / "orders" / "orders_2026-11-01.csv"
    Ingestor(engine, "run-1").load_file(load_catalog()["orders"], first, "first")
    before = tables_and_rows(engine)

    done = csv_assets(
        "validate", str(path), "--source", "orders", data_dir=data_dir, database_url=database_url
    )

    assert done.returncode == 0, done.stderr
    assert "would load 27 of 30 row(s)" in done.stdout
    assert "would quarantine 3 row(s): 10% of the rows, within the error budget" in done.stdout
    assert "1 x status__isin (lines 12)" in done.stdout
    assert tables_and_rows(engine) == before
    assert path.is_file()  # the file stays where it is


def test_validate_of_a_file_over_its_budget_exits_2_saying_it_would_be_rejected(
    data_dir, database_url, engine
):
    path = drop(data_dir, "orders", "bad.csv", BAD_ORDERS)

    done = csv_assets(
        "validate", str(path), "--source", "orders", data_dir=data_dir, database_url=database_url
    )

    assert done.returncode == 2
    assert "would be REJECTED: bad.csv, line 3, column 'quantity'" in done.stdout
    assert "75% of the rows, over the error budget (at most 20% of the rows)" in done.stdout
    assert "1 x quantity__type (lines 4)" in done.stdout
    # Not even the control tables: the dry run's transaction rolled back.
    assert tables_and_rows(engine) == {}
    assert path.is_file() and not (data_dir / "rejected").exists()
