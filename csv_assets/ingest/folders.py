"""A source's folders, local or remote: what ``ingest_file`` and the sensors use of them."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from csv_assets.ingest.catalog import SourceSpec
from csv_assets.ingest.deliveries import Delivery, DroppedFile
from csv_assets.ingest.local_folders import SourceFolders
from csv_assets.ingest.remote_folders import RemoteFolders
from csv_assets.ingest.stores import RemoteSettings, is_remote, open_store


class Folders(Protocol):
    """A source's inbox, archive and rejected folders (``SourceFolders`` or ``RemoteFolders``)."""

    @property
    def inbox(self) -> Path | str:
        """The drop folder, for messages."""
        ...

    @property
    def archive(self) -> Path | str:
        """Where loaded deliveries are kept."""
        ...

    @property
    def rejected(self) -> Path | str:
        """Where rejected deliveries wait beside their reports."""
        ...

    def close(self) -> None:
        """Close any connection the folders hold (a remote store's)."""
        ...

    def list_inbox(self) -> list[DroppedFile]:
        """One listing of the drop folder."""
        ...

    def scan_inbox(
        self, resume_after: str | None, budget_seconds: float
    ) -> tuple[list[DroppedFile], str | None]:
        """A tick's share of the listing, and where the next goes on (None: from the top)."""
        ...

    def list_rejected(self) -> list[str]:
        """The rejected deliveries not requeued yet, as ``stamp/name``."""
        ...

    def requeue(self, entry: str) -> str:
        """Move a rejected file (``stamp/name``) back into the drop folder: a new delivery."""
        ...

    def archive_location(self, delivery: Delivery) -> str:
        """Where ``delivery`` is kept once loaded."""
        ...

    def fetch(self, delivery: Delivery) -> AbstractContextManager[Path | None]:
        """The delivery as a local file while it loads, or None if it is nowhere."""
        ...

    def check(self, path: Path) -> None:
        """Raise ``LoadError`` if the delivery fetched to ``path`` changed where it lies."""
        ...

    def archive_file(self, path: Path, delivery: Delivery) -> Path | str:
        """Move the loaded delivery to the archive."""
        ...

    def reject_file(self, path: Path, delivery: Delivery, report: dict[str, Any]) -> Path | str:
        """Move the delivery to rejected, its report beside it."""
        ...

    def set_aside(
        self, path: Path, delivery: Delivery, line: int, encoding: str, report: dict[str, Any]
    ) -> Path | str:
        """Copy the file's lines from ``line`` on into rejected, with a report."""
        ...


def folders_for(source: SourceSpec, data_dir: Path, settings: RemoteSettings) -> Folders:
    """The folders of ``source``: below ``data_dir``, or in the store its drop folder names."""
    if is_remote(source.inbox):
        return RemoteFolders(open_store(source.inbox, settings), settings, source.file_pattern)
    return SourceFolders.under(
        data_dir, source.name, source.inbox, settings.spool_dir, source.file_pattern
    )
