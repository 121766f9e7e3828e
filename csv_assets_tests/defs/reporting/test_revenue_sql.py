"""daily_revenue's SQL, run on SQLite and PostgreSQL over loaded orders and customers."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.defs.reporting.revenue_sql import build_daily_revenue
from csv_assets.ingest import Ingestor, create_warehouse_engine
from csv_assets_tests.commands.test_cli import csv_assets

CATALOG = load_catalog()
CUSTOMERS = """Customer ID,Name,Email,Country,Signup Date,Credit Limit
1001,Acme Logistics Ltd,billing@acme.example,GB,2024-03-14,25000.00
1002,Nordwind Handels GmbH,rechnung@nordwind.example,DE,2023-11-02,15000.00
"""
ORDERS = """order_id,customer_id,ordered_at,status,sku,quantity,unit_price,note
1,1001,2026-11-01T08:00:00Z,shipped,ABC-1001,3,129.00,
2,1001,2026-11-01T09:00:00Z,paid,ABC-1002,1,0.10,
3,1002,2026-11-01T10:00:00Z,delivered,ABC-1003,1,0.10,
7,1002,2026-11-01T10:10:00Z,delivered,ABC-1003,1,0.20,
8,1002,2026-11-01T10:20:00Z,delivered,ABC-1003,1,0.10,
9,1002,2026-11-01T10:30:00Z,delivered,ABC-1003,1,0.20,
4,1002,2026-11-01T11:00:00Z,placed,ABC-1004,5,9.99,not paid yet: no revenue
5,1999,2026-11-02T12:00:00Z,paid,ABC-1005,1,0.10,customer unknown to the CRM
6,1002,2026-11-02T13:00:00Z,cancelled,ABC-1006,1,50.00,
"""


def load(engine: sa.Engine, tmp_path: Path, source: str, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    report = Ingestor(engine, "test").load_file(CATALOG[source], path, f"{name}@t")
    assert report.rows_rejected == 0


def test_daily_revenue_sums_revenue_orders_per_day_and_country(engine, tmp_path):
    load(engine, tmp_path, "customers", "customers.csv", CUSTOMERS)
    load(engine, tmp_path, "orders", "orders.csv", ORDERS)

    written = build_daily_revenue(engine, "test-run")

    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT day, country, orders, units, revenue FROM daily_revenue ORDER BY 1, 2")
        ).all()
    assert written == 3
    assert [(str(day)[:10], country, orders, units) for day, country, orders, units, _ in rows] == [
        ("2026-11-01", "DE", 4, 4),
        ("2026-11-01", "GB", 2, 4),
        ("2026-11-02", "??", 1, 1),
    ]
    revenue = {(str(day)[:10], country): Decimal(str(value)) for day, country, *_, value in rows}
    assert revenue[("2026-11-01", "GB")] == Decimal("387.10")
    # 0.10 + 0.20 + 0.10 + 0.20 as binary floats is 0.6000000000000001.
    assert revenue[("2026-11-01", "DE")] == Decimal("0.60")
    assert revenue[("2026-11-02", "??")] == Decimal("0.10")


def test_rebuilding_daily_revenue_replaces_it_whole(engine, tmp_path):
    load(engine, tmp_path, "customers", "customers.csv", CUSTOMERS)
    load(engine, tmp_path, "orders", "orders.csv", ORDERS)

    assert build_daily_revenue(engine, "test-run") == build_daily_revenue(engine, "test-run")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM daily_revenue")).scalar_one() == 3


def test_a_day_is_a_utc_day_whatever_the_servers_time_zone(database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("a server time zone is PostgreSQL's (SQLite keeps the text it was given)")
    tokyo = sa.make_url(database_url)
    options = f"{tokyo.query.get('options', '')} -c timezone=Asia/Tokyo".strip()
    engine = create_warehouse_engine(
        tokyo.update_query_dict({"options": options}).render_as_string(hide_password=False)
    )
    late = "10,1001,2026-11-01T20:00:00Z,paid,ABC-1001,1,1.00,Tokyo's 2 November already\n"
    try:
        load(engine, tmp_path, "customers", "customers.csv", CUSTOMERS)
        load(engine, tmp_path, "orders", "orders.csv", ORDERS + late)
        build_daily_revenue(engine, "test-run")
        with engine.connect() as conn:
            days = conn.execute(
                sa.text("SELECT day, sum(orders) FROM daily_revenue GROUP BY day ORDER BY day")
            ).all()
    finally:
        engine.dispose()

    assert [(str(day)[:10], int(orders)) for day, orders in days] == [
        ("2026-11-01", 7),
        ("2026-11-02", 1),
    ]


def test_each_build_is_recorded_with_its_freshness_and_status_shows_its_age(
    engine, database_url, tmp_path
):
    load(engine, tmp_path, "customers", "customers.csv", CUSTOMERS)
    load(engine, tmp_path, "orders", "orders.csv", ORDERS)
    build_daily_revenue(engine, "run-1", 36)
    build_daily_revenue(engine, "run-2", 36)
    where = {"data_dir": tmp_path / "data", "database_url": database_url}

    fresh = csv_assets("status", "--json", **where)
    with engine.begin() as conn:  # two days without a rebuild
        conn.execute(
            sa.text("UPDATE csv_assets_builds SET built_at = :at"),
            {"at": datetime.now(UTC) - timedelta(days=2)},
        )
    stale = csv_assets("status", **where)

    (built,) = json.loads(fresh.stdout)["built"]
    assert (built["asset"], built["row_count"], built["run_id"]) == ("daily_revenue", 3, "run-2")
    assert (built["fresh"], built["freshness_hours"]) == ("ok", 36)
    line = next(line for line in stale.stdout.splitlines() if line.startswith("daily_revenue"))
    assert "2.0d  stale (<36h)" in line
