"""Remote drop folders: one ``Store`` per backend (S3, SFTP), opened from a source's URL."""

from csv_assets.pipeline.extras import require
from csv_assets.storage.stores.base import (
    SETTINGS_ENV,
    RemoteSettings,
    Store,
    StoreError,
    is_remote,
)


def open_store(url: str, settings: RemoteSettings) -> Store:
    """The store a drop-folder URL names; it connects on first use."""
    if url.startswith("s3://"):
        require("boto3", "s3", f"the drop folder {url}")
        from csv_assets.storage.stores.s3 import S3Store

        return S3Store(url, endpoint_url=settings.s3_endpoint_url)
    if url.startswith("sftp://"):
        require("paramiko", "sftp", f"the drop folder {url}")
        from csv_assets.storage.stores.sftp import SftpStore

        return SftpStore(
            url,
            password=settings.sftp_password,
            key_file=settings.sftp_key_file,
            key_passphrase=settings.sftp_key_passphrase,
            known_hosts=settings.sftp_known_hosts,
        )
    raise ValueError(f"{url}: a remote drop folder is s3://bucket/prefix/ or sftp://host/path")


__all__ = ["SETTINGS_ENV", "RemoteSettings", "Store", "StoreError", "is_remote", "open_store"]
