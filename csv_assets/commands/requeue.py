"""``csv-assets requeue SOURCE [FILE]``: move rejected files back to the drop folder."""

from __future__ import annotations

import argparse

from csv_assets.commands.common import add_location_arguments, find_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``requeue``."""
    parser.add_argument("source", help="The catalog source.")
    parser.add_argument("file", nargs="?", help="Only rejected files of this name (default all).")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Move each rejected file into the drop folder (local or remote) as a new delivery.

    It gets a fresh modification time, so a new partition and a new run. The report stays in
    the rejected folder as the record of the earlier attempt.
    """
    from csv_assets.catalog import folders_for
    from csv_assets.storage import RemoteSettings

    source = find_source(args.source)
    folders = folders_for(source, args.data_dir, RemoteSettings.from_env(args.data_dir))
    moved = 0
    try:
        for entry in folders.list_rejected():
            if args.file and entry.rpartition("/")[2] != args.file:
                continue
            try:
                target = folders.requeue(entry)
            except (FileExistsError, ValueError) as error:
                print(f"skipped {entry}: {error}")
                continue
            print(f"requeued {str(folders.rejected).rstrip('/')}/{entry} -> {target}")
            moved += 1
    finally:
        folders.close()
    print(f"{moved} file(s) requeued for {source.name}")
    return 0 if moved or not args.file else 1
