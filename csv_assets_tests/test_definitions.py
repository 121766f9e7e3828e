"""The loaded Definitions match the source YAML files, one for one."""

from pathlib import Path

import dagster as dg

from csv_assets.catalog import SourceSpec, load_catalog
from csv_assets.components import CsvSource
from csv_assets.definitions import defs

PROJECT = Path(__file__).resolve().parent.parent


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


def test_the_cli_reads_each_source_as_dagster_loads_its_component():
    tree = dg.ComponentTree.for_project(PROJECT)
    fields = set(SourceSpec.model_fields)

    loaded = {
        component.name: SourceSpec.model_validate(component.model_dump(include=fields))
        for component in tree.get_all_components(of_type=CsvSource)
    }

    assert loaded == load_catalog()


def test_a_yaml_with_several_documents_declares_each_source_as_dagster_reads_it(tmp_path):
    folder = tmp_path / "partners" / "acme"
    folder.mkdir(parents=True)
    source = "type: csv_assets.components.CsvSource\nattributes:\n  name: {name}\n"
    source += "  schema_model: csv_assets.schemas.orders:Orders\n"
    (folder / "defs.yaml").write_text(
        source.format(name="acme_orders") + "---\n" + source.format(name="acme_returns")
    )

    assert sorted(load_catalog(tmp_path)) == ["acme_orders", "acme_returns"]
