"""A remote source's inbox, archive and rejected folders, and the local spool it is read from.

The drop folder is the URL itself; ``archive/`` and ``rejected/`` sit inside it, one level
down, where a one-level listing of the drop folder never sees them. A delivery is spooled to
a local file only while it loads (one at a time per loader), then the spool is emptied.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from csv_assets.pipeline.errors import LoadError
from csv_assets.pipeline.read import copy_lines
from csv_assets.storage.deliveries import (
    REPORT,
    Delivery,
    DroppedFile,
    aside_name,
    fitting,
    matches,
    report_name,
)
from csv_assets.storage.name_dates import NameDate, keyed
from csv_assets.storage.reports import parsed_report, report_bytes
from csv_assets.storage.spool import spool_folder
from csv_assets.storage.stores import RemoteSettings, Store


class RemoteFolders:
    """The folders of a source whose deliveries drop into a remote store."""

    def __init__(
        self,
        store: Store,
        settings: RemoteSettings,
        pattern: str | None = None,
        keying: NameDate | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.pattern = pattern
        self.keying = keying
        self.inbox = store.url
        self.archive = store.url + "archive/"
        self.rejected = store.url + "rejected/"
        self._origins: dict[Path, DroppedFile] = {}

    def close(self) -> None:
        """Close the store's connection."""
        self.store.close()

    def list_inbox(self) -> list[DroppedFile]:
        """One listing of the drop folder: names, sizes and mtimes, no content."""
        return [keyed(f, self.keying) for f in self.store.list() if matches(f.name, self.pattern)]

    def scan_inbox(
        self, resume_after: str | None, budget_seconds: float
    ) -> tuple[list[DroppedFile], str | None]:
        """Part of the listing, resumed where the last part ended, when the store pages (S3).

        A store listed in one call (SFTP) is listed whole; nothing to resume then.
        """
        part = getattr(self.store, "list_part", None)
        if part is None:
            return self.list_inbox(), None
        listing, resume = part(resume_after, budget_seconds)
        return [keyed(f, self.keying) for f in listing if matches(f.name, self.pattern)], resume

    def list_rejected(self) -> list[str]:
        """The rejected deliveries still waiting, as ``stamp/name``."""
        return [
            f.name
            for f in self.store.list("rejected", below=True)
            if f.name.count("/") == 1 and not f.name.endswith(REPORT)
        ]

    def read_report(self, entry: str) -> dict[str, Any] | None:
        """The report beside a rejected file (``stamp/name``); None if none, or not JSON."""
        stamp, _, name = entry.partition("/")
        delivery = Delivery(name, stamp)  # refuses a path out of the rejected folder
        key = f"rejected/{delivery.stamp}/{report_name(delivery.name)}"
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "report.json"
            try:
                self.store.download(key, target)
            except FileNotFoundError:
                return None
            return parsed_report(target)

    def requeue(self, entry: str) -> str:
        """Move a rejected file (``stamp/name``) back into the drop folder as a new delivery.

        Raises:
            ValueError: ``entry`` names no rejected delivery.
            FileExistsError: A file of that name already waits in the drop folder.
        """
        stamp, _, name = entry.partition("/")
        Delivery(name, stamp)  # refuses a path out of the rejected folder
        if self.store.stat(name) is not None:
            raise FileExistsError(f"{self.inbox}{name} already waits in the drop folder")
        self.store.move(f"rejected/{entry}", name)
        self.store.touch(name)
        moved = self.store.stat(name)
        if moved is not None and moved.delivery.stamp == entry.partition("/")[0]:
            time.sleep(1.0)  # the stores keep whole seconds: requeued in the rejection's second
            self.store.touch(name)
        return self.inbox + name

    def archive_location(self, delivery: Delivery) -> str:
        """Where the delivery is kept once loaded."""
        return f"{self.archive}{delivery.stamp}/{delivery.name}"

    def _find(self, delivery: Delivery) -> tuple[str, DroppedFile] | None:
        """Where the delivery lies now (inbox, archive or rejected), with its size."""
        dropped = self.store.stat(delivery.name)
        if dropped is not None and keyed(dropped, self.keying).delivery == delivery:
            return delivery.name, dropped
        for folder in ("archive", "rejected"):
            key = f"{folder}/{delivery.stamp}/{delivery.name}"
            kept = self.store.stat(key)
            if kept is not None:
                return key, kept
        return None

    @contextmanager
    def fetch(self, delivery: Delivery) -> Iterator[Path | None]:
        """The delivery spooled to a local file for as long as it loads; None if it is gone.

        Raises:
            LoadError: The spool has no room for the file (the file stays where it is).
            FileNotFoundError: The file moved away while it was spooled.
        """
        found = self._find(delivery)
        if found is None:
            yield None
            return
        key, remote = found
        spool = spool_folder(self.settings.spool_dir)
        try:
            self._check_room(remote, spool)
            path = spool / fitting(delivery.name)
            self.store.download(key, path)
            self._origins[path] = replace(remote, name=key)
            yield path
        finally:
            self._origins.pop(spool / fitting(delivery.name), None)
            shutil.rmtree(spool, ignore_errors=True)

    def _check_room(self, remote: DroppedFile, spool: Path) -> None:
        free = shutil.disk_usage(spool).free
        if free - remote.size < self.settings.spool_reserve_bytes:
            raise LoadError(
                f"{remote.name}: {remote.size:,} bytes do not fit in the spool {spool.parent} "
                f"({free:,} bytes free); free some space or set CSV_ASSETS_SPOOL_DIR"
            )

    def check(self, path: Path) -> None:
        """Raise ``LoadError`` if the delivery's object was replaced since it was spooled.

        Raises:
            LoadError: Another upload of that name replaced it; nothing may commit.
        """
        origin = self._origins[path]
        now = self.store.stat(origin.name)
        if now is not None and (now.size, now.mtime_ns) != (origin.size, origin.mtime_ns):
            raise LoadError(
                f"{path.name}: the file was replaced while it was read ({origin.size:,} bytes "
                f"then, {now.size:,} now); nothing was committed, and it loads as it is now"
            )

    def archive_file(self, path: Path, delivery: Delivery) -> str:
        """Move a loaded delivery (and any earlier rejection report) into the archive."""
        return self._move(path, f"archive/{delivery.stamp}/{delivery.name}")

    def reject_file(self, path: Path, delivery: Delivery, report: dict[str, Any]) -> str:
        """Move a delivery into rejected/ and write its report beside it."""
        folder = f"rejected/{delivery.stamp}/"
        # The report first: if it cannot be written, the file has not moved either.
        self.store.put(folder + report_name(delivery.name), report_bytes(report))
        self._move(path, folder + delivery.name)
        return self.store.url + folder + report_name(delivery.name)

    def set_aside(
        self, path: Path, delivery: Delivery, line: int, encoding: str, report: dict[str, Any]
    ) -> str:
        """Put the lines of the spooled file from ``line`` on into rejected/, with a report."""
        name = aside_name(delivery, line)
        target = f"rejected/{delivery.stamp}/{name}"
        part = path.parent / "aside.part"  # the spool folder is this delivery's alone
        copy_lines(path, encoding, line, part)
        self.store.put(target, part)
        self.store.put(f"rejected/{delivery.stamp}/{report_name(name)}", report_bytes(report))
        return self.store.url + target

    def _move(self, path: Path, target: str) -> str:
        fetched = self._origins[path]
        origin = fetched.name
        now = self.store.stat(origin) if origin != target else None
        if now is not None and (now.size, now.mtime_ns) != (fetched.size, fetched.mtime_ns):
            # Replaced since it was read: keep the bytes that loaded, leave the new upload be.
            self.store.put(target, path)
        elif origin != target:
            try:
                self.store.move(origin, target)
            except FileNotFoundError:
                if self.store.stat(target) is None:
                    raise  # neither here nor there: ingest_file looks for it again
            report, moved = (_report_of(key) for key in (origin, target))
            # Only a report of an earlier rejection travels; the drop folder's are partners'.
            if "/" in origin and report != moved and self.store.stat(report) is not None:
                self.store.move(report, moved)
        return self.store.url + target


def _report_of(key: str) -> str:
    """The key of the report beside the file at ``key``."""
    folder, slash, name = key.rpartition("/")
    return folder + slash + report_name(name)
