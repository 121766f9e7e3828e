"""What a source declares blocking holds a delivery back before the commit: nothing of it loads."""

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import SourceSpec, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.load import ledger, quarantine
from csv_assets.storage import Delivery, SourceFolders

CATALOG = load_catalog()


def ingest(data_dir: Path, engine: sa.Engine, spec: SourceSpec, name: str):
    folders = SourceFolders.under(data_dir, spec.name, spec.inbox)
    delivery = Delivery.of(name, (folders.inbox / name).stat().st_mtime_ns)
    return Ingestor(engine, "run-1").load(spec, delivery, folders)


def count(engine: sa.Engine, statement: sa.Executable) -> int:
    with engine.connect() as conn:
        return conn.execute(statement).scalar_one()


def report_of(data_dir: Path, source: str, name: str) -> dict:
    rejected = next((data_dir / "rejected" / source).rglob(name))
    return json.loads(rejected.with_name(name + ".report.json").read_text())


def test_a_drifted_delivery_of_an_on_drift_fail_source_is_rejected_before_it_loads(
    data_dir, engine
):
    customers = CATALOG["customers"].model_copy(update={"on_drift": "fail"})
    ingest(data_dir, engine, customers, "customers_2026-11-01.csv")

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, customers, "kunden_eu_2026-11-02.csv")

    assert caught.value.rule == "dialect_drift"
    assert "on_drift: fail" in caught.value.describe()
    assert count(engine, sa.text("SELECT count(*) FROM customers")) == 6
    assert count(engine, sa.select(sa.func.count()).select_from(ledger)) == 1
    report = report_of(data_dir, "customers", "kunden_eu_2026-11-02.csv")
    assert report["check"] == "dialect_drift"
    assert {change["aspect"] for change in report["drift"]} >= {"encoding", "delimiter"}


def test_a_delivery_breaking_a_blocking_rule_loads_nothing_and_names_the_rule(data_dir, engine):
    orders = CATALOG["orders"].model_copy(update={"blocking_rules": ["status__isin"]})

    with pytest.raises(BadFileError) as caught:
        ingest(data_dir, engine, orders, "orders_2026-11-02.csv")

    assert caught.value.rule == "status__isin" and caught.value.column == "status"
    with engine.connect() as conn:
        assert (
            not sa.inspect(conn).has_table("orders")
            or count(engine, sa.text("SELECT count(*) FROM orders")) == 0
        )
    assert count(engine, sa.select(sa.func.count()).select_from(quarantine)) == 0
    assert report_of(data_dir, "orders", "orders_2026-11-02.csv")["check"] == "status__isin"


def test_the_same_rule_not_blocking_quarantines_its_rows_and_loads_the_rest(data_dir, engine):
    report = ingest(data_dir, engine, CATALOG["orders"], "orders_2026-11-02.csv")

    assert report.status == "loaded" and report.failures.by_rule["status__isin"] >= 1
    assert count(engine, sa.text("SELECT count(*) FROM orders")) == report.rows_loaded > 0
