"""Load speed and memory: our pipeline against the databases' own bulk loaders, in one run.

Every method loads the same generated file into a fresh table in its own process; the parent
times it and reads the child's peak RSS from ``wait4``. The methods take turns, ``--repeat``
rounds of them, and each figure is the median of its rounds, so a noisy moment on a small
machine moves every method alike. Figures are ratios to the floors (psql ``\\copy``, sqlite3
``.import``) measured in the same run, so they travel between machines.

    python benchmarks/load_speed.py --rows 1000000 5000000 --json bench.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

from csv_assets_support.harness import (
    postgres_url,
    reset_postgres,
    timed,
    with_schema,
)
from csv_assets_support.load_methods import cli_load, drafted_project, psql_copy, sqlite_import

HERE = Path(__file__).parent
WORKLOADS = ("events", "sales")
"""``workload.py``'s 12-column events and ``sales.py``'s 13-column order lines."""
DRAFTED = "csv-assets load (drafted)"
"""The CLI in a process of its own, on the source ``init-source`` drafts from the sales file."""


@dataclass
class Measurement:
    """One method on one file: medians over the rounds, the largest peak RSS."""

    workload: str
    method: str
    database: str
    rows: int
    seconds: float
    rows_per_second: float
    peak_rss_mb: float
    rounds: list[float] = field(default_factory=list)
    stages: dict[str, float] = field(default_factory=dict)


def main() -> None:
    """Parse arguments and run either the whole benchmark or one method (in a child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--workload", nargs="+", choices=WORKLOADS, default=list(WORKLOADS))
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of every method.")
    parser.add_argument(
        "--methods",
        nargs="+",
        help="Only these methods (and the floors they are compared with), e.g. 'csv-assets load "
        "(drafted)'.",
    )
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    parser.add_argument(
        "--postgres-url",
        default=postgres_url(),
        help="Server for the PostgreSQL methods (a scratch schema is used and dropped).",
    )
    parser.add_argument(
        "--naive-max-rows",
        type=int,
        default=1_000_000,
        help="Largest file given to pandas to_sql (it needs ~2.5 GB per million rows); it runs "
        "one round.",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_child(*args.child)
        return
    results: list[Measurement] = []
    for rows in args.rows:
        for name in args.workload:
            results.extend(_measure(name, rows, args))
    summary = {"measurements": [asdict(m) for m in results], "ratios": _ratios(results)}
    _print_table(results, summary["ratios"])
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _module(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"csv_assets_support.{'workload' if name == 'events' else name}")


def _measure(name: str, rows: int, args: argparse.Namespace) -> list[Measurement]:
    module = _module(name)
    print(f"preparing {name}, {rows:,} rows ...", file=sys.stderr, flush=True)
    path = module.csv_file(rows)
    packed = sales_gzip(rows) if name == "sales" else None
    print(f"{path} is {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_bench_"))
    pg_url, pg_scratch = args.postgres_url, with_schema(args.postgres_url)
    ddl = module.FLOOR_DDL.format(name="floor")
    methods: list[tuple[str, str, Callable[[int], tuple[float, float, dict]]]] = [
        ("psql \\copy", "postgresql", lambda _: (*psql_copy(path, pg_url, ddl), {})),
        ("csv_assets", "postgresql", lambda i: _child(name, path, pg_scratch, scratch, i)),
        ("sqlite3 .import", "sqlite", lambda i: (*sqlite_import(path, scratch, ddl, i), {})),
        ("csv_assets", "sqlite", lambda i: _child(name, path, _sqlite(scratch, i), scratch, i)),
    ]
    if name == "sales":  # the measure: the CLI, as users start it, on a drafted source
        project = drafted_project(path, scratch)
        methods += [
            (DRAFTED, "postgresql", lambda _: (*cli_load(project, path, pg_scratch), {})),
            (
                DRAFTED,
                "sqlite",
                lambda i: (*cli_load(project, path, _sqlite(scratch, -2 - i)), {}),
            ),
        ]
    if packed is not None:
        methods.append(
            (
                "csv_assets (.gz)",
                "postgresql",
                lambda i: _child(name, packed, pg_scratch, scratch, i),
            )
        )
    if args.methods:
        floors = ("psql \\copy", "sqlite3 .import")
        methods = [m for m in methods if m[0] in (*args.methods, *floors)]
    found: dict[tuple[str, str], list[tuple[float, float, dict]]] = {}
    try:
        for round_ in range(args.repeat):
            for method, database, run in methods:
                reset_postgres(pg_url)
                print(f"  round {round_ + 1}: {method} -> {database} ...", file=sys.stderr)
                found.setdefault((method, database), []).append(run(round_))
        if rows <= args.naive_max_rows and not args.methods:
            for database, url in (("postgresql", pg_scratch), ("sqlite", _sqlite(scratch, -1))):
                reset_postgres(pg_url)
                print(f"  pandas to_sql -> {database} ...", file=sys.stderr, flush=True)
                found["pandas to_sql", database] = [(*_naive(path, url), {})]
    finally:
        reset_postgres(pg_url, recreate=False)
        shutil.rmtree(scratch, ignore_errors=True)
    return [_summarise(name, rows, *key, runs) for key, runs in found.items()]


def sales_gzip(rows: int) -> Path:
    """The sales file gzipped, to check that a packed file streams at the same rate."""
    from csv_assets_support import sales

    return sales.csv_file(rows, packed=True)


def _summarise(
    workload: str, rows: int, method: str, database: str, runs: list[tuple[float, float, dict]]
) -> Measurement:
    seconds = statistics.median(r[0] for r in runs)
    stages: dict[str, float] = {}
    for stage in {k for r in runs for k in r[2]}:
        stages[stage] = round(statistics.median(r[2].get(stage, 0.0) for r in runs), 3)
    return Measurement(
        workload,
        method,
        database,
        rows,
        round(seconds, 3),
        round(rows / seconds),
        round(max(r[1] for r in runs), 1),
        [round(r[0], 3) for r in runs],
        stages,
    )


def _drafted_db(scratch: Path, round_: int) -> str:
    return f"sqlite:///{scratch / f'drafted_{round_}.db'}"


def _sqlite(scratch: Path, round_: int) -> str:
    return f"sqlite:///{scratch / f'ours_{round_}.db'}"


def _child(
    workload: str, path: Path, url: str, scratch: Path, round_: int
) -> tuple[float, float, dict]:
    """Our pipeline in a child process; its stage timings come back through a file."""
    stages = scratch / f"stages_{round_}.json"
    seconds, rss = timed(
        [sys.executable, __file__, "--child", workload, str(path), url, str(stages)]
    )
    timings = json.loads(stages.read_text())
    stages.unlink()
    return seconds, rss, timings


def _naive(path: Path, url: str) -> tuple[float, float]:
    return timed([sys.executable, __file__, "--child", "naive", str(path), url, "-"])


def _run_child(method: str, file: str, url: str, stages: str) -> None:
    path = Path(file)
    if method == "naive":
        import pandas as pd
        import sqlalchemy as sa

        pd.read_csv(path).to_sql("naive", sa.create_engine(url), if_exists="replace")
        return
    from csv_assets.ingest import Ingestor, create_warehouse_engine

    engine = create_warehouse_engine(url)
    source = _module(method).source_spec()
    report = Ingestor(engine, "bench").load_file(source, path, f"{path.name}@bench")
    print(f"    {report.rows_loaded:,} rows; {_stages(report.timings)}", file=sys.stderr)
    Path(stages).write_text(json.dumps(dict(report.timings)))


def _stages(timings: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())


def _ratios(results: list[Measurement]) -> list[dict[str, object]]:
    ratios = []
    for rows in sorted({m.rows for m in results if m.rows}):
        for workload in WORKLOADS:
            by = {
                (m.method, m.database): m
                for m in results
                if m.rows == rows and m.workload == workload
            }
            for database, floor in (("postgresql", "psql \\copy"), ("sqlite", "sqlite3 .import")):
                ours = by.get(("csv_assets", database))
                if ours is None:
                    continue
                entry: dict[str, object] = {
                    "workload": workload,
                    "rows": rows,
                    "database": database,
                    "ours_over_floor": round(ours.seconds / by[(floor, database)].seconds, 2),
                    "peak_rss_mb": round(ours.peak_rss_mb),
                }
                packed = by.get(("csv_assets (.gz)", database))
                if packed:
                    entry["gz_over_plain"] = round(packed.seconds / ours.seconds, 2)
                    entry["gz_peak_rss_mb"] = round(packed.peak_rss_mb)
                drafted = by.get((DRAFTED, database))
                if drafted:
                    entry["cli_over_floor"] = round(
                        drafted.seconds / by[(floor, database)].seconds, 2
                    )
                    entry["cli_peak_rss_mb"] = round(drafted.peak_rss_mb)
                naive = by.get(("pandas to_sql", database))
                if naive:
                    entry["to_sql_over_ours"] = round(naive.seconds / ours.seconds, 1)
                ratios.append(entry)
    return ratios


def _print_table(results: list[Measurement], ratios: list[dict[str, object]]) -> None:
    print(
        f"{'workload':<9}{'method':<27}{'database':<12}{'rows':>10}{'median s':>10}"
        f"{'rows/s':>11}{'peak MB':>9}  rounds / stages"
    )
    for m in results:
        stages = " ".join(f"{k}={v:.2f}" for k, v in sorted(m.stages.items()))
        print(
            f"{m.workload:<9}{m.method:<27}{m.database:<12}{m.rows:>10,}{m.seconds:>10.2f}"
            f"{m.rows_per_second:>11,.0f}{m.peak_rss_mb:>9.0f}  {m.rounds} {stages}"
        )
    print()
    for r in ratios:
        labels = {
            "cli_over_floor": "csv-assets load (drafted) / floor",
            "cli_peak_rss_mb": "its peak MB",
            "gz_over_plain": ".gz / plain",
            "to_sql_over_ours": "to_sql / ours",
        }
        extra = "".join(
            f", {label} {r[key]}{'' if key.endswith('_mb') else 'x'}"
            for key, label in labels.items()
            if key in r
        )
        print(
            f"{r['workload']:<7} {r['rows']:>10,} rows {r['database']:<11} ours / floor "
            f"{r['ours_over_floor']}x, peak {r['peak_rss_mb']} MB{extra}"
        )


if __name__ == "__main__":
    main()
