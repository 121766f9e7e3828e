"""A source whose drop folder is on a real S3 API or SFTP server, through a real Dagster run."""

import time

import dagster as dg
import sqlalchemy as sa

from csv_assets.catalog import load_catalog
from csv_assets.components.csv_source.asset import build_csv_asset
from csv_assets.components.csv_source.resources import DropFolders, Warehouse
from csv_assets.components.csv_source.sensor import build_drop_folder_sensor
from csv_assets.pipeline.load import ledger
from csv_assets_support.payments import write_payments
from csv_assets_tests.servers import SFTP_PASSWORD


def remote_definitions(url: str):
    """payments, dropping into ``url``: its asset, load job and sensor, as the component builds."""
    source = load_catalog()["payments"].model_copy(
        update={"drop_folder": url, "settle_seconds": 0.0}
    )
    partitions = dg.DynamicPartitionsDefinition(name="payments_deliveries")
    asset = build_csv_asset(source, partitions)
    job = dg.define_asset_job(
        "load_payments",
        selection=[asset.key],
        partitions_def=partitions,
        executor_def=dg.in_process_executor,
    )
    return asset, job, build_drop_folder_sensor(source, job.name, partitions)


def test_files_dropped_remotely_are_listed_by_the_sensor_and_loaded_by_a_run(
    remote_folder, database_url, tmp_path
):
    for n in range(3):
        path = write_payments(tmp_path / f"payments_{n}.psv", 100, first_id=n * 100)
        remote_folder.put(path.name, path.read_bytes(), mtime=time.time() - 60)
    asset, job, sensor = remote_definitions(remote_folder.url)
    settings = remote_folder.settings
    folders = DropFolders(
        data_dir=str(tmp_path / "data"),
        spool_dir=str(settings.spool_dir),
        s3_endpoint_url=settings.s3_endpoint_url,
        sftp_password=settings.sftp_password,
        sftp_known_hosts=settings.sftp_known_hosts,
    )
    definitions = dg.Definitions(
        assets=[asset],
        jobs=[job],
        sensors=[sensor],
        resources={"drop_folders": folders, "warehouse": Warehouse(database_url=database_url)},
    )

    with dg.instance_for_test() as instance:
        results = []
        cursor = None
        for _ in range(2):  # a file is ready once a scan before this one saw it as it is
            time.sleep(1.5)
            with dg.build_sensor_context(
                instance=instance, cursor=cursor, resources={"drop_folders": folders}
            ) as context:
                results.append(sensor(context))
            cursor = results[-1].cursor
        assert results[0].run_requests == []
        (request,) = results[1].run_requests
        instance.add_dynamic_partitions(
            "payments_deliveries", list(results[1].dynamic_partitions_requests[0].partition_keys)
        )
        run = definitions.resolve_job_def("load_payments").execute_in_process(
            instance=instance, tags=request.tags
        )
        materialized = instance.get_materialized_partitions(asset.key)

    assert run.success and len(materialized) == 3
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM payments")).scalar_one() == 300
        assert conn.execute(sa.select(sa.func.count()).select_from(ledger)).scalar_one() == 3
    engine.dispose()
    assert [key.split("/")[0] for key in remote_folder.files()] == ["archive"] * 3


def test_a_folder_the_sensor_cannot_list_skips_the_tick_in_one_line(sftp_server, tmp_path):
    (sftp_server.root / "refused").mkdir(exist_ok=True)
    url = sftp_server.url("refused")
    _, _, sensor = remote_definitions(url)

    def tick(password: str, cursor: str | None) -> dg.SensorResult:
        folders = DropFolders(
            data_dir=str(tmp_path),
            sftp_password=password,
            sftp_known_hosts=str(sftp_server.known_hosts),
        )
        with (
            dg.instance_for_test() as instance,
            dg.build_sensor_context(
                instance=instance, cursor=cursor, resources={"drop_folders": folders}
            ) as context,
        ):
            return sensor(context)

    seen = tick(SFTP_PASSWORD, None)
    refused = tick("wrong", seen.cursor)

    reason = refused.skip_reason.skip_message
    assert reason.startswith(f"{url}: cannot list the drop folder (")
    assert "Authentication failed" in reason and "\n" not in reason
    assert refused.cursor is None and refused.run_requests == []  # the cursor stays as it was
    assert tick(SFTP_PASSWORD, seen.cursor).skip_reason is None  # and the next tick goes on
