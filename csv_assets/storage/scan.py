"""Scan a drop folder's listing, never a file's content, and say which files have held still."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from csv_assets.storage.deliveries import DroppedFile

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


def is_future_dated(file: DroppedFile, now: float) -> bool:
    """Whether ``file``'s mtime lies ahead of ``now``: a writer's clock is wrong (or set so)."""
    return file.mtime_ns > int(now * 1e9) + CLOCK_MARGIN_NS


def held_still(
    listing: Iterable[DroppedFile],
    seen: dict[str, float],
    now: float,
    settle_seconds: float,
    complete: bool = True,
) -> tuple[list[DroppedFile], dict[str, float]]:
    """The future-dated files of ``listing`` seen unchanged for ``settle_seconds``.

    Their mtime says nothing of when they last changed, so the scans remember when each was
    first seen as it is (by ``run_key``: its name, time and size); a change is a new entry.

    Args:
        listing: The files the scan listed.
        seen: When each future-dated file was first seen, from the previous scan's cursor.
        now: When this scan began.
        settle_seconds: How long a file must have held still.
        complete: Whether ``listing`` is the whole folder; a page of it (S3) keeps what was
            seen of the other pages.

    Returns:
        The files ready now, and what the next scan should remember.
    """
    future = [f for f in listing if is_future_dated(f, now)]
    # A page keeps the other pages' entries for a day past settling: a file gone by then was
    # loaded or removed.
    forget_before = now - settle_seconds - 86_400
    remembered = {} if complete else {k: t for k, t in seen.items() if t > forget_before}
    remembered.update({f.run_key: seen.get(f.run_key, now) for f in future})
    ready = [f for f in future if remembered[f.run_key] <= now - settle_seconds]
    return ready, remembered


@dataclass(frozen=True)
class ScanCursor:
    """What a sensor keeps between scans: when the last began, and nothing per file but a few.

    Attributes:
        scanned_at: When the previous scan began (None: no scan yet, or an older cursor).
        resume_after: The name a paged listing (S3) goes on after at the next tick, when a tick
            listed only part of a big folder; None to list from the top.
        future_dated: When each future-dated file was first seen as it is (see ``held_still``).
    """

    scanned_at: float | None = None
    resume_after: str | None = None
    future_dated: Mapping[str, float] = field(default_factory=dict)

    def encode(self) -> str:
        """The cursor as the sensor stores it (JSON, version 2)."""
        cursor: dict[str, object] = {"v": 2, "scanned_at": self.scanned_at}
        if self.resume_after is not None:
            cursor["resume_after"] = self.resume_after
        if self.future_dated:
            cursor["future_dated"] = dict(self.future_dated)
        return json.dumps(cursor)

    @classmethod
    def decode(cls, cursor: str | None) -> ScanCursor:
        """The cursor a sensor stored; each part it cannot read is as if there were none."""
        try:
            raw = json.loads(cursor or "{}")
        except ValueError:
            return cls()
        if not isinstance(raw, dict):
            return cls()
        return cls(_scanned_at(raw), _resume_after(raw), _future_dated(raw))


def _scanned_at(raw: dict[str, Any]) -> float | None:
    try:
        return float(raw["scanned_at"]) if raw.get("v") == 2 else None
    except (ValueError, TypeError, KeyError):
        return None


def _resume_after(raw: dict[str, Any]) -> str | None:
    value = raw.get("resume_after")
    return value if isinstance(value, str) else None


def _future_dated(raw: dict[str, Any]) -> dict[str, float]:
    try:
        value = raw.get("future_dated", {})
        return {str(k): float(v) for k, v in value.items()}
    except (ValueError, TypeError, AttributeError):
        return {}
