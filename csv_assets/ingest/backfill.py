"""Bring a folder of past deliveries in: every file loaded once, in key order, then moved.

The folder stands in for the source's drop folder: each file loads exactly as the sensor's
would (one delivery, its key from its name's date or its mtime), then moves to the source's
archive, or to its rejected folder beside a report. Run again after a kill, it goes on: what
loaded has moved away (or, moved not yet, is found in the ledger and moved now), and what did
not load is still there.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from csv_assets.catalog import SourceSpec, folders_for
from csv_assets.ingest.ingestor import Ingestor
from csv_assets.pipeline.errors import BadFileError
from csv_assets.storage import DroppedFile, RemoteSettings, SourceFolders

Status = Literal["loaded", "duplicate", "rejected", "changing"]


@dataclass(frozen=True)
class Outcome:
    """What became of one file of the folder."""

    key: str
    name: str
    status: Status
    rows: int = 0
    detail: str = ""
    """Why it was rejected, or what is left to do after its commit (``pending``)."""
    report: str | None = None
    """Where a rejected file's report lies."""


class HistoryFolder:
    """A folder of one source's past files, to load in key order as the source's deliveries."""

    def __init__(
        self, source: SourceSpec, folder: Path, data_dir: Path, settings: RemoteSettings
    ) -> None:
        """The source's archive and rejected folders, with ``folder`` as its drop folder.

        Raises:
            ValueError: The source's drop folder is remote (its archive lies in the store), or
                ``folder`` is not a folder.
        """
        if not folder.is_dir():
            raise ValueError(f"{folder} is not a folder")
        own = folders_for(source, data_dir, settings)
        if not isinstance(own, SourceFolders):
            own.close()
            raise ValueError(
                f"{source.name}'s drop folder is remote ({source.inbox}): upload the files "
                "there instead; with key_from: name_date they load in date order"
            )
        self.source = source
        self.folders = SourceFolders(
            folder.resolve(), own.archive, own.rejected, own.spool, own.pattern, own.keying
        )

    def pending(self) -> list[DroppedFile]:
        """The files still to load, in key order (the order the sensor's runs would take)."""
        return sorted(self.folders.list_inbox(), key=lambda f: f.delivery.key)

    def load(self, files: list[DroppedFile], ingestor: Ingestor) -> Iterator[Outcome]:
        """Load ``files`` one after the other, each once, yielding what became of each.

        A file that changed within the source's ``settle_seconds`` is left for the next run.

        Raises:
            LoadError: The database or the file system failed: the backfill stops there, so
                that later files never load before an earlier one; run it again to go on.
        """
        for dropped in files:
            delivery = dropped.delivery
            if time.time() - dropped.mtime_ns / 1e9 < self.source.settle_seconds:
                yield Outcome(delivery.key, dropped.name, "changing", detail="still being written")
                continue
            try:
                report = ingestor.load(self.source, delivery, self.folders)
            except BadFileError as error:
                yield Outcome(
                    delivery.key,
                    dropped.name,
                    "rejected",
                    detail=error.describe(),
                    report=error.report_location,
                )
                continue
            yield Outcome(
                delivery.key,
                dropped.name,
                report.status,
                report.rows_loaded,
                detail=report.pending or "",
            )
