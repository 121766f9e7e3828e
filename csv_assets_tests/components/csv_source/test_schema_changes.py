"""A delivery that widens its table and repeats a key, through the load job: its checks."""

import os
import time

import dagster as dg

from csv_assets.catalog import SourceSpec
from csv_assets.components.csv_source.asset import build_csv_asset
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.storage import Delivery

HEADER = "line_id,count,price,shipped,note\n"


def drop(inbox, name: str, body: str, age: float) -> str:
    path = inbox / name
    path.write_text(HEADER + body)
    os.utime(path, (time.time() - age, time.time() - age))
    return Delivery.of(name, path.stat().st_mtime_ns).key


def test_a_widening_shows_in_the_materialization_its_column_schema_and_a_check(
    tmp_path, database_url
):
    source = SourceSpec.model_validate(
        {
            "name": "counts",
            "schema_model": "csv_assets_tests.models:Counts",
            "schema_evolution": {"data_type": "widen"},
            "key_columns": ["line_id"],
        }
    )
    inbox = tmp_path / "data" / "inbox" / "counts"
    inbox.mkdir(parents=True)
    keys = [drop(inbox, "a.csv", "1,3,,,\n", 120), drop(inbox, "b.csv", "1,2.5,,,\n", 60)]
    partitions = dg.DynamicPartitionsDefinition(name="counts_deliveries")
    asset = build_csv_asset(source, partitions)
    resources = {
        "warehouse": Warehouse(database_url=database_url),
        "drop_folders": DropFolders(data_dir=str(tmp_path / "data")),
    }

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("counts_deliveries", keys)
        results = [
            dg.materialize([asset], partition_key=key, resources=resources, instance=instance)
            for key in keys
        ]

    first, second = ({e.check_name: e for e in r.get_asset_check_evaluations()} for r in results)
    assert first["schema_changes"].passed and first["unique_keys"].passed
    keys = second["unique_keys"]
    assert not keys.passed and keys.description == (
        "warning: 1 row(s) carry a key (line_id) an earlier delivery loaded; "
        "they load, and this check warns"
    )
    check = second["schema_changes"]
    assert not check.passed and check.severity == dg.AssetCheckSeverity.WARN
    assert check.description == "warning: count widened (NUMERIC(19,1))"
    (event,) = results[1].get_asset_materialization_events()
    metadata = event.materialization.metadata
    (change,) = metadata["schema_changes"].value.records
    assert change.data == {
        "column": "count",
        "change": "widened",
        "before": "BIGINT",
        "after": "NUMERIC(19,1)",
    }
    types = {c.name: c.type for c in metadata["dagster/column_schema"].schema.columns}
    assert types["count"] == "NUMERIC(19,1)"
