"""Opening a dropped file as bytes, whether plain, gzip or single-member zip, and hashing it."""

from __future__ import annotations

import builtins
import codecs
import gzip
import hashlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

from isal import igzip, isal_zlib

from csv_assets.pipeline.errors import BadFileError, Refusal

HASH_BLOCK = 1 << 20
COMPRESSED = {".gz": "gzip", ".zip": "zip"}
INFLATE_ERROR = cast(type[Exception], isal_zlib.error)
"""What ISA-L raises for a damaged deflate stream (its stub says an instance, it is a class)."""
"""Drop suffixes read through a decompressor, and what to call the format in a message."""


@contextmanager
def open_bytes(path: Path) -> Iterator[BinaryIO]:
    """Open a drop as a stream of the CSV's bytes, decompressing ``.gz`` and ``.zip`` on the fly.

    Args:
        path: The dropped file.

    Yields:
        A binary stream of the CSV content.

    Raises:
        ValueError: A zip archive that does not hold exactly one file.
        BadFileError: The archive is cut short or corrupt (raised while its stream is read).
    """
    suffix = path.suffix.lower()
    if suffix == ".gz":
        # ISA-L's inflate: the same gzip format as zlib's, about 3.5x as fast.
        with archive_errors(path), _gunzipped(path) as stream:
            yield stream
    elif suffix == ".zip":
        with archive_errors(path), zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if len(members) != 1:
                raise ValueError(f"{path.name}: a zip drop must hold exactly one file")
            with archive.open(members[0]) as stream:
                yield stream  # type: ignore[misc]
    else:
        with path.open("rb") as stream:
            yield stream


def _gunzipped(packed: Path | _HashingReader) -> BinaryIO:
    """The content of a gzip file or stream, inflated by ISA-L (zlib's format, ~3.5x as fast)."""
    if isinstance(packed, Path):
        return cast(BinaryIO, igzip.open(packed, "rb"))  # type: ignore[no-untyped-call]
    return cast(BinaryIO, igzip.IGzipFile(fileobj=packed, mode="rb"))  # type: ignore[no-untyped-call]


TAIL_BYTES = 64 * 1024
"""How much of a file's end the sniffer reads for a footer."""


@dataclass(frozen=True)
class Digest:
    """What a drop hashes to: its content as read (the identity) and its bytes (for audit).

    Attributes:
        content_sha256: sha256 of the CSV as read, after decompression: the same CSV dropped
            as ``orders.csv.gz`` and later as ``orders.csv`` is one delivery.
        file_sha256: sha256 of the bytes as dropped.
        bytes: Size of the file as dropped.
    """

    content_sha256: str
    file_sha256: str
    bytes: int
    tail: builtins.bytes | None = None  # the field ``bytes`` hides the type in this class
    """The content's last ``TAIL_BYTES`` for a packed drop, where reaching its end costs a
    whole decompression (a plain file's end is a seek away: ``None``)."""


def copy_lines(path: Path, encoding: str, first: int, target: Path) -> None:
    """Copy the physical lines of ``path``'s content from line ``first`` on into ``target``.

    Lines end as a CSV reader ends them (LF, CRLF or CR); their bytes are copied unchanged.
    """
    # An incremental encoder writes a BOM (utf-8-sig, utf-16) once, at the copy's start.
    encoder = codecs.getincrementalencoder(encoding)("surrogateescape")
    with open_bytes(path) as binary, target.open("wb") as out:
        text = io.TextIOWrapper(binary, encoding=encoding, errors="surrogateescape", newline="")
        for number, line in enumerate(text, start=1):
            if number >= first:
                out.write(encoder.encode(line))


def hash_drop(path: Path) -> Digest:
    """Hash a drop's bytes and its content as read, in one pass unless it is a zip.

    Raises:
        BadFileError: A compressed drop is cut short or corrupt.
    """
    kind = COMPRESSED.get(path.suffix.lower())
    with path.open("rb") as raw:
        stream = _HashingReader(raw)
        with archive_errors(path):
            content, tail = _content_sha256(stream, path, kind)
        stream.drain()
    return Digest(content or stream.hexdigest(), stream.hexdigest(), stream.size, tail)


@contextmanager
def archive_errors(path: Path) -> Iterator[None]:
    """Turn a decompressor's failure inside the block into the bad file it means."""
    kind = COMPRESSED.get(path.suffix.lower(), "compressed")
    try:
        yield
    except EOFError as error:
        raise BadFileError(
            path.name,
            f"the {kind} stream ends early: the upload was cut short; "
            "ask the sender for the whole file",
            rule=Refusal.TRUNCATED,
        ) from error
    except (gzip.BadGzipFile, zlib.error, INFLATE_ERROR, zipfile.BadZipFile) as error:
        raise BadFileError(
            path.name,
            f"not a readable {kind} file ({error}); ask the sender to compress it again",
            rule=Refusal.CORRUPT_ARCHIVE,
        ) from error
    except NotImplementedError as error:  # Deflate64 (Windows Explorer), bzip2 in old Pythons
        raise BadFileError(
            path.name,
            f"the {kind} file is compressed with a method this reader lacks ({error}); ask the "
            "sender to zip it with the standard Deflate method, or to send it as .csv or .csv.gz",
            rule=Refusal.UNSUPPORTED_ARCHIVE,
        ) from error
    except RuntimeError as error:  # zipfile's word for an encrypted member (after its subclass)
        raise BadFileError(
            path.name,
            f"the {kind} file is encrypted ({error}); ask the sender for it without a password",
            rule=Refusal.ENCRYPTED_ARCHIVE,
        ) from error


def _content_sha256(
    stream: _HashingReader, path: Path, kind: str | None
) -> tuple[str | None, bytes | None]:
    """The decompressed content's sha256 and last ``TAIL_BYTES``; ``None`` for a plain file."""
    if kind is None:
        return None, None
    digest = hashlib.sha256()
    tail = b""
    with (
        _gunzipped(stream) if kind == "gzip" else open_bytes(path)
    ) as content:  # a zip's directory sits at its end: its member is read by seeking
        while block := content.read(HASH_BLOCK):
            digest.update(block)
            tail = (tail + block)[-TAIL_BYTES:]
    return digest.hexdigest(), tail


class _HashingReader:
    """A binary stream that hashes and counts every byte read through it."""

    def __init__(self, raw: io.BufferedReader) -> None:
        self._raw = raw
        self._digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        block = self._raw.read(size)
        self._digest.update(block)
        self.size += len(block)
        return block

    def readinto(self, buffer: bytearray | memoryview) -> int:
        """Read into ``buffer`` (ISA-L's reader asks so); hash and count what came."""
        count = self._raw.readinto(buffer)
        self._digest.update(memoryview(buffer)[:count])
        self.size += count
        return count

    def seek(self, offset: int, whence: int = 0) -> int:
        """Refuse: a hash of what was read must see every byte once, in order."""
        raise io.UnsupportedOperation("a hashing reader reads forward only")

    def drain(self) -> None:
        """Read what no decompressor asked for, so the hash covers the whole file."""
        while self.read(HASH_BLOCK):
            pass

    def hexdigest(self) -> str:
        return self._digest.hexdigest()
