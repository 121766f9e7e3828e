"""The loaded Definitions match the source YAML files, one for one."""

import dagster as dg

from csv_assets.catalog import load_catalog
from csv_assets.definitions import defs


def test_every_catalog_source_has_an_asset_job_sensor_and_sweep():
    catalog = load_catalog()
    repository = defs().get_repository_def()

    assert set(catalog) == {"customers", "orders", "payments"}
    keys = {k.to_user_string() for k in repository.asset_graph.get_all_asset_keys()}
    assert keys == set(catalog) | {"daily_revenue"}
    for name in catalog:
        assert repository.get_sensor_def(f"{name}_drop_folder").default_status == (
            dg.DefaultSensorStatus.RUNNING
        )
        assert repository.has_schedule_def(f"{name}_sweep")
        assert repository.has_job(f"load_{name}")


def test_daily_revenue_depends_on_orders_and_customers():
    graph = defs().get_repository_def().asset_graph
    parents = graph.get(dg.AssetKey("daily_revenue")).parent_keys
    assert parents == {dg.AssetKey("orders"), dg.AssetKey("customers")}
