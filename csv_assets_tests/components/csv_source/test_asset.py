"""Each source's asset materialized with dg.materialize against SQLite and PostgreSQL."""

import re

import dagster as dg
import pytest

from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.definitions import defs
from csv_assets.ingest import Delivery
from csv_assets_tests.conftest import drop

METADATA_KEYS = {
    "dagster/row_count",
    "dagster/partition_row_count",
    "dagster/table_name",
    "dagster/uri",
    "dagster/column_schema",
    "status",
    "rows_read",
    "rows_loaded",
    "rows_rejected",
    "file",
    "sha256",
    "bytes",
    "encoding",
    "delimiter",
    "dialect",
    "seconds",
    "rows_per_second",
    "timings",
    "rejects_by_rule",
    "failure_samples",
    "preview",
    "sniffed",
    "column_types",
    "drift",
    "drift_against",
}


def materialize(source: str, name: str, data_dir, database_url, instance):
    path = data_dir / "inbox" / source / name
    key = Delivery.of(name, path.stat().st_mtime_ns).key
    definitions = defs()
    partitions = definitions.get_assets_def(source).partitions_def
    instance.add_dynamic_partitions(partitions.name, [key])
    return dg.materialize(
        [definitions.get_assets_def(source)],
        partition_key=key,
        instance=instance,
        resources={
            "warehouse": Warehouse(database_url=database_url),
            "drop_folders": DropFolders(data_dir=str(data_dir)),
        },
        raise_on_error=False,
    )


def test_materialization_reports_the_metadata_contract_and_checks(data_dir, database_url):
    with dg.instance_for_test() as instance:
        result = materialize("orders", "orders_2026-11-02.csv", data_dir, database_url, instance)

    assert result.success
    (event,) = result.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert set(metadata) >= METADATA_KEYS
    assert metadata["dagster/row_count"].value == 27
    assert metadata["rows_rejected"].value == 3
    names = [c.name for c in metadata["dagster/column_schema"].schema.columns]
    assert names[:3] == ["order_id", "customer_id", "ordered_at"] and "_source_line" in names
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["schema_valid"].passed
    assert checks["schema_valid"].severity == dg.AssetCheckSeverity.WARN
    assert checks["not_empty"].passed and checks["rows_reconcile"].passed
    failing = {
        name: check.metadata["failures"].value
        for name, check in checks.items()
        if not check.passed and name != "schema_valid"
    }
    assert failing == {
        "ordered_at__type": 1,
        "status__isin": 1,
        "quantity__greater_than_or_equal_to": 1,
    }
    assert checks["sku__str_matches"].passed and checks["frame__ragged_row"].passed
    assert "line" in checks["status__isin"].metadata["examples"].value


def test_a_delivery_written_differently_warns_through_the_drift_check(data_dir, database_url):
    with dg.instance_for_test() as instance:
        first = materialize(
            "customers", "customers_2026-11-01.csv", data_dir, database_url, instance
        )
        second = materialize(
            "customers", "kunden_eu_2026-11-02.csv", data_dir, database_url, instance
        )

    before = {e.check_name: e for e in first.get_asset_check_evaluations()}["dialect_drift"]
    after = {e.check_name: e for e in second.get_asset_check_evaluations()}["dialect_drift"]
    assert before.passed and "first delivery" in before.description
    assert not after.passed and after.severity == dg.AssetCheckSeverity.WARN
    assert "encoding was 'utf-8'" in after.description and "delimiter" in after.description
    (event,) = second.get_asset_materialization_events()
    metadata = event.materialization.metadata
    assert metadata["drift_against"].value.startswith("customers_2026-11-01.csv@")
    assert re.search(r"\| encoding \| 'cp1252' \| [01]\.\d+ \|", metadata["sniffed"].value)
    assert "| signup_date | date | %d.%m.%Y | 1.0 | 0 |" in metadata["column_types"].value
    assert "| name | string |  | 1.0 | 0 |" in metadata["column_types"].value


def test_a_bad_file_fails_the_run_without_retry_and_lands_in_rejected(data_dir, database_url):
    drop(data_dir, "payments", "broken.psv", "payment_id|order_id\nPAY-000001|1\n")

    with dg.instance_for_test() as instance:
        result = materialize("payments", "broken.psv", data_dir, database_url, instance)

    assert not result.success
    failure = result.get_step_failure_events()[0]
    assert "broken.psv, line 1, column 'paid_at'" in failure.event_specific_data.error.message
    assert list((data_dir / "rejected" / "payments").rglob("broken.psv.report.json"))


@pytest.mark.parametrize("source", ["customers", "orders", "payments"])
def test_every_source_asset_describes_its_table_and_drop_folder(source):
    spec = defs().get_assets_def(source).specs_by_key[dg.AssetKey(source)]
    assert f"inbox/{source}" in spec.description and f"Table `{source}`" in spec.description
    assert spec.metadata["dagster/table_name"] == source
