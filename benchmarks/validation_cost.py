"""The cost of validation and quarantine: the same file loaded with the contract on and off.

The file has 1M rows (by default), 1% of them bad: each bad row breaks one rule of the
benchmark contract (a range, a list of values, a pattern, a length, or a type). Each method
loads it into a fresh table in its own process, on SQLite and on PostgreSQL:

- ``checked``: the source's pandera model, lazily, every failing row quarantined with its rules;
- ``types only``: the same columns and types with no rule (``BenchEventsTypesOnly``): cells
  are still coerced, since a typed load cannot skip that, but pandera does not run and only
  cells that are no value of their type are quarantined.

The figure is checked / types-only seconds, best of ``--repeat`` runs each, in the same run.

    python benchmarks/validation_cost.py --rows 1000000 --repeat 3 --json validation.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from csv_assets_support.harness import postgres_url, reset_postgres, timed, with_schema

HERE = Path(__file__).parent
MODELS = {
    "checked": "csv_assets_support.workload:BenchEvents",
    "types only": "csv_assets_support.workload:BenchEventsTypesOnly",
}


def main() -> None:
    """Parse arguments and run either the whole benchmark or one load (in a child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--bad-fraction", type=float, default=0.01)
    parser.add_argument("--repeat", type=int, default=3, help="Runs per method; the best counts.")
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    parser.add_argument("--postgres-url", default=postgres_url())
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_child(*args.child)
        return
    summary = _measure(args.rows, args.bad_fraction, args.repeat, args.postgres_url)
    _print(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _measure(rows: int, bad_fraction: float, repeat: int, pg_url: str) -> dict[str, object]:
    from csv_assets_support import workload

    path = workload.csv_file(rows, bad_fraction)
    print(f"{path} is {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_validation_"))
    results: list[dict[str, object]] = []
    try:
        for database in ("postgresql", "sqlite"):
            for method, model in MODELS.items():
                runs = []
                for attempt in range(repeat):
                    reset_postgres(pg_url)
                    url = (
                        with_schema(pg_url)
                        if database == "postgresql"
                        else f"sqlite:///{scratch / f'{attempt}_{len(results)}.db'}"
                    )
                    out = scratch / "report.json"
                    print(f"  {method} -> {database} #{attempt + 1}", file=sys.stderr, flush=True)
                    command = [sys.executable, __file__, "--child", model, str(path), url, str(out)]
                    seconds, rss = timed(command)
                    runs.append(
                        {"seconds": seconds, "peak_rss_mb": rss, **json.loads(out.read_text())}
                    )
                best = min(runs, key=lambda run: run["seconds"])
                results.append({"method": method, "database": database, "runs": len(runs), **best})
    finally:
        reset_postgres(pg_url, recreate=False)
        shutil.rmtree(scratch, ignore_errors=True)
    by = {(r["method"], r["database"]): r for r in results}
    ratios = {
        database: round(
            by["checked", database]["seconds"] / by["types only", database]["seconds"], 3
        )
        for database in ("postgresql", "sqlite")
    }
    return {"rows": rows, "bad_fraction": bad_fraction, "results": results, "ratios": ratios}


def _run_child(model: str, file: str, url: str, out: str) -> None:
    from csv_assets.ingest import Ingestor, create_warehouse_engine
    from csv_assets_support import workload

    path = Path(file)
    engine = create_warehouse_engine(url)
    source = workload.source_spec(schema_model=model)
    report = Ingestor(engine, "bench").load_file(source, path, f"{path.name}@bench")
    engine.dispose()
    assert report.rows_read == report.rows_loaded + report.rows_rejected
    Path(out).write_text(
        json.dumps(
            {
                "rows_read": report.rows_read,
                "rows_loaded": report.rows_loaded,
                "rows_quarantined": report.rows_rejected,
                "rules_broken": dict(report.failures.by_rule),
                "stages": {k: round(v, 3) for k, v in report.timings.items()},
            }
        )
    )


def _print(summary: dict[str, object]) -> None:
    print(f"{summary['rows']:,} rows, {summary['bad_fraction']:.0%} bad")
    print(
        f"{'method':<12}{'database':<12}{'seconds':>9}{'loaded':>11}{'quarantined':>13}"
        f"{'validate s':>12}{'peak MB':>9}"
    )
    for r in summary["results"]:
        print(
            f"{r['method']:<12}{r['database']:<12}{r['seconds']:>9.2f}{r['rows_loaded']:>11,}"
            f"{r['rows_quarantined']:>13,}{r['stages']['validate']:>12.2f}{r['peak_rss_mb']:>9.0f}"
        )
    for database, ratio in summary["ratios"].items():
        print(f"checked / types only on {database}: {ratio}x (target <= 1.3x)")


if __name__ == "__main__":
    main()
