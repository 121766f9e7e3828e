"""Each source's asset materialized with dg.materialize against SQLite and PostgreSQL."""

import re
from pathlib import Path

import dagster as dg
import pytest

from csv_assets.catalog import load_catalog
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.definitions import defs
from csv_assets.storage import Delivery
from csv_assets_tests.conftest import drop

METADATA_KEYS = [
    "dagster/row_count",
    "dagster/partition_row_count",
    "dagster/table_name",
    "dagster/uri",
    "dagster/column_schema",
    "rows_loaded",
    "rows_rejected",
    "rows_read",
    "status",
    "file",
    "sha256",
    "size",
    "seconds",
    "timings",
    "preview",
    "dialect",
    "column_types",
]
"""What every delivery's materialization shows first, in this order."""
CATALOG = load_catalog()


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
    assert list(metadata)[: len(METADATA_KEYS)] == METADATA_KEYS
    assert metadata["size"].value == "2.1 kB (2,126 bytes)"  # text, not a number to plot
    quarantined = metadata["quarantined_by_rule"].value
    assert {r.data["rule"] for r in quarantined.records} == {
        "ordered_at__type",
        "status__isin",
        "quantity__greater_than_or_equal_to",
    }
    assert not any(v.value in ("", "_none_") for v in metadata.values() if hasattr(v, "value"))
    assert metadata["dagster/row_count"].value == 27
    assert metadata["rows_rejected"].value == 3
    names = [c.name for c in metadata["dagster/column_schema"].schema.columns]
    assert names[:3] == ["order_id", "customer_id", "ordered_at"] and "_source_line" in names
    checks = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not checks["schema_valid"].passed
    assert checks["schema_valid"].severity == dg.AssetCheckSeverity.WARN
    assert checks["schema_valid"].description.startswith("warning: 3 row(s) quarantined")
    assert checks["not_empty"].passed and checks["rows_reconcile"].passed
    assert checks["delivery_accepted"].passed
    assert all(e.partition == event.partition for e in checks.values())
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
    (example,) = checks["status__isin"].metadata["examples"].value.records
    assert example.data["line"] == 12 and example.data["column"] == "status"


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
    assert metadata["drift_against"].value.endswith(" customers_2026-11-01.csv")
    sniffed = {r.data["decision"]: r.data for r in metadata["dialect"].value.records}
    assert sniffed["encoding"]["value"] == "'cp1252'"
    assert re.fullmatch(r"\d+%", sniffed["encoding"]["confidence"])
    types = {r.data["column"]: r.data for r in metadata["column_types"].value.records}
    assert types["signup_date"] == {
        "column": "signup_date",
        "kind": "date",
        "format": "%d.%m.%Y",
        "confidence": "100%",
        "nulls": 0,
    }


def test_a_rejected_delivery_is_one_failed_check_and_no_materialization(data_dir, database_url):
    drop(data_dir, "payments", "broken.psv", "payment_id|order_id\nPAY-000001|1\n")

    with dg.instance_for_test() as instance:
        result = materialize("payments", "broken.psv", data_dir, database_url, instance)

    # The rejection is the load doing its job: the run succeeds, nothing is materialized.
    assert result.success and not result.get_asset_materialization_events()
    (check,) = result.get_asset_check_evaluations()
    assert check.check_name == "delivery_accepted" and not check.passed
    assert check.severity == dg.AssetCheckSeverity.ERROR
    assert "broken.psv, line 1, column 'paid_at'" in check.description
    assert check.metadata["requeue"].value == "csv-assets requeue payments broken.psv"
    report = Path(check.metadata["report"].value)
    assert report.is_file() and report.parent.parent == data_dir / "rejected" / "payments"
    assert Path(check.metadata["rejected_file"].value).is_file()


@pytest.mark.parametrize("source", ["customers", "orders", "payments"])
def test_every_source_asset_describes_its_table_and_drop_folder(source):
    spec = defs().get_assets_def(source).specs_by_key[dg.AssetKey(source)]
    folder = (Path("data") / "inbox" / source).resolve()
    assert f"Files dropped into {folder} load into table {source}," in spec.description
    assert "`" not in spec.description
    assert spec.metadata["dagster/table_name"] == source


def test_the_ui_shows_the_drop_folder_the_runs_resource_reads(monkeypatch, data_dir):
    monkeypatch.setenv("CSV_ASSETS_DATA_DIR", str(data_dir))
    definitions = defs()
    spec = definitions.get_assets_def("orders").specs_by_key[dg.AssetKey("orders")]

    with dg.build_resources({"drop_folders": definitions.resources["drop_folders"]}) as resources:
        inbox = resources.drop_folders.folders(CATALOG["orders"]).inbox

    assert inbox == data_dir / "inbox" / "orders" and inbox.is_dir()
    assert f"Files dropped into {inbox} load" in spec.description
    assert spec.metadata["drop_folder"] == str(inbox)


def test_the_ui_says_when_the_data_folder_is_not_set(monkeypatch):
    monkeypatch.delenv("CSV_ASSETS_DATA_DIR", raising=False)

    spec = defs().get_assets_def("orders").specs_by_key[dg.AssetKey("orders")]

    assert "Files dropped into inbox/orders below $CSV_ASSETS_DATA_DIR (not set here)" in (
        spec.description
    )


def test_the_load_job_leaves_a_rejected_deliverys_other_checks_without_a_result(
    data_dir, database_url
):
    drop(data_dir, "payments", "broken.psv", "payment_id|order_id\nPAY-000001|1\n")
    asset = defs().get_assets_def("payments")
    (job,) = [j for j in defs().jobs if j.name == "load_payments"]
    key = Delivery.of("broken.psv", (data_dir / "inbox/payments/broken.psv").stat().st_mtime_ns)
    local = dg.Definitions(
        assets=[asset],
        jobs=[dg.define_asset_job(job.name, selection=job.selection)],
        resources={
            "warehouse": Warehouse(database_url=database_url),
            "drop_folders": DropFolders(data_dir=str(data_dir)),
        },
    )

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(asset.partitions_def.name, [key.key])
        result = local.resolve_job_def(job.name).execute_in_process(
            instance=instance, partition_key=key.key
        )
        history = {
            check.name: instance.event_log_storage.get_asset_check_execution_history(check, limit=5)
            for check in asset.check_keys
        }

    assert result.success
    # Skipped checks would mark the partition for good; unplanned ones have no result there.
    assert {name for name, records in history.items() if records} == {"delivery_accepted"}
    (record,) = history["delivery_accepted"]
    assert record.partition == key.key


def test_a_dagster_backfill_of_dated_partitions_loads_each_as_its_day(data_dir, database_url):
    from csv_assets.catalog import SourceSpec
    from csv_assets.components.csv_source.asset import build_csv_asset

    spec = {**CATALOG["payments"].model_dump(), "key_from": "name_date"}
    dated = SourceSpec.model_validate({**spec, "key_format": "payments_%Y-%m-%d.psv"})
    (sample,) = (data_dir / "inbox" / "payments").iterdir()
    for day in ("2024-01-02", "2024-01-01"):
        (sample.parent / f"payments_{day}.psv").write_bytes(sample.read_bytes())
    sample.unlink()
    partitions = dg.DynamicPartitionsDefinition(name="payments_deliveries")
    keys = [f"2024-01-0{d} 00:00:00.000Z payments_2024-01-0{d}.psv" for d in (1, 2)]

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions(partitions.name, keys)
        results = [
            dg.materialize(
                [build_csv_asset(dated, partitions)],
                partition_key=key,
                instance=instance,
                resources={
                    "warehouse": Warehouse(database_url=database_url),
                    "drop_folders": DropFolders(data_dir=str(data_dir)),
                },
            )
            for key in keys
        ]

    assert [r.get_asset_materialization_events()[0].partition for r in results] == keys
    archive = data_dir / "archive" / "payments"
    assert sorted(p.parent.name for p in archive.glob("*/*.psv")) == [
        "20240101T000000.000Z",
        "20240102T000000.000Z",
    ]
