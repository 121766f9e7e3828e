"""One drop-folder sensor tick as the daemon runs it, over a real data folder."""

import os
import time
from pathlib import Path

import dagster as dg

from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.definitions import defs

SETTLE = 5.0


def tick(
    sensor: dg.SensorDefinition, instance: dg.DagsterInstance, data_dir: Path, cursor=None
) -> dg.SensorResult:
    """One evaluation of ``sensor`` as the daemon runs it: resources set up, then torn down."""
    resources = {"drop_folders": DropFolders(data_dir=str(data_dir))}
    with dg.build_sensor_context(instance=instance, cursor=cursor, resources=resources) as context:
        return sensor(context)


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def configure(monkeypatch, data_dir) -> None:
    """The environment a run reads its resources from, and payments' drops settled long ago."""
    monkeypatch.setenv("CSV_ASSETS_DATABASE_URL", f"sqlite:///{data_dir / 'warehouse.db'}")
    monkeypatch.setenv("CSV_ASSETS_DATA_DIR", str(data_dir))
    for existing in (data_dir / "inbox" / "payments").iterdir():
        age(existing, 60)


def settled_requests(data_dir, instance) -> dict[str, str]:
    """The payments sensor's requests (partition key -> run key) after two ticks."""
    sensor = defs().get_sensor_def("payments_drop_folder")
    first = tick(sensor, instance, data_dir)
    second = tick(sensor, instance, data_dir, first.cursor)
    return {r.partition_key: r.run_key for r in second.run_requests}
