"""``csv-assets status [SOURCE]``: the ledger, newest first, and what waits in quarantine."""

from __future__ import annotations

import argparse

from csv_assets.commands.common import add_location_arguments, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``status``."""
    parser.add_argument("source", nargs="?", help="Only this source.")
    parser.add_argument("--limit", type=int, default=50, help="Most ledger rows shown.")
    parser.add_argument("--json", action="store_true", help="Print the rows as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print one line per loaded file, then the quarantine count per source."""
    import sqlalchemy as sa

    from csv_assets.ingest import create_warehouse_engine
    from csv_assets.pipeline.load import ledger, quarantine

    engine = create_warehouse_engine(args.database_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table(ledger.name):
                print("nothing loaded yet (no ledger in this warehouse)")
                return 0
            query = sa.select(
                ledger.c.source,
                ledger.c.file_name,
                ledger.c.rows_loaded,
                ledger.c.rows_rejected,
                ledger.c.loaded_at,
                ledger.c.run_id,
                ledger.c.partition_key,
                ledger.c.sha256,
            ).order_by(ledger.c.loaded_at.desc())
            held = sa.select(quarantine.c.source, sa.func.count()).group_by(quarantine.c.source)
            if args.source:
                query = query.where(ledger.c.source == args.source)
                held = held.where(quarantine.c.source == args.source)
            rows = [dict(r._mapping) for r in conn.execute(query.limit(args.limit))]
            quarantined = dict(conn.execute(held).all())
    finally:
        engine.dispose()
    if args.json:
        print_json({"ledger": rows, "quarantined": quarantined})
        return 0
    header = f"{'source':<14}{'file':<34}{'loaded':>9}{'rejected':>9}  {'when (UTC)':<20}run"
    print(header)
    for r in rows:
        print(
            f"{r['source']:<14}{r['file_name'][:33]:<34}{r['rows_loaded']:>9,}"
            f"{r['rows_rejected']:>9,}  {r['loaded_at']:%Y-%m-%d %H:%M:%S}  {r['run_id']}"
        )
    for source, count in sorted(quarantined.items()):
        print(f"{source}: {count:,} row(s) in quarantine (csv-assets replay {source})")
    return 0
