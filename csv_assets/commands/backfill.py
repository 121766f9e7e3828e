"""``csv-assets backfill FOLDER --source NAME``: a folder of past files loaded in key order.

Each file loads once as the source's delivery, then moves to its archive (or to rejected,
beside a report), exactly as the sensor would have done; run it again after a kill and it
goes on where it stopped.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from csv_assets.commands.common import add_location_arguments, find_source, print_json

if TYPE_CHECKING:
    from csv_assets.ingest import Outcome

BAR = 24
"""Width of the progress bar, in characters."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``backfill``."""
    parser.add_argument("folder", type=Path, help="The folder of past files (local).")
    parser.add_argument("--source", required=True, help="The catalog source they belong to.")
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="List the files in the order they would load, with their partition keys; load "
        "nothing.",
    )
    parser.add_argument("--json", action="store_true", help="Print every file's outcome as JSON.")
    add_location_arguments(parser)


def run(args: argparse.Namespace) -> int:
    """Load the folder's files in key order; 0 when all loaded, 2 if any was rejected, 1 if cut."""
    from csv_assets.ingest import HistoryFolder, Ingestor, create_warehouse_engine
    from csv_assets.pipeline.errors import LoadError
    from csv_assets.storage import RemoteSettings

    source = find_source(args.source)
    try:
        history = HistoryFolder(
            source, args.folder, args.data_dir, RemoteSettings.from_env(args.data_dir)
        )
    except ValueError as error:
        raise SystemExit(f"csv-assets: {error}") from None
    files = history.pending()
    if args.dry_run:
        for dropped in files:
            print(dropped.delivery.key)
        print(f"{len(files)} file(s) would load into {source.table_name}, in this order")
        return 0
    run_id = f"backfill:{getpass.getuser()}:{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    engine = create_warehouse_engine(args.database_url)
    progress = Progress(len(files), sys.stderr)
    outcomes: list[Outcome] = []
    stopped = None
    try:
        for outcome in history.load(files, Ingestor(engine, run_id)):
            outcomes.append(outcome)
            progress.show(outcome)
    except LoadError as error:
        stopped = str(error)
    finally:
        progress.end()
        engine.dispose()
    left = len(files) - len(outcomes)
    if args.json:
        print_json(
            {
                "source": source.name,
                "folder": str(args.folder),
                "files": [outcome.__dict__ for outcome in outcomes],
                "counts": dict(Counter(o.status for o in outcomes)),
                "not_tried": left,
                "stopped": stopped,
            }
        )
    else:
        print(summary(source.name, args.folder, outcomes, left, stopped, args.data_dir))
    if stopped:
        return 1
    return 2 if any(o.status == "rejected" for o in outcomes) else 0


def summary(
    source: str,
    folder: Path,
    outcomes: list[Outcome],
    left: int,
    stopped: str | None,
    data_dir: Path,
) -> str:
    """What the backfill did, in a few lines, with the next step when something is left."""
    counts = Counter(o.status for o in outcomes)
    rows = sum(o.rows for o in outcomes)
    lines = [f"{source}: {len(outcomes) + left} file(s) from {folder}"]
    lines.append(f"  loaded     {counts['loaded']} ({rows:,} rows)")
    if counts["duplicate"]:
        lines.append(f"  duplicate  {counts['duplicate']} (loaded before: moved to the archive)")
    if counts["rejected"]:
        lines.append(
            f"  rejected   {counts['rejected']}: reports in {data_dir / 'rejected' / source}; "
            f"once fixed, csv-assets requeue {source}"
        )
    if counts["changing"]:
        lines.append(f"  waiting    {counts['changing']} still being written: run again later")
    pending = [o for o in outcomes if o.detail and o.status != "rejected"]
    lines += [f"  pending    {o.name}: {o.detail}" for o in pending]
    if stopped:
        lines.append(f"stopped: {stopped}")
        lines.append(f"  {left} file(s) not tried: run the same command again to go on")
    return "\n".join(lines)


class Progress:
    """A bar on a terminal; one line per file anywhere else (a log, CI)."""

    def __init__(self, total: int, out: TextIO) -> None:
        from csv_assets.commands.terminal import raw

        self.total, self.out, self.done = total, out, 0
        self.tty = out.isatty()
        self.bar = raw(out)  # the bar's own control codes; names still go through shown()

    def show(self, outcome: Outcome) -> None:
        """Count one more file, and say so."""
        self.done += 1
        line = f"{self.done}/{self.total} {outcome.status} {outcome.name}"
        if outcome.status == "loaded":
            line += f" ({outcome.rows:,} rows)"
        if outcome.status == "rejected":
            line += f": {outcome.detail}"
        if not self.tty:
            print(line, file=self.out, flush=True)
            return
        from csv_assets.commands.terminal import shown

        if outcome.status == "rejected":
            self.bar.write(f"\r\x1b[K{shown(line)}\n")
        filled = BAR * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (BAR - filled)
        self.bar.write(f"\r\x1b[K[{bar}] {self.done}/{self.total} {shown(outcome.name)[:120]}")
        self.bar.flush()

    def end(self) -> None:
        """Leave the terminal's line clean for the summary."""
        if self.tty and self.done:
            self.bar.write("\r\x1b[K")
            self.bar.flush()
