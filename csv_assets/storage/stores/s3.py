"""An S3 (or S3-compatible) drop folder: ``s3://bucket/prefix/``, through boto3."""

from __future__ import annotations

import builtins
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from csv_assets.storage.deliveries import DroppedFile, is_candidate
from csv_assets.storage.stores.base import StoreError

CHUNK = 1024 * 1024
MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Store:
    """Objects below one prefix of one bucket; ``list`` asks for one level, never the bodies."""

    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        parts = urlsplit(url)
        if not parts.netloc:
            raise ValueError(f"{url}: an S3 drop folder is s3://bucket/prefix/")
        self.url = url if url.endswith("/") else url + "/"
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/") + "/" if parts.path.strip("/") else ""
        self.client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint_url,
            config=Config(retries={"mode": "standard", "max_attempts": 5}),
        )

    def list(self, folder: str = "", *, below: bool = False) -> list[DroppedFile]:
        """One level of the prefix (a ``/`` delimiter keeps archive/ and rejected/ out)."""
        try:
            return self._list(folder, below)
        except (ClientError, BotoCoreError) as error:
            raise self._cannot_list(error) from error

    def _list(self, folder: str, below: bool) -> builtins.list[DroppedFile]:
        prefix = self.prefix + (folder.strip("/") + "/" if folder else "")
        listing = [f for page in self._pages(prefix, below) for f in _files(page, prefix)]
        return sorted(listing, key=lambda f: f.name)

    def _pages(
        self, prefix: str, below: bool = False, start_after: str | None = None
    ) -> Iterator[dict[str, Any]]:
        args = {"Bucket": self.bucket, "Prefix": prefix}
        if not below:
            args["Delimiter"] = "/"
        if start_after:
            args["StartAfter"] = prefix + start_after
        yield from self.client.get_paginator("list_objects_v2").paginate(**args)

    def list_part(
        self, start_after: str | None, budget_seconds: float
    ) -> tuple[builtins.list[DroppedFile], str | None]:
        """Pages of the drop folder from just past ``start_after``, for ``budget_seconds``.

        Returns the files seen, and the name to go on after next time (None: the listing
        reached the end). Any string will do to go on from: S3 lists keys after it in order,
        whether that key still exists (archived since) or never did.
        """
        try:
            return self._list_part(start_after, budget_seconds)
        except (ClientError, BotoCoreError) as error:
            raise self._cannot_list(error) from error

    def _list_part(
        self, start_after: str | None, budget_seconds: float
    ) -> tuple[builtins.list[DroppedFile], str | None]:
        deadline = time.monotonic() + budget_seconds
        listing: builtins.list[DroppedFile] = []
        for page in self._pages(self.prefix, start_after=start_after):
            listing += _files(page, self.prefix)
            contents = page.get("Contents", [])
            if page.get("IsTruncated") and contents and time.monotonic() >= deadline:
                return listing, contents[-1]["Key"][len(self.prefix) :]
        return listing, None

    def stat(self, key: str) -> DroppedFile | None:
        """The object's size and LastModified, or None."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.prefix + key)
        except ClientError as error:
            if _missing(error):
                return None
            raise
        return DroppedFile(key.rpartition("/")[2], head["ContentLength"], _ns(head["LastModified"]))

    def download(self, key: str, target: Path) -> None:
        """Stream the body into ``target`` a MiB at a time."""
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)["Body"]
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(self.url + key) from None
            raise
        with body, target.open("wb") as out:
            for chunk in body.iter_chunks(CHUNK):
                out.write(chunk)

    def move(self, key: str, target: str) -> None:
        """Copy on the server (multipart for big objects), check the copy, then delete."""
        source = {"Bucket": self.bucket, "Key": self.prefix + key}
        before = self.stat(key)
        if before is None:
            raise FileNotFoundError(self.url + key)
        try:
            self.client.copy(source, self.bucket, self.prefix + target)
        except ClientError as error:
            if _missing(error):
                raise FileNotFoundError(self.url + key) from None
            raise
        after = self.stat(target)
        if after is None or after.size != before.size:
            raise OSError(f"{self.url + target}: the copy of {key} is not whole; {key} is kept")
        self.client.delete_object(**source)

    def touch(self, key: str) -> None:
        """Copy the object onto itself: S3's only way to give it a new LastModified."""
        source = {"Bucket": self.bucket, "Key": self.prefix + key}
        self.client.copy(
            source, self.bucket, self.prefix + key, ExtraArgs={"MetadataDirective": "REPLACE"}
        )

    def put(self, key: str, data: bytes | Path) -> None:
        """A PUT of ``data``; a local file goes up in parts, never whole in memory."""
        if isinstance(data, Path):
            self.client.upload_file(str(data), self.bucket, self.prefix + key)
        else:
            self.client.put_object(Bucket=self.bucket, Key=self.prefix + key, Body=data)

    def close(self) -> None:
        """Release the client's connection pool."""
        self.client.close()

    def _cannot_list(self, error: ClientError | BotoCoreError) -> StoreError:
        if isinstance(error, ClientError):
            detail = error.response.get("Error", {})
            reason = f"{detail.get('Code')}: {detail.get('Message')}"
        else:
            reason = str(error)
        return StoreError(
            f"{self.url}: cannot list the drop folder ({reason}); check the source's "
            "drop_folder, the AWS credentials and AWS_ENDPOINT_URL_S3"
        )


def _files(page: dict[str, Any], prefix: str) -> list[DroppedFile]:
    """The candidate files of one ListObjectsV2 page, named relative to ``prefix``."""
    files = []
    for item in page.get("Contents", []):
        name = item["Key"][len(prefix) :]
        if name and is_candidate(name.rpartition("/")[2]):
            files.append(DroppedFile(name, item["Size"], _ns(item["LastModified"])))
    return files


def _ns(moment: Any) -> int:
    return int(moment.timestamp() * 1_000_000) * 1000


def _missing(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in MISSING
