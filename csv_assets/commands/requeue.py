"""``csv-assets requeue SOURCE [FILE]``: move rejected files back to the inbox for another try."""

from __future__ import annotations

import argparse
import os
import shutil

from csv_assets.commands.common import add_location_arguments, find_source


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``requeue``."""
    parser.add_argument("source", help="The catalog source.")
    parser.add_argument("file", nargs="?", help="Only rejected files of this name (default all).")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Move each rejected file into the inbox with a fresh mtime: a new delivery, a new run.

    The report stays in the rejected folder as the record of the earlier attempt.
    """
    from csv_assets.ingest import SourceFolders, is_candidate

    source = find_source(args.source)
    folders = SourceFolders.under(args.data_dir, source.name, source.inbox)
    moved = 0
    for path in sorted(folders.rejected.glob("*/*")):
        if not is_candidate(path.name) or path.name.endswith(".report.json"):
            continue
        if args.file and path.name != args.file:
            continue
        target = folders.inbox / path.name
        if target.exists():
            print(f"skipped {path}: {target} already waits in the inbox")
            continue
        folders.inbox.mkdir(parents=True, exist_ok=True)
        shutil.move(path, target)
        os.utime(target)
        print(f"requeued {path} -> {target}")
        moved += 1
    print(f"{moved} file(s) requeued for {source.name}")
    return 0 if moved or not args.file else 1
