"""Hundreds of files at once: the real ``dagster dev`` against a loop of ``csv-assets load``.

Both sides load the same N generated payments files (500 rows each) into a fresh SQLite
warehouse, in the same run:

* CLI loop: one ``csv-assets load`` process per file, one after the other, from the inbox (so
  each file moves to the archive as a delivery does).
* Dagster: a scratch copy of the project under ``dagster dev`` (webserver and daemon, the
  shipped ``dagster_home/dagster.yaml``), sensors on; once the webserver answers, the N files are
  renamed into the drop folder at once and the clock runs until the ledger holds all N.

Each side is judged by SQL afterwards: N ledger entries, N x 500 rows, no file left in the inbox.
The Dagster side also reports its runs (how many, deliveries per run, launch-to-end seconds).

    python benchmarks/drop_volume.py --files 200 --json benchmarks/drop_volume_results.json
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from csv_assets_support.payments import write_payments
from csv_assets_support.processes import free_port, scratch_project, start, stop

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ROWS = 500
SOURCE = "payments"


def write_files(folder: Path, files: int, rows: int = ROWS) -> list[Path]:
    """``files`` distinct payments files of ``rows`` rows each, every payment id unique."""
    return [
        write_payments(folder / f"payments_{n:04d}.psv", rows, first_id=n * rows)
        for n in range(files)
    ]


def ledger_count(database: Path) -> int:
    """Ledger entries of the payments source, read through SQLite itself."""
    if not database.exists():
        return 0
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        try:
            return conn.execute(
                "SELECT count(*) FROM csv_assets_ledger WHERE source = ?", (SOURCE,)
            ).fetchone()[0]
        except sqlite3.OperationalError:
            return 0  # the ledger is not created yet


def verify(database: Path, inbox: Path, files: int) -> dict[str, int]:
    """What SQL says was loaded; raises if anything was lost or loaded twice."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        entries, distinct = conn.execute(
            "SELECT count(*), count(DISTINCT sha256) FROM csv_assets_ledger WHERE source = ?",
            (SOURCE,),
        ).fetchone()
        rows = conn.execute("SELECT count(*) FROM payments").fetchone()[0]
    left = len(list(inbox.iterdir()))
    if (entries, distinct, rows, left) != (files, files, files * ROWS, 0):
        raise SystemExit(
            f"{database}: {entries} ledger entries ({distinct} distinct), {rows} rows, "
            f"{left} file(s) left in the inbox; expected {files}, {files}, {files * ROWS}, 0"
        )
    return {"ledger_entries": entries, "rows": rows}


def cli_loop(root: Path, files: int) -> dict[str, float]:
    """One ``csv-assets load`` per file, in turn, from the inbox into a fresh warehouse."""
    data = root / "cli" / "data"
    paths = write_files(data / "inbox" / SOURCE, files)
    database = root / "cli" / "warehouse.db"
    env = {
        **os.environ,
        "CSV_ASSETS_DATABASE_URL": f"sqlite:///{database}",
        "CSV_ASSETS_DATA_DIR": str(data),
    }
    start = time.perf_counter()
    for path in paths:
        subprocess.run(
            [str(BIN / "csv-assets"), "load", str(path), "--source", SOURCE],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    seconds = time.perf_counter() - start
    return {"seconds": seconds, **verify(database, data / "inbox" / SOURCE, files)}


def answering(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5):
            return True
    except OSError:
        return False


def dagster_side(root: Path, files: int, timeout: float) -> dict[str, float]:
    """Drop ``files`` at once under the real ``dagster dev`` and time until all are loaded."""
    project = scratch_project(root, REPO / "dagster_home" / "dagster.yaml")
    (project / "data" / "inbox" / SOURCE).mkdir()
    data = project / "data"
    database = data / "warehouse.db"
    staged = write_files(data / ".staging", files)
    port = free_port()
    env = {"CSV_ASSETS_DATABASE_URL": f"sqlite:///{database}", "CSV_ASSETS_DATA_DIR": str(data)}
    log = project / "dagster.log"
    server = start(
        ["dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)], project, env
    )
    try:
        up = time.perf_counter()
        while not answering(port):
            if server.poll() is not None or time.perf_counter() - up > timeout:
                raise SystemExit(f"dagster dev did not come up; see {log}")
            time.sleep(1)
        started = time.perf_counter()
        for path in staged:  # a rename: each file appears whole, all at once
            path.rename(data / "inbox" / SOURCE / path.name)
        while (loaded := ledger_count(database)) < files:
            if time.perf_counter() - started > timeout:
                raise SystemExit(f"only {loaded}/{files} loaded after {timeout:.0f}s; see {log}")
            time.sleep(1)
        seconds = time.perf_counter() - started
        # The last delivery's rows commit before its run has written its last events: let the
        # runs end before the server stops, so their figures are whole.
        while (figures := run_figures(project / "dagster_home"))["runs_ended"] < figures["runs"]:
            if time.perf_counter() - started > timeout:
                break
            time.sleep(1)
        ended = time.perf_counter() - started
    finally:
        stop(server)
    return {
        "seconds": seconds,
        "runs_ended_seconds": ended,
        "webserver_up_seconds": started - up,
        **verify(database, data / "inbox" / SOURCE, files),
        **figures,
    }


def run_figures(dagster_home: Path) -> dict[str, float]:
    """How the instance spent the load: its runs of the load job, and their durations."""
    script = f"""
import json, os
os.environ["DAGSTER_HOME"] = {str(dagster_home)!r}
import dagster as dg
with dg.DagsterInstance.get() as instance:
    records = instance.get_run_records(filters=dg.RunsFilter(job_name="load_{SOURCE}"))
    print(json.dumps([[r.create_timestamp.timestamp(), r.start_time, r.end_time,
                       r.dagster_run.status.value] for r in records]))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    runs = json.loads(out.stdout.strip().splitlines()[-1])
    done = [r for r in runs if r[1] and r[2]]
    return {
        "runs": len(runs),
        "runs_ended": len([r for r in runs if r[2]]),
        "runs_succeeded": sum(r[3] == "SUCCESS" for r in runs),
        "median_run_seconds": statistics.median(r[2] - r[1] for r in done) if done else 0.0,
        "median_launch_wait_seconds": statistics.median(r[1] - r[0] for r in done) if done else 0.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--json", type=Path, help="Write the figures here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="drop_volume_") as tmp:
        root = Path(tmp)
        dagster = dagster_side(root, args.files, args.timeout)
        print(
            f"dagster dev: {args.files} files in {dagster['seconds']:.1f}s "
            f"({dagster['runs']} runs, median {dagster['median_run_seconds']:.1f}s)",
            flush=True,
        )
        cli = cli_loop(root, args.files)
        print(f"CLI loop:    {args.files} files in {cli['seconds']:.1f}s", flush=True)
    result = {
        "files": args.files,
        "rows_per_file": ROWS,
        "cli_loop": cli,
        "dagster_dev": dagster,
        "ratio": dagster["seconds"] / cli["seconds"],
    }
    print(f"dagster dev / CLI loop = {result['ratio']:.2f}x")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
