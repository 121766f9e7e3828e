"""``csv-assets migrate [--grant ROLE]``: the warehouse's csv_assets tables, upgraded now."""

from __future__ import annotations

import argparse

from csv_assets.commands.common import add_location_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``migrate``."""
    add_location_arguments(parser)
    parser.add_argument(
        "--grant",
        metavar="ROLE",
        help="PostgreSQL: then let ROLE load (read and write the rows of every table in the "
        "schema, now and as tables are added), without creating or altering tables.",
    )


def run(args: argparse.Namespace) -> int:
    """Upgrade the control tables to this release's layout, as the role of the URL given.

    Every load does this itself; run it after an upgrade, as the tables' owner, when loads run
    as a role that may not change tables (docs/upgrading.md).
    """
    import sys

    from csv_assets.ingest import create_warehouse_engine, redacted_url, upgrade_warehouse
    from csv_assets.pipeline.errors import LoadError

    engine = create_warehouse_engine(args.database_url)
    try:
        done = upgrade_warehouse(engine, args.grant)
    except LoadError as error:
        print(f"csv-assets: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"{redacted_url(engine.url)}: {done.describe()}")
    for grant in done.granted:
        print(f"  granted {args.grant}: {grant}")
    return 0
