"""What a remote drop folder must do, and where its credentials and spool come from."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from csv_assets.storage.deliveries import DroppedFile


class StoreError(OSError):
    """A remote folder could not be listed or read: one line with the server's reason."""


class Store(Protocol):
    """One remote folder tree (an S3 prefix, an SFTP directory), addressed by relative keys.

    Keys are ``/``-separated and relative to the store's root: ``orders.csv`` is a file in the
    drop folder itself, ``archive/20261123T101500.000Z/orders.csv`` one in its archive.
    """

    url: str

    def list(self, folder: str = "", *, below: bool = False) -> list[DroppedFile]:
        """The candidate files directly in ``folder``, by name; nothing opened.

        ``below``: every file at any depth instead, named by its key relative to ``folder``.
        """
        ...

    def stat(self, key: str) -> DroppedFile | None:
        """The file at ``key``, or None if there is none."""
        ...

    def download(self, key: str, target: Path) -> None:
        """Stream the file at ``key`` into ``target``, a chunk at a time.

        Raises:
            FileNotFoundError: There is no file at ``key`` (another loader moved it).
        """
        ...

    def move(self, key: str, target: str) -> None:
        """Move a file to ``target``: the target is whole before the original goes.

        Raises:
            FileNotFoundError: There is no file at ``key``.
        """
        ...

    def touch(self, key: str) -> None:
        """Give the file at ``key`` a fresh modification time (a requeued file: a new delivery)."""
        ...

    def put(self, key: str, data: bytes | Path) -> None:
        """Write ``data`` (bytes, or a local file streamed) to ``key``, seen only once whole."""
        ...

    def close(self) -> None:
        """Close the connection, if the store holds one."""
        ...


SETTINGS_ENV = {
    "spool_dir": "CSV_ASSETS_SPOOL_DIR",
    "s3_endpoint_url": "AWS_ENDPOINT_URL_S3",
    "sftp_password": "CSV_ASSETS_SFTP_PASSWORD",
    "sftp_key_file": "CSV_ASSETS_SFTP_KEY_FILE",
    "sftp_key_passphrase": "CSV_ASSETS_SFTP_KEY_PASSPHRASE",
    "sftp_known_hosts": "CSV_ASSETS_SFTP_KNOWN_HOSTS",
}
"""The env var each remote setting is read from, by the CLI and by the definitions alike."""


@dataclass(frozen=True)
class RemoteSettings:
    """How to reach remote drop folders, and where their files are spooled to be read.

    S3 credentials come from boto3's own chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``,
    a profile, an instance role); only the endpoint is ours to pass, for S3-compatible servers
    (unset, boto3 still honours ``AWS_ENDPOINT_URL`` itself).
    """

    spool_dir: Path
    s3_endpoint_url: str | None = None
    sftp_password: str | None = None
    sftp_key_file: str | None = None
    sftp_key_passphrase: str | None = None
    sftp_known_hosts: str | None = None
    spool_reserve_bytes: int = 256 * 1024 * 1024

    @classmethod
    def from_env(cls, data_dir: Path) -> RemoteSettings:
        """The settings ``SETTINGS_ENV`` names, read from the environment (the CLI's)."""
        values = {field: os.environ.get(name) or None for field, name in SETTINGS_ENV.items()}
        spool = values.pop("spool_dir")
        return cls(
            spool_dir=Path(spool or data_dir / "spool"),
            s3_endpoint_url=values["s3_endpoint_url"],
            sftp_password=values["sftp_password"],
            sftp_key_file=values["sftp_key_file"],
            sftp_key_passphrase=values["sftp_key_passphrase"],
            sftp_known_hosts=values["sftp_known_hosts"],
        )


def is_remote(location: str) -> bool:
    """Whether a source's drop folder is a remote URL rather than a path."""
    return location.startswith(("s3://", "sftp://"))
