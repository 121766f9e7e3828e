"""``csv-assets validate FILE --source NAME``: a dry run of the source's load, writing nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from csv_assets.commands.common import add_location_arguments, find_source, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``validate``."""
    parser.add_argument("file", type=Path, help="The CSV file (.csv, .csv.gz, single-file .zip).")
    parser.add_argument("--source", required=True, help="The catalog source to check it against.")
    parser.add_argument("--json", action="store_true", help="Print the verdict as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Print what a load would do; exit 0 if it would load, 2 if it would be rejected."""
    from csv_assets.commands.render import verdict_text
    from csv_assets.ingest import Ingestor, create_warehouse_engine
    from csv_assets.pipeline.errors import LoadError

    source = find_source(args.source)
    if not args.file.is_file():
        raise SystemExit(f"csv-assets: {args.file} is not a file")
    engine = create_warehouse_engine(args.database_url)
    try:
        verdict = Ingestor(engine, "dry-run").dry_run(source, args.file)
    except LoadError as error:
        print(f"could not check (the database failed): {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if args.json:
        print_json(verdict.as_dict())
    else:
        print(verdict_text(verdict))
    return 0 if verdict.would_load else 2
