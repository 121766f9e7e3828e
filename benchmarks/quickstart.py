"""How long the quickstart takes: from ``dagster dev`` starting to the samples all loaded.

A scratch copy of the project with the shipped sample drops in data/inbox/ and a fresh embedded
instance (``dagster_home/dagster.yaml``), started the way ``make dev`` starts it. The clock
runs from the process start until the ledger holds every sample and the inbox is empty; the
ledger is read by SQL.

    python benchmarks/quickstart.py
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from csv_assets_support.processes import free_port, scratch_project, start, stop

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "data" / "inbox"


def loaded(database: Path) -> int:
    if not database.exists():
        return 0
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        try:
            return conn.execute("SELECT count(*) FROM csv_assets_ledger").fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    samples = [p for p in SAMPLES.rglob("*") if p.is_file()]
    with tempfile.TemporaryDirectory(prefix="quickstart_") as tmp:
        project = scratch_project(Path(tmp), REPO / "dagster_home" / "dagster.yaml")
        shutil.rmtree(project / "data" / "inbox")
        shutil.copytree(SAMPLES, project / "data" / "inbox")
        database = project / "data" / "warehouse.db"
        began = time.perf_counter()
        server = start(
            ["dagster", "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(free_port())],
            project,
            {"CSV_ASSETS_DATABASE_URL": f"sqlite:///{database}", "CSV_ASSETS_DATA_DIR": "data"},
        )
        try:
            while loaded(database) < len(samples) or any(
                p.is_file() for p in (project / "data" / "inbox").rglob("*")
            ):
                if time.perf_counter() - began > args.timeout:
                    raise SystemExit(f"{loaded(database)}/{len(samples)} loaded; see {project}")
                time.sleep(0.5)
            seconds = time.perf_counter() - began
        finally:
            stop(server)
    print(f"make dev: {len(samples)} sample files loaded and archived {seconds:.1f}s after start")


if __name__ == "__main__":
    main()
