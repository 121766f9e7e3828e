"""``csv-assets status [SOURCE]``: each source at a glance, then the ledger and the quarantine."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from csv_assets.commands.common import add_location_arguments, find_source, print_json

if TYPE_CHECKING:
    import sqlalchemy as sa

    from csv_assets.ingest import BuildStatus, SourceStatus


STUCK_HOURS = 1.0
"""A waiting file older than this is pointed out: the sensor loads a settled file in minutes."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``status``."""
    parser.add_argument("source", nargs="?", help="Only this source.")
    parser.add_argument("--limit", type=int, default=50, help="Most ledger rows shown.")
    parser.add_argument("--json", action="store_true", help="Print everything as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print each source at a glance, then the tables built from them, the ledger, the quarantine.

    Per source: the last delivery, its age against the freshness policy, files waiting in the
    drop folder and rejected files not requeued. Per built table (daily_revenue): its last
    build against its freshness. Then one line per loaded file, newest first, and the rows each
    source holds in quarantine.
    """
    from csv_assets.catalog import read_catalog
    from csv_assets.ingest import build_status, create_warehouse_engine, reader, source_status
    from csv_assets.storage import RemoteSettings

    catalog, broken = read_catalog()
    sources = [find_source(args.source)] if args.source else list(catalog.values())
    engine = create_warehouse_engine(args.database_url)
    try:
        settings = RemoteSettings.from_env(args.data_dir)
        statuses = source_status(sources, reader(engine), args.data_dir, settings)
        rows, quarantined = ledger_rows(reader(engine), args.source, args.limit)
        built = [] if args.source else build_status(reader(engine))
    finally:
        engine.dispose()
    problems = [] if args.source else [str(problem) for problem in broken]
    if args.json:
        print_json(
            {
                "sources": [s.as_dict() for s in statuses],
                "built": [b.as_dict() for b in built],
                "ledger": rows,
                "quarantined": quarantined,
                "broken": problems,
            }
        )
    else:
        print_sources(statuses)
        print_built(built)
        print_ledger(rows, quarantined)
    for problem in problems:  # the other sources were shown: a broken one is said, last
        print(f"csv-assets: {problem}", file=sys.stderr)
    return 2 if problems else 0


def print_ledger(rows: list[dict[str, Any]], quarantined: dict[str, int]) -> None:
    """One line per loaded file, newest first, then the rows each source holds in quarantine."""
    if not rows:
        print("\nnothing loaded yet")
        return
    print(f"\n{'source':<14}{'file':<34}{'loaded':>9}{'rejected':>9}  {'when (UTC)':<20}run")
    for r in rows:
        print(
            f"{r['source']:<14}{r['file_name'][:33]:<34}{r['rows_loaded']:>9,}"
            f"{r['rows_rejected']:>9,}  {r['loaded_at']:%Y-%m-%d %H:%M:%S}  {r['run_id']}"
        )
    for source, count in sorted(quarantined.items()):
        print(f"{source}: {count:,} row(s) in quarantine (csv-assets replay {source})")


def print_sources(statuses: list[SourceStatus]) -> None:
    """One line per source; a folder that could not be listed says why below its line."""
    width = max([len("last delivery"), *(len(s.last_delivery or "") for s in statuses)]) + 2
    print(
        f"{'source':<14}{'last delivery':<{width}}{'age':>6}  {'fresh':<16}{'waiting':>8}"
        f"{'rejected':>9}  drop folder"
    )
    for s in statuses:
        age = "-" if s.age_hours is None else _age(s.age_hours)
        policy = f"{s.fresh} (<{s.freshness_hours:g}h)" if s.freshness_hours else s.fresh
        waiting = "?" if s.waiting is None else f"{s.waiting:,}"
        rejected = "?" if s.rejected is None else f"{s.rejected:,}"
        print(
            f"{s.source:<14}{s.last_delivery or 'none':<{width}}{age:>6}  {policy:<16}"
            f"{waiting:>8}{rejected:>9}  {s.drop_folder}"
        )
        if s.folder_error:
            print(f"{'':<14}cannot list the drop folder: {s.folder_error}")
        if (s.oldest_waiting_hours or 0) >= STUCK_HOURS:
            print(
                f"{'':<14}a file has waited {_age(s.oldest_waiting_hours or 0)} in the drop "
                "folder: docs/operating.md#runbook-a-stuck-or-rejected-delivery"
            )
        if s.future_dated:
            print(
                f"{'':<14}{s.future_dated} waiting file(s) dated in the future (a writer's "
                "clock is wrong): the sensor loads each once it held still for settle_seconds"
            )
    if any(s.rejected for s in statuses):
        print("rejected files wait beside their reports: csv-assets requeue SOURCE after a fix")


def print_built(built: list[BuildStatus]) -> None:
    """One line per table built from the sources: its last build's age against its freshness."""
    if not built:
        return
    print(f"\n{'built':<14}{'last build (UTC)':<22}{'age':>6}  {'fresh':<16}{'rows':>9}  run")
    for b in built:
        policy = f"{b.fresh} (<{b.freshness_hours:g}h)" if b.freshness_hours else b.fresh
        print(
            f"{b.asset:<14}{b.built_at:%Y-%m-%d %H:%M:%S}{'':<3}{_age(b.age_hours):>6}  "
            f"{policy:<16}{b.row_count:>9,}  {b.run_id}"
        )


def _age(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f}m"
    return f"{hours:.1f}h" if hours < 48 else f"{hours / 24:.1f}d"


def ledger_rows(
    engine: sa.Engine, source: str | None, limit: int
) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The newest ledger rows, and the quarantined rows per source."""
    import sqlalchemy as sa

    from csv_assets.pipeline.load import ledger, quarantine

    with engine.connect() as conn:
        if not sa.inspect(conn).has_table(ledger.name):
            return [], {}
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
        if source:
            query = query.where(ledger.c.source == source)
            held = held.where(quarantine.c.source == source)
        rows = [dict(r._mapping) for r in conn.execute(query.limit(limit))]
        return rows, dict(conn.execute(held).all())
