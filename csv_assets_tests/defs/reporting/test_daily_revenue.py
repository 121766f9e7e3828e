"""daily_revenue's automation: it rebuilds after upstream loads whose blocking checks passed."""

import dagster as dg

from csv_assets.definitions import defs
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
