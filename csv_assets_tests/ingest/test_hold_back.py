"""Deliveries held back before they commit: emptying a table, over budget early, huge records."""

import gzip
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.storage import SourceFolders
from csv_assets_support.payments import HEADER, write_payments
from csv_assets_tests.conftest import drop

PAYMENTS = load_catalog()["payments"]
ORDERS = load_catalog()["orders"]
ORDERS_HEADER = "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"


def load(data_dir: Path, engine: sa.Engine, source: SourceSpec, name: str):
    folders = SourceFolders.under(data_dir, source.name, source.inbox)
    (dropped,) = [f for f in folders.list_inbox() if f.name == name]
    return Ingestor(engine, "run").load(source, dropped.delivery, folders)


def table_rows(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()


def replace_source(**settings: object) -> SourceSpec:
    return PAYMENTS.model_copy(update={"load_mode": "replace", **settings})


def test_a_replace_delivery_with_no_rows_is_held_back_and_the_table_kept(data_dir, engine):
    source = replace_source()
    write_payments(data_dir / "inbox" / "payments" / "full.csv", 3)
    load(data_dir, engine, source, "full.csv")
    drop(data_dir, "payments", "empty.csv", HEADER)

    with pytest.raises(BadFileError) as held:
        load(data_dir, engine, source, "empty.csv")

    assert held.value.rule == "table_shrink"
    assert "has no rows" in held.value.reason and "allow_empty" in held.value.reason
    assert Path(held.value.report_location).is_file()
    assert table_rows(engine, "payments") == 3


def test_allow_empty_lets_an_empty_delivery_empty_the_table(data_dir, engine):
    source = replace_source(allow_empty=True)
    write_payments(data_dir / "inbox" / "payments" / "full.csv", 3)
    load(data_dir, engine, source, "full.csv")
    drop(data_dir, "payments", "empty.csv", HEADER)

    report = load(data_dir, engine, source, "empty.csv")

    assert (report.status, report.rows_replaced) == ("loaded", 3)
    assert table_rows(engine, "payments") == 0


def test_max_shrink_holds_back_a_delivery_that_takes_away_too_much(data_dir, engine):
    source = replace_source(max_shrink=0.5)
    write_payments(data_dir / "inbox" / "payments" / "full.csv", 10)
    load(data_dir, engine, source, "full.csv")
    write_payments(data_dir / "inbox" / "payments" / "half.csv", 5)
    write_payments(data_dir / "inbox" / "payments" / "tiny.csv", 4)

    with pytest.raises(BadFileError) as held:
        load(data_dir, engine, source, "tiny.csv")
    report = load(data_dir, engine, source, "half.csv")

    assert "has 4 rows where table payments has 10" in held.value.reason
    assert "max_shrink of 50%" in held.value.reason
    assert report.rows_loaded == 5 and table_rows(engine, "payments") == 5


def test_a_delivery_over_its_budget_stops_reading_at_the_chunk_that_breaks_it(data_dir, engine):
    source = PAYMENTS.model_copy(update={"chunk_rows": 1000})
    row = "PAY-000001|50001|2026-11-01 10:00:00|10.00|EUR|card|yes\n"
    path = data_dir / "inbox" / "payments" / "repeats.csv.gz"
    with gzip.open(path, "wt", newline="") as out:  # one row, then the same key over and over
        out.write(HEADER)
        out.write(row * 200_000)

    with pytest.raises(BadFileError) as held:
        load(data_dir, engine, source, "repeats.csv.gz")

    assert held.value.rule == "error_budget"
    assert "at least 1000 rows break" in held.value.reason
    assert "reading stopped at line 1001" in held.value.reason
    assert "uniqueness" in held.value.reason
    assert held.value.details["rows_read"] == 1000  # of 200,000
    assert held.value.details["rows_rejected_is_floor"] is True


def test_a_cell_of_60_mb_loads_through_the_exact_reader(data_dir, engine):
    blob = "x" * (60 << 20)
    rows = [
        f'{60000 + i},1001,2026-11-03T08:00:00Z,paid,ABC-1001,3,10.00,"{note}"\n'
        for i, note in enumerate((blob, "short"))
    ]
    drop(data_dir, "orders", "blob.csv", ORDERS_HEADER + "".join(rows))

    report = load(data_dir, engine, ORDERS, "blob.csv")

    assert (report.status, report.rows_loaded) == ("loaded", 2)
    with engine.connect() as conn:
        lengths = conn.execute(sa.text("SELECT length(note) FROM orders ORDER BY order_id"))
        assert list(lengths.scalars()) == [60 << 20, 5]


def test_a_2_gb_zip_of_one_endless_line_is_rejected_from_its_head(data_dir, engine):
    path = data_dir / "inbox" / "orders" / "endless.zip"
    block = b"y" * (8 << 20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("endless.csv", "w", force_zip64=True) as member,
    ):
        member.write(b"order_id,customer_id,")
        for _ in range((2 << 30) // len(block)):
            member.write(block)

    with pytest.raises(BadFileError) as rejected:
        load(data_dir, engine, ORDERS, "endless.zip")

    assert rejected.value.rule == "missing_column"
    assert Path(rejected.value.report_location).is_file()
