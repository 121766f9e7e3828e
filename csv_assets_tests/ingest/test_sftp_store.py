"""Signing in to an SFTP server (a key and its passphrase, known_hosts as the docs fill it); a
server that stops answering fails the listing in time, in one line, and recovers."""

import os
import shutil
import signal
import subprocess
import time

import pytest

from csv_assets.catalog import folders_for, load_catalog
from csv_assets.storage import RemoteSettings
from csv_assets.storage.stores import StoreError, sftp
from csv_assets_tests.servers import SFTP_KEY_PASSPHRASE, SFTP_PASSWORD


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


def key_settings(tmp_path, sftp_server, passphrase):
    """Signing in with the user's encrypted key, not a password."""
    return RemoteSettings(
        spool_dir=tmp_path,
        sftp_key_file=str(sftp_server.client_key),
        sftp_key_passphrase=passphrase,
        sftp_known_hosts=str(sftp_server.known_hosts),
    )


def test_a_passphrase_protected_key_signs_in(sftp_server, tmp_path):
    (sftp_server.root / "keyed").mkdir(exist_ok=True)
    (sftp_server.root / "keyed" / "orders_1.csv").write_text("order_id\n1\n")
    source = load_catalog()["orders"].model_copy(update={"drop_folder": sftp_server.url("keyed")})
    folders = folders_for(
        source, tmp_path, key_settings(tmp_path, sftp_server, SFTP_KEY_PASSPHRASE)
    )
    try:
        assert [f.name for f in folders.list_inbox()] == ["orders_1.csv"]
    finally:
        folders.close()


@pytest.mark.parametrize("passphrase", [None, "not-it"])
def test_a_missing_or_wrong_passphrase_fails_in_one_line(sftp_server, tmp_path, passphrase):
    source = load_catalog()["orders"].model_copy(update={"drop_folder": sftp_server.url("keyed")})
    folders = folders_for(source, tmp_path, key_settings(tmp_path, sftp_server, passphrase))
    try:
        with pytest.raises(StoreError) as refused:
            folders.list_inbox()
    finally:
        folders.close()
    message = str(refused.value)
    assert "\n" not in message and sftp_server.url("keyed") in message
    assert "CSV_ASSETS_SFTP_" in message and SFTP_KEY_PASSPHRASE not in message


@pytest.mark.skipif(not shutil.which("ssh-keyscan"), reason="ssh-keyscan (openssh-client)")
def test_known_hosts_filled_as_the_docs_say_lets_the_server_in(sftp_server, tmp_path):
    # docs/production.md: ssh-keyscan -p PORT HOST >> known_hosts; the server's key is then the
    # only one accepted for [HOST]:PORT.
    scanned = subprocess.run(
        ["ssh-keyscan", "-p", str(sftp_server.port), "127.0.0.1"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(scanned)
    assert scanned.startswith(f"[127.0.0.1]:{sftp_server.port} ssh-ed25519 ")
    settings = RemoteSettings(
        spool_dir=tmp_path, sftp_password=SFTP_PASSWORD, sftp_known_hosts=str(known_hosts)
    )
    source = load_catalog()["orders"].model_copy(update={"drop_folder": sftp_server.url("keyed")})
    folders = folders_for(source, tmp_path, settings)
    try:
        folders.list_inbox()  # no StoreError: the host key matched
    finally:
        folders.close()
