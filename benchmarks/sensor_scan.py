"""A drop-folder sensor tick over 10,000 files, local and on an S3 API server (moto).

For each folder the real sensor of the payments source is evaluated as the daemon would (its
DropFolders resource set up and torn down, a temporary Dagster instance) three times:

* ``first``: no cursor yet; lists and remembers the instant (nothing is ready before a scan);
* ``sight``: every file seen still since the first scan: 10,000 new partitions and their runs;
* ``steady``: the same files, all already requested: nothing new.

Baseline, timed in the same run: the bare listing (``os.scandir`` plus a stat per file, or
boto3's paginated ListObjectsV2), so a ratio says what the sensor costs above listing.

    python benchmarks/sensor_scan.py --files 10000 --json benchmarks/sensor_scan_results.json
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import dagster as dg

from csv_assets.components.csv_source.resources import DropFolders
from csv_assets.definitions import defs

CONTENT = b"payment_id|order_id\nPAY-1|1\n"


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def ticks(folders: DropFolders, source_url: str | None) -> dict[str, float | int]:
    """The three ticks of the payments sensor over the folder ``folders`` resolves to."""
    os.environ["CSV_ASSETS_DATA_DIR"] = folders.data_dir
    definitions = defs()
    sensor = definitions.get_sensor_def("payments_drop_folder")
    if source_url is not None:  # the same sensor, built for a source dropping into S3
        from csv_assets.components.csv_source.asset import build_csv_asset
        from csv_assets.components.csv_source.sensor import build_drop_folder_sensor
        from csv_assets.ingest import load_catalog

        source = load_catalog()["payments"].model_copy(update={"drop_folder": source_url})
        partitions = dg.DynamicPartitionsDefinition(name="payments_deliveries")
        job = dg.define_asset_job(
            "load_payments", selection=[build_csv_asset(source, partitions).key]
        )
        sensor = build_drop_folder_sensor(source, job, partitions)
    figures: dict[str, float | int] = {}
    with dg.instance_for_test() as instance:
        cursor = None
        for name in ("first", "sight", "steady"):
            if name == "sight":
                time.sleep(1.5)  # the files must lie before the previous scan by the margin
            with dg.build_sensor_context(
                instance=instance, cursor=cursor, resources={"drop_folders": folders}
            ) as context:
                seconds, result = timed(lambda context=context: sensor(context))
            cursor = result.cursor
            figures[f"{name}_seconds"] = seconds
            figures[f"{name}_runs"] = len(result.run_requests)
            if name == "sight":
                keys = [k for r in result.dynamic_partitions_requests for k in r.partition_keys]
                instance.add_dynamic_partitions("payments_deliveries", keys)  # as the daemon does
                figures["sight_partitions"] = len(keys)
        figures["cursor_bytes"] = len(cursor.encode())
    return figures


def local(root: Path, files: int) -> dict[str, float | int]:
    inbox = root / "data" / "inbox" / "payments"
    inbox.mkdir(parents=True)
    old = time.time() - 3600
    for n in range(files):
        path = inbox / f"payments_{n:05d}.psv"
        path.write_bytes(CONTENT)
        os.utime(path, (old, old))
    listing, _ = timed(lambda: [e.stat() for e in os.scandir(inbox)])
    figures = ticks(DropFolders(data_dir=str(root / "data")), None)
    return {"files": files, "baseline_listing_seconds": listing, **figures}


def s3(root: Path, files: int) -> dict[str, float | int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1"
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        client = boto3.client("s3", endpoint_url=endpoint)
        client.create_bucket(Bucket="drops")
        with ThreadPoolExecutor(8) as pool:
            list(
                pool.map(
                    lambda n: client.put_object(
                        Bucket="drops", Key=f"payments/payments_{n:05d}.psv", Body=CONTENT
                    ),
                    range(files),
                )
            )
        time.sleep(1.5)

        def bare_listing() -> int:
            pages = client.get_paginator("list_objects_v2").paginate(
                Bucket="drops", Prefix="payments/", Delimiter="/"
            )
            return sum(len(page.get("Contents", [])) for page in pages)

        listing, count = timed(bare_listing)
        assert count == files, count
        folders = DropFolders(data_dir=str(root / "data"), s3_endpoint_url=endpoint)
        figures = ticks(folders, "s3://drops/payments/")
    finally:
        server.kill()
        server.wait()
    return {"files": files, "baseline_listing_seconds": listing, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory(prefix="sensor_scan_") as tmp:
        for name, bench in (("local", local), ("s3", s3)):
            figures = bench(Path(tmp) / name, args.files)
            results[name] = figures
            print(
                f"{name:>5}: listing {figures['baseline_listing_seconds']:.2f}s; ticks first "
                f"{figures['first_seconds']:.2f}s, first sight {figures['sight_seconds']:.2f}s "
                f"({figures['sight_runs']} runs), steady {figures['steady_seconds']:.2f}s; "
                f"cursor {figures['cursor_bytes']} bytes",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
