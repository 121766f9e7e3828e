"""Ingestor.load on real files against real SQLite and PostgreSQL."""

import gzip
import hashlib
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import ledger, quarantine
from csv_assets.storage import Delivery, SourceFolders
from csv_assets_tests.conftest import drop

CATALOG = load_catalog()
ORDERS_HEADER = "order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note\n"


def ingest(data_dir: Path, engine: sa.Engine, source: str, name: str, run_id: str = "run-1"):
    spec = CATALOG[source]
    folders = SourceFolders.under(data_dir, source, spec.inbox)
    path = folders.inbox / name
    delivery = Delivery.of(name, path.stat().st_mtime_ns)
    return Ingestor(engine, run_id).load(spec, delivery, folders), delivery, folders


def scalar(engine: sa.Engine, statement: sa.Executable) -> object:
    with engine.connect() as conn:
        return conn.execute(statement).scalar_one()


def test_sample_files_load_typed_with_lineage_and_move_to_archive(data_dir, engine):
    report, delivery, folders = ingest(data_dir, engine, "customers", "kunden_eu_2026-11-02.csv")

    assert (report.status, report.rows_read, report.rows_loaded, report.rows_rejected) == (
        "loaded",
        5,
        5,
        0,
    )
    assert report.dialect.encoding == "cp1252" and report.dialect.delimiter == ";"
    assert not (folders.inbox / delivery.name).exists()
    assert Path(report.file) == folders.archive / delivery.stamp / delivery.name
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT name, credit_limit, signup_date, l.file_name, _source_line "
                "FROM customers JOIN csv_assets_ledger l ON l.delivery_id = _delivery_id "
                "WHERE customer_id = 1007"
            )
        ).one()
    assert row.name == "Müller & Söhne KG"
    assert float(row.credit_limit) == 12500.0
    assert str(row.signup_date) == "2025-02-03"
    assert (row.file_name, row._source_line) == ("kunden_eu_2026-11-02.csv", 2)


def test_bad_rows_within_budget_are_quarantined_with_line_and_rule(data_dir, engine):
    report, _, _ = ingest(data_dir, engine, "orders", "orders_2026-11-02.csv")

    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (30, 27, 3)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(quarantine.c.line, quarantine.c.columns, quarantine.c.rule).order_by(
                quarantine.c.line
            )
        ).all()
    assert [(r.line, r.columns) for r in rows] == [
        (7, "quantity"),
        (12, "status"),
        (19, "ordered_at"),
    ]
    assert rows[2].rule == "type:datetime"
    assert scalar(engine, sa.text("SELECT count(*) FROM orders")) == 27


def test_quoted_newlines_keep_the_line_numbers_of_the_file(data_dir, engine):
    ingest(data_dir, engine, "orders", "orders_2026-11-01.csv")

    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT order_id, note, _source_line FROM orders WHERE order_id IN (50004, 50005) "
                "ORDER BY order_id"
            )
        ).all()
    assert rows[0].note == "Please deliver to the back door,\nring twice"
    # Order 50004 starts on line 5 and spans two lines, so 50005 starts on line 7.
    assert [r._source_line for r in rows] == [5, 7]


def test_same_content_under_another_name_is_not_loaded_twice(data_dir, engine):
    first, first_delivery, folders = ingest(data_dir, engine, "payments", "payments_2026-11-01.psv")
    copy = drop(data_dir, "payments", "payments_resent.psv", Path(first.file).read_bytes())

    again, delivery, _ = ingest(data_dir, engine, "payments", copy.name)

    assert again.status == "duplicate" and again.duplicate_of == first_delivery.key
    assert scalar(engine, sa.text("SELECT count(*) FROM payments")) == 12
    assert scalar(engine, sa.select(sa.func.count()).select_from(ledger)) == 1
    assert (folders.archive / delivery.stamp / copy.name).is_file()


def test_loading_a_loaded_delivery_again_is_a_no_op(data_dir, engine):
    first, delivery, folders = ingest(data_dir, engine, "orders", "orders_2026-11-02.csv")

    again = Ingestor(engine, "run-2").load(CATALOG["orders"], delivery, folders)

    assert again.status == "duplicate" and again.duplicate_of == delivery.key
    assert scalar(engine, sa.text("SELECT count(*) FROM orders")) == 27
    assert scalar(engine, sa.select(ledger.c.run_id).where(ledger.c.sha256 == first.sha256)) != (
        "run-2"
    )


def test_rematerializing_a_delivery_replaces_exactly_its_rows(data_dir, engine):
    ingest(data_dir, engine, "orders", "orders_2026-11-01.csv")
    second, delivery, folders = ingest(data_dir, engine, "orders", "orders_2026-11-02.csv")

    again = Ingestor(engine, "run-2").load(CATALOG["orders"], delivery, folders, reload=True)

    assert again.status == "loaded" and again.rows_replaced == 27
    assert scalar(engine, sa.text("SELECT count(*) FROM orders")) == 24 + 27
    assert scalar(engine, sa.select(sa.func.count()).select_from(quarantine)) == 3
    assert (
        scalar(engine, sa.select(ledger.c.run_id).where(ledger.c.sha256 == second.sha256))
        == "run-2"
    )


def test_file_over_budget_loads_nothing_and_is_rejected_with_a_report(data_dir, engine):
    ingest(data_dir, engine, "orders", "orders_2026-11-01.csv")
    rows = [f"{60000 + i},1001,2026-11-03T10:00:00Z,placed,ABC-1001,{-i},1.00," for i in range(5)]
    drop(data_dir, "orders", "orders_bad.csv", ORDERS_HEADER + "\n".join(rows) + "\n")

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, "orders", "orders_bad.csv")

    assert caught.value.rule == "error_budget" and caught.value.line == 2
    assert scalar(engine, sa.text("SELECT count(*) FROM orders")) == 24
    assert scalar(engine, sa.select(sa.func.count()).select_from(quarantine)) == 0
    rejected = next((data_dir / "rejected" / "orders").rglob("orders_bad.csv"))
    report = json.loads(rejected.with_name("orders_bad.csv.report.json").read_text())
    assert report["rows_rejected"] == 5 and report["rows_read"] == 5
    assert report["top_rules"][0]["rule"] == "quantity__greater_than_or_equal_to"
    assert report["failure_samples"][0] == {
        "file": "orders_bad.csv",
        "line": 2,
        "column": "quantity",
        "rule": "quantity__greater_than_or_equal_to",
        "value": "0",
        "message": "quantity = 0 fails greater_than_or_equal_to(1)",
    }


def test_missing_column_names_the_file_line_and_column(data_dir, engine):
    drop(data_dir, "payments", "short.csv", "payment_id,order_id\nPAY-000001,1\n")

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, "payments", "short.csv")

    assert caught.value.describe() == (
        "short.csv, line 1, column 'paid_at': required column 'paid_at' is missing from the "
        "header [missing_column]"
    )
    assert next((data_dir / "rejected" / "payments").rglob("short.csv.report.json"))


def test_failure_mid_load_leaves_the_table_as_it_was(data_dir, engine, monkeypatch):
    ingest(data_dir, engine, "customers", "customers_2026-11-01.csv")
    before = scalar(engine, sa.text("SELECT count(*) FROM customers"))
    monkeypatch.setattr("csv_assets.pipeline.read.reader.DEFAULT_CHUNK_ROWS", 2)
    spec = CATALOG["customers"].model_copy(update={"chunk_rows": 100})
    good = "\n".join(f"{2000 + i},Name {i},,DE,2024-01-01," for i in range(150))
    drop(
        data_dir,
        "customers",
        "late_failure.csv",
        "customer_id,name,email,country,signup_date,credit_limit\n"
        + good
        + "\nnot-a-number,Broken,,DE,2024-01-01,\n",
    )
    folders = SourceFolders.under(data_dir, "customers", spec.inbox)
    path = folders.inbox / "late_failure.csv"

    with pytest.raises(BadFileError):
        Ingestor(engine, "r").load(spec, Delivery.of(path.name, path.stat().st_mtime_ns), folders)

    assert scalar(engine, sa.text("SELECT count(*) FROM customers")) == before


def test_replace_mode_makes_the_newest_delivery_the_table(data_dir, engine):
    spec = CATALOG["customers"].model_copy(update={"load_mode": "replace"})
    folders = SourceFolders.under(data_dir, "customers", spec.inbox)
    for name in ("customers_2026-11-01.csv", "kunden_eu_2026-11-02.csv"):
        path = folders.inbox / name
        Ingestor(engine, "r").load(spec, Delivery.of(name, path.stat().st_mtime_ns), folders)

    with engine.connect() as conn:
        files = conn.execute(
            sa.text(
                "SELECT DISTINCT l.file_name FROM customers "
                "JOIN csv_assets_ledger l ON l.delivery_id = _delivery_id"
            )
        ).scalars()
        assert list(files) == ["kunden_eu_2026-11-02.csv"]


def test_a_delivery_found_nowhere_is_a_clear_error(data_dir, engine):
    folders = SourceFolders.under(data_dir, "orders", "inbox/orders")
    shutil.rmtree(folders.inbox)

    with pytest.raises(BadFileError, match="missing_delivery"):
        Ingestor(engine, "r").load(
            CATALOG["orders"], Delivery("gone.csv", "20260101T000000.000Z"), folders
        )


def test_the_same_csv_delivered_gzipped_then_plain_is_one_delivery(data_dir, engine):
    content = (data_dir / "inbox" / "payments" / "payments_2026-11-01.psv").read_bytes()
    drop(data_dir, "payments", "payments_resent.psv.gz", gzip.compress(content))
    packed, _, _ = ingest(data_dir, engine, "payments", "payments_resent.psv.gz")

    again, _, _ = ingest(data_dir, engine, "payments", "payments_2026-11-01.psv")

    assert again.status == "duplicate" and again.duplicate_of.endswith(" payments_resent.psv.gz")
    assert scalar(engine, sa.text("SELECT count(*) FROM payments")) == 12
    with engine.connect() as conn:
        entry = conn.execute(sa.select(ledger.c.sha256, ledger.c.file_sha256)).one()
    assert entry.sha256 == hashlib.sha256(content).hexdigest() == packed.sha256
    assert entry.file_sha256 != entry.sha256


def test_a_file_whose_header_cannot_match_is_rejected_from_its_head(data_dir, engine):
    rows = "shipment,weight,destination\n" + "".join(f"{i},{i % 90},Graz\n" for i in range(300_000))
    packed = gzip.compress(rows.encode())
    # Only its head is readable: a load that streamed the whole file would fail on the cut.
    drop(data_dir, "payments", "payments_wrong.csv.gz", packed[: len(packed) // 2])

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, "payments", "payments_wrong.csv.gz")

    assert caught.value.rule == "missing_column" and caught.value.column == "payment_id"
    assert caught.value.line == 1
