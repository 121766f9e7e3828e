"""Deliveries: a dropped file's partition key, and what a listing of a drop folder says of it."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
REPORT = ".report.json"
"""What a report's name adds to its delivery's."""
NAME_BYTES = 255
"""The longest file name a local disk (ext4, XFS, APFS, NTFS) or an SFTP server holds."""


FIRST_SECOND = int(datetime(1, 1, 1, tzinfo=UTC).timestamp())
LAST_SECOND = int(datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())
"""The times a key can spell: a file's mtime outside them (a broken clock) is taken as the
nearest, so the file still loads."""

KEY = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})Z(~\d+)? (.+)", re.DOTALL)
"""A partition key: the delivery's time (UTC, to the millisecond), a space, its file name.

A second delivery of one name at one time (rsync -t, cp -p and unzip keep mtimes) is told
apart by a sequence number after the time: ``2026-11-01 00:00:00.000Z~2 export.csv``."""
STAMP = re.compile(r"\d{8}T\d{6}\.\d{3}Z(~[1-9]\d*)?")
"""A delivery's compact time, the name of its folder in the archive and in rejected."""


@dataclass(frozen=True)
class Delivery:
    """One file as it was delivered: its name plus its modification time, to the millisecond.

    Vendors drop the same name every day; the stamp keeps each delivery apart. ``stamp`` is
    compact (``20261123T101500.123Z``) for folder names; the partition key spells it out.
    """

    name: str
    stamp: str

    def __post_init__(self) -> None:
        # A key comes from anyone who can reach the webserver: whatever it says, a delivery is
        # a plain name inside its source's folders, never a path out of them.
        if not is_plain_name(self.name):
            raise ValueError(f"{self.name!r} is not a file name inside a drop folder")
        if not STAMP.fullmatch(self.stamp):
            raise ValueError(f"{self.stamp!r} is not a delivery time (20261123T101500.123Z)")

    @property
    def key(self) -> str:
        """The Dagster partition key, e.g. ``2026-11-23 10:15:00.123Z orders.csv``.

        Time first, so partitions read and sort in delivery order, and two deliveries of one
        name differ at the start of the key, where the UI never shortens it.
        """
        s = self.stamp
        return f"{s[:4]}-{s[4:6]}-{s[6:8]} {s[9:11]}:{s[11:13]}:{s[13:]} {self.name}"

    def next(self) -> Delivery:
        """The delivery of a new file with this one's name and time (``~2``, ``~3``...)."""
        base, _, sequence = self.stamp.partition("~")
        return Delivery(self.name, f"{base}~{int(sequence or 1) + 1}")

    @classmethod
    def from_key(cls, key: str) -> Delivery:
        """Parse a partition key back into a delivery.

        Raises:
            ValueError: ``key`` is not a delivery's key, or names a path rather than a file.
        """
        match = KEY.fullmatch(key)
        if match is None:
            raise ValueError(
                f"{key!r} is not a delivery key ('2026-11-23 10:15:00.123Z orders.csv')"
            )
        year, month, day, hour, minute, second, millis, sequence, name = match.groups()
        return cls(name, f"{year}{month}{day}T{hour}{minute}{second}.{millis}Z{sequence or ''}")

    @classmethod
    def of(cls, name: str, mtime_ns: int) -> Delivery:
        """The delivery of a file named ``name`` last modified at ``mtime_ns``."""
        seconds = min(max(mtime_ns // 1_000_000_000, FIRST_SECOND), LAST_SECOND)
        moment = datetime.fromtimestamp(seconds, UTC)
        millis = mtime_ns // 1_000_000 % 1000
        # The year by hand: strftime's %Y drops the zeros of years before 1000 on glibc.
        return cls(name, f"{moment.year:04d}{moment:%m%dT%H%M%S}.{millis:03d}Z")


@dataclass(frozen=True)
class DroppedFile:
    """What a listing of a drop folder says of one file: never its content.

    ``sequence`` tells apart deliveries of one name at one modification time: a file whose
    time and name an archived or rejected delivery already has is that time's next delivery.
    ``inode`` is the local file's (0 for a remote store), which is how a listing knows that a
    file half-way through its move to the archive is still the delivery it was. Settling always
    goes by ``mtime_ns``; only the key may come from the name (``NameDate``).
    """

    name: str
    size: int
    mtime_ns: int
    sequence: int = 1
    inode: int = 0
    key_ns: int | None = None
    """The time its key carries when not its mtime: the business date in its name."""

    @property
    def delivery(self) -> Delivery:
        """The delivery this file is: its name, key time (the mtime by default) and sequence."""
        delivery = Delivery.of(self.name, self.mtime_ns if self.key_ns is None else self.key_ns)
        for _ in range(self.sequence - 1):
            delivery = delivery.next()
        return delivery

    @property
    def run_key(self) -> str:
        """Unique per delivery and content: a replaced file gets a new run."""
        return f"{self.delivery.key}:{self.size}:{self.mtime_ns}"


def list_local_folder(folder: Path) -> list[DroppedFile]:
    """The candidate entries of ``folder`` (no dotfiles, partial uploads or subfolders), by name.

    Links, FIFOs and other non-files are listed as they are (``lstat``): the load refuses them
    with a report instead of reading through them, and they never stay unexplained.
    """
    listing: list[DroppedFile] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return listing
    for entry in entries:
        if not (is_candidate(entry.name) and is_plain_name(entry.name)):
            continue
        try:
            status = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue  # moved away between listing and stat
        if stat.S_ISDIR(status.st_mode):
            continue
        listing.append(
            DroppedFile(entry.name, status.st_size, status.st_mtime_ns, inode=status.st_ino)
        )
    return sorted(listing, key=lambda f: f.name)


def is_plain_name(name: str) -> bool:
    """Whether ``name`` names a file in a folder and nothing else: no path, no NUL."""
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def matches(name: str, pattern: str | None) -> bool:
    """Whether ``name`` matches a source's ``file_pattern`` glob (any name if None), any case."""
    return pattern is None or fnmatch.fnmatchcase(name.lower(), pattern.lower())


def is_candidate(name: str) -> bool:
    """Whether a file name in a drop folder may be a finished delivery (no dotfiles, partials)."""
    return not (name.startswith((".", "~")) or name.lower().endswith(PARTIAL_SUFFIXES))


def fitting(name: str, suffix: str = "") -> str:
    """``name + suffix`` as a file name any disk holds: shortened past 255 bytes, never clashing.

    A store allows longer names (an S3 key of 1,024 bytes) than the spool or an SFTP server
    holds; such a name keeps its start and its extensions, with a hash of the whole between.
    """
    whole = name + suffix
    if len(whole.encode()) <= NAME_BYTES:
        return whole
    extensions = "".join(s for s in Path(name).suffixes[-2:] if len(s) <= 8)
    tail = f"~{hashlib.sha256(name.encode()).hexdigest()[:12]}{extensions}{suffix}"
    room = NAME_BYTES - len(tail.encode())
    return name.encode()[:room].decode(errors="ignore") + tail


def report_name(name: str) -> str:
    """The name of the report beside a rejected file or a set-aside named ``name``."""
    return fitting(name, REPORT)


def aside_name(delivery: Delivery, line: int) -> str:
    """The file name of a delivery's lines from ``line`` on, set aside: ``x.from-line-N.csv``."""
    name = Path(delivery.name.removesuffix(".gz").removesuffix(".zip"))
    return fitting(f"{name.stem}.from-line-{line}{name.suffix or '.csv'}")
