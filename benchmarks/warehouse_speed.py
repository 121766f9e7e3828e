"""DuckDB and MySQL/MariaDB: our pipeline against each database's own CSV loader, in one run.

The sales workload (13 columns of order lines) is loaded into a fresh typed table by each method
in its own process; the parent times it and reads the child's peak RSS from ``wait4``. Methods
take turns for ``--repeat`` rounds and a figure is the median of its rounds. The floors:

- DuckDB: ``COPY floor FROM 'file' (HEADER)``, DuckDB's own ``read_csv`` into a typed table.
- MySQL/MariaDB: ``LOAD DATA LOCAL INFILE`` of the file by the ``mysql`` client into a typed
  table, empty fields read as NULL (as a correct load stores them).

    python benchmarks/warehouse_speed.py --rows 1000000 5000000 --json results.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from csv_assets_support import sales
from csv_assets_support.harness import timed

MYSQL_URL = "mysql+pymysql://root@127.0.0.1:3306/test"
COLUMNS = (
    "order_id, line_no, order_date, shipped_at, customer_id, sku, quantity, unit_price, "
    "discount, tax, gift_wrap, note, store"
)
NULLABLE = ("shipped_at", "discount", "tax", "gift_wrap", "note")


def main() -> None:
    """Parse arguments; run the whole benchmark, or one of our loads (in a child)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mysql-url", default=MYSQL_URL, help="Server of the MariaDB methods.")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _ours(Path(args.child[0]), args.child[1])
        return
    figures = [figure for rows in args.rows for figure in _measure(rows, args)]
    for f in figures:
        print(
            f"{f['rows']:>10,} rows {f['database']:<8} floor {f['floor_s']:>7.2f}s  ours "
            f"{f['ours_s']:>7.2f}s  ours / floor {f['ours_over_floor']}x  "
            f"peak {f['peak_rss_mb']} MB"
        )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")


def _measure(rows: int, args: argparse.Namespace) -> list[dict[str, object]]:
    path = sales.csv_file(rows)
    print(f"{path}: {path.stat().st_size / 1e6:.0f} MB", file=sys.stderr, flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="csv_assets_warehouses_"))
    runs: dict[tuple[str, str], list[tuple[float, float]]] = {}
    try:
        for round_ in range(args.repeat):
            floor_file, ours_file = (scratch / f"{m}_{round_}.duckdb" for m in ("floor", "ours"))
            methods: dict[tuple[str, str], Callable[[], tuple[float, float]]] = {
                ("duckdb", "floor"): partial(_duckdb_copy, path, floor_file),
                ("duckdb", "ours"): partial(_child, path, f"duckdb:///{ours_file}"),
                ("mariadb", "floor"): partial(_mysql_floor, path, args.mysql_url),
                ("mariadb", "ours"): partial(_with_database, args.mysql_url, partial(_child, path)),
            }
            for key, run in methods.items():
                print(f"  round {round_ + 1}: {key[1]} -> {key[0]}", file=sys.stderr, flush=True)
                runs.setdefault(key, []).append(run())
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    figures = []
    for database in ("duckdb", "mariadb"):
        floor = statistics.median(s for s, _ in runs[database, "floor"])
        ours = statistics.median(s for s, _ in runs[database, "ours"])
        figures.append(
            {
                "rows": rows,
                "database": database,
                "floor_s": round(floor, 2),
                "ours_s": round(ours, 2),
                "ours_over_floor": round(ours / floor, 2),
                "peak_rss_mb": round(max(r for _, r in runs[database, "ours"])),
                "rounds": [round(s, 2) for s, _ in runs[database, "ours"]],
            }
        )
    return figures


def _child(path: Path, url: str) -> tuple[float, float]:
    return timed([sys.executable, __file__, "--child", str(path), url])


def _with_database(server: str, run: Callable[[str], tuple[float, float]]) -> tuple[float, float]:
    """``run(url)`` on a fresh database of the server, dropped after."""
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4")
    try:
        return run(sa.make_url(server).set(database=name).render_as_string(False))
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f"DROP DATABASE {name}")
        admin.dispose()


def _duckdb_copy(path: Path, database: Path) -> tuple[float, float]:
    ddl = sales.FLOOR_DDL.format(name="floor")
    script = (
        "import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute(sys.argv[2]); "
        'c.execute("COPY floor FROM \'" + sys.argv[3] + "\' (HEADER)"); c.close()'
    )
    return timed([sys.executable, "-c", script, str(database), ddl, str(path)])


def _mysql_floor(path: Path, server: str) -> tuple[float, float]:
    def load(url: str) -> tuple[float, float]:
        target = sa.make_url(url)
        ddl = sales.FLOOR_DDL.format(name="floor").replace("TIMESTAMP", "DATETIME")
        variables = ", ".join(f"@{c}" if c in NULLABLE else c for c in COLUMNS.split(", "))
        nulls = ", ".join(f"{c} = NULLIF(@{c}, '')" for c in NULLABLE if c != "gift_wrap")
        statement = (
            f"{ddl}; LOAD DATA LOCAL INFILE '{path}' INTO TABLE floor CHARACTER SET utf8mb4 "
            "FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '\"' IGNORE 1 LINES "
            f"({variables}) SET {nulls}, gift_wrap = NULLIF(@gift_wrap, '') = 'true'"
        )
        client = ["mysql", "--local-infile=1", "-h", target.host or "127.0.0.1"]
        client += ["-P", str(target.port or 3306), "-u", target.username or "root"]
        return timed([*client, target.database or "test", "-e", statement])

    return _with_database(server, load)


def _ours(path: Path, url: str) -> None:
    from csv_assets.ingest import Ingestor, create_warehouse_engine

    engine = create_warehouse_engine(url)
    report = Ingestor(engine, "bench").load_file(sales.source_spec(), path, f"{path.name}@b")
    stages = ", ".join(f"{k} {v:.2f}s" for k, v in report.timings.items())
    print(f"    {report.rows_loaded:,} rows; {stages}", file=sys.stderr, flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
