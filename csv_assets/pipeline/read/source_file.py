"""Opening a dropped file as bytes, whether plain, gzip or single-member zip, and hashing it."""

from __future__ import annotations

import gzip
import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

HASH_BLOCK = 1 << 20


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryIO]:
    """Open a drop as a stream of the CSV's bytes, decompressing ``.gz`` and ``.zip`` on the fly.

    Args:
        path: The dropped file.

    Yields:
        A binary stream of the CSV content.

    Raises:
        ValueError: A zip archive that does not hold exactly one file.
    """
    suffix = path.suffix.lower()
    if suffix == ".gz":
        with gzip.open(path, "rb") as stream:
            yield stream
    elif suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) != 1:
                raise ValueError(f"{path.name}: a zip drop must hold exactly one file")
            with archive.open(members[0]) as stream:
                yield stream  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield stream


def hash_file(path: Path) -> tuple[str, int]:
    """Return the sha256 hex digest and byte size of the file as dropped (compressed or not)."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as stream:
        while block := stream.read(HASH_BLOCK):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size
