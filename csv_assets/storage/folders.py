"""A source's folders, local or remote: what loads and sensors use of them."""

from __future__ import annotations

from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol

from csv_assets.storage.deliveries import Delivery, DroppedFile


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

    def read_report(self, entry: str) -> dict[str, Any] | None:
        """The report beside a rejected file (``stamp/name``); None if none, or not JSON."""
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
