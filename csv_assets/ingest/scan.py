"""Scan a drop folder: stat each file, never open one, and say which have held still."""

import json
from dataclasses import dataclass
from pathlib import Path

from csv_assets.ingest.deliveries import Delivery, is_candidate


@dataclass(frozen=True)
class FileState:
    """What a stat() of a dropped file said."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ReadyFile:
    """A file that held still long enough to load."""

    delivery: Delivery
    state: FileState

    @property
    def run_key(self) -> str:
        """Unique per delivery and content: a replaced file gets a new run."""
        return f"{self.delivery.key}:{self.state.size}:{self.state.mtime_ns}"


def scan_drop_folder(
    folder: Path, previous: dict[str, FileState], now: float, settle_seconds: float
) -> tuple[list[ReadyFile], dict[str, FileState]]:
    """Stat the files in ``folder``; never opens one.

    A file is ready when its size and mtime equal those of the previous scan and it was last
    modified at least ``settle_seconds`` ago. Dotfiles and partial names are ignored.

    Returns:
        The ready files, and the state to compare with at the next scan.
    """
    current: dict[str, FileState] = {}
    ready: list[ReadyFile] = []
    if not folder.is_dir():
        return ready, current
    for path in sorted(folder.iterdir()):
        if not is_candidate(path.name):
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:
            continue  # moved away between listing and stat
        if not path.is_file():
            continue
        state = FileState(stat.st_size, stat.st_mtime_ns)
        current[path.name] = state
        settled = now - stat.st_mtime_ns / 1e9 >= settle_seconds
        if previous.get(path.name) == state and settled:
            ready.append(ReadyFile(Delivery.of(path.name, stat.st_mtime_ns), state))
    return ready, current


def encode_cursor(state: dict[str, FileState]) -> str:
    """Serialise scan state for the sensor cursor."""
    return json.dumps({name: [s.size, s.mtime_ns] for name, s in state.items()}, sort_keys=True)


def decode_cursor(cursor: str | None) -> dict[str, FileState]:
    """Read scan state back from a sensor cursor (an empty or foreign cursor means none)."""
    try:
        raw = json.loads(cursor or "{}")
        return {name: FileState(int(size), int(mtime)) for name, (size, mtime) in raw.items()}
    except (ValueError, TypeError):
        return {}
