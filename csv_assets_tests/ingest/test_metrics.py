"""The metrics an operator scrapes, read by Prometheus' own parser, against the ledger by SQL."""

import os
import time

import pytest
import sqlalchemy as sa
from prometheus_client.parser import text_string_to_metric_families

from csv_assets.catalog import load_catalog
from csv_assets.ingest import create_warehouse_engine
from csv_assets.ingest.metrics import exposition, gather
from csv_assets.storage import RemoteSettings, SourceFolders
from csv_assets_tests.conftest import drop
from csv_assets_tests.ingest.test_overview import load_all

CATALOG = load_catalog()


def scraped(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample Prometheus reads from ``text``: (name, sorted labels) -> value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_outcomes_latencies_and_waiting_files_agree_with_the_ledger(data_dir, engine):
    orders = CATALOG["orders"]
    load_all(orders, SourceFolders.under(data_dir, "orders", orders.inbox), engine)
    drop(data_dir, "orders", "orders_bad.csv", "order_id;x\n1;2\n")
    load_all(orders, SourceFolders.under(data_dir, "orders", orders.inbox), engine)
    waiting = drop(data_dir, "orders", "orders_next.csv", "not yet loaded\n")
    os.utime(waiting, (time.time() - 600,) * 2)
    settings = RemoteSettings(spool_dir=data_dir / "spool")

    samples = scraped(exposition(gather([orders], engine, data_dir, settings)))

    with engine.connect() as conn:
        loaded, rows, bad, seconds = conn.execute(
            sa.text(
                "SELECT count(*), sum(rows_loaded), sum(rows_rejected), sum(load_seconds) "
                "FROM csv_assets_ledger WHERE source = 'orders'"
            )
        ).one()
        held = conn.execute(sa.text("SELECT count(*) FROM csv_assets_quarantine")).scalar_one()
    source = (("source", "orders"),)
    assert loaded >= 1 and held >= 1
    assert samples[("csv_assets_deliveries_loaded_total", source)] == loaded
    assert samples[("csv_assets_rows_total", (("outcome", "loaded"), *source))] == rows
    assert samples[("csv_assets_rows_total", (("outcome", "quarantined"), *source))] == bad
    assert samples[("csv_assets_quarantined_rows", source)] == held
    assert samples[("csv_assets_load_seconds_count", source)] == loaded
    assert samples[("csv_assets_load_seconds_sum", source)] == pytest.approx(seconds)
    assert samples[("csv_assets_load_seconds_bucket", (("le", "+Inf"), *source))] == loaded
    assert samples[("csv_assets_inbox_files", source)] == 1
    assert samples[("csv_assets_rejected_files", source)] == 1
    assert 590 < samples[("csv_assets_inbox_oldest_seconds", source)] < 900
    assert samples[("csv_assets_drop_folder_up", source)] == 1
    assert samples[("csv_assets_warehouse_up", ())] == 1


def test_a_folder_or_a_warehouse_that_cannot_be_read_is_down_not_an_error(tmp_path):
    orders = CATALOG["orders"].model_copy(update={"drop_folder": "s3://drops/orders/"})
    settings = RemoteSettings(spool_dir=tmp_path, s3_endpoint_url="http://127.0.0.1:9")
    up = create_warehouse_engine(f"sqlite:///{tmp_path / 'w.db'}")
    down = create_warehouse_engine("postgresql+psycopg://nobody@127.0.0.1:9/none")
    try:
        no_folder = scraped(exposition(gather([orders], up, tmp_path, settings)))
        no_warehouse = scraped(exposition(gather([orders], down, tmp_path, settings)))
    finally:
        up.dispose()
        down.dispose()

    assert no_folder[("csv_assets_drop_folder_up", (("source", "orders"),))] == 0
    assert no_folder[("csv_assets_warehouse_up", ())] == 1
    assert no_warehouse == {("csv_assets_warehouse_up", ()): 0}
