"""Each source at a glance: last delivery and age, files waiting, files rejected; remote too."""

import contextlib
from datetime import UTC, datetime, timedelta

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.ingest import Ingestor, create_warehouse_engine, source_status
from csv_assets.pipeline.errors import BadFileError
from csv_assets.storage import RemoteSettings, SourceFolders
from csv_assets_tests.conftest import SAMPLE_INBOX, drop

CATALOG = load_catalog()
ORDERS = (SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv").read_bytes()


def load_all(source, folders, engine) -> None:
    for dropped in folders.list_inbox():
        with contextlib.suppress(BadFileError):  # a rejected file now waits in rejected/
            Ingestor(engine, "run-1").load(source, dropped.delivery, folders)


def test_status_gives_the_last_delivery_its_freshness_and_what_waits(data_dir, engine):
    orders = CATALOG["orders"]
    load_all(orders, SourceFolders.under(data_dir, "orders", orders.inbox), engine)
    drop(data_dir, "orders", "orders_bad.csv", "order_id;x\n1;2\n")
    folders = SourceFolders.under(data_dir, "orders", orders.inbox)
    load_all(orders, folders, engine)
    drop(data_dir, "orders", "orders_next.csv", "not yet loaded\n")
    settings = RemoteSettings(spool_dir=data_dir / "spool")

    (now,) = source_status([orders], engine, data_dir, settings)
    (later,) = source_status(
        [orders], engine, data_dir, settings, now=datetime.now(UTC) + timedelta(hours=40)
    )

    assert " orders_2026-11-0" in now.last_delivery
    assert (now.waiting, now.rejected, now.fresh) == (1, 1, "ok")
    assert later.fresh == "stale" and later.age_hours > orders.freshness_hours


def test_status_lists_a_remote_drop_folder_and_its_rejected_files(remote_folder, tmp_path):
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'w.db'}")
    orders = CATALOG["orders"].model_copy(update={"drop_folder": remote_folder.url})
    remote_folder.put("orders_2026-11-02.csv", ORDERS)
    remote_folder.put("orders_bad.csv", b"order_id;x\n1;2\n")
    load_all(orders, folders_for(orders, tmp_path, remote_folder.settings), engine)
    remote_folder.put("orders_waiting.csv", ORDERS)

    (status,) = source_status([orders], engine, tmp_path, remote_folder.settings)

    assert status.last_delivery.endswith(" orders_2026-11-02.csv")
    assert (status.waiting, status.rejected, status.folder_error) == (1, 1, None)


def test_a_server_that_does_not_answer_is_reported_not_raised(tmp_path):
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'w.db'}")
    orders = CATALOG["orders"].model_copy(update={"drop_folder": "s3://drops/orders/"})
    settings = RemoteSettings(spool_dir=tmp_path, s3_endpoint_url="http://127.0.0.1:9")

    (status,) = source_status([orders], engine, tmp_path, settings)

    assert status.waiting is None and "127.0.0.1:9" in status.folder_error
