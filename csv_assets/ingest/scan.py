"""Scan a drop folder's listing, never a file's content, and say which files have held still."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from csv_assets.ingest.deliveries import DroppedFile, list_local_folder

CLOCK_MARGIN_NS = 1_000_000_000
"""How far a file's mtime must lie before the previous scan: covers coarse file-system clocks
and servers that keep whole seconds (SFTP)."""


def ready_files(
    listing: Iterable[DroppedFile], previous_scan: float | None, now: float, settle_seconds: float
) -> list[DroppedFile]:
    """The files that have held still: unchanged since before the previous scan, and settled.

    A file is ready when its mtime lies before the previous scan (so two scans saw it as it is
    now: a write in between would have moved its mtime past the first) and at least
    ``settle_seconds`` before ``now``. No scan before (``previous_scan`` None): nothing is ready
    yet. Knowing one instant is all the state a scan needs, however many files wait.
    """
    if previous_scan is None:
        return []
    before = int(previous_scan * 1e9) - CLOCK_MARGIN_NS
    settled = int((now - settle_seconds) * 1e9)
    return [f for f in listing if f.mtime_ns < before and f.mtime_ns <= settled]


def scan_drop_folder(
    folder: Path, previous_scan: float | None, now: float, settle_seconds: float
) -> list[DroppedFile]:
    """The ready files of a local drop folder (see ``ready_files``)."""
    return ready_files(list_local_folder(folder), previous_scan, now, settle_seconds)


def encode_cursor(scanned_at: float, resume_after: str | None = None) -> str:
    """The sensor cursor: when this scan began, and nothing per file.

    ``resume_after``: the name a paged listing (S3) goes on after at the next tick, when this
    tick listed only part of a big folder.
    """
    cursor: dict[str, object] = {"v": 2, "scanned_at": scanned_at}
    if resume_after is not None:
        cursor["resume_after"] = resume_after
    return json.dumps(cursor)


def decode_cursor(cursor: str | None) -> float | None:
    """When the previous scan began; None for no cursor, or one written by an older version."""
    try:
        raw = json.loads(cursor or "{}")
        return float(raw["scanned_at"]) if raw.get("v") == 2 else None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def resume_point(cursor: str | None) -> str | None:
    """Where the previous tick's partial listing stopped; None to list from the top."""
    try:
        value = json.loads(cursor or "{}").get("resume_after")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None
