"""A local source's inbox, archive and rejected folders, and the private spool it is read from.

A delivery is opened once (``snapshot.pin``) and copied into the spool; the load reads the
copy and commits only if the open file held still. Afterwards the file itself moves to the
archive (or rejected) if its name still names it; if a partner replaced or removed it
meanwhile, the copy that was loaded is kept instead and the new file waits as a new delivery.
Nothing in the archive or rejected folder is ever replaced.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from csv_assets.pipeline.errors import BadFileError
from csv_assets.pipeline.read import copy_lines
from csv_assets.storage.deliveries import (
    REPORT,
    Delivery,
    DroppedFile,
    aside_name,
    is_candidate,
    list_local_folder,
    matches,
    report_name,
)
from csv_assets.storage.name_dates import NameDate, keyed
from csv_assets.storage.reports import parsed_report, report_bytes
from csv_assets.storage.spool import PinnedFile, copy_into_place, snapshot, write_whole


@dataclass(frozen=True)
class SourceFolders:
    """A source's inbox, archive and rejected folders, and the spool deliveries are read from."""

    inbox: Path
    archive: Path
    rejected: Path
    spool: Path
    pattern: str | None = None
    """The source's ``file_pattern``: files of the inbox whose name does not match stay there."""
    keying: NameDate | None = None
    """The source's ``key_format``: a delivery's key from the date in its name, not its mtime."""
    _origins: dict[Path, tuple[Path, PinnedFile]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def under(
        cls,
        data_dir: Path,
        source: str,
        inbox: str,
        spool: Path | None = None,
        pattern: str | None = None,
        keying: NameDate | None = None,
    ) -> SourceFolders:
        """The folders of ``source`` below ``data_dir`` (``inbox`` relative to it).

        ``spool`` is where deliveries are copied to be read (``<data_dir>/spool`` by default,
        as for remote folders): on the data folder's disk, never a RAM-backed /tmp.
        """
        return cls(
            data_dir / inbox,
            data_dir / "archive" / source,
            data_dir / "rejected" / source,
            spool or data_dir / "spool",
            pattern,
            keying,
        )

    def close(self) -> None:
        """Nothing to close: a local folder holds no connection."""

    def list_inbox(self) -> list[DroppedFile]:
        """The candidate files in the inbox with their sizes, mtimes and sequences; none opened."""
        return [
            self._sequenced(dropped)
            for dropped in list_local_folder(self.inbox)
            if matches(dropped.name, self.pattern)
        ]

    def scan_inbox(
        self, resume_after: str | None, budget_seconds: float
    ) -> tuple[list[DroppedFile], str | None]:
        """The whole listing: a local folder of any size lists in well under a tick."""
        return self.list_inbox(), None

    def _sequenced(self, dropped: DroppedFile) -> DroppedFile:
        """``dropped`` keyed, and numbered after the files its name and key were delivered as."""
        dropped = keyed(dropped, self.keying)
        while (kept := self._kept(dropped.delivery)) and os.lstat(kept).st_ino != dropped.inode:
            dropped = replace(dropped, sequence=dropped.sequence + 1)
        return dropped

    def _kept(self, delivery: Delivery) -> Path | None:
        """Where the archive or rejected folder holds ``delivery``, if either does."""
        for folder in (self.archive, self.rejected):
            kept = folder / delivery.stamp / delivery.name
            if os.path.lexists(kept):
                return kept
        return None

    def list_rejected(self) -> list[str]:
        """The rejected deliveries still waiting, as ``stamp/name``."""
        if not self.rejected.is_dir():
            return []
        return sorted(
            f"{path.parent.name}/{path.name}"
            for path in self.rejected.glob("*/*")
            if path.is_file() and is_candidate(path.name) and not path.name.endswith(REPORT)
        )

    def read_report(self, entry: str) -> dict[str, Any] | None:
        """The report beside a rejected file (``stamp/name``); None if none, or not JSON."""
        stamp, _, name = entry.partition("/")
        delivery = Delivery(name, stamp)  # refuses a path out of the rejected folder
        return parsed_report(self.rejected / delivery.stamp / report_name(delivery.name))

    def requeue(self, entry: str) -> str:
        """Move a rejected file (``stamp/name``) back into the inbox with a fresh mtime.

        Raises:
            ValueError: ``entry`` names no rejected delivery.
            FileExistsError: A file of that name already waits in the inbox.
        """
        stamp, _, name = entry.partition("/")
        delivery = Delivery(name, stamp)  # refuses a path out of the rejected folder
        path = self.rejected / delivery.stamp / delivery.name
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

    def locate(self, delivery: Delivery) -> Path | None:
        """Find the delivery: archived or rejected before, or still in the inbox."""
        kept = self._kept(delivery)
        if kept is not None:
            return kept
        dropped = self.inbox / delivery.name
        try:
            status = os.lstat(dropped)
        except FileNotFoundError:
            return None
        listed = DroppedFile(dropped.name, status.st_size, status.st_mtime_ns, inode=status.st_ino)
        now = self._sequenced(listed).delivery
        return dropped if (now.name, now.stamp) == (delivery.name, delivery.stamp) else None

    @contextmanager
    def fetch(self, delivery: Delivery) -> Iterator[Path | None]:
        """A private copy of the delivery for as long as it loads; None if it is nowhere.

        Raises:
            BadFileError: The delivery is a link or not a regular file; it is in the rejected
                folder now, beside a report.
            FileNotFoundError: It moved away, or was replaced, while it was opened.
            LoadError: It changed while it was copied.
        """
        origin = self.locate(delivery)
        if origin is None:
            yield None
            return
        with ExitStack() as stack:
            try:
                path, pinned = stack.enter_context(snapshot(origin, self.spool))
            except BadFileError as error:
                if origin.parent == self.inbox:
                    error.report_location = str(self._reject_entry(origin, delivery, error))
                raise
            opened = DroppedFile(origin.name, 0, pinned.identity.mtime_ns)
            if origin.parent == self.inbox and _base(delivery) != _base(
                keyed(opened, self.keying).delivery
            ):
                raise FileNotFoundError(origin)  # replaced between the look and the open
            self._origins[path] = (origin, pinned)
            stack.callback(self._origins.pop, path, None)
            yield path

    def check(self, path: Path) -> None:
        """Raise ``LoadError`` if the delivery copied to ``path`` changed since it was opened."""
        self._origins[path][1].check()

    def archive_file(self, path: Path, delivery: Delivery) -> Path:
        """Keep the loaded delivery in the archive (with any earlier rejection report)."""
        return self._keep(path, self.archive / delivery.stamp)

    def reject_file(self, path: Path, delivery: Delivery, report: dict[str, Any]) -> Path:
        """Keep a delivery in the rejected folder and write its report beside it."""
        kept = self._keep(path, self.rejected / delivery.stamp)
        report_path = kept.with_name(report_name(kept.name))
        write_whole(report_path, report_bytes(report))
        return report_path

    def set_aside(
        self, path: Path, delivery: Delivery, line: int, encoding: str, report: dict[str, Any]
    ) -> Path:
        """Copy the lines of ``path`` from ``line`` on into the rejected folder, with a report.

        The file itself is left where it is; the copy keeps the lines' bytes as they were. Done
        once: a set-aside that is already there, report and all, is left as it is.
        """
        folder = self.rejected / delivery.stamp
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / aside_name(delivery, line)
        report_path = target.with_name(report_name(target.name))
        if not report_path.is_file():
            part = target.with_name(f".{target.name}.{os.getpid()}.part")
            try:
                copy_lines(path, encoding, line, part)
                os.replace(part, target)
            finally:
                with suppress(FileNotFoundError):
                    part.unlink()
            write_whole(report_path, report_bytes(report))
        return target

    def _keep(self, path: Path, folder: Path) -> Path:
        """Keep the delivery copied to ``path`` in ``folder``: the file itself, or the copy.

        The file moves if its name still names it; if a partner replaced or removed it, the
        copy (the bytes that were loaded) is kept instead, and a new file stays where it is.
        """
        origin, pinned = self._origins[path]
        if origin.parent == folder:
            return origin
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / origin.name
        if os.path.lexists(target):
            if not (pinned.is_at(target) or filecmp.cmp(path, target, shallow=False)):
                raise FileExistsError(f"{target} holds another delivery; nothing was replaced")
        elif pinned.is_at(origin):
            try:
                os.link(origin, target, follow_symlinks=False)
            except OSError:
                copy_into_place(path, target)  # another file system: the bytes that loaded
            if not pinned.is_at(target) and not filecmp.cmp(path, target, shallow=False):
                os.unlink(target)  # the name was taken by a new file in between: keep the copy
                copy_into_place(path, target)
        else:
            copy_into_place(path, target)
        _take_away(origin, pinned)
        # An earlier rejection's report goes with its file; a partner's file of that name in
        # the inbox is a delivery of its own, never swept along.
        report = origin.with_name(report_name(origin.name))
        if origin.parent != self.inbox and report.is_file() and not (folder / report.name).exists():
            os.replace(report, folder / report.name)
        return target

    def _reject_entry(self, origin: Path, delivery: Delivery, error: BadFileError) -> Path:
        """Move an inbox entry that is no file (a link, a FIFO) to rejected, unread, reported."""
        folder = self.rejected / delivery.stamp
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / origin.name
        os.link(origin, target, follow_symlinks=False)  # the entry itself, never its target
        os.unlink(origin)
        report_path = target.with_name(report_name(target.name))
        write_whole(report_path, report_bytes(error.as_report()))
        return report_path


def _take_away(origin: Path, pinned: PinnedFile) -> None:
    """Remove ``origin`` from the inbox if it is still the pinned file, and only then.

    The name is first renamed aside, so that a new file dropped onto it at that very moment is
    seen, and put back, instead of being removed.
    """
    aside = origin.with_name(f".{origin.name}.{os.getpid()}.taken")
    try:
        os.rename(origin, aside)
    except FileNotFoundError:
        return
    if pinned.is_at(aside):
        os.unlink(aside)
        return
    try:
        os.link(aside, origin, follow_symlinks=False)
    except FileExistsError:  # yet another file took the name: this one waits beside it
        os.link(aside, origin.with_name(f"{origin.stem}.{os.getpid()}{origin.suffix}"))
    os.unlink(aside)


def _base(delivery: Delivery) -> str:
    """The delivery's time without its sequence."""
    return delivery.stamp.partition("~")[0]
