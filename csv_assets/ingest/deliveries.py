"""Deliveries: a dropped file's partition key, its listing, and its moves to archive or rejected."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from csv_assets.pipeline.read import copy_lines

PARTIAL_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")


KEY = re.compile(r"(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{3})Z (.+)")
"""A partition key: the delivery's time (UTC, to the millisecond), a space, its file name."""


@dataclass(frozen=True)
class Delivery:
    """One file as it was delivered: its name plus its modification time, to the millisecond.

    Vendors drop the same name every day; the stamp keeps each delivery apart. ``stamp`` is
    compact (``20261123T101500.123Z``) for folder names; the partition key spells it out.
    """

    name: str
    stamp: str
    legacy_key: bool = False
    """Whether the partition was named before 0.2's keys (``name@stamp``): it keeps that key."""

    @property
    def key(self) -> str:
        """The Dagster partition key, e.g. ``2026-11-23 10:15:00.123Z orders.csv``.

        Time first, so partitions read and sort in delivery order, and two deliveries of one
        name differ at the start of the key, where the UI never shortens it.
        """
        if self.legacy_key:
            return f"{self.name}@{self.stamp}"
        s = self.stamp
        return f"{s[:4]}-{s[4:6]}-{s[6:8]} {s[9:11]}:{s[11:13]}:{s[13:]} {self.name}"

    @classmethod
    def from_key(cls, key: str) -> Delivery:
        """Parse a partition key back into a delivery (older ``name@stamp`` keys too)."""
        if match := KEY.fullmatch(key):
            year, month, day, hour, minute, second, millis, name = match.groups()
            return cls(name, f"{year}{month}{day}T{hour}{minute}{second}.{millis}Z")
        name, _, stamp = key.rpartition("@")
        if not name or not stamp:
            raise ValueError(
                f"{key!r} is not a delivery key ('2026-11-23 10:15:00.123Z orders.csv')"
            )
        return cls(name, stamp, legacy_key=True)

    @classmethod
    def of(cls, name: str, mtime_ns: int) -> Delivery:
        """The delivery of a file named ``name`` last modified at ``mtime_ns``."""
        moment = datetime.fromtimestamp(mtime_ns // 1_000_000_000, UTC)
        millis = mtime_ns // 1_000_000 % 1000
        return cls(name, f"{moment:%Y%m%dT%H%M%S}.{millis:03d}Z")


@dataclass(frozen=True)
class DroppedFile:
    """What a listing of a drop folder says of one file: never its content."""

    name: str
    size: int
    mtime_ns: int

    @property
    def delivery(self) -> Delivery:
        """The delivery this file is: its name and modification time."""
        return Delivery.of(self.name, self.mtime_ns)

    @property
    def run_key(self) -> str:
        """Unique per delivery and content: a replaced file gets a new run."""
        return f"{self.delivery.key}:{self.size}:{self.mtime_ns}"


def list_local_folder(folder: Path) -> list[DroppedFile]:
    """The candidate files in ``folder`` (no dotfiles, partial uploads or subfolders), by name."""
    listing: list[DroppedFile] = []
    try:
        entries = list(os.scandir(folder))
    except FileNotFoundError:
        return listing
    for entry in entries:
        if not is_candidate(entry.name):
            continue
        try:
            if not entry.is_file():
                continue
            stat = entry.stat()
        except FileNotFoundError:
            continue  # moved away between listing and stat
        listing.append(DroppedFile(entry.name, stat.st_size, stat.st_mtime_ns))
    return sorted(listing, key=lambda f: f.name)


def is_candidate(name: str) -> bool:
    """Whether a file name in a drop folder may be a finished delivery (no dotfiles, partials)."""
    return not (name.startswith((".", "~")) or name.lower().endswith(PARTIAL_SUFFIXES))


@dataclass(frozen=True)
class SourceFolders:
    """A source's inbox, archive and rejected folders."""

    inbox: Path
    archive: Path
    rejected: Path

    @classmethod
    def under(cls, data_dir: Path, source: str, inbox: str) -> SourceFolders:
        """The folders of ``source`` below ``data_dir`` (``inbox`` relative to it)."""
        return cls(data_dir / inbox, data_dir / "archive" / source, data_dir / "rejected" / source)

    def close(self) -> None:
        """Nothing to close: a local folder holds no connection."""

    def list_inbox(self) -> list[DroppedFile]:
        """The candidate files in the inbox with their sizes and mtimes; none is opened."""
        return list_local_folder(self.inbox)

    def scan_inbox(
        self, resume_after: str | None, budget_seconds: float
    ) -> tuple[list[DroppedFile], str | None]:
        """The whole listing: a local folder of any size lists in well under a tick."""
        return self.list_inbox(), None

    def list_rejected(self) -> list[str]:
        """The rejected deliveries still waiting, as ``stamp/name``."""
        if not self.rejected.is_dir():
            return []
        return sorted(
            f"{path.parent.name}/{path.name}"
            for path in self.rejected.glob("*/*")
            if path.is_file() and is_candidate(path.name) and not path.name.endswith(".report.json")
        )

    def requeue(self, entry: str) -> str:
        """Move a rejected file (``stamp/name``) back into the inbox with a fresh mtime.

        Raises:
            FileExistsError: A file of that name already waits in the inbox.
        """
        path = self.rejected / entry
        target = self.inbox / path.name
        if target.exists():
            raise FileExistsError(f"{target} already waits in the inbox")
        self.inbox.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        os.utime(target)
        return str(target)

    def archive_location(self, delivery: Delivery) -> str:
        """Where the delivery is kept once loaded."""
        return str(self.archive / delivery.stamp / delivery.name)

    @contextmanager
    def fetch(self, delivery: Delivery) -> Iterator[Path | None]:
        """The delivery's file where it lies (a local folder needs no spool); None if gone."""
        yield self.locate(delivery)

    def locate(self, delivery: Delivery) -> Path | None:
        """Find the delivery: still in the inbox, already archived, or rejected earlier."""
        dropped = self.inbox / delivery.name
        if dropped.is_file() and Delivery.of(dropped.name, dropped.stat().st_mtime_ns) == delivery:
            return dropped
        for folder in (self.archive, self.rejected):
            kept = folder / delivery.stamp / delivery.name
            if kept.is_file():
                return kept
        return None

    def archive_file(self, path: Path, delivery: Delivery) -> Path:
        """Move a loaded delivery (and any earlier rejection report) into the archive."""
        return self._move(path, self.archive / delivery.stamp)

    def reject_file(self, path: Path, delivery: Delivery, report: dict[str, Any]) -> Path:
        """Move a delivery into the rejected folder and write its report beside it."""
        moved = self._move(path, self.rejected / delivery.stamp)
        report_path = moved.with_name(moved.name + ".report.json")
        report_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
        return report_path

    def set_aside(
        self, path: Path, delivery: Delivery, line: int, encoding: str, report: dict[str, Any]
    ) -> Path:
        """Copy the lines of ``path`` from ``line`` on into the rejected folder, with a report.

        The file itself is left where it is; the copy keeps the lines' bytes as they were.
        """
        folder = self.rejected / delivery.stamp
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / aside_name(delivery, line)
        copy_lines(path, encoding, line, target)
        target.with_name(target.name + ".report.json").write_text(
            json.dumps(report, indent=2, default=str) + "\n"
        )
        return target

    @staticmethod
    def _move(path: Path, folder: Path) -> Path:
        target = folder / path.name
        if path.parent == folder:
            return path
        if not path.exists() and target.is_file():
            return target  # a concurrent loader of the same delivery moved it already
        folder.mkdir(parents=True, exist_ok=True)
        report = path.with_name(path.name + ".report.json")
        shutil.move(path, target)
        if report.is_file():
            shutil.move(report, folder / report.name)
        return target


def aside_name(delivery: Delivery, line: int) -> str:
    """The file name of a delivery's lines from ``line`` on, set aside: ``x.from-line-N.csv``."""
    name = Path(delivery.name.removesuffix(".gz").removesuffix(".zip"))
    return f"{name.stem}.from-line-{line}{name.suffix or '.csv'}"
