"""Drop-folder sensors: stat each file, and request a load once a file has held still."""

import json
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
from dagster._core.definitions.unresolved_asset_job_definition import UnresolvedAssetJobDefinition

from csv_assets.catalog import SourceSpec
from csv_assets.deliveries import Delivery, is_candidate
from csv_assets.resources import DropFolders


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


def build_drop_folder_sensor(
    source: SourceSpec,
    job: dg.JobDefinition | UnresolvedAssetJobDefinition,
    partitions: dg.DynamicPartitionsDefinition,
) -> dg.SensorDefinition:
    """Build the sensor that turns settled files in ``source``'s inbox into partitions and runs."""

    @dg.sensor(
        name=f"{source.name}_drop_folder",
        job=job,
        minimum_interval_seconds=5,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"Loads each file dropped into {source.inbox} once it has stopped changing "
        f"for {source.settle_seconds:g}s.",
    )
    def _sensor(context: dg.SensorEvaluationContext, drop_folders: DropFolders) -> dg.SensorResult:
        inbox = drop_folders.folders(source).inbox
        ready, state = scan_drop_folder(
            inbox, decode_cursor(context.cursor), time.time(), source.settle_seconds
        )
        known = set(context.instance.get_dynamic_partitions(partitions.name))
        new = sorted({f.delivery.key for f in ready} - known)
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(run_key=f.run_key, partition_key=f.delivery.key) for f in ready
            ],
            dynamic_partitions_requests=[partitions.build_add_request(new)] if new else [],
            cursor=encode_cursor(state),
        )

    return _sensor
