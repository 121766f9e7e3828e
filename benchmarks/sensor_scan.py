"""A drop-folder sensor tick over 10,000 files, local and on an S3 API server (moto).

For each folder the real sensor of the payments source is evaluated tick after tick as the
daemon would (its DropFolders resource set up and torn down, a temporary Dagster instance):

* the first tick: no cursor yet; it lists and remembers the instant (nothing is ready before
  a scan has seen it);
* first sight: the ticks until all 10,000 files are requested as partitions and runs;
* steady: one more whole pass of the listing, every file already requested.

A local folder is listed whole each tick. An S3 listing is paged: a tick asks for pages for up
to 0.75 s and the cursor says where the next goes on, so one pass may span several ticks.

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
from csv_assets.storage import ScanCursor

CONTENT = b"payment_id|order_id\nPAY-1|1\n"


def timed(call: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def ticks(folders: DropFolders, source_url: str | None, files: int) -> dict[str, float | int]:
    """The payments sensor's ticks over the folder ``folders`` resolves to, until every file
    is requested and then over one more whole pass of the listing."""
    os.environ["CSV_ASSETS_DATA_DIR"] = folders.data_dir
    definitions = defs()
    sensor = definitions.get_sensor_def("payments_drop_folder")
    if source_url is not None:  # the same sensor, built for a source dropping into S3
        from csv_assets.catalog import load_catalog
        from csv_assets.components.csv_source.asset import build_csv_asset
        from csv_assets.components.csv_source.sensor import build_drop_folder_sensor

        source = load_catalog()["payments"].model_copy(update={"drop_folder": source_url})
        partitions = dg.DynamicPartitionsDefinition(name="payments_deliveries")
        build_csv_asset(source, partitions)  # refuses a source the code location would refuse
        sensor = build_drop_folder_sensor(source, "load_payments", partitions)
    with dg.instance_for_test() as instance:
        cursor, requested, seen_all_at = None, 0, None
        log: list[dict[str, float | int]] = []
        # Tick until every file is requested, then one more whole pass over the listing.
        while len(log) < 100:
            if len(log) == 1:
                time.sleep(1.5)  # the files must lie before the previous scan by the margin
            with dg.build_sensor_context(
                instance=instance, cursor=cursor, resources={"drop_folders": folders}
            ) as context:
                seconds, result = timed(lambda context=context: sensor(context))
            cursor = result.cursor
            keys = [k for r in result.dynamic_partitions_requests for k in r.partition_keys]
            if keys:
                instance.add_dynamic_partitions("payments_deliveries", keys)  # as the daemon does
            requested += len(keys)
            log.append({"seconds": seconds, "runs": len(result.run_requests), "new": len(keys)})
            whole_pass = ScanCursor.decode(cursor).resume_after is None
            if seen_all_at is None and requested == files:
                seen_all_at = len(log)
            elif seen_all_at is not None and whole_pass and len(log) > seen_all_at:
                break
    sight = log[1:seen_all_at]
    steady = log[seen_all_at:]
    return {
        "first_seconds": log[0]["seconds"],
        "ticks_to_request_all": seen_all_at,
        "sight_max_seconds": max(t["seconds"] for t in sight),
        "sight_runs": sum(t["runs"] for t in sight),
        "sight_partitions": sum(t["new"] for t in sight),
        "steady_ticks_per_pass": len(steady),
        "steady_max_seconds": max(t["seconds"] for t in steady),
        "steady_runs": sum(t["runs"] for t in steady),
        "cursor_bytes": len(cursor.encode()),
    }


def local(root: Path, files: int) -> dict[str, float | int]:
    inbox = root / "data" / "inbox" / "payments"
    inbox.mkdir(parents=True)
    old = time.time() - 3600
    for n in range(files):
        path = inbox / f"payments_{n:05d}.psv"
        path.write_bytes(CONTENT)
        os.utime(path, (old, old))
    listing, _ = timed(lambda: [e.stat() for e in os.scandir(inbox)])
    figures = ticks(DropFolders(data_dir=str(root / "data")), None, files)
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
        figures = ticks(folders, "s3://drops/payments/", files)
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
                f"{name:>5}: bare listing {figures['baseline_listing_seconds']:.2f}s; first tick "
                f"{figures['first_seconds']:.2f}s; all {figures['sight_partitions']} requested "
                f"({figures['sight_runs']} runs) by tick {figures['ticks_to_request_all']}, "
                f"longest {figures['sight_max_seconds']:.2f}s; steady pass "
                f"{figures['steady_ticks_per_pass']} tick(s), longest "
                f"{figures['steady_max_seconds']:.2f}s; cursor {figures['cursor_bytes']} bytes",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
