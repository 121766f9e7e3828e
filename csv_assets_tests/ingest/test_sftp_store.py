"""An SFTP server that stops answering fails the listing in time, in one line, and recovers."""

import os
import signal
import time

import pytest

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.storage import RemoteSettings
from csv_assets.storage.stores import StoreError, sftp
from csv_assets_tests.servers import SFTP_PASSWORD


def test_a_server_that_stops_answering_fails_the_listing_after_the_bound(
    sftp_server, tmp_path, monkeypatch
):
    monkeypatch.setattr(sftp, "ANSWER_SECONDS", 2.0)
    (sftp_server.root / "hung").mkdir(exist_ok=True)
    settings = RemoteSettings(
        spool_dir=tmp_path,
        sftp_password=SFTP_PASSWORD,
        sftp_known_hosts=str(sftp_server.known_hosts),
    )
    source = load_catalog()["orders"].model_copy(update={"drop_folder": sftp_server.url("hung")})
    folders = folders_for(source, tmp_path, settings)
    assert folders.list_inbox() == []  # connected, answering

    os.kill(sftp_server.pid, signal.SIGSTOP)  # alive to TCP, deaf to every request
    try:
        started = time.monotonic()
        with pytest.raises(StoreError) as hung:
            folders.list_inbox()
        waited = time.monotonic() - started
    finally:
        os.kill(sftp_server.pid, signal.SIGCONT)
        folders.close()

    assert waited < 20, f"gave up after {waited:.0f} s; the bound is 2 s"
    assert "cannot list the drop folder" in str(hung.value) and "\n" not in str(hung.value)
    again = folders_for(source, tmp_path, settings)
    try:
        assert again.list_inbox() == []  # the next tick connects afresh
    finally:
        again.close()
