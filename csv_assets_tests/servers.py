"""Real servers on loopback for the remote drop folders: an S3 API (moto) and SFTP (asyncssh).

Each runs in its own process, reached over the network by the same client code users run
against AWS or their partners' servers. A missing package skips its tests with the reason,
unless CSV_ASSETS_REQUIRE_SERVERS=1 (as in CI), where it fails them.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REQUIRE_SERVERS = os.environ.get("CSV_ASSETS_REQUIRE_SERVERS", "") == "1"
SFTP_USER, SFTP_PASSWORD = "partner", "drop-it-here"
SFTP_KEY_PASSPHRASE = "open-sesame"
"""What decrypts the SFTP user's private key (``SftpServer.client_key``)."""


def _require(module: str, what: str) -> None:
    if importlib.util.find_spec(module) is None:
        reason = f"{what} tests need the {module} package (pip install -e '.[dev]')"
        if REQUIRE_SERVERS:
            pytest.fail(f"CSV_ASSETS_REQUIRE_SERVERS=1 but {reason}")
        pytest.skip(reason)


def broker_or_skip(host: str = "127.0.0.1", port: int = 5672) -> str:
    """The local RabbitMQ's URL; skips (fails, with CSV_ASSETS_REQUIRE_SERVERS=1) if it is down."""
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError as error:
        reason = f"Celery tests need RabbitMQ at {host}:{port}: {error}"
        if REQUIRE_SERVERS:
            pytest.fail(f"CSV_ASSETS_REQUIRE_SERVERS=1 but {reason}")
        pytest.skip(reason)
    return f"pyamqp://guest:guest@{host}:{port}//"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def _stop(process: subprocess.Popen) -> None:
    process.kill()
    process.wait(timeout=10)


@dataclass(frozen=True)
class S3Server:
    """A moto S3 server; ``env`` is what a user would export to reach it."""

    endpoint: str
    env: dict[str, str]

    def client(self):
        import boto3

        return boto3.client("s3", endpoint_url=self.endpoint)

    def new_bucket(self) -> str:
        """A fresh, empty bucket."""
        name = f"drops-{uuid.uuid4().hex[:10]}"
        self.client().create_bucket(Bucket=name)
        return name


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """``moto_server`` in its own process on a free loopback port."""
    _require("moto", "S3")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
    }
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        _wait_for_port(port, process)
        yield S3Server(env["AWS_ENDPOINT_URL_S3"], env)
    finally:
        _stop(process)
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@dataclass(frozen=True)
class SftpServer:
    """An asyncssh SFTP server serving ``root``; ``known_hosts`` names its host key.

    ``client_key``: the user's ed25519 private key, encrypted with ``SFTP_KEY_PASSPHRASE``.
    """

    root: Path
    port: int
    known_hosts: Path
    pid: int
    client_key: Path

    def url(self, folder: str) -> str:
        """The drop-folder URL of ``folder`` below the server's root."""
        return f"sftp://{SFTP_USER}@127.0.0.1:{self.port}/{folder}/"


@pytest.fixture(scope="session")
def sftp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SftpServer]:
    """``csv_assets_tests.sftp_server`` in its own process, with a fresh host key."""
    _require("asyncssh", "SFTP")
    import asyncssh

    home = tmp_path_factory.mktemp("sftp")
    root = home / "root"
    root.mkdir()
    key = asyncssh.generate_private_key("ssh-ed25519")
    key.write_private_key(str(home / "host_key"))
    client = asyncssh.generate_private_key("ssh-ed25519")
    client.write_private_key(str(home / "client_key"), passphrase=SFTP_KEY_PASSPHRASE)
    client.write_public_key(str(home / "client_key.pub"))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "csv_assets_tests.sftp_server",
            str(root),
            str(home / "host_key"),
            SFTP_USER,
            SFTP_PASSWORD,
            str(home / "client_key.pub"),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        port = int(process.stdout.readline())
        _wait_for_port(port, process)
        public = key.export_public_key("openssh").decode().split()[:2]
        known_hosts = home / "known_hosts"
        known_hosts.write_text(f"[127.0.0.1]:{port} {' '.join(public)}\n")
        yield SftpServer(root, port, known_hosts, process.pid, home / "client_key")
    finally:
        _stop(process)


@dataclass
class RemoteFolder:
    """A fresh drop folder on one of the servers, and ways to drop into it and look inside."""

    kind: str
    url: str
    settings: object  # csv_assets.ingest.RemoteSettings
    _s3: S3Server | None = None
    _bucket: str = ""
    _root: Path | None = None

    def put(self, key: str, data: bytes, mtime: float | None = None) -> None:
        """Drop ``data`` at ``key`` (relative to the drop folder), as a partner's upload does.

        ``mtime`` back-dates an SFTP file; an S3 object's LastModified is the server's clock.
        """
        if self._s3 is not None:
            self._s3.client().put_object(Bucket=self._bucket, Key=f"drops/{key}", Body=data)
            return
        path = self._root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if mtime is not None:
            os.utime(path, (mtime, mtime))

    def files(self) -> list[str]:
        """Every file below the drop folder, as the server holds them, by key."""
        if self._s3 is not None:
            pages = self._s3.client().get_paginator("list_objects_v2")
            found = [
                o["Key"].removeprefix("drops/")
                for page in pages.paginate(Bucket=self._bucket, Prefix="drops/")
                for o in page.get("Contents", [])
            ]
            return sorted(found)
        return sorted(str(p.relative_to(self._root)) for p in self._root.rglob("*") if p.is_file())

    def read(self, key: str) -> bytes:
        """The content of the file at ``key``."""
        if self._s3 is not None:
            body = self._s3.client().get_object(Bucket=self._bucket, Key=f"drops/{key}")["Body"]
            return body.read()
        return (self._root / key).read_bytes()


@pytest.fixture(params=["s3", "sftp"])
def remote_folder(request: pytest.FixtureRequest, tmp_path: Path) -> RemoteFolder:
    """An empty remote drop folder: an S3 prefix on moto, or a directory on the SFTP server."""
    from csv_assets.storage import RemoteSettings

    if request.param == "s3":
        server: S3Server = request.getfixturevalue("s3_server")
        bucket = server.new_bucket()
        settings = RemoteSettings(spool_dir=tmp_path / "spool", s3_endpoint_url=server.endpoint)
        return RemoteFolder("s3", f"s3://{bucket}/drops/", settings, _s3=server, _bucket=bucket)
    sftp: SftpServer = request.getfixturevalue("sftp_server")
    folder = f"drops-{uuid.uuid4().hex[:8]}"
    (sftp.root / folder).mkdir()
    settings = RemoteSettings(
        spool_dir=tmp_path / "spool",
        sftp_password=SFTP_PASSWORD,
        sftp_known_hosts=str(sftp.known_hosts),
    )
    return RemoteFolder("sftp", sftp.url(folder), settings, _root=sftp.root / folder)
