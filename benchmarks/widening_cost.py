"""What a widening costs: a small delivery that widens a big table, against two baselines.

A table of ``--rows`` counts (whole numbers, ``BIGINT``) is loaded first. Then, on each
database, in the same run:

- ``plain``: a delivery of ``--delivery-rows`` whole counts: a load with no widening;
- ``widening``: the same delivery with a fraction in every count (``data_type: widen``): the
  column becomes ``NUMERIC(19,1)`` in the load's transaction, every stored row rewritten;
- ``by hand``: the table loaded afresh, then the same change typed by hand: ``ALTER TABLE ...
  TYPE ... USING`` in ``psql`` on PostgreSQL, the same rebuild in SQLite's own library.

    python benchmarks/widening_cost.py --rows 5000000 --json widening.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from csv_assets_support.counts import write_counts
from csv_assets_support.harness import libpq, postgres_url, reset_postgres, with_schema

SOURCE = {
    "name": "counts",
    "schema_model": "csv_assets_support.counts_model:Counts",
    "schema_evolution": {"data_type": "widen"},
}
HAND_PSQL = "ALTER TABLE counts ALTER COLUMN count TYPE NUMERIC(19, 1) USING count::NUMERIC(19, 1)"
HAND_SQLITE = [
    "CREATE TABLE _w (line_id BIGINT NOT NULL, count DECIMAL_TEXT(19, 1) NOT NULL, note TEXT, "
    "_delivery_id BIGINT NOT NULL, _source_line BIGINT NOT NULL)",
    "INSERT INTO _w SELECT line_id, CAST(count AS TEXT) || '.0', note, _delivery_id, "
    "_source_line FROM counts",
    "DROP TABLE counts",
    "ALTER TABLE _w RENAME TO counts",
    "CREATE INDEX ix_counts_delivery_id ON counts (_delivery_id)",
]


def main() -> None:
    """Parse arguments, measure both databases, print and optionally save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Rows in the big table.")
    parser.add_argument("--delivery-rows", type=int, default=1_000)
    parser.add_argument("--json", type=Path, help="Also write the figures here as JSON.")
    parser.add_argument("--postgres-url", default=postgres_url())
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_widening_"))
    try:
        files = {
            "base": write_counts(scratch / "counts_base.csv", args.rows),
            "plain": write_counts(scratch / "counts_plain.csv", args.delivery_rows, args.rows + 1),
            "widening": write_counts(
                scratch / "counts_half.csv", args.delivery_rows, 2 * args.rows + 1, ".5"
            ),
        }
        results = {
            database: _measure(database, files, scratch, args.postgres_url)
            for database in ("postgresql", "sqlite")
        }
    finally:
        reset_postgres(args.postgres_url, recreate=False)
        shutil.rmtree(scratch, ignore_errors=True)
    summary = {"rows": args.rows, "delivery_rows": args.delivery_rows, "results": results}
    for database, figures in results.items():
        print(
            f"{database}: plain load {figures['plain']:.2f} s, widening load "
            f"{figures['widening']:.2f} s (the widening itself {figures['widen_stage']:.2f} s), "
            f"by hand {figures['by hand']:.2f} s; widening / by hand "
            f"{figures['widening / by hand']}x, widening / plain {figures['widening / plain']}x"
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")


def _measure(database: str, files: dict[str, Path], scratch: Path, pg_url: str) -> dict[str, float]:
    """The three figures on one database, each on a table of the same rows."""
    url = _fresh(database, scratch, pg_url, "a")
    _load(url, files["base"])
    plain, _ = _load(url, files["plain"])
    widening, stage = _load(url, files["widening"])
    url = _fresh(database, scratch, pg_url, "b")
    _load(url, files["base"])
    start = time.perf_counter()
    if database == "postgresql":
        subprocess.run(
            ["psql", libpq(pg_url), "-qc", f"SET search_path = csv_assets_bench; {HAND_PSQL}"],
            check=True,
        )
    else:
        with sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None) as conn:
            conn.execute("BEGIN IMMEDIATE")
            for statement in HAND_SQLITE:
                conn.execute(statement)
            conn.execute("COMMIT")
    by_hand = time.perf_counter() - start
    print(f"  {database}: done", file=sys.stderr, flush=True)
    return {
        "plain": round(plain, 3),
        "widening": round(widening, 3),
        "widen_stage": round(stage, 3),
        "by hand": round(by_hand, 3),
        "widening / by hand": round(widening / by_hand, 2),
        "widening / plain": round(widening / plain, 2),
    }


def _fresh(database: str, scratch: Path, pg_url: str, name: str) -> str:
    if database == "postgresql":
        reset_postgres(pg_url)
        return with_schema(pg_url)
    return f"sqlite:///{scratch / f'{name}.db'}"


def _load(url: str, path: Path) -> tuple[float, float]:
    """Seconds to load ``path`` as users do (a fresh engine), and the widening stage's."""
    from csv_assets.catalog import SourceSpec
    from csv_assets.ingest import Ingestor, create_warehouse_engine

    source = SourceSpec.model_validate(SOURCE)
    start = time.perf_counter()
    engine = create_warehouse_engine(url)
    try:
        report = Ingestor(engine, "bench").load_file(source, path, path.name)
    finally:
        engine.dispose()
    return time.perf_counter() - start, report.timings.get("widen", 0.0)


if __name__ == "__main__":
    main()
