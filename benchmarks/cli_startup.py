"""The operator's tool's start-up: ``csv-assets --help`` and each command's, against bare Python.

Every command runs in a process of its own, ``--repeat`` times, taking turns with the baseline
(``python -c pass`` of the same interpreter, in the same run), so a noisy moment moves both.
A figure is the median wall time and the largest peak RSS (from ``wait4``); ``status`` runs
against a fresh SQLite warehouse and an empty data folder.

    python benchmarks/cli_startup.py --repeat 20 --json benchmarks/cli_startup_results.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

from csv_assets.cli import COMMANDS
from csv_assets_support.harness import timed

BASELINE = "python -c pass"


def main() -> None:
    """Time every start-up, print the table and write the JSON if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="Runs of each command.")
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csv_assets_cli_") as scratch:
        data = Path(scratch) / "data"
        data.mkdir()
        env = {
            **os.environ,
            "CSV_ASSETS_DATA_DIR": str(data),
            "CSV_ASSETS_DATABASE_URL": f"sqlite:///{Path(scratch) / 'warehouse.db'}",
        }
        commands = {
            BASELINE: [sys.executable, "-c", "pass"],
            "csv-assets --help": _cli("--help"),
            **{f"csv-assets {name} --help": _cli(name, "--help") for name in COMMANDS},
            "csv-assets status": _cli("status"),
        }
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                runs[name].append(timed(command, env, quiet=True))
    baseline = statistics.median(seconds for seconds, _ in runs[BASELINE])
    figures = [
        {
            "command": name,
            "median_ms": round(statistics.median(s for s, _ in found) * 1000, 1),
            "over_python": round(statistics.median(s for s, _ in found) / baseline, 2),
            "peak_rss_mb": round(max(rss for _, rss in found), 1),
        }
        for name, found in runs.items()
    ]
    print(f"{'command':<34}{'median ms':>10}{'x python':>10}{'peak MB':>9}")
    for f in figures:
        print(f"{f['command']:<34}{f['median_ms']:>10}{f['over_python']:>10}{f['peak_rss_mb']:>9}")
    if args.json:
        args.json.write_text(json.dumps({"repeat": args.repeat, "figures": figures}, indent=2))


def _cli(*arguments: str) -> list[str]:
    """``csv-assets`` as users start it: the console script beside this interpreter."""
    return [str(Path(sys.executable).parent / "csv-assets"), *arguments]


if __name__ == "__main__":
    main()
