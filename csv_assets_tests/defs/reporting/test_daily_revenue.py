"""daily_revenue's automation: it rebuilds after upstream loads whose blocking checks passed."""

import dagster as dg
import sqlalchemy as sa

from csv_assets.components.csv_source.resources import Warehouse
from csv_assets.definitions import defs
from csv_assets.defs.reporting.revenue_sql import (
    build_daily_revenue,
    daily_revenue_table,
    revenue_totals,
)
from csv_assets_tests.components.csv_source.test_asset import materialize

REVENUE = dg.AssetKey("daily_revenue")


def load_samples(data_dir, database_url, instance) -> None:
    for source, name in (
        ("customers", "customers_2026-11-01.csv"),
        ("orders", "orders_2026-11-01.csv"),
    ):
        assert materialize(source, name, data_dir, database_url, instance).success


def first_tick(instance) -> object:
    """The automation sensor's first evaluation: its cursor is what the next tick compares with."""
    return dg.evaluate_automation_conditions(defs=defs(), instance=instance).cursor


def requested(instance, cursor) -> bool:
    result = dg.evaluate_automation_conditions(defs=defs(), instance=instance, cursor=cursor)
    return any(r.key == REVENUE for r in result.results if r.true_subset.size)


def test_daily_revenue_is_requested_after_clean_upstream_loads(data_dir, database_url):
    with dg.instance_for_test() as instance:
        cursor = first_tick(instance)
        load_samples(data_dir, database_url, instance)

        assert requested(instance, cursor)


def test_a_failed_blocking_check_upstream_holds_daily_revenue_back(data_dir, database_url):
    with dg.instance_for_test() as instance:
        cursor = first_tick(instance)
        load_samples(data_dir, database_url, instance)
        (delivery,) = instance.get_materialized_partitions(dg.AssetKey("orders"))
        instance.report_runless_asset_event(
            dg.AssetCheckEvaluation(
                asset_key=dg.AssetKey("orders"),
                check_name="rows_reconcile",
                passed=False,
                severity=dg.AssetCheckSeverity.ERROR,
                blocking=True,
                partition=delivery,
            )
        )

        assert not requested(instance, cursor)


def test_daily_revenue_reports_its_columns_lineage_preview_and_reconciled_totals(
    data_dir, database_url
):
    with dg.instance_for_test() as instance:
        load_samples(data_dir, database_url, instance)
        result = dg.materialize(
            [defs().get_assets_def("daily_revenue")],
            instance=instance,
            resources={"warehouse": Warehouse(database_url=database_url)},
        )

    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    lineage = metadata["dagster/column_lineage"].value.deps_by_column
    assert {(d.asset_key.path[0], d.column_name) for d in lineage["revenue"]} == {
        ("orders", "quantity"),
        ("orders", "unit_price"),
        ("orders", "status"),
    }
    assert [c.name for c in metadata["dagster/column_schema"].value.columns][:2] == [
        "day",
        "country",
    ]
    assert metadata["preview"].value.records
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "totals_reconcile" and check.passed


def test_totals_that_drift_from_the_orders_table_are_named(data_dir, database_url, engine):
    with dg.instance_for_test() as instance:
        load_samples(data_dir, database_url, instance)
    build_daily_revenue(engine, "test-run")
    with engine.begin() as conn:
        conn.execute(sa.update(daily_revenue_table).values(units=daily_revenue_table.c.units + 1))

    totals = revenue_totals(engine)

    assert totals["orders"]["revenue"] == totals["daily_revenue"]["revenue"]
    assert totals["orders"]["units"] != totals["daily_revenue"]["units"]
