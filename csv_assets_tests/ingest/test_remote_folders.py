"""Remote drop folders against real servers: moto's S3 API and an asyncssh SFTP server.

Every delivery is dropped through the server, loaded by ``Ingestor.load`` (or by real
``csv-assets load`` processes at once), and judged by SQL and by what the server holds after.
"""

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.ingest import Ingestor, create_warehouse_engine
from csv_assets.pipeline.errors import BadFileError, LoadError
from csv_assets.pipeline.load import ledger
from csv_assets.storage import RemoteSettings, ready_files
from csv_assets.storage.stores import StoreError
from csv_assets_support.payments import write_payments
from csv_assets_tests.conftest import SAMPLE_INBOX

CATALOG = load_catalog()
ORDERS = (SAMPLE_INBOX / "orders" / "orders_2026-11-02.csv").read_bytes()


def remote_source(name: str, url: str):
    return CATALOG[name].model_copy(update={"drop_folder": url})


def count(engine: sa.Engine, statement: sa.Executable) -> int:
    with engine.connect() as conn:
        return conn.execute(statement).scalar_one()


def test_a_remote_delivery_loads_once_and_moves_to_the_archive(remote_folder, engine, tmp_path):
    remote_folder.put("orders_2026-11-02.csv", ORDERS)
    source = remote_source("orders", remote_folder.url)
    folders = folders_for(source, tmp_path, remote_folder.settings)

    (dropped,) = folders.list_inbox()
    report = Ingestor(engine, "run-1").load(source, dropped.delivery, folders)
    again = Ingestor(engine, "run-2").load(source, dropped.delivery, folders)

    assert (report.status, report.rows_loaded, again.status) == ("loaded", 27, "duplicate")
    assert count(engine, sa.select(sa.func.count()).select_from(sa.table("orders"))) == 27
    assert count(engine, sa.select(sa.func.count()).select_from(ledger)) == 1
    archived = f"archive/{dropped.delivery.stamp}/orders_2026-11-02.csv"
    assert remote_folder.files() == [archived]
    assert remote_folder.read(archived) == ORDERS  # moved whole, never rewritten
    assert report.file == again.file == remote_folder.url + archived
    assert list(remote_folder.settings.spool_dir.iterdir()) == []  # the spool is emptied


def test_a_bad_remote_delivery_is_rejected_with_its_report_beside_it(remote_folder, tmp_path):
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    remote_folder.put("orders_bad.csv", b"order_id;when\n1;yesterday\n")
    source = remote_source("orders", remote_folder.url)
    folders = folders_for(source, tmp_path, remote_folder.settings)
    (dropped,) = folders.list_inbox()

    with pytest.raises(BadFileError, match=r"orders_bad\.csv"):
        Ingestor(engine, "run-1").load(source, dropped.delivery, folders)

    kept = f"rejected/{dropped.delivery.stamp}/orders_bad.csv"
    assert remote_folder.files() == [kept, kept + ".report.json"]
    report = json.loads(remote_folder.read(kept + ".report.json"))
    assert report["file"] == "orders_bad.csv" and report["reason"]
    assert folders.list_rejected() == [f"{dropped.delivery.stamp}/orders_bad.csv"]
    assert folders.read_report(folders.list_rejected()[0]) == report  # what an alert says
    assert not sa.inspect(engine).has_table("orders")


def test_the_listing_holds_the_drop_folder_alone_and_files_are_ready_once_settled(
    remote_folder, tmp_path
):
    remote_folder.put("a.csv", b"x\n1\n")
    remote_folder.put("b.csv.part", b"x\n")  # an upload still under way
    remote_folder.put("archive/20261101T000000.000Z/old.csv", b"x\n")
    folders = folders_for(
        remote_source("orders", remote_folder.url), tmp_path, remote_folder.settings
    )

    listing = folders.list_inbox()
    now = time.time()

    assert [f.name for f in listing] == ["a.csv"]
    assert ready_files(listing, None, now, 0) == []  # no scan before: not yet
    assert ready_files(listing, now + 2, now + 2, 0) == listing  # seen still since a scan


def test_a_spool_without_room_leaves_the_delivery_where_it_is(remote_folder, tmp_path):
    remote_folder.put("orders_2026-11-02.csv", ORDERS)
    settings = RemoteSettings(**{**vars(remote_folder.settings), "spool_reserve_bytes": 1 << 60})
    source = remote_source("orders", remote_folder.url)
    folders = folders_for(source, tmp_path, settings)
    (dropped,) = folders.list_inbox()

    with pytest.raises(LoadError, match="do not fit in the spool"):
        engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
        Ingestor(engine, "run-1").load(source, dropped.delivery, folders)

    assert remote_folder.files() == ["orders_2026-11-02.csv"]


LOADER = """
import sys
from pathlib import Path
from csv_assets.ingest import Ingestor, create_warehouse_engine
from csv_assets.storage import Delivery, RemoteSettings
from csv_assets.catalog import folders_for, load_catalog
url, key, database_url, data_dir = sys.argv[1:5]
source = load_catalog()["payments"].model_copy(update={"drop_folder": url})
folders = folders_for(source, Path(data_dir), RemoteSettings.from_env(Path(data_dir)))
engine = create_warehouse_engine(database_url)
print(Ingestor(engine, "run").load(source, Delivery.from_key(key), folders).status)
"""


def test_loaders_of_one_remote_file_at_once_load_it_once(remote_folder, database_url, tmp_path):
    payments = write_payments(tmp_path / "payments_2026-11-20.psv", 2000)
    remote_folder.put(payments.name, payments.read_bytes())
    env = {**os.environ, **remote_env(remote_folder)}
    source = remote_source("payments", remote_folder.url)
    (dropped,) = folders_for(source, tmp_path, remote_folder.settings).list_inbox()
    args = [remote_folder.url, dropped.delivery.key, database_url, str(tmp_path / "data")]

    loaders = [
        subprocess.Popen(
            [sys.executable, "-c", LOADER, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outcomes = [loader.communicate(timeout=120) for loader in loaders]

    assert [loader.returncode for loader in loaders] == [0, 0, 0], outcomes
    assert sorted(out.strip() for out, _ in outcomes) == ["duplicate", "duplicate", "loaded"]
    engine = sa.create_engine(database_url)
    assert count(engine, sa.select(sa.func.count()).select_from(sa.table("payments"))) == 2000
    assert count(engine, sa.select(sa.func.count()).select_from(ledger)) == 1
    engine.dispose()
    assert [k.split("/")[0] for k in remote_folder.files()] == ["archive"]


def remote_env(remote_folder) -> dict[str, str]:
    """What an operator exports for ``csv-assets`` to reach the folder's server."""
    settings = remote_folder.settings
    env = {"CSV_ASSETS_SPOOL_DIR": str(settings.spool_dir)}
    if settings.s3_endpoint_url:
        env["AWS_ENDPOINT_URL_S3"] = settings.s3_endpoint_url
    if settings.sftp_password:
        env["CSV_ASSETS_SFTP_PASSWORD"] = settings.sftp_password
        env["CSV_ASSETS_SFTP_KNOWN_HOSTS"] = settings.sftp_known_hosts
    return env


def test_a_big_s3_folder_is_listed_in_parts_that_resume_where_the_last_stopped(s3_server, tmp_path):
    bucket = s3_server.new_bucket()
    client = s3_server.client()
    names = [f"p_{n:04d}.csv" for n in range(1010)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: client.put_object(Bucket=bucket, Key=f"in/{n}", Body=b"x"), names))
    settings = RemoteSettings(spool_dir=tmp_path, s3_endpoint_url=s3_server.endpoint)
    folders = folders_for(remote_source("orders", f"s3://{bucket}/in/"), tmp_path, settings)

    first, resume = folders.scan_inbox(None, 0)  # no time left after a page: one page a part
    client.delete_object(Bucket=bucket, Key=f"in/{resume}")  # archived meanwhile
    second, end = folders.scan_inbox(resume, 0)

    assert len(first) == 1000 and resume == names[999]
    assert [f.name for f in first + second] == names and end is None
    assert folders.scan_inbox(None, 60) == (folders.list_inbox(), None)


def test_a_folder_that_cannot_be_listed_says_why_in_one_line(s3_server, sftp_server, tmp_path):
    s3 = RemoteSettings(spool_dir=tmp_path, s3_endpoint_url=s3_server.endpoint)
    sftp = RemoteSettings(
        spool_dir=tmp_path, sftp_password="wrong", sftp_known_hosts=str(sftp_server.known_hosts)
    )
    missing_bucket = folders_for(remote_source("orders", "s3://no-such-bucket/in/"), tmp_path, s3)
    wrong_password = folders_for(remote_source("orders", sftp_server.url("in")), tmp_path, sftp)

    with pytest.raises(StoreError) as s3_error:
        missing_bucket.list_inbox()
    with pytest.raises(StoreError) as sftp_error:
        wrong_password.list_inbox()

    assert "s3://no-such-bucket/in/: cannot list the drop folder (NoSuchBucket" in str(
        s3_error.value
    )
    assert "Authentication failed" in str(sftp_error.value)
    assert "\n" not in str(s3_error.value) + str(sftp_error.value)


def test_a_requeued_remote_file_is_a_new_delivery_and_its_report_stays(remote_folder, tmp_path):
    engine = create_warehouse_engine(f"sqlite:///{tmp_path / 'warehouse.db'}")
    remote_folder.put("orders_bad.csv", b"order_id;when\n1;yesterday\n", mtime=time.time() - 60)
    source = remote_source("orders", remote_folder.url)
    folders = folders_for(source, tmp_path, remote_folder.settings)
    (dropped,) = folders.list_inbox()
    with pytest.raises(BadFileError):
        Ingestor(engine, "run-1").load(source, dropped.delivery, folders)

    (entry,) = folders.list_rejected()
    target = folders.requeue(entry)
    (again,) = folders.list_inbox()

    assert target == remote_folder.url + "orders_bad.csv"
    assert again.name == "orders_bad.csv" and again.delivery != dropped.delivery
    assert remote_folder.files() == ["orders_bad.csv", f"rejected/{entry}.report.json"]
    assert folders.list_rejected() == []


def test_names_a_local_disk_cannot_hold_load_beside_good_files(remote_folder, engine, tmp_path):
    if remote_folder.url.startswith("s3://"):
        odd = ["x" * 300 + ".psv"]  # a 304-byte key: S3 takes it, no local disk does
    else:
        odd = ["x" * 246 + ".psv", "new\nline.psv"]  # its report's name would pass 255 bytes
    names = ["good.psv", *odd]
    for i, name in enumerate(names):
        remote_folder.put(name, write_payments(tmp_path / f"{i}.psv", 10, i * 100).read_bytes())
    remote_folder.put("y" * 246 + ".psv", b"payment_id|order_id\nPAY-000001|x\n")
    source = remote_source("payments", remote_folder.url)
    folders = folders_for(source, tmp_path, remote_folder.settings)

    outcomes = {}
    for dropped in folders.list_inbox():
        try:
            report = Ingestor(engine, "r").load(source, dropped.delivery, folders)
            outcomes[dropped.name] = report.status
        except BadFileError as error:
            outcomes[dropped.name] = error.rule

    assert outcomes == {**dict.fromkeys(names, "loaded"), "y" * 246 + ".psv": "missing_column"}
    assert count(engine, sa.select(sa.func.count()).select_from(sa.table("payments"))) == (
        10 * len(names)
    )
    kept = remote_folder.files()
    assert sorted(k.rpartition("/")[2] for k in kept if k.startswith("archive/")) == sorted(names)
    rejected = sorted(k.rpartition("/")[2] for k in kept if k.startswith("rejected/"))
    assert rejected[0] == "y" * 246 + ".psv"
    assert len(rejected[1].encode()) == 255 and rejected[1].endswith(".psv.report.json")


def test_a_remote_file_replaced_while_it_loads_commits_nothing(
    remote_folder, database_url, tmp_path
):
    big = write_payments(tmp_path / "big.psv", 200_000)
    remote_folder.put("big.psv", big.read_bytes(), mtime=time.time() - 3600)
    source = remote_source("payments", remote_folder.url)
    (dropped,) = folders_for(source, tmp_path, remote_folder.settings).list_inbox()
    args = [remote_folder.url, dropped.delivery.key, database_url, str(tmp_path / "data")]
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, *args],
        env={**os.environ, **remote_env(remote_folder)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not list(remote_folder.settings.spool_dir.glob("delivery-*/big.psv")):
        assert time.monotonic() < deadline and loader.poll() is None, loader.communicate()
        time.sleep(0.001)
    newer = write_payments(tmp_path / "newer.psv", 10, first_id=900_000)
    remote_folder.put("big.psv", newer.read_bytes())  # the partner uploads again
    _, err = loader.communicate(timeout=120)  # (SFTP in place: what it read may be torn)

    assert loader.returncode == 1 and "replaced while it was read" in err, err
    engine = sa.create_engine(database_url)
    with engine.connect() as conn:  # (MySQL makes the table alone, first: it may stay, empty)
        table = sa.inspect(conn).has_table("payments")
        assert not table or not conn.execute(sa.text("SELECT count(*) FROM payments")).scalar()
    engine.dispose()
    assert remote_folder.read("big.psv") == newer.read_bytes()  # the new upload waits, whole
    assert not [k for k in remote_folder.files() if k.startswith("rejected/")]  # not its fault
