"""Load speed and memory: our pipeline against the databases' own bulk loaders, in one run.

Every method loads the same generated file into a fresh table in its own process; the parent
times it and reads the child's peak RSS from ``wait4``. Figures are ratios to the floors (psql
``\\copy``, sqlite3 ``.import``) measured in the same run, so they travel between machines.

    python benchmarks/load_speed.py --rows 1000000 5000000 --json bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from harness import SCHEMA, libpq, postgres_url, reset_postgres, timed, with_schema

HERE = Path(__file__).parent
FLOOR_DDL = """CREATE TABLE {name} (
    event_id BIGINT, account_id BIGINT, occurred_at TIMESTAMPTZ, business_date DATE,
    channel TEXT, amount NUMERIC(12,2), discount_rate DOUBLE PRECISION, quantity BIGINT,
    is_refund BOOLEAN, comment TEXT, country TEXT, email TEXT)"""


@dataclass(frozen=True)
class Measurement:
    """One method on one file."""

    method: str
    database: str
    rows: int
    seconds: float
    rows_per_second: float
    peak_rss_mb: float


def main() -> None:
    """Parse arguments and run either the whole benchmark or one method (in a child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
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
        help="Largest file given to pandas to_sql (it needs ~2.5 GB per million rows).",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("METHOD", "FILE", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        _run_child(*args.child)
        return
    results: list[Measurement] = [_startup()]
    for rows in args.rows:
        results.extend(_measure_size(rows, args.postgres_url, args.naive_max_rows))
    summary = {"measurements": [asdict(m) for m in results], "ratios": _ratios(results)}
    _print_table(results, summary["ratios"])
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _measure_size(rows: int, pg_url: str, naive_max: int) -> list[Measurement]:
    sys.path.insert(0, str(HERE))
    import workload

    print(f"preparing {rows:,} rows ...", file=sys.stderr, flush=True)
    path = workload.csv_file(rows)
    print(f"{path} is {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_bench_"))
    sqlite_url = f"sqlite:///{scratch / 'bench.db'}"
    pg_scratch = with_schema(pg_url)
    methods = [
        ("psql \\copy", "postgresql", lambda: _psql_copy(path, pg_url)),
        ("csv_assets", "postgresql", lambda: _child("ours", path, pg_scratch)),
        ("sqlite3 .import", "sqlite", lambda: _sqlite_import(path, scratch / "floor.db")),
        ("csv_assets", "sqlite", lambda: _child("ours", path, sqlite_url)),
    ]
    if rows <= naive_max:
        methods += [
            ("pandas to_sql", "postgresql", lambda: _child("naive", path, pg_scratch)),
            (
                "pandas to_sql",
                "sqlite",
                lambda: _child("naive", path, f"sqlite:///{scratch / 'n.db'}"),
            ),
        ]
    results = []
    try:
        for method, database, run in methods:
            reset_postgres(pg_url)
            print(f"  {method} -> {database} ...", file=sys.stderr, flush=True)
            seconds, rss = run()
            results.append(Measurement(method, database, rows, seconds, rows / seconds, rss))
    finally:
        reset_postgres(pg_url, recreate=False)
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def _startup() -> Measurement:
    """Wall time and RSS of ``csv-assets load --help``: the CLI's own start-up cost."""
    seconds, rss = timed([sys.executable, "-m", "csv_assets.cli", "load", "--help"])
    return Measurement("csv-assets load --help", "-", 0, seconds, 0.0, rss)


def _child(method: str, path: Path, url: str) -> tuple[float, float]:
    return timed([sys.executable, __file__, "--child", method, str(path), url])


def _psql_copy(path: Path, url: str) -> tuple[float, float]:
    dsn = libpq(url)
    env = {**os.environ, "PGOPTIONS": f"-csearch_path={SCHEMA}"}
    subprocess.run(["psql", dsn, "-qc", FLOOR_DDL.format(name="floor")], check=True, env=env)
    command = f"\\copy floor FROM '{path}' (FORMAT csv, HEADER true)"
    return timed(["psql", dsn, "-qc", command], env=env)


def _sqlite_import(path: Path, database: Path) -> tuple[float, float]:
    subprocess.run(["sqlite3", str(database), FLOOR_DDL.format(name="floor")], check=True)
    return timed(["sqlite3", str(database), f".import --csv --skip 1 {path} floor"])


def _run_child(method: str, file: str, url: str) -> None:
    path = Path(file)
    if method == "ours":
        sys.path.insert(0, str(HERE))
        import workload

        from csv_assets.ingest import create_warehouse_engine, load_path

        engine = create_warehouse_engine(url)
        report = load_path(workload.source_spec(), path, f"{path.name}@bench", engine, "bench")
        print(f"    {report.rows_loaded:,} rows; stages {_stages(report.timings)}", file=sys.stderr)
    else:
        import pandas as pd
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        pd.read_csv(path).to_sql("naive", engine, if_exists="replace")


def _stages(timings: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())


def _ratios(results: list[Measurement]) -> list[dict[str, object]]:
    ratios = []
    for rows in sorted({m.rows for m in results if m.rows}):
        by = {(m.method, m.database): m for m in results if m.rows == rows}
        for database, floor in (("postgresql", "psql \\copy"), ("sqlite", "sqlite3 .import")):
            ours = by.get(("csv_assets", database))
            if ours is None:
                continue
            entry: dict[str, object] = {
                "rows": rows,
                "database": database,
                "ours_over_floor": round(ours.seconds / by[(floor, database)].seconds, 2),
                "peak_rss_mb": round(ours.peak_rss_mb),
            }
            naive = by.get(("pandas to_sql", database))
            if naive:
                entry["to_sql_over_ours"] = round(naive.seconds / ours.seconds, 1)
            ratios.append(entry)
    return ratios


def _print_table(results: list[Measurement], ratios: list[dict[str, object]]) -> None:
    print(f"{'method':<24}{'database':<12}{'rows':>10}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}")
    for m in results:
        print(
            f"{m.method:<24}{m.database:<12}{m.rows:>10,}{m.seconds:>9.2f}"
            f"{m.rows_per_second:>11,.0f}{m.peak_rss_mb:>9.0f}"
        )
    print()
    for r in ratios:
        extra = f", to_sql / ours {r['to_sql_over_ours']}x" if "to_sql_over_ours" in r else ""
        print(
            f"{r['rows']:>10,} rows {r['database']:<11} ours / floor {r['ours_over_floor']}x, "
            f"peak {r['peak_rss_mb']} MB{extra}"
        )


if __name__ == "__main__":
    main()
