"""Whole-file type inference against the time to parse the same file, in one run.

On the load benchmark's file (``workload.py``; 12 columns of ids, timestamps, dates, decimals,
floats, booleans and text), best of ``--repeat`` runs each, in this process after a warm-up:

- parse: Arrow's streaming CSV parser hands over every record as string columns, the fastest
  parse we know on this machine: the floor;
- read: our reader's chunks (``iter_chunks``), with each record's line number, as a load reads;
- sniff: ``sniff_csv`` as ingest calls it: head, tail, then every record typed;
- sniff, head only: the same with types from the first 256 KiB;
- DuckDB's sniffer told to read the whole file (``sample_size = -1``), for reference.

The methods take turns in each of ``--repeat`` rounds; the ratio is the median over rounds of
each method's time over the parse's in the same round.

    python benchmarks/sniff_speed.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).parent


def interleaved(repeat: int, methods: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Seconds of each method, ``repeat`` rounds, the methods taking turns within a round.

    Taking turns spreads the machine's passing load over all methods alike, so the ratio of
    two methods within a round is steadier than either time.
    """
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(repeat):
        for name, run in methods.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    parser.add_argument(
        "--memory",
        type=int,
        nargs="+",
        metavar="ROWS",
        help="Instead: peak RSS of a whole-file sniff, each in its own process, per file size.",
    )
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        from csv_assets.pipeline.sniff import sniff_csv
        from csv_assets_support import workload

        sniff_csv(workload.csv_file(args.child))
        return
    if args.memory:
        _memory(args.memory)
        return

    from csv_assets.pipeline.read import iter_arrow_batches, iter_chunks
    from csv_assets.pipeline.sniff import sniff_csv
    from csv_assets_support import workload

    path = workload.csv_file(args.rows)
    dialect = sniff_csv(path)

    def parse() -> int:
        batches = iter_arrow_batches(path, dialect, skip_blank=True)
        return sum(batch.num_rows for batch in batches)

    def read() -> int:
        return sum(chunk.rows_read for chunk in iter_chunks(path, dialect))

    def duckdb_whole() -> object:
        import duckdb

        return duckdb.sql(f"SELECT * FROM sniff_csv('{path}', sample_size = -1)").fetchall()

    methods: dict[str, Callable[[], object]] = {
        "parse": parse,
        "read": read,
        "sniff (whole file)": lambda: sniff_csv(path),
        "sniff (head only)": lambda: sniff_csv(path, whole_file=False),
    }
    try:
        import duckdb  # noqa: F401

        methods["DuckDB sniff_csv (whole file)"] = duckdb_whole
    except ImportError:
        print("duckdb is not installed (pip install -e '.[bench]'): skipped", file=sys.stderr)
    times = interleaved(args.repeat, methods)
    figures = {name: min(values) for name, values in times.items()}
    ratios = {
        name: statistics.median(t / p for t, p in zip(values, times["parse"], strict=True))
        for name, values in times.items()
    }
    print(f"{path.name}: {path.stat().st_size / 1e6:.0f} MB, {args.rows:,} rows")
    print(f"{'method':<32}{'best s':>9}{'x parse (median of rounds)':>28}")
    for method, seconds in figures.items():
        print(f"{method:<32}{seconds:>9.2f}{ratios[method]:>28.2f}")
    types = {name: f"{g.kind} {g.format or ''}".strip() for name, g in dialect.column_types.items()}
    print("types:", ", ".join(f"{k}={v}" for k, v in types.items()))
    if args.json:
        summary = {
            "rows": args.rows,
            "seconds": {k: round(v, 3) for k, v in figures.items()},
            "ratio_to_parse": {k: round(v, 2) for k, v in ratios.items()},
            "types": types,
        }
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _memory(sizes: list[int]) -> None:
    """Peak RSS of sniffing files of each size: flat memory means the same peak for all."""
    from csv_assets_support import workload
    from csv_assets_support.harness import timed

    print(f"{'rows':>12}{'MB file':>9}{'seconds':>9}{'peak RSS MB':>13}")
    for rows in sizes:
        path = workload.csv_file(rows)
        seconds, rss = timed([sys.executable, __file__, "--child", str(rows)])
        print(f"{rows:>12,}{path.stat().st_size / 1e6:>9.0f}{seconds:>9.2f}{rss:>13.0f}")


if __name__ == "__main__":
    main()
