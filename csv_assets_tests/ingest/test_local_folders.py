"""The local folders at the file-system boundary: links, FIFOs, same names, folders that refuse.

Each case is judged by SQL over the warehouse and by what lies in the folders afterwards.
"""

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.ingest import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.storage import Delivery, RemoteSettings, SourceFolders
from csv_assets_tests.conftest import drop
from csv_assets_tests.faults.loads import immutable

CATALOG = load_catalog()
PAYMENTS = CATALOG["payments"]
HEADER = "payment_id|order_id|paid_at|amount|currency|method|captured\n"
ONE = HEADER + "PAY-000001|50001|2026-11-01 10:00:00|10.00|EUR|card|yes\n"
TWO = HEADER + "PAY-000002|50002|2026-11-01 11:00:00|20.00|EUR|card|no\n"


def folders_of(data_dir: Path) -> SourceFolders:
    return SourceFolders.under(data_dir, "payments", PAYMENTS.inbox)


def listed(folders: SourceFolders, name: str) -> Delivery:
    """The delivery the inbox listing (and so the sensor) says ``name`` is."""
    (dropped,) = [f for f in folders.list_inbox() if f.name == name]
    return dropped.delivery


def load(data_dir: Path, engine: sa.Engine, name: str, run_id: str = "run-1"):
    folders = folders_of(data_dir)
    return Ingestor(engine, run_id).load(PAYMENTS, listed(folders, name), folders)


def rows(engine: sa.Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("csv_assets_ledger"):
            return []
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_a_link_named_like_an_archived_delivery_is_refused_and_the_archive_kept(data_dir, engine):
    path = drop(data_dir, "payments", "p.csv", ONE)
    os.utime(path, ns=(1_795_000_000_000_000_000,) * 2)
    first = load(data_dir, engine, "p.csv")
    archived = Path(first.file)
    link = data_dir / "inbox" / "payments" / "p.csv"
    link.symlink_to(archived)
    os.utime(link, ns=(1_795_000_000_000_000_000,) * 2, follow_symlinks=False)

    with pytest.raises(BadFileError) as refused:
        load(data_dir, engine, "p.csv", "run-2")

    assert refused.value.rule == "not_a_file"
    assert "symbolic link" in str(refused.value)
    assert not archived.is_symlink() and archived.read_text() == ONE
    assert not os.path.lexists(link)
    report = Path(refused.value.report_location)
    assert report.parent.parent == folders_of(data_dir).rejected
    assert Path(str(report).removesuffix(".report.json")).is_symlink()  # the link, kept as is
    assert rows(engine, "SELECT count(*) FROM csv_assets_ledger") == [(1,)]
    assert rows(engine, "SELECT count(*) FROM payments") == [(1,)]


def test_a_link_to_a_file_outside_is_never_read(data_dir, engine, tmp_path):
    secret = tmp_path / "victim" / "secret.csv"
    secret.parent.mkdir()
    secret.write_text(HEADER + "SECRET_API_KEY=hunter2|1|2026-11-01 10:00:00|1|EUR|card|yes\n")
    (data_dir / "inbox" / "payments" / "leak.csv").symlink_to(secret)

    with pytest.raises(BadFileError) as refused:
        load(data_dir, engine, "leak.csv")

    assert refused.value.rule == "not_a_file"
    report = Path(refused.value.report_location).read_text()
    assert "SECRET_API_KEY" not in report and "hunter2" not in report
    assert "SECRET" not in str(refused.value)
    assert secret.read_text().startswith(HEADER)  # where it was, untouched
    assert rows(engine, "SELECT count(*) FROM csv_assets_ledger") == []


def test_a_fifo_in_the_drop_folder_is_refused_without_waiting_for_a_writer(data_dir, engine):
    fifo = data_dir / "inbox" / "payments" / "pipe.csv"
    os.mkfifo(fifo)

    with pytest.raises(BadFileError) as refused:
        load(data_dir, engine, "pipe.csv")

    assert refused.value.rule == "not_a_file"
    assert not os.path.lexists(fifo)
    assert rows(engine, "SELECT count(*) FROM csv_assets_ledger") == []


def test_one_name_and_mtime_twice_is_two_deliveries_and_two_archived_files(data_dir, engine):
    folders = folders_of(data_dir)
    mtime = 1_793_491_200_000_000_000  # 2026-11-01 00:00:00, as cp -p and rsync -t keep it
    os.utime(drop(data_dir, "payments", "export.csv", ONE), ns=(mtime, mtime))
    first = load(data_dir, engine, "export.csv")
    os.utime(drop(data_dir, "payments", "export.csv", TWO), ns=(mtime, mtime))

    second_delivery = listed(folders, "export.csv")
    second = load(data_dir, engine, "export.csv", "run-2")

    assert first.partition_key == "2026-11-01 00:00:00.000Z export.csv"
    assert second_delivery.key == "2026-11-01 00:00:00.000Z~2 export.csv"
    assert second.status == "loaded" and second.partition_key == second_delivery.key
    assert Path(first.file).read_text() == ONE
    assert Path(second.file).read_text() == TWO
    assert Path(first.file) != Path(second.file)
    assert sorted(rows(engine, "SELECT partition_key, sha256 FROM csv_assets_ledger")) == [
        ("2026-11-01 00:00:00.000Z export.csv", sha256(ONE)),
        ("2026-11-01 00:00:00.000Z~2 export.csv", sha256(TWO)),
    ]
    assert Delivery.from_key(second_delivery.key) == second_delivery


@pytest.mark.parametrize(
    "key",
    [
        "2026-12-04 17:40:32.334Z ../../../../victim/secret.csv",
        "2026-12-04 17:40:32.334Z /etc/passwd",
        "../../victim/secret.csv@../../..",
        "x.csv@20261204T174032.334Z/../../..",
    ],
)
def test_a_key_that_names_a_path_is_not_a_delivery(key):
    with pytest.raises(ValueError, match="not a"):
        Delivery.from_key(key)


def test_an_archive_that_refuses_the_move_leaves_the_delivery_loaded_and_pending(data_dir, engine):
    folders = folders_of(data_dir)
    drop(data_dir, "payments", "p.csv", ONE)
    delivery = listed(folders, "p.csv")

    with immutable(folders.archive):
        report = load(data_dir, engine, "p.csv")

    assert report.status == "loaded"
    assert "moving it to" in report.pending and "Operation not permitted" in report.pending
    assert "\n" not in report.pending
    assert (folders.inbox / "p.csv").read_text() == ONE  # nothing lost, nothing half-moved
    assert rows(engine, "SELECT count(*) FROM payments") == [(1,)]

    again = load(data_dir, engine, "p.csv", "run-2")  # the next load, sweep or tick

    assert (again.status, again.duplicate_of, again.pending) == ("duplicate", delivery.key, None)
    assert Path(again.file) == folders.archive / delivery.stamp / "p.csv"
    assert Path(again.file).read_text() == ONE
    assert not (folders.inbox / "p.csv").exists()
    assert rows(engine, "SELECT count(*), count(DISTINCT sha256) FROM csv_assets_ledger") == [
        (1, 1)
    ]
    assert rows(engine, "SELECT count(*) FROM payments") == [(1,)]


def test_a_second_table_that_could_not_be_set_aside_is_set_aside_by_the_next_load(data_dir, engine):
    folders = folders_of(data_dir)
    content = ONE + TWO.removeprefix(HEADER) + "\ntotal|count\n2|30.00\n"
    drop(data_dir, "payments", "two_tables.csv", content)

    delivery = listed(folders, "two_tables.csv")
    with immutable(folders.rejected):
        first = Ingestor(engine, "run-1").load(PAYMENTS, delivery, folders)

    assert first.status == "loaded" and first.set_aside is None
    assert "setting aside its lines from 5 on failed" in first.pending
    again = Ingestor(engine, "run-2").load(PAYMENTS, delivery, folders)  # a re-run of its partition

    assert again.status == "duplicate" and again.pending is None
    aside = Path(again.set_aside)
    assert aside.read_text() == "total|count\n2|30.00\n"
    assert json.loads(aside.with_name(aside.name + ".report.json").read_text())["line"] == 5
    assert rows(engine, "SELECT count(*) FROM payments") == [(2,)]


def test_a_rejected_folder_that_refuses_the_move_keeps_the_file_for_the_next_load(data_dir, engine):
    folders = folders_of(data_dir)
    drop(data_dir, "payments", "bad.csv", HEADER + "PAY-000001|x|not a time|x|EUR|card|yes\n")

    with immutable(folders.rejected), pytest.raises(BadFileError) as refused:
        load(data_dir, engine, "bad.csv")

    assert refused.value.report_location is None
    assert "stays in" in refused.value.reason
    assert (folders.inbox / "bad.csv").is_file()
    with pytest.raises(BadFileError) as again:
        load(data_dir, engine, "bad.csv", "run-2")
    report = Path(again.value.report_location)
    assert json.loads(report.read_text())["rule"] == refused.value.rule
    assert not (folders.inbox / "bad.csv").exists()


def test_a_full_disk_leaves_no_half_written_report(data_dir, engine, tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode:
        pytest.skip(f"mounting a small file system is not allowed here: {done.stderr.decode()}")
    try:
        inbox = folders_of(data_dir).inbox
        small = SourceFolders(inbox, mount / "a", mount / "r", data_dir / ".spool")
        bad = drop(data_dir, "payments", "bad.csv", HEADER + "PAY-000001|x|later|x|EUR|card|yes\n")
        filler = mount / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=4k"], capture_output=True)
        delivery = listed(small, "bad.csv")

        with pytest.raises(BadFileError) as refused:
            Ingestor(engine, "run-1").load(PAYMENTS, delivery, small)

        assert "No space left on device" in refused.value.reason
        assert not list(mount.rglob("*.report.json")) and not list(mount.rglob(".*.part"))
        assert bad.is_file()
        filler.unlink()
        with pytest.raises(BadFileError) as again:
            Ingestor(engine, "run-2").load(PAYMENTS, delivery, small)
        assert json.loads(Path(again.value.report_location).read_text())["file"] == "bad.csv"
        assert not bad.exists()
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_name_with_a_newline_is_a_delivery_like_any_other(data_dir, engine):
    drop(data_dir, "payments", "new\nline.csv", ONE)
    folders = folders_of(data_dir)
    delivery = listed(folders, "new\nline.csv")

    report = load(data_dir, engine, "new\nline.csv")

    assert Delivery.from_key(delivery.key) == delivery
    assert report.status == "loaded" and Path(report.file).read_text() == ONE
    assert rows(engine, "SELECT file_name FROM csv_assets_ledger") == [("new\nline.csv",)]


def test_a_partners_file_named_like_a_report_is_not_swept_into_the_archive(data_dir, engine):
    drop(data_dir, "payments", "p.csv", ONE)
    partner = drop(data_dir, "payments", "p.csv.report.json", TWO)

    report = load(data_dir, engine, "p.csv")

    assert Path(report.file).read_text() == ONE
    assert partner.read_text() == TWO  # still in the inbox, a delivery of its own
    assert not Path(report.file).with_name("p.csv.report.json").exists()


def test_a_file_pattern_leaves_every_other_file_of_a_shared_folder_where_it_is(
    tmp_path, monkeypatch, engine
):
    shared = tmp_path / "mnt" / "app"  # an operator's folder, listed as a drop root
    shared.mkdir(parents=True)
    (shared / "app.conf").write_text("listen=8080\n")
    (shared / "run.sh").write_text("#!/bin/sh\n")
    (shared / "Payments.PSV").write_text(ONE)
    monkeypatch.setenv("CSV_ASSETS_DROP_ROOTS", str(tmp_path / "mnt"))
    source = PAYMENTS.model_validate(
        {**PAYMENTS.model_dump(), "drop_folder": str(shared), "file_pattern": "*.psv"}
    )
    folders = folders_for(source, tmp_path / "data", RemoteSettings(tmp_path / "spool"))

    for dropped in folders.list_inbox():
        Ingestor(engine, "run-1").load(source, dropped.delivery, folders)

    assert sorted(p.name for p in shared.iterdir()) == ["app.conf", "run.sh"]
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT file_name FROM csv_assets_ledger")).scalars()
        assert list(loaded) == ["Payments.PSV"]
    assert not (tmp_path / "data" / "rejected").exists()
