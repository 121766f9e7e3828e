"""``csv-assets replay SOURCE [--file F]``: load the quarantined rows that now pass."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime

from csv_assets.commands.common import add_location_arguments, find_source, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``replay``."""
    parser.add_argument("source", help="The catalog source whose quarantine to replay.")
    parser.add_argument("--file", help="Only rows of this file name.")
    parser.add_argument("--json", action="store_true", help="Print the outcome as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Replay atomically and print what moved, per file."""
    from dataclasses import asdict

    from csv_assets.ingest import Ingestor, create_warehouse_engine

    source = find_source(args.source)
    engine = create_warehouse_engine(args.database_url)
    run_id = f"cli-replay:{getpass.getuser()}:{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    try:
        report = Ingestor(engine, run_id).replay(source, args.file)
    finally:
        engine.dispose()
    if args.json:
        print_json(asdict(report))
        return 0
    for name, outcome in report.files.items():
        note = f"  ({outcome['note']})" if outcome["note"] else ""
        print(
            f"{name}: {outcome['replayed']} loaded, {outcome['still_failing']} still failing{note}"
        )
    print(f"{source.name}: {report.replayed} row(s) loaded, {report.still_failing} still held")
    if report.rescued_moved or report.rescued_left:
        print(
            f"{source.name}: {report.rescued_moved} rescued cell(s) moved into their columns, "
            f"{report.rescued_left} still rescued"
        )
    return 0
