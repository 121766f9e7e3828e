"""One load run over many deliveries: a bad one stays with its own partition, the others load."""

import io
import json
import struct
import zipfile

import dagster as dg
import pytest
import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.components.csv_source.delivery_checks import rejected_result
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.definitions import defs
from csv_assets.pipeline.errors import BadFileError
from csv_assets_support.payments import write_payments
from csv_assets_tests.faults.loads import immutable


def stored_zip(name: str, content: bytes, *, flags: int = 0, method: int = 0) -> bytes:
    """A one-member stored zip, with its general-purpose flags and method fields patched.

    Flag bit 0 marks the member encrypted (``zip -P``); method 9 is Deflate64, which Windows
    Explorer uses for big files.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(name, content)
    data = bytearray(out.getvalue())
    local = 0
    central = data.index(b"PK\x01\x02")
    struct.pack_into("<HH", data, local + 6, flags, method)
    struct.pack_into("<HH", data, central + 8, flags, method)
    return bytes(data)


def test_poisoned_deliveries_do_not_take_the_runs_other_deliveries_with_them(
    data_dir, database_url, tmp_path
):
    inbox = data_dir / "inbox" / "payments"
    for old in inbox.iterdir():
        old.unlink()
    victim = tmp_path / "victim" / "secret.csv"
    victim.parent.mkdir()
    victim.write_text("SECRET_API_KEY=hunter2\n")
    good = [write_payments(inbox / f"good_{i}.csv", 50, first_id=i * 100) for i in (1, 2)]
    payload = write_payments(tmp_path / "inner.csv", 50, first_id=900).read_bytes()
    (inbox / "locked.zip").write_bytes(stored_zip("inner.csv", payload, flags=1))
    (inbox / "deflate64.zip").write_bytes(stored_zip("inner.csv", payload, method=9))
    definitions = defs()
    folders = DropFolders(data_dir=str(data_dir))
    listing = folders.folders(load_catalog()["payments"]).list_inbox()
    by_name = {f.name: f.delivery.key for f in listing}
    traversal = f"2026-12-04 17:40:32.334Z ../../../../{victim.relative_to('/')}"
    keys = [
        by_name["good_1.csv"],
        by_name["locked.zip"],
        by_name["deflate64.zip"],
        traversal,
        by_name["good_2.csv"],
    ]

    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("payments_deliveries", keys)
        run = definitions.resolve_job_def("load_payments").execute_in_process(
            instance=instance,
            tags={
                "dagster/asset_partition_range_start": keys[0],
                "dagster/asset_partition_range_end": keys[-1],
            },
            resources={"warehouse": Warehouse(database_url=database_url), "drop_folders": folders},
            raise_on_error=False,
        )
        evaluations = [
            event.asset_check_evaluation_data
            for event in run.all_events
            if event.event_type_value == "ASSET_CHECK_EVALUATION"
        ]
        accepted = {e.partition: e for e in evaluations if e.check_name == "delivery_accepted"}

    assert run.success
    assert {key: accepted[key].passed for key in keys} == {
        keys[0]: True,
        keys[1]: False,
        keys[2]: False,
        keys[3]: False,
        keys[4]: True,
    }
    rules = {key: accepted[key].metadata["rule"].value for key in keys[1:4]}
    assert rules == {
        keys[1]: "encrypted_archive",
        keys[2]: "unsupported_archive",
        keys[3]: "not_a_delivery",
    }
    assert victim.read_text() == "SECRET_API_KEY=hunter2\n"  # never read, never moved
    for name in ("locked.zip", "deflate64.zip"):
        (report,) = (data_dir / "rejected" / "payments").glob(f"*/{name}.report.json")
        assert json.loads(report.read_text())["file"] == name
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT file_name FROM csv_assets_ledger")).scalars()
        assert sorted(loaded) == ["good_1.csv", "good_2.csv"]
        assert conn.execute(sa.text("SELECT count(*) FROM payments")).scalar_one() == 100
    engine.dispose()
    assert [p.name for p in good if p.exists()] == []  # archived


def test_a_delivery_whose_archiving_fails_is_materialized_with_what_is_pending(
    data_dir, database_url
):
    inbox = data_dir / "inbox" / "payments"
    (sample,) = inbox.iterdir()
    definitions = defs()
    folders = DropFolders(data_dir=str(data_dir))
    (dropped,) = folders.folders(load_catalog()["payments"]).list_inbox()

    with (
        immutable(data_dir / "archive" / "payments"),
        dg.instance_for_test() as instance,
    ):
        instance.add_dynamic_partitions("payments_deliveries", [dropped.delivery.key])
        run = definitions.resolve_job_def("load_payments").execute_in_process(
            instance=instance,
            partition_key=dropped.delivery.key,
            resources={"warehouse": Warehouse(database_url=database_url), "drop_folders": folders},
        )
        (event,) = run.get_asset_materialization_events()

    metadata = event.materialization.metadata
    assert run.success and metadata["rows_loaded"].value == 12
    assert "moving it to" in metadata["pending"].value
    assert sample.is_file()  # still in the inbox, for the next tick to finish


def test_a_rejections_requeue_line_is_safe_to_paste_whatever_the_file_is_called():
    name = "bad $(touch PWNED) x.psv"
    refused = BadFileError(name, "header missing", rule="missing_column")

    result = rejected_result(load_catalog()["payments"], refused)

    assert result.metadata["requeue"].value == f"csv-assets requeue payments '{name}'"
    assert "'bad $(touch PWNED) x.psv'" in result.description


def load_sample(data_dir, url: sa.URL):
    """Run load_payments over the sample payments delivery against the warehouse at ``url``.

    Returns the run's result, its stored event log and the delivery's key.
    """
    folders = DropFolders(data_dir=str(data_dir))
    (dropped,) = folders.folders(load_catalog()["payments"]).list_inbox()
    warehouse = Warehouse(database_url=url.render_as_string(hide_password=False))
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("payments_deliveries", [dropped.delivery.key])
        run = (
            defs()
            .resolve_job_def("load_payments")
            .execute_in_process(
                instance=instance,
                partition_key=dropped.delivery.key,
                resources={"warehouse": warehouse, "drop_folders": folders},
                raise_on_error=False,
            )
        )
        return run, instance.all_logs(run.run_id), dropped.delivery.key


def test_a_password_passed_as_a_query_parameter_never_reaches_the_metadata(data_dir, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("a password as a query parameter is libpq's (PostgreSQL)")
    url = sa.make_url(database_url).update_query_dict({"password": "hunter2"})

    run, entries, _ = load_sample(data_dir, url)
    stored = [str(e.dagster_event) for e in entries]

    (event,) = run.get_asset_materialization_events()
    assert "password=***" in event.materialization.metadata["dagster/uri"].value
    assert not [line for line in stored if "hunter2" in line]  # nor in the run's history


def test_a_database_that_does_not_exist_fails_the_step_without_retry_rounds(data_dir, database_url):
    if database_url.startswith(("sqlite", "duckdb")):
        pytest.skip("a database that does not exist is a server's (PostgreSQL, MariaDB)")
    url = sa.make_url(database_url).set(database="no_such_thing_csv_assets")

    run, entries, key = load_sample(data_dir, url)
    messages = [e.message for e in entries]

    assert not run.success
    retried = [e for e in entries if e.dagster_event and e.dagster_event.is_step_up_for_retry]
    assert not retried  # no rounds of waiting for what cannot pass
    (failure,) = [
        m
        for m in messages
        if "will not pass by itself" in m and ("does not exist" in m or "Unknown database" in m)
    ]
    assert key in failure or "payments_2026-11-01.psv" in failure
