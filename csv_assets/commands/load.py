"""``csv-assets load FILE --source NAME``: the asset's pipeline on one file, without Dagster."""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from csv_assets.commands.common import add_location_arguments, find_source, print_json


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``load``."""
    parser.add_argument("file", type=Path, help="The CSV file (.csv, .csv.gz, single-file .zip).")
    parser.add_argument("--source", required=True, help="The catalog source the file belongs to.")
    parser.add_argument(
        "--reload",
        action="store_true",
        help="If this delivery (same file, same modification time) was loaded before, replace "
        "exactly its rows instead of reporting it as already loaded.",
    )
    parser.add_argument("--json", action="store_true", help="Print the full report as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load the file exactly once; a file in the source's inbox then moves like a sensor's would.

    A file elsewhere stays where it is: it is the operator's, not a delivery.
    """
    from csv_assets.ingest import (
        Delivery,
        SourceFolders,
        create_warehouse_engine,
        ingest_file,
        load_path,
    )
    from csv_assets.pipeline.errors import BadFileError, LoadError

    source = find_source(args.source)
    path: Path = args.file
    if not path.is_file():
        raise SystemExit(f"csv-assets: {path} is not a file")
    folders = SourceFolders.under(args.data_dir, source.name, source.inbox)
    delivery = Delivery.of(path.name, path.stat().st_mtime_ns)
    run_id = f"cli:{getpass.getuser()}:{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    engine = create_warehouse_engine(args.database_url)
    try:
        if path.resolve().parent == folders.inbox.resolve():
            report = ingest_file(source, delivery, folders, engine, run_id, reload=args.reload)
        else:
            report = load_path(source, path, delivery.key, engine, run_id, reload=args.reload)
    except BadFileError as error:
        print(f"rejected: {error.describe()}", file=sys.stderr)
        return 2
    except LoadError as error:
        print(f"not loaded (retry later): {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if args.json:
        print_json(report.as_dict())
    else:
        print(report.summary())
    return 0
