"""``csv-assets load FILE --source NAME``: the asset's pipeline on one file, without Dagster.

FILE is a local path, or a file in a remote source's drop folder (``s3://bucket/drops/x.csv``,
``sftp://host/drops/x.csv``), loaded and moved exactly as the source's sensor would.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from csv_assets.commands.common import add_location_arguments, find_source, print_json

if TYPE_CHECKING:
    from csv_assets.storage import Delivery, DroppedFile


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``load``."""
    parser.add_argument(
        "file",
        help="The CSV file (.csv, .csv.gz, single-file .zip): a path, or a URL in the source's "
        "remote drop folder.",
    )
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
    from csv_assets.catalog import folders_for
    from csv_assets.commands.render import report_text
    from csv_assets.ingest import Ingestor, create_warehouse_engine
    from csv_assets.pipeline.errors import BadFileError, LoadError
    from csv_assets.storage import (
        DroppedFile,
        RemoteSettings,
        SourceFolders,
        is_remote,
        keyed,
    )

    source = find_source(args.source)
    run_id = f"cli:{getpass.getuser()}:{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    engine = create_warehouse_engine(args.database_url)
    settings = RemoteSettings.from_env(args.data_dir)
    folders = folders_for(source, args.data_dir, settings)
    try:
        if is_remote(args.file):
            delivery = remote_delivery(args.file, source.inbox, folders.list_inbox())
            report = Ingestor(engine, run_id).load(source, delivery, folders, reload=args.reload)
        else:
            path = Path(args.file)
            # The link itself, not what it points at: a link in the inbox is refused there.
            if not os.path.lexists(path) or path.is_dir():
                raise SystemExit(f"csv-assets: {path} is not a file")
            if isinstance(folders, SourceFolders) and _inside(path, folders.inbox):
                delivery = local_delivery(path, folders.list_inbox())
                report = Ingestor(engine, run_id).load(
                    source, delivery, folders, reload=args.reload
                )
            else:
                listed = DroppedFile(path.name, 0, path.lstat().st_mtime_ns)
                delivery = keyed(listed, source.keying).delivery
                spool = settings.spool_dir
                report = Ingestor(engine, run_id).load_file(
                    source, path, delivery.key, reload=args.reload, spool=spool
                )
    except BadFileError as error:
        print(f"rejected: {error.describe()}", file=sys.stderr)
        return 2
    except LoadError as error:
        print(f"not loaded{'' if error.permanent else ' (retry later)'}: {error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
        folders.close()
    if args.json:
        print_json(report.as_dict())
    else:
        print(report_text(report))
    return 0


def _inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is an entry of ``folder`` (its own last part left unresolved)."""
    return Path(os.path.abspath(path)).parent.resolve() == folder.resolve()


def local_delivery(path: Path, listing: list[DroppedFile]) -> Delivery:
    """The delivery an inbox file is, as the inbox's listing (and so the sensor) has it."""
    for dropped in listing:
        if dropped.name == path.name:
            return dropped.delivery
    raise SystemExit(f"csv-assets: {path} is not a delivery (a dotfile or a partial upload?)")


def remote_delivery(url: str, inbox: str, listing: list[DroppedFile]) -> Delivery:
    """The delivery a remote URL names, as the drop folder's listing has it now."""
    folder = inbox if inbox.endswith("/") else inbox + "/"
    name = url.removeprefix(folder)
    if not url.startswith(folder) or "/" in name:
        raise SystemExit(f"csv-assets: {url} is not a file directly in the drop folder {folder}")
    for dropped in listing:
        if dropped.name == name:
            return dropped.delivery
    raise SystemExit(f"csv-assets: {url} is not in the drop folder (loaded or moved already?)")
