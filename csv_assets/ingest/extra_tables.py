"""A second table further down a delivery: set aside with a report, or the file rejected."""

from __future__ import annotations

from pathlib import Path

from csv_assets.ingest.report import IngestReport
from csv_assets.pipeline.errors import BadFileError, Refusal
from csv_assets.storage import Delivery, Folders


def set_aside(
    folders: Folders, path: Path, delivery: Delivery, report: IngestReport, line: int
) -> str:
    """Copy a second table of the file into the rejected folder, with a report saying why."""
    archived = folders.archive_location(delivery)
    return str(
        folders.set_aside(
            path,
            delivery,
            line,
            report.dialect.encoding,
            {
                "file": delivery.name,
                "rule": "extra_table",
                "line": line,
                "message": (
                    f"{delivery.name}: a second table starts on line {line}; the table above it "
                    f"loaded ({report.rows_loaded} rows), these lines did not. The whole file is "
                    f"archived at {archived}. Load this part as its own file, or set the source's "
                    "on_extra_table: fail to reject such files"
                ),
                "partition_key": delivery.key,
                "sha256": report.sha256,
            },
        )
    )


def extra_table(file: str, line: int) -> BadFileError:
    """The terminal error of a file with a second table, under ``on_extra_table: fail``."""
    return BadFileError(
        file,
        f"a second table starts on line {line} (a new header after a blank line); the "
        "source's on_extra_table: fail holds the file back, nothing was loaded. Split the "
        "file, or set on_extra_table: set_aside to load the first table",
        line=line,
        rule=Refusal.EXTRA_TABLE,
    )
